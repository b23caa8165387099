"""Feed sources against a local HTTP server on 127.0.0.1 (no outside network): a feed and pages written here."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from helpers import FEED, Site
from pipeline.feeds import load_sources, read_feed
from pipeline.web.fetcher import Fetcher, Limits

@pytest.fixture
def site(monkeypatch):
    monkeypatch.setenv("PIPELINE_FETCH_TIMEOUT", "1")
    monkeypatch.setenv("PIPELINE_FETCH_RETRIES", "1")
    monkeypatch.setenv("PIPELINE_FETCH_PAUSE", "0")
    served = Site()
    monkeypatch.setenv("PIPELINE_FETCH_ALLOW", served.allow)
    yield served
    served.close()


def test_sources_file(tmp_path):
    path = tmp_path / "sources.toml"
    path.write_text('[[feed]]\nurl = "https://a.example/rss"\n\n[[feed]]\nurl = "feeds/b.xml"\nenabled = false\n',
                    encoding="utf-8")
    assert load_sources(path) == ["https://a.example/rss"]
    assert load_sources(tmp_path / "absent.toml") == []
    path.write_text('[[feed]]\nname = "без адреса"\n', encoding="utf-8")
    with pytest.raises(ValueError, match="url"):
        load_sources(path)


def test_a_feed_file_and_a_broken_feed(tmp_path):
    fetcher = Fetcher(Limits(timeout=1, retries=0, pause=0, allow="127.0.0.1:9"))
    feed = tmp_path / "feed.xml"
    feed.write_text(FEED.format(base="https://news.example"), encoding="utf-8")
    items = read_feed(str(feed), fetcher)
    assert [i.url for i in items] == ["https://news.example/news/1", "https://news.example/news/missing",
                                      "https://news.example/news/slow"]
    assert items[0].published_at == date(2025, 11, 3) and items[1].published_at is None
    feed.write_text("это не лента", encoding="utf-8")
    assert read_feed(str(feed), fetcher).reason == "invalid_feed"
    assert read_feed("http://127.0.0.1:9/feed.xml", fetcher).reason == "fetch_error"  # nothing listens on port 9


@pytest.mark.usefixtures("prefect_harness")
def test_ingest_lands_feed_articles_once_and_rejects_what_fails(site, tmp_path):
    from pipeline.flows import ingest
    from pipeline.store import read

    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    feed = f"{site.base}/feed.xml"
    first = ingest(inbox=str(inbox), out_dir=str(out), feeds=[feed], sources=None)
    assert (first["processed"], first["rejected"]) == (1, 2)
    article = read(out, "articles").to_pylist()[0]
    assert article["url"] == article["source_key"] == f"{site.base}/news/1"
    assert article["published_at"] == date(2025, 11, 3) and article["source_format"] == "feed"
    assert "9,5 млрд рублей" in article["text"] and "Главная" not in article["text"]  # the menu is not text
    assert len(read(out, "claims")) >= 2
    rejects = {r["source_key"].rsplit("/", 1)[1]: (r["reason"], r["detail"]) for r in read(out, "rejects").to_pylist()}
    assert rejects["missing"] == ("http_error", f"HTTP 404 (an item of {feed})")
    assert rejects["slow"][0] == "timeout"
    stored = {r["source_key"]: r for r in read(out, "rejects").to_pylist()}
    assert {r["path"] for r in stored.values()} == set(stored)  # a page's reject names the page, not its feed

    again = ingest(inbox=str(inbox), out_dir=str(out), feeds=[feed], sources=None)
    assert site.hits["/news/1"] == 1  # a stored URL is not fetched again
    assert again["processed"] == 0 and site.hits["/feed.xml"] == 2


def test_the_sources_file_feeds_the_scheduled_ingest(site, tmp_path, prefect_harness):
    from pipeline.flows import ingest
    from pipeline.store import read

    sources = tmp_path / "sources.toml"
    sources.write_text(f'[[feed]]\nurl = "{site.base}/feed.xml"\n', encoding="utf-8")
    (tmp_path / "inbox").mkdir()
    ingest(inbox=str(tmp_path / "inbox"), out_dir=str(tmp_path / "out"), sources=str(sources))
    assert [a["url"] for a in read(tmp_path / "out", "articles").to_pylist()] == [f"{site.base}/news/1"]
    assert Path(sources).is_file()
