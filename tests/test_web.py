"""Fetching the open web as an attacker would serve it: internal addresses in every spelling, redirects to them,
gzip bombs, endless and trickling pages, local devices as feeds, pages in windows-1251. Servers are started here
on 127.0.0.1; the "site" is let through by an allow-list of its own port, everything else on loopback is what
an internal service would be."""

from __future__ import annotations

import gzip
import os
import threading
import time
import tracemalloc
import zlib
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from pipeline.feeds import FeedItem, fetch_article, read_feed, read_feeds
from pipeline.ingest import build_article
from pipeline.web.body import TooLarge, UnsupportedEncoding, decode_html, read_limited
from pipeline.web.fetcher import Fetcher, FetchError, Limits
from pipeline.web.policy import Policy, Refused, address_problem, link_target, parse_allow

ARTICLE = ("<p>Компания «Северный Ветер» в третьем квартале увеличила выручку на 14% до 9,5 млрд рублей, сообщил её "
           "финансовый директор Иван Петров. Годом ранее выручка составляла 8,3 млрд рублей.</p>"
           "<p>Рост обеспечили продажи серверов и облачных услуг: на них пришлось около 60% выручки. В четвёртом "
           "квартале компания рассчитывает вложить 2 млрд рублей в новый центр обработки данных в Казани.</p>")


def page(title: str, charset: str | None = "utf-8") -> str:
    meta = f'<meta charset="{charset}">' if charset else ""
    return (f"<!doctype html><html lang=\"ru\"><head>{meta}<title>{title}</title></head><body><article>"
            f"<h1>{title}</h1>{ARTICLE}</article></body></html>")


def rss(links: list[str]) -> str:
    items = "".join(f"<item><title>Новость {i}</title><link>{link}</link></item>" for i, link in enumerate(links))
    return f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Лента</title>{items}</channel></rss>'


class Server:
    """A threaded HTTP server on 127.0.0.1 whose routes are functions of the request handler."""

    def __init__(self, routes: dict):
        self.hits: Counter = Counter()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - the http.server API
                server.hits[self.path] += 1
                route = routes.get(self.path.split("?")[0])
                try:
                    if route is None:
                        self.send(404, b"not here")
                    else:
                        route(self)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up, as it should

            def send(self, status: int, body: bytes, kind: str = "text/html; charset=utf-8", **headers):
                self.send_response(status)
                self.send_header("Content-Type", kind)
                for name, value in headers.items():
                    self.send_header(name.replace("_", "-"), value)
                if "Content_Length" not in headers:
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def secret():
    """An internal service: nothing may ever reach it."""
    served = Server({"/secret": lambda h: h.send(200, page("Секретная страница").encode())})
    yield served
    served.close()


def _trickle(handler):
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html; charset=utf-8")
    handler.send_header("Content-Length", "100000")
    handler.end_headers()
    for _ in range(200):
        handler.wfile.write(b" ")
        handler.wfile.flush()
        time.sleep(0.3)


def _endless(handler):
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html; charset=utf-8")
    handler.end_headers()  # no length: read until the server stops, which it does not
    chunk = b"<p>" + "Очень длинная страница. ".encode() * 400 + b"</p>"
    for _ in range(10_000):
        handler.wfile.write(chunk)


BOMB = gzip.compress(b" " * 64_000_000, compresslevel=9)  # 62 KB on the wire, 64 MB inflated


