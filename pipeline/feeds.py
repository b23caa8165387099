"""Feed sources: RSS/Atom feeds whose items' pages become articles.

A feed (a URL, or a local file an operator names) is parsed by feedparser; each new item's page is fetched by
`pipeline.web.fetcher` (public addresses only, bounded size and time, polite) and decoded as a browser would
(header, `<meta>`, detection); its text, title and publication date are extracted by trafilatura, a maintained
main-text extractor (boilerplate, menus and comments left out). The page's URL is the article's identity
(`pipeline.identity`); URLs already stored are not fetched again. A feed or page that fails becomes a `Reject`
keyed by its own URL, with the reason (`blocked_url`, `too_large`, `timeout`, `http_error`, ...), and the rest of
the feed goes on. Each feed has a deadline for itself and its pages, and a run fetches at most
`Limits.max_items` pages: what is left waits for the next run. Pure: no Prefect here.
"""

from __future__ import annotations

import os
import stat
import time
import tomllib
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from pipeline.identity import read_clock, url_key
from pipeline.records import RawDocument, Reject
from pipeline.web.body import byte_limit
from pipeline.web.fetcher import Fetcher, FetchError


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


def feed_key(source: str) -> str:
    """The source key of a feed's own rejects: its URL (as `pipeline.identity` keys URLs) or its path."""
    return url_key(source) or source


def is_local(source: str) -> bool:
    """Whether a feed is named by a path (no URL scheme; a one-letter scheme is a Windows drive)."""
    return len(urlsplit(source).scheme) <= 1


def _feed_reject(source: str, reason: str, detail: str) -> Reject:
    return Reject(source, "feed", source, reason, detail, source_key=feed_key(source))


