"""The review site: marking spans (pure), the pages a run writes, and the site in a real browser."""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

import pytest

from helpers import RAW_DIR, open_page
from pipeline.review.charts import hbars, stacked_columns
from pipeline.review.marks import Mark, highlight
from pipeline.review.pages import number

TEXT = "Яндекс вложил 5 млрд рублей в 2025 году."


def plain(markup: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


def pieces(markup: str, key: str) -> str:
    """The text of every element of one span, joined (a crossing span is split in pieces)."""
    found, depth, out, position = [], 0, [], 0
    for token in re.finditer(r"<mark [^>]*data-span=\"([^\"]+)\"[^>]*>|</mark>|<[^>]+>|[^<]+", markup):
        part = token.group(0)
        if part.startswith("<mark "):
            found.append(token.group(1))
        elif part == "</mark>":
            found.pop()
        elif not part.startswith("<") and key in found:
            out.append(html.unescape(part))
    assert depth == 0 and position == 0
    return "".join(out)


@pytest.mark.parametrize(("marks", "expected"), [
    ([Mark(0, 6, "m1", "ORG", "Яндекс")], {"m1": "Яндекс"}),
    ([Mark(14, 27, "a1", "amount", ""), Mark(14, 15, "n", "x", "")], {"a1": "5 млрд рублей", "n": "5"}),  # nested
    ([Mark(14, 27, "a1", "amount", ""), Mark(21, 34, "c", "x", "")], {"a1": "5 млрд рублей", "c": "рублей в 2025"}),
    ([Mark(30, 39, "t", "timex", ""), Mark(30, 39, "u", "x", "")], {"t": "2025 году", "u": "2025 году"}),  # same span
])
def test_highlight_keeps_every_character_and_each_span_whole(marks, expected):
    markup = highlight(TEXT, marks, anchors=[0])
    assert plain(markup) == TEXT
    assert markup.startswith('<a id="ev-0"></a>')
    for key, text in expected.items():
        assert pieces(markup, key) == text


def test_highlight_escapes_text_and_titles():
    markup = highlight("«A&B» <script>", [Mark(1, 4, "k", "ORG", 'a "b" <c>')])
    assert "<script>" not in markup and 'title="a &quot;b&quot; &lt;c&gt;"' in markup
    assert plain(markup) == "«A&B» <script>"


@pytest.mark.parametrize(("value", "shown"), [
    (33.1e9, "33,1 млрд"), (452e6, "452 млн"), (2.5e12, "2,5 трлн"), (16000, "16\u00a0000"), (2.5, "2,5"), (7, "7"),
])
def test_numbers_read_as_written(value, shown):
    assert number(value) == shown


def test_charts_draw_one_bar_per_value():
    svg = hbars([("Яндекс", 4), ("Сбер", 2)], "Топ")
    assert svg.count('class="bar"') == 2 and "Яндекс: 4" in svg
    svg = stacked_columns(["2025-01", "2025-02"], {"revenue": [1, 0], "spend": [2, 3]}, "По месяцам")
    assert svg.count('class="bar"') == 3  # a zero is no bar
    assert "nothing yet" in hbars([], "Пусто")


# --- the pages a run writes ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def run(tmp_path_factory, prefect_harness):
    from pipeline.flows import process_articles

    out = tmp_path_factory.mktemp("review") / "out"
    summary = process_articles(inputs=[str(RAW_DIR)], out_dir=str(out))
    return out, summary


def test_a_run_writes_the_review_and_the_index_links_every_article(run):
    from pipeline.store import read

    out, summary = run
    index = Path(summary["review"])
    assert index == out / "review" / "index.html"
    page = index.read_text(encoding="utf-8")
    articles = read(out, "articles").to_pandas()
    links = set(re.findall(r'href="articles/([0-9a-f]+)\.html"', page))
    assert links == set(articles.article_id)
    assert all((out / "review" / "articles" / f"{a}.html").is_file() for a in links)
    assert page.count("<svg") == 3 and "Rejected inputs by reason: nothing yet" in page and "How good it is" in page


def test_an_article_page_is_its_text_with_every_span_marked(run):
    from pipeline.store import snapshot

    out, _ = run
    snap = snapshot(out)
    article = snap.read("articles").to_pylist()[0]
    markup = (out / "review" / "articles" / f"{article['article_id']}.html").read_text(encoding="utf-8")
    text = re.search(r'<div class="text" id="text">(.*)</div>', markup, re.S).group(1)
    assert plain(text) == article["text"]
    for name, key in (("mentions", "mention_id"), ("amounts", "amount_id"), ("timex", "timex_id")):
        rows = [r for r in snap.read(name).to_pylist() if r["article_id"] == article["article_id"]]
        assert rows, name
        for row in rows:
            assert pieces(text, row[key]) == row["text"], row[key]


def test_a_replaced_article_loses_its_page(run, tmp_path):
    from pipeline.flows import process_articles

    out = tmp_path / "out"
    inbox = tmp_path / "in"
    inbox.mkdir()
    shutil.copy(sorted(RAW_DIR.glob("*.txt"))[0], inbox / "a.txt")
    process_articles(inputs=[str(inbox)], out_dir=str(out))
    first = {p.name for p in (out / "review" / "articles").iterdir()}
    with open(inbox / "a.txt", "a", encoding="utf-8") as handle:
        handle.write("\nКомпания также сообщила о выручке в 5 млрд рублей.\n")
    process_articles(inputs=[str(inbox)], out_dir=str(out))
    second = {p.name for p in (out / "review" / "articles").iterdir()}
    assert len(first) == len(second) == 1 and first != second


# --- in a real browser -----------------------------------------------------------------------------------

def test_the_site_in_chromium(run, browser):
    from pipeline.store import snapshot

    out, _ = run
    site = out / "review"
    page, problems, requests = open_page(browser, site / "index.html")
    assert page.locator("svg.chart rect.bar").count() > 20
    assert page.locator("table#articles a").count() == 12
    page.locator("table#articles a").first.click()
    page.wait_for_load_state("load")
    snap = snapshot(out)
    article_id = Path(page.url).stem
    mentions = [m for m in snap.read("mentions").to_pylist() if m["article_id"] == article_id]
    for mention in mentions[:5]:
        shown = page.eval_on_selector_all(f'[data-span="{mention["mention_id"]}"]', "els => els.map(e => e.textContent).join('')")
        assert shown == mention["text"]
    text = snap.read("articles").to_pandas().set_index("article_id").loc[article_id, "text"]
    assert page.locator("#text").text_content() == text
    claims_page, claims_problems, claims_requests = open_page(browser, site / "claims.html")
    claims_page.wait_for_function("document.querySelectorAll('#rows tr').length > 0")
    total = claims_page.locator("#rows tr").count()
    claims_page.select_option("#relation", "revenue")
    claims_page.wait_for_timeout(200)
    assert 0 < claims_page.locator("#rows tr").count() < total
    assert problems == claims_problems == []
    assert all(url.startswith("file://") for url in requests + claims_requests), requests + claims_requests