@pytest.fixture
def site(monkeypatch, secret):
    """A news site let through by the allow-list: good pages, redirects to the secret, bombs and trickles."""
    routes = {
        "/news/1": lambda h: h.send(200, page("Выручка выросла").encode()),
        "/news/cp1251-meta": lambda h: h.send(200, page("Страница в windows-1251", "windows-1251").encode("cp1251"),
                                              kind="text/html"),
        "/news/cp1251-header": lambda h: h.send(200, page("Кодировка в заголовке", None).encode("cp1251"),
                                                kind="text/html; charset=windows-1251"),
        "/news/cp1251-bare": lambda h: h.send(200, page("Кодировка не названа", None).encode("cp1251"), kind="text/html"),
        "/news/deflate": lambda h: h.send(200, zlib.compress(page("Сжатая страница").encode()),
                                          Content_Encoding="deflate"),
        "/to-secret": lambda h: h.send(302, b"", Location=f"{secret.base}/secret"),
        "/to-localhost": lambda h: h.send(301, b"", Location=f"http://localhost:{secret.port}/secret"),
        "/to-file": lambda h: h.send(302, b"", Location="file:///etc/passwd"),
        "/to-news": lambda h: h.send(302, b"", Location="/news/1"),
        "/loop": lambda h: h.send(302, b"", Location="/loop"),
        "/bomb": lambda h: h.send(200, BOMB, Content_Encoding="gzip"),
        "/declared-huge": lambda h: h.send(200, b"x" * 1000, Content_Length="50000000"),
        "/endless": _endless,
        "/trickle": _trickle,
    }
    served = Server(routes)
    monkeypatch.setenv("PIPELINE_FETCH_ALLOW", f"127.0.0.1:{served.port}")
    monkeypatch.setenv("PIPELINE_FETCH_PAUSE", "0")
    yield served
    served.close()


# ---------------------------------------------------------------------------
# the rules, as tables
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("address, problem", [
    ("127.0.0.1", "loopback"), ("127.255.0.9", "loopback"), ("10.20.30.40", "private"), ("172.16.5.4", "private"),
    ("192.168.0.1", "private"), ("169.254.169.254", "link-local"), ("100.64.0.1", "not globally routable"),
    ("224.0.0.251", "multicast"), ("239.1.1.1", "multicast"), ("0.0.0.0", "unspecified"), ("240.0.0.1", "reserved"),
    ("255.255.255.255", "reserved"), ("::1", "loopback"), ("::", "unspecified"), ("fe80::1", "link-local"),
    ("fd12:3456::1", "private"), ("ff02::1", "multicast"),
    ("::ffff:127.0.0.1", "loopback, carried in an IPv6 address"), ("::ffff:10.0.0.1", "private, carried in an IPv6 address"),
    ("2002:c0a8:101::", "private, carried in an IPv6 address"), ("64:ff9b::a9fe:a9fe", "link-local, carried in an IPv6 address"),
    ("93.184.216.34", None), ("77.88.55.88", None), ("2a02:6b8::2:242", None), ("::ffff:77.88.55.88", None),
])
def test_which_addresses_are_not_public(address, problem):
    import ipaddress

    assert address_problem(ipaddress.ip_address(address)) == problem


@pytest.mark.parametrize("url", [
    "http://127.0.0.1/", "http://127.1/", "http://2130706433/", "http://0x7f000001/", "http://0177.0.0.1/",
    "http://0x7f.0.0.1/", "http://017700000001/", "http://[::1]/", "http://[::ffff:127.0.0.1]/",
    "http://[0:0:0:0:0:ffff:7f00:1]/", "http://localhost:8080/", "HTTP://LOCALHOST/", "http://0.0.0.0:4200/api",
    "http://169.254.169.254/latest/meta-data/", "http://[fe80::1%25eth0]/", "http://10.0.0.1/", "http://192.168.1.1/",
    "http://224.0.0.1/", "https://100.100.100.200/", "file:///etc/passwd", "ftp://example.com/feed.xml",
    "gopher://127.0.0.1:6379/_INFO", "javascript:alert(1)", "data:text/html,<script>alert(1)</script>",
    "//example.com/no-scheme", "http:///no-host", "http://[::1",
])
def test_urls_refused_before_any_request(url):
    with pytest.raises(Refused):
        Policy().check_url(url)


def fake_resolver(table: dict[str, list[str]]):
    return lambda host, port: table[host]


