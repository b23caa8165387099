"""The review site holds text from the open web and analysts open it in their browser: no field of an input may
run as script there. Articles carrying payloads in every field go through a real run; every page is then
opened in Chromium, every link clicked, and nothing may run (an `alert` would open a dialog; a blocked one
would log a Content-Security-Policy error)."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest

from helpers import open_page
from pipeline.review.pages import CONTENT_SECURITY_POLICY, page

# written for this test: places where text from an input ends up in HTML, attributes, scripts and JSON
PAYLOADS = [
    "<script>alert(1)</script>",
    "</script><script>alert(2)</script>",
    '"><img src=x onerror=alert(3)>',
    "'><svg onload=alert(4)>",
    "<svg><script>alert(5)</script></svg>",
    '<img src="x" onerror="alert(6)">',
    '<iframe src="javascript:alert(7)"></iframe>',
    '<a href="javascript:alert(8)">ссылка</a>',
    "<body onload=alert(9)>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(10)>",
    '" onmouseover="alert(11)" x="',
    "' onfocus='alert(12)' autofocus='",
    "<details open ontoggle=alert(13)>",
    "</textarea><script>alert(14)</script>",
    "<!--<script>alert(15)</script>-->",
    '<object data="javascript:alert(16)"></object>',
    "<input autofocus onfocus=alert(17)>",
    "<svg><animate onbegin=alert(18) attributeName=x dur=1s>",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(19)">',
    "\u2028\u2029</script><script>alert(20)</script>",
    '{"a":"</script><script>alert(21)</script>"}',
    "<style>@import 'javascript:alert(22)';</style>",
]
URLS = ["javascript:alert(101)", "JaVaScRiPt:alert(102)", "  javascript:alert(103)", "java\tscript:alert(104)",
        "\njavascript:alert(105)", "data:text/html,<script>alert(106)</script>", "vbscript:msgbox(107)",
        "DATA:text/html;base64,PHNjcmlwdD5hbGVydCgxMDgpPC9zY3JpcHQ+", "https://example.com/\"><script>alert(109)</script>"]


def hostile_records() -> list[dict]:
    records = []
    for i, payload in enumerate(PAYLOADS):
        text = (f"Компания «Альфа{payload}» в третьем квартале увеличила выручку на {10 + i}% до {i + 2} млрд рублей, "
                f"сообщил директор {payload} Иван Петров. Годом ранее выручка компании составляла 1 млрд рублей, "
                f"по данным аналитиков «{payload}».")
        records.append({"id": f"{i}{payload}", "url": f"{URLS[i % len(URLS)]}//{i}",  # one source each "title": f"Заголовок {payload}",
                        "published_at": f"2025-{1 + i % 12:02d}-15", "text": text})
    return records


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory, prefect_harness):
    from pipeline.flows import process_articles

    root = tmp_path_factory.mktemp("hostile")
    feed = root / "hostile.jsonl"
    feed.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in hostile_records()), encoding="utf-8")
    summary = process_articles(inputs=[str(feed)], out_dir=str(root / "out"))
    assert summary["processed"] == len(PAYLOADS) and summary["claims"] > 0
    return root / "out" / "review"


# elements of the payloads that the site itself never writes
INJECTED = {"img", "iframe", "object", "embed", "math", "mtext", "mglyph", "style", "details", "textarea", "animate",
            "frame", "base", "form"}


class Elements(HTMLParser):
    """Every element a browser would build from the markup: (tag, attributes)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


def test_no_href_but_http_https_or_the_site_itself(hostile_site):
    own = re.compile(r"(\.\./)?([\w-]+/)?[\w.-]+\.(html|css|md|js)(#[\w-]+)?$|#[\w-]+$")
    for path in hostile_site.rglob("*.html"):
        parser = Elements()
        parser.feed(path.read_text(encoding="utf-8"))
        tags = parser.found
        assert ("meta", {"http-equiv": "Content-Security-Policy", "content": CONTENT_SECURITY_POLICY}) in tags, path
        for tag, attrs in tags:
            assert not any(name.startswith("on") for name in attrs), (path.name, tag, attrs)
            assert tag not in INJECTED and (tag != "svg" or path.name == "index.html"), (path.name, tag)
            for name in ("href", "src", "data", "action"):
                if name in attrs:
                    assert re.match(r"https?://", attrs[name]) or own.match(attrs[name]), (path.name, tag, attrs)
        scripts = [attrs for tag, attrs in tags if tag == "script"]
        assert scripts in ([], [{"src": "claims.js"}]), (path.name, scripts)


def test_no_payload_runs_in_chromium(hostile_site, browser):
    pages = [hostile_site / "index.html", hostile_site / "articles.html", hostile_site / "claims.html",
             *sorted((hostile_site / "articles").glob("*.html"))]
    assert len(pages) == 3 + len(PAYLOADS)
    for path in pages:
        view, problems, requests = open_page(browser, path)
        dialogs = []
        view.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        if path.name == "claims.html":
            view.wait_for_function("document.querySelectorAll('#rows tr').length > 0")
            view.fill("#entity", "Альфа")
            view.wait_for_timeout(100)
        protocols = view.eval_on_selector_all("a[href]", "els => els.map(e => e.protocol)")
        assert set(protocols) <= {"file:", "http:", "https:"}, (path.name, protocols)
        for link in view.locator("a[href^='http']").all():  # outward links are to http(s) pages: open none of them
            assert link.get_attribute("href").lower().startswith(("http://", "https://"))
        view.mouse.move(5, 5)
        view.wait_for_timeout(50)
        assert dialogs == [] and problems == [], (path.name, dialogs, problems)
        assert all(url.startswith("file://") for url in requests), (path.name, requests)
        view.close()


def test_the_policy_stops_markup_that_did_get_in(tmp_path, browser):
    """Were an escape ever missed, the page's policy still runs nothing: inline script, handlers, javascript:
    links and frames, from file:// as analysts open the site."""
    injected = ('<script>alert("inline")</script><img src="x.png" onerror="alert(\'handler\')">'
                '<a id="js" href="javascript:alert(\'link\')">ссылка</a><iframe src="javascript:alert(\'frame\')"></iframe>'
                '<svg><script>alert("svg")</script></svg><img src="https://example.com/beacon.png">')
    path = tmp_path / "page.html"
    path.write_text(page("Проверка", injected), encoding="utf-8")
    view = browser.new_page()
    dialogs, problems, fetched = [], [], []
    view.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    view.on("console", lambda m: problems.append(m.text))
    view.on("requestfinished", lambda r: fetched.append(r.url))  # a request the policy blocks never finishes
    view.goto(path.as_uri())
    view.click("#js")
    view.wait_for_timeout(200)
    assert dialogs == []
    assert any("Content Security Policy" in p for p in problems)  # it was the policy that stopped them
    assert not any(url.startswith("http") for url in fetched), fetched