def read_local_feed(source: str, limit: int) -> bytes:
    """A feed file's bytes, at most `limit` of them; a device, FIFO or folder is refused before it is opened
    (`/dev/zero` never ends, a FIFO blocks)."""
    mode = os.stat(source).st_mode
    if not stat.S_ISREG(mode):
        raise FetchError("unreadable", "not a regular file (a device, FIFO, socket or folder)")
    with open(source, "rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise FetchError("too_large", f"over {byte_limit(limit)}")
    return data


def read_feed(source: str, fetcher: Fetcher, until: float | None = None,
              local_ok: bool = True) -> list[FeedItem] | Reject:
    """The items of a feed (URL, or a local file when `local_ok`), or the Reject of a feed that cannot be read."""
    import feedparser

    headers = {}
    try:
        if not is_local(source):
            fetched = fetcher.get(source, until)
            if fetched.status != 200:
                return _feed_reject(source, "http_error", f"HTTP {fetched.status}")
            data = fetched.body
            headers = {"content-type": fetched.content_type or "", "content-location": fetched.url}
        elif not local_ok:
            return _feed_reject(source, "blocked_url", "a local path is not read as a feed here: feeds given as run "
                                                       "parameters must be http(s) URLs (list local files in the "
                                                       "sources file)")
        else:
            data = read_local_feed(source, fetcher.limits.max_bytes)
    except FetchError as exc:
        return _feed_reject(source, exc.reason, exc.detail)
    except OSError as exc:
        return _feed_reject(source, "unreadable", exc.strerror or str(exc))
    except Exception as exc:  # noqa: BLE001 - one feed must never stop the run
        return _feed_reject(source, "fetch_error", f"{type(exc).__name__}: {exc}")
    parsed = feedparser.parse(data, response_headers=headers)
    if parsed.bozo and not parsed.entries:
        return _feed_reject(source, "invalid_feed", str(parsed.bozo_exception)[:300])
    items = []
    for entry in parsed.entries:
        link = entry.get("link")
        if not isinstance(link, str) or not link.strip():
            continue
        stamp = entry.get("published_parsed") or entry.get("updated_parsed")
        items.append(FeedItem(link.strip(), entry.get("title"), date(*stamp[:3]) if stamp else None, source))
    return items


def fetch_article(item: FeedItem, fetcher: Fetcher, until: float | None = None) -> RawDocument | Reject:
    """An item's page as a RawDocument (text, title and date from trafilatura; the feed's date when the page has
    none), or the Reject saying why not — keyed by the page's URL, the feed named in its detail."""
    import trafilatura

    from pipeline.web.body import decode_html

    key = url_key(item.url) or item.url

    def reject(reason: str, detail: str) -> Reject:
        return Reject(item.url, "feed", item.url, reason, f"{detail} (an item of {item.feed})", source_key=key)

    read_at = read_clock()
    try:
        fetched = fetcher.get(item.url, until)
    except FetchError as exc:
        return reject(exc.reason, exc.detail)
    except Exception as exc:  # noqa: BLE001 - one page must never stop the run
        return reject("fetch_error", f"{type(exc).__name__}: {exc}")
    if fetched.status != 200:
        return reject("http_error", f"HTTP {fetched.status}")
    try:
        encoding, html = decode_html(fetched.content_type, fetched.body)
        document = trafilatura.bare_extraction(html, url=fetched.url, with_metadata=True, include_comments=False,
                                               include_tables=False)
        page = document.as_dict() if document is not None else None
    except Exception as exc:  # noqa: BLE001
        return reject("unexpected_error", f"text extraction: {type(exc).__name__}: {exc}")
    text = (page or {}).get("text") or ""
    if not text.strip():
        return reject("no_text", "no article text found in the page")
    published = _date((page or {}).get("date")) or item.published_at
    warnings = () if published else ("no publication date in the page or the feed: published_at unknown",)
    if encoding.replace("_", "-").lower() not in {"utf-8", "utf8"}:
        warnings += (f"decoded from {encoding}",)
    return RawDocument(item.url, "feed", item.feed, text, encoding, url=item.url, published_at=published,
                       title=(page or {}).get("title") or item.title, header_in_text=False, warnings=warnings,
                       source_key=key, unit_key=key, read_at=read_at)


def _date(value) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def read_feeds(sources: Iterable[str], seen: set[str], fetcher: Fetcher | None = None,
               local: Collection[str] | None = None) -> Iterator[RawDocument | Reject]:
    """Every new item of every feed as a RawDocument or a Reject; items whose URL is in `seen` (stored source
    keys) are not fetched. Local feed files are read when `local` is None or names them. A feed out of time, or a
    run at its cap of new pages, leaves the rest of its items for the next run and says so in one Reject of the
    feed (`timeout`, `item_cap`)."""
    own = fetcher is None
    fetcher = fetcher or Fetcher()
    limits = fetcher.limits
    fetched = 0
    try:
        for source in sources:
            until = time.monotonic() + limits.feed_deadline
            items = read_feed(source, fetcher, until, local is None or source in local)
            if isinstance(items, Reject):
                yield items
                continue
            new, keys = [], set()
            for item in items:  # each new URL once
                key = url_key(item.url) or item.url
                if key not in seen and key not in keys:
                    keys.add(key)
                    new.append((key, item))
            for n, (key, item) in enumerate(new):
                left = len(new) - n
                if fetched >= limits.max_items:
                    yield _feed_reject(source, "item_cap", f"{left} new item(s) left for the next run: this run "
                                       f"fetched its cap of {limits.max_items} pages (PIPELINE_FETCH_MAX_ITEMS)")
                    break
                if time.monotonic() >= until:
                    yield _feed_reject(source, "timeout", f"{left} new item(s) left for the next run: the feed's "
                                       f"{limits.feed_deadline:.0f} s deadline passed (PIPELINE_FETCH_FEED_DEADLINE)")
                    break
                seen.add(key)
                fetched += 1
                yield fetch_article(item, fetcher, until)
    finally:
        if own:
            fetcher.close()