@pytest.mark.parametrize("answers, allow, refused", [
    (["93.184.216.34"], "", False),
    (["10.0.0.7"], "", True),  # a public-looking name for an internal address
    (["93.184.216.34", "127.0.0.1"], "", True),  # one internal answer among public ones: the next lookup may pick it
    (["::ffff:192.168.0.9"], "", True),
    (["10.0.0.7"], "10.0.0.0/8", False),
    (["10.0.0.7"], "intranet.example", False),
    (["10.0.0.7"], "intranet.example:8443", True),  # the port is part of the entry
    (["10.0.0.7"], "10.0.0.0/8:80", False),
    (["10.0.0.7"], "10.1.0.0/16", True),
])
def test_dns_answers_and_the_allow_list(answers, allow, refused):
    policy = Policy(parse_allow(allow), resolver=fake_resolver({"intranet.example": answers}))
    if refused:
        with pytest.raises(Refused):
            policy.check_url("http://intranet.example/feed")
    else:
        policy.check_url("http://intranet.example/feed")


@pytest.mark.parametrize("text, error", [("10.0.0.0/33", "neither"), ("host:port", "port"), ("[::1]:99999", "port"),
                                         ("a b", "neither"), ("http://x", "port")])
def test_a_malformed_allow_list_is_an_error(text, error):
    with pytest.raises(ValueError, match=error):
        parse_allow(text)


def test_allow_list_spellings():
    entries = parse_allow("10.0.0.0/8, 127.0.0.1:8080, [::1]:9000, Feeds.Corp.Example., ::1")
    assert [(str(e.network) if e.network else e.host, e.port) for e in entries] == [
        ("10.0.0.0/8", None), ("127.0.0.1/32", 8080), ("::1/128", 9000), ("feeds.corp.example", None), ("::1/128", None)]


@pytest.mark.parametrize("url", [
    "javascript:alert(1)", "JaVaScRiPt:alert(1)", "  javascript:alert(1)", "\x01javascript:alert(1)",
    "java\tscript:alert(1)", "java\nscript:alert(1)", "jav\rascript:alert(1)", "javascript\t:alert(1)",
    "vbscript:msgbox(1)", "VBScript:msgbox(1)", "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    " DATA:text/html,<script>alert(1)</script>", "file:///etc/passwd", "//evil.example/x", "/relative/path",
    "blob:https://x/1", "http:", "http://", "https:/\x00/x", "\x00", "", "mailto:a@b.example",
])
def test_urls_that_never_become_links(url):
    assert link_target(url) is None


@pytest.mark.parametrize("url, href", [
    ("https://www.rbc.ru/technology/1", "https://www.rbc.ru/technology/1"),
    ("  HTTPS://vc.ru/a?b=1&c=2  ", "HTTPS://vc.ru/a?b=1&c=2"),
    ("http://habr.com/ru/news/\t1/", "http://habr.com/ru/news/1/"),
    ('https://x.example/"onmouseover="alert(1)', 'https://x.example/"onmouseover="alert(1)'),  # escaped by the page
])
def test_urls_that_may_become_links(url, href):
    assert link_target(url) == href


# ---------------------------------------------------------------------------
# bodies
# ---------------------------------------------------------------------------


def chunks(data: bytes, size: int = 65536):
    return (data[i:i + size] for i in range(0, len(data), size))


def test_a_gzip_bomb_stops_at_the_limit_without_inflating_it():
    tracemalloc.start()
    try:
        with pytest.raises(TooLarge, match="decompressed"):
            read_limited(chunks(BOMB), "gzip", 1_000_000)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8_000_000  # the limit and a chunk, not 64 MB


@pytest.mark.parametrize("encoded, coding", [
    (gzip.compress(b"first ", mtime=0) + gzip.compress(b"second", mtime=0), "gzip"),  # two members
    (zlib.compress(b"first second"), "deflate"),
    (zlib.compress(b"first second")[2:-4], "deflate"),  # raw deflate, as some servers send it
    (gzip.compress(gzip.compress(b"first second", mtime=0), mtime=0), "gzip, gzip"),
    (b"first second", "identity"),
    (b"first second", None),
], ids=["gzip-two-members", "deflate-zlib", "deflate-raw", "gzip-twice", "identity", "no-encoding"])
def test_bodies_are_inflated_as_encoded(encoded, coding):
    assert read_limited(chunks(encoded, 5), coding, 100) == b"first second"


