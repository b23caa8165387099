"""Feed sources: RSS/Atom feeds whose items' pages become articles.

A feed (a URL or a local file) is read with feedparser; each item's page is fetched with httpx (timeout,
retries with backoff on timeouts, connection errors and 5xx, a pause between requests to one host, a user
agent naming the project) and its text, title and publication date are extracted with trafilatura, a maintained
main-text extractor (boilerplate, menus and comments left out). The page's URL is the article's identity
(`pipeline.identity`); URLs already stored are not fetched again. A page that fails becomes a `Reject` with the
HTTP status or the error. Pure: no Prefect here.
"""

from __future__ import annotations

import os
import time
import tomllib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from pipeline import __version__
from pipeline.identity import read_clock, url_key
from pipeline.records import RawDocument, Reject

USER_AGENT = f"ru-technews-pipeline/{__version__} (news claims extraction; at most one request per second per site)"
# defaults, each overridden by its PIPELINE_FETCH_* environment variable (read when a Fetcher is made)
TIMEOUT = 20.0  # seconds per request (PIPELINE_FETCH_TIMEOUT)
RETRIES = 2  # attempts after the first one (PIPELINE_FETCH_RETRIES)
PAUSE = 1.0  # seconds between two requests to one host (PIPELINE_FETCH_PAUSE)


@dataclass(frozen=True)
class FeedItem:
    url: str
    title: str | None
    published_at: date | None
    feed: str


def load_sources(path: Path) -> list[str]:
    """The feed URLs (or files) of a sources file: `[[feed]]` tables with a `url` each."""
    path = Path(path)
    if not path.is_file():
        return []
    with open(path, "rb") as handle:
        data = tomllib.load(handle)
    feeds = data.get("feed", [])
    bad = [f for f in feeds if not isinstance(f, dict) or not isinstance(f.get("url"), str)]
    if bad:
        raise ValueError(f"{path}: every [[feed]] needs a url string; got {bad[:3]}")
    return [f["url"] for f in feeds if f.get("enabled", True)]


class Fetcher:
    """GETs pages politely: one client (connection reuse), a pause between requests to the same host, retries
    with backoff on timeouts, connection errors and 5xx answers."""

    def __init__(self, timeout: float | None = None, retries: int | None = None, pause: float | None = None):
        import httpx

        timeout = float(os.environ.get("PIPELINE_FETCH_TIMEOUT", TIMEOUT)) if timeout is None else timeout
        self.client = httpx.Client(timeout=timeout, follow_redirects=True, headers={"User-Agent": USER_AGENT})
        self.retries = int(os.environ.get("PIPELINE_FETCH_RETRIES", RETRIES)) if retries is None else retries
        self.pause = float(os.environ.get("PIPELINE_FETCH_PAUSE", PAUSE)) if pause is None else pause
        self.last: dict[str, float] = {}

    def get(self, url: str):
        """The response (any status) or raises the last transport error."""
        import httpx

        host = urlsplit(url).netloc
        for attempt in range(self.retries + 1):
            wait = self.last.get(host, 0) + self.pause - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            try:
                response = self.client.get(url)
            except httpx.TransportError:
                if attempt == self.retries:
                    raise
            else:
                if response.status_code < 500 or attempt == self.retries:
                    return response
            finally:
                self.last[host] = time.monotonic()
            time.sleep(min(0.5 * 2 ** attempt, 8))
        raise AssertionError("unreachable")

    def close(self) -> None:
        self.client.close()


def _error(exc: Exception, fetcher: Fetcher) -> str:
    import httpx

    if isinstance(exc, httpx.TimeoutException):
        return f"timeout ({type(exc).__name__}) after {fetcher.retries + 1} attempt(s)"
    return f"{type(exc).__name__}: {exc}"


def read_feed(source: str, fetcher: Fetcher) -> list[FeedItem] | Reject:
    """The items of a feed (URL or local file), or the Reject of a feed that cannot be read."""
    import feedparser

    try:
        if urlsplit(source).scheme in {"http", "https"}:
            response = fetcher.get(source)
            if response.status_code != 200:
                return Reject(source, "feed", source, "http_error", f"HTTP {response.status_code}", source_key=source)
            parsed = feedparser.parse(response.content)
        else:
            parsed = feedparser.parse(Path(source).read_bytes())
    except Exception as exc:  # noqa: BLE001 - one feed must never stop the run
        return Reject(source, "feed", source, "fetch_error", _error(exc, fetcher), source_key=source)
    if parsed.bozo and not parsed.entries:
        return Reject(source, "feed", source, "invalid_feed", str(parsed.bozo_exception)[:300], source_key=source)
    items = []
    for entry in parsed.entries:
        link = entry.get("link")
        if not link:
            continue
        stamp = entry.get("published_parsed") or entry.get("updated_parsed")
        items.append(FeedItem(link, entry.get("title"), date(*stamp[:3]) if stamp else None, source))
    return items


def fetch_article(item: FeedItem, fetcher: Fetcher) -> RawDocument | Reject:
    """An item's page as a RawDocument (text, title and date from trafilatura; the feed's date when the page has
    none), or the Reject saying why not."""
    import trafilatura

    key = url_key(item.url) or item.url

    def reject(reason: str, detail: str) -> Reject:
        return Reject(item.url, "feed", item.feed, reason, detail, source_key=key)

    read_at = read_clock()
    try:
        response = fetcher.get(item.url)
    except Exception as exc:  # noqa: BLE001 - one page must never stop the run
        return reject("fetch_error", _error(exc, fetcher))
    if response.status_code != 200:
        return reject("http_error", f"HTTP {response.status_code}")
    try:
        document = trafilatura.bare_extraction(response.text, url=str(response.url), with_metadata=True,
                                               include_comments=False, include_tables=False)
        page = document.as_dict() if document is not None else None
    except Exception as exc:  # noqa: BLE001
        return reject("unexpected_error", f"text extraction: {type(exc).__name__}: {exc}")
    text = (page or {}).get("text") or ""
    if not text.strip():
        return reject("no_text", "no article text found in the page")
    published = _date((page or {}).get("date")) or item.published_at
    warnings = () if published else ("no publication date in the page or the feed: published_at unknown",)
    return RawDocument(item.url, "feed", item.feed, text, "utf-8", url=item.url, published_at=published,
                       title=(page or {}).get("title") or item.title, header_in_text=False, warnings=warnings,
                       source_key=key, unit_key=key, read_at=read_at)


def _date(value) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def read_feeds(sources: Iterable[str], seen: set[str], fetcher: Fetcher | None = None) -> Iterator[RawDocument | Reject]:
    """Every new item of every feed as a RawDocument or a Reject; items whose URL is in `seen` (stored source
    keys) are not fetched."""
    own = fetcher is None
    fetcher = fetcher or Fetcher()
    try:
        for source in sources:
            items = read_feed(source, fetcher)
            if isinstance(items, Reject):
                yield items
                continue
            for item in items:
                if (url_key(item.url) or item.url) in seen:
                    continue
                seen.add(url_key(item.url) or item.url)
                yield fetch_article(item, fetcher)
    finally:
        if own:
            fetcher.close()