def test_limits_and_broken_encodings():
    with pytest.raises(TooLarge):
        read_limited(chunks(b"x" * 101, 10), None, 100)
    assert read_limited(chunks(b"x" * 100, 10), None, 100) == b"x" * 100
    with pytest.raises(UnsupportedEncoding):
        read_limited(chunks(b"not gzip at all"), "gzip", 100)
    with pytest.raises(UnsupportedEncoding, match="br"):
        read_limited(chunks(b"..."), "br", 100)


@pytest.mark.parametrize("content_type, body, encoding", [
    ("text/html; charset=windows-1251", '<meta charset="utf-8"><p>Привет</p>'.encode("cp1251"), "cp1251"),  # header first
    ("text/html", '<meta charset="windows-1251"><p>Привет</p>'.encode("cp1251"), "cp1251"),
    ("text/html", '<meta http-equiv="Content-Type" content="text/html; charset=koi8-r"><p>Привет</p>'.encode("koi8_r"),
     "koi8_r"),
    (None, "<p>Привет, это страница без объявленной кодировки, но в кодировке windows-1251.</p>".encode("cp1251"),
     "cp1251"),
    (None, "<p>Привет</p>".encode(), "utf-8"),
    ("text/html", b"\xef\xbb\xbf<p>" + "Привет".encode() + b"</p>", "utf-8"),
])
def test_the_charset_of_a_page(content_type, body, encoding):
    found, text = decode_html(content_type, body)
    assert found.replace("-", "_").lower() in {encoding.replace("-", "_"), {"cp1251": "windows_1251"}.get(encoding, "")}
    assert "Привет" in text


# ---------------------------------------------------------------------------
# against servers
# ---------------------------------------------------------------------------


def fetcher(**limits) -> Fetcher:
    return Fetcher(Limits.from_env(**{"timeout": 2, "retries": 0, "pause": 0, **limits}))


def test_internal_addresses_are_never_requested(site, secret):
    f = fetcher()
    assert f.get(f"{site.base}/news/1").status == 200
    assert f.get(f"{site.base}/to-news").url == f"{site.base}/news/1"  # a redirect to an allowed page is followed
    for url in [f"{secret.base}/secret", f"http://localhost:{secret.port}/secret", f"http://2130706433:{secret.port}/secret",
                f"http://0x7f.0.0.1:{secret.port}/secret", f"http://127.1:{secret.port}/secret",
                f"http://[::ffff:127.0.0.1]:{secret.port}/secret", f"{site.base}/to-secret", f"{site.base}/to-localhost"]:
        with pytest.raises(FetchError) as refused:
            f.get(url)
        assert refused.value.reason == "blocked_url", (url, refused.value.detail)
    with pytest.raises(FetchError) as refused:
        f.get(f"{site.base}/to-file")
    assert refused.value.reason == "blocked_url"
    with pytest.raises(FetchError, match="redirects"):
        f.get(f"{site.base}/loop")
    assert secret.hits == Counter()


def test_downloads_are_bounded_in_bytes_and_time(site):
    f = fetcher(max_bytes=1_000_000, deadline=3, timeout=2)
    for path in ("/bomb", "/endless", "/declared-huge"):
        with pytest.raises(FetchError) as breach:
            f.get(f"{site.base}{path}")
        assert breach.value.reason == "too_large", path
    started = time.monotonic()
    with pytest.raises(FetchError) as slow:
        f.get(f"{site.base}/trickle")  # a byte every 0.3 s: each read is in time, the whole never is
    assert slow.value.reason == "timeout" and time.monotonic() - started < 3 + 1.5
    assert f.get(f"{site.base}/news/deflate").body.startswith(b"<!doctype html>")


def test_pages_in_windows_1251_land_whatever_declares_it(site):
    f = fetcher()
    for path in ("/news/cp1251-meta", "/news/cp1251-header", "/news/cp1251-bare"):
        raw = fetch_article(FeedItem(f"{site.base}{path}", None, None, "feed"), f)
        article = build_article(raw)
        assert "Северный Ветер" in article.text, (path, article)


def test_local_feeds_are_bounded_and_devices_refused(site, tmp_path):
    f = fetcher(max_bytes=10_000)
    big = tmp_path / "big.xml"
    big.write_text(rss([f"{site.base}/news/1"] * 500), encoding="utf-8")
    assert read_feed(str(big), f).reason == "too_large"
    fifo = tmp_path / "fifo.xml"
    os.mkfifo(fifo)
    for device in ("/dev/zero", str(fifo), str(tmp_path)):
        assert read_feed(device, f).reason == "unreadable", device  # refused before it is opened: nothing blocks
    small = tmp_path / "small.xml"
    small.write_text(rss([f"{site.base}/news/1"]), encoding="utf-8")
    assert read_feed(str(small), f, local_ok=False).reason == "blocked_url"
    assert [i.url for i in read_feed(str(small), f)] == [f"{site.base}/news/1"]


def test_the_run_cap_and_the_feed_deadline_leave_items_for_the_next_run(site, tmp_path):
    feed = tmp_path / "feed.xml"
    feed.write_text(rss([f"{site.base}/news/1", f"{site.base}/news/deflate", f"{site.base}/news/cp1251-meta",
                         f"{site.base}/news/cp1251-header", f"{site.base}/news/cp1251-bare"]), encoding="utf-8")
    seen: set[str] = set()
    first = list(read_feeds([str(feed)], seen, fetcher(max_items=2)))
    assert [type(x).__name__ for x in first] == ["RawDocument", "RawDocument", "Reject"]
    assert first[-1].reason == "item_cap" and first[-1].detail.startswith("3 new item(s) left")
    second = list(read_feeds([str(feed)], seen, fetcher(max_items=2)))
    assert [x.url for x in second[:2]] == [f"{site.base}/news/cp1251-meta", f"{site.base}/news/cp1251-header"]

    slow = tmp_path / "slow.xml"
    slow.write_text(rss([f"{site.base}/trickle", f"{site.base}/news/1"]), encoding="utf-8")
    started = time.monotonic()
    results = list(read_feeds([str(slow)], set(), fetcher(feed_deadline=1.5, deadline=30, timeout=5)))
    assert [r.reason for r in results] == ["timeout", "timeout"]  # the page, then the feed for what is left
    assert results[1].detail.startswith("1 new item(s) left") and time.monotonic() - started < 4


@pytest.mark.usefixtures("prefect_harness")
def test_a_hostile_feed_through_ingest_lands_only_the_real_page(site, secret, tmp_path, monkeypatch):
    from pipeline.flows import ingest
    from pipeline.store import read

    links = [f"{site.base}/news/1", f"{secret.base}/secret", f"http://localhost:{secret.port}/secret",
             f"http://2130706433:{secret.port}/secret", f"{site.base}/to-secret", f"{site.base}/to-file",
             "javascript:alert(document.cookie)", f"{site.base}/bomb", f"{site.base}/trickle",
             f"{site.base}/news/cp1251-meta"]
    feed = tmp_path / "feed.xml"
    feed.write_text(rss(links), encoding="utf-8")
    monkeypatch.setenv("PIPELINE_FETCH_MAX_BYTES", "1000000")
    monkeypatch.setenv("PIPELINE_FETCH_DEADLINE", "3")
    (tmp_path / "inbox").mkdir()
    started = time.monotonic()
    summary = ingest(inbox=str(tmp_path / "inbox"), out_dir=str(tmp_path / "out"), feeds=[str(feed)], sources=None)
    elapsed = time.monotonic() - started
    assert summary["processed"] == 2 and secret.hits == Counter()
    assert sorted(a["url"] for a in read(tmp_path / "out", "articles").to_pylist()) == [
        f"{site.base}/news/1", f"{site.base}/news/cp1251-meta"]
    reasons = {r["source_key"]: r["reason"] for r in read(tmp_path / "out", "rejects").to_pylist()}
    assert Counter(reasons.values()) == {"blocked_url": 6, "too_large": 1, "timeout": 1}
    assert elapsed < 120
