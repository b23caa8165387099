"""Hostile inputs: one batch of good articles mixed with every kind of broken input, through the Prefect flow.

Every input is generated here, in our own words. The run must exit 0, every good article must land, and each
bad unit must become exactly the reject it should (or land, repaired, with a warning).
"""

from __future__ import annotations

import json
import os

import pandas as pd
import pytest

from pipeline.cli import main
from pipeline.store import read

pytestmark = [pytest.mark.flow, pytest.mark.usefixtures("prefect_harness")]

SENTENCES = [
    "Компания «Зента» увеличила выручку на {n}% до {m} млрд руб. по итогам третьего квартала 2025 года.",
    "Об этом сообщила пресс-служба компании в четверг.",
    "Аналитики ожидают, что рынок облачных сервисов вырастет ещё на {n}% в следующем году.",
]


def prose(n: int) -> str:
    """A short article of our own, different for every n."""
    return " ".join(s.format(n=n, m=n + 3) for s in SENTENCES)


def dump(record) -> bytes:
    return json.dumps(record, ensure_ascii=False).encode("utf-8")


ARTICLE = "article"  # the unit lands as an article
SKIPPED = "skipped"  # the unit is neither an article nor a reject (a folder named like a file)

# (case id, file name, content as bytes, expected: ARTICLE or a reject reason)
FILES: list[tuple[str, str, bytes, str]] = [
    ("good_1", "good_1.txt", f" date 2025-10-01\n{prose(1)}".encode(), ARTICLE),
    ("good_2", "good_2.txt", f" date 2025-10-02\n{prose(2)}".encode(), ARTICLE),
    ("good_3", "good_3.txt", f" date 2025-10-03\n{prose(3)}".encode(), ARTICLE),
    ("empty", "empty.txt", b"", "empty"),
    ("whitespace", "whitespace.txt", b" \n\t\n  \r\n", "blank"),
    ("binary", "binary.txt", bytes(range(256)) * 8, "binary"),
    ("png_renamed", "picture.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200), "binary"),
    ("nul_bytes", "nul.txt", prose(4).encode() + b"\x00\x00" + prose(5).encode(), "binary"),
    ("utf16_bom", "utf16_bom.txt", prose(6).encode("utf-16"), ARTICLE),
    ("utf16_le_no_bom", "utf16_le.txt", prose(7).encode("utf-16-le"), ARTICLE),
    ("utf16_be_bom", "utf16_be.txt", b"\xfe\xff" + prose(8).encode("utf-16-be"), ARTICLE),
    ("utf32_bom", "utf32.txt", prose(9).encode("utf-32"), "undecodable"),
    ("cp1251", "cp1251.txt", prose(10).encode("cp1251"), ARTICLE),
    ("koi8_r", "koi8r.txt", prose(11).replace("«", "\"").replace("»", "\"").encode("koi8_r"), ARTICLE),
    ("mixed_encodings", "mixed.txt", prose(12).encode() + b"\n" + prose(13).encode("cp1251"), ARTICLE),
    ("invalid_utf8_stray_byte", "stray.txt", prose(14).encode() * 3 + b"\xff", ARTICLE),
    ("random_high_bytes", "high.txt", bytes(range(128, 256)) * 4, "undecodable"),
    ("html_page", "page.txt", f"<!DOCTYPE html><html><head><title>Заголовок страницы</title><script>var a = 1;"
     f"</script></head><body><p>{prose(15)}</p></body></html>".encode(), ARTICLE),
    ("markdown", "notes.txt", f"# Итоги квартала\n\n* {prose(16)}\n* **Важно:** рост продолжится.".encode(), ARTICLE),
    ("latin_only", "latin.txt", b"The company reported revenue growth of 12% in the third quarter. " * 5,
     "not_russian"),
    ("emoji_only", "emoji.txt", "🚀📈💰 🔥🔥 🤖".encode() * 20, "not_russian"),
    ("emoji_in_prose", "emoji_prose.txt", f"🚀 {prose(17)} 📈".encode(), ARTICLE),
    ("combining_marks", "accents.txt", prose(18).replace("а", "а\u0301").encode(), ARTICLE),
    ("rtl_only", "rtl.txt", "השוק צמח ב-12% ברבעון השלישי. السوق نما بنسبة 12%".encode() * 5, "not_russian"),
    ("rtl_in_prose", "rtl_prose.txt", f"{prose(19)} (עברית)".encode(), ARTICLE),
    ("zero_width", "zw.txt", prose(20).replace(" ", " \u200b").replace("о", "о\u200d").encode(), ARTICLE),
    ("few_control_chars", "ctl_few.txt", (prose(21) + "\x07") .encode(), ARTICLE),
    ("many_control_chars", "ctl_many.txt", ("\x01\x02\x03\x1b" * 50 + prose(22)).encode(), "binary"),
    ("crlf", "crlf.txt", f" date 2025-10-04\r\n{prose(23)}\r\n\r\n{prose(24)}\r\n".encode(), ARTICLE),
    ("utf8_bom", "bom.txt", b"\xef\xbb\xbf" + prose(25).encode(), ARTICLE),
    ("only_numbers", "numbers.txt", b"12 345 678 910 2024 15% 3,5 " * 40, "not_russian"),
    ("numeric_lines", "numeric_lines.txt", "\n".join(str(i * 7) for i in range(10_000)).encode(), "not_russian"),
    ("header_only", "header_only.txt", b" date 2025-10-05\n", "no_text"),
    ("bad_header_date", "bad_date.txt", f" date 2025-13-45\n{prose(26)}".encode(), ARTICLE),
    ("same_text_a", "twin_a.txt", prose(27).encode(), ARTICLE),
    ("same_text_b", "twin_b.txt", prose(27).encode(), ARTICLE),
    ("long_word", "long_word.txt", (prose(28) + " " + "а" * 5000 + ".").encode(), ARTICLE),
    ("no_punctuation_line", "run_on.txt", ("слово " * 8000 + prose(29)).encode(), ARTICLE),
    ("title_only", "title_only.txt", "Рынок облачных сервисов вырос за год".encode(), ARTICLE),
    ("jsonl_empty_file", "empty.jsonl", b"", "empty"),
    ("jsonl_utf16_file", "utf16.jsonl", (dump({"id": "u16", "text": prose(30)}).decode() + "\n").encode("utf-16"),
     ARTICLE),
    ("jsonl_whole_cp1251", "cp1251.jsonl", (dump({"id": "cp", "text": prose(31)}).decode() + "\n").encode("cp1251"),
     ARTICLE),
    ("jsonl_array_file", "array.jsonl", dump([{"id": "arr", "text": prose(32)}]), "invalid_record"),
]

# (case id, JSONL line as bytes, expected) — all in one file, feed.jsonl, line n = index + 1
LINES: list[tuple[str, bytes, str]] = [
    ("jsonl_bom_first_line", b"\xef\xbb\xbf" + dump({"id": "first", "text": prose(40)}), ARTICLE),
    ("jsonl_good", dump({"id": "g1", "published_at": "2025-10-06", "title": "Итоги", "text": prose(41)}), ARTICLE),
    ("jsonl_invalid_json", b'{"id": "x", "text": "\xd0\x9d\xd0\xb5 ', "invalid_json"),
    ("jsonl_array", dump([1, 2, 3]), "invalid_record"),
    ("jsonl_null", b"null", "invalid_record"),
    ("jsonl_number", b"42", "invalid_record"),
    ("jsonl_string", dump("просто строка"), "invalid_record"),
    ("jsonl_missing_text", dump({"id": "m1"}), "missing_text"),
    ("jsonl_text_null", dump({"id": "m2", "text": None}), "missing_text"),
    ("jsonl_text_number", dump({"id": "m3", "text": 12}), "missing_text"),
    ("jsonl_text_list", dump({"id": "m4", "text": ["а", "б"]}), "missing_text"),
    ("jsonl_text_empty", dump({"id": "m5", "text": ""}), "empty"),
    ("jsonl_text_blank", dump({"id": "m6", "text": "  \n "}), "blank"),
    ("jsonl_huge_int_id", b'{"id": ' + b"7" * 5000 + b', "text": "x"}', "invalid_json"),
    ("jsonl_deep_nesting", b'{"id": "deep", "x": ' + b"[" * 5000 + b"]" * 5000 + b', "text": "y"}', "invalid_json"),
    ("jsonl_lone_surrogate_text", ('{"id": "s1", "text": "' + prose(42) + ' \\ud800"}').encode(), ARTICLE),
    ("jsonl_lone_surrogate_id", ('{"id": "s2\\udfff", "text": "' + prose(43) + '"}').encode(), ARTICLE),
    ("jsonl_int_id", dump({"id": 12345, "text": prose(44)}), ARTICLE),
    ("jsonl_list_id", dump({"id": ["a"], "text": prose(45)}), ARTICLE),
    ("jsonl_bool_id", dump({"id": True, "text": prose(46)}), ARTICLE),
    ("jsonl_published_int", dump({"id": "p1", "published_at": 20251001, "text": prose(47)}), ARTICLE),
    ("jsonl_published_garbage", dump({"id": "p2", "published_at": "вчера вечером", "text": prose(48)}), ARTICLE),
    ("jsonl_title_number", dump({"id": "t1", "title": 5, "text": prose(49)}), ARTICLE),
    ("jsonl_url_object", dump({"id": "u1", "url": {"href": "x"}, "text": prose(50)}), ARTICLE),
    # one source (file + id) read twice: its later line is its version, the earlier one is superseded
    ("jsonl_duplicate_id_a", dump({"id": "dup", "text": prose(51)}), SKIPPED),
    ("jsonl_duplicate_id_b", dump({"id": "dup", "text": prose(52)}), ARTICLE),
    ("jsonl_latin_text", dump({"id": "lat", "text": "Revenue grew by 12% in the third quarter. " * 4}), "not_russian"),
    ("jsonl_numbers_text", dump({"id": "num", "text": "1 2 3 4 5 6 7 8 9 10 " * 30}), "not_russian"),
    ("jsonl_binary_line", bytes(range(0, 10)) + bytes(range(11, 40)) + b"\x00\xff", "binary"),
    ("jsonl_cp1251_line", dump({"id": "legacy", "text": prose(53)}).decode().encode("cp1251"), ARTICLE),
    ("jsonl_crlf_line", dump({"id": "crlf", "text": prose(54)}) + b"\r", ARTICLE),
    ("jsonl_control_chars_text", dump({"id": "ctl", "text": "\x01\x02\x03" * 40 + prose(55)}), "binary"),
    ("jsonl_good_last", dump({"id": "last", "text": prose(56)}), ARTICLE),
]


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory, prefect_harness):
    inbox = tmp_path_factory.mktemp("hostile")
    for _, name, content, _ in FILES:
        (inbox / name).write_bytes(content)
    (inbox / "feed.jsonl").write_bytes(b"\n".join(line for _, line, _ in LINES) + b"\n")
    # a name that is not UTF-8, a symlink loop, a broken link and a folder named like a file
    bad_name = os.fsencode(inbox) + b"/bad_name_\xff.txt"
    with open(bad_name, "wb") as handle:
        handle.write(prose(60).encode())
    (inbox / "loop.txt").symlink_to(inbox / "loop.txt")
    (inbox / "broken.txt").symlink_to(inbox / "nowhere.txt")
    (inbox / "folder.txt").mkdir()
    (inbox / "folder.txt" / "inside.txt").write_bytes(prose(61).encode())
    out = tmp_path_factory.mktemp("hostile_out")
    code = main(["run", str(inbox), "--out", str(out)])
    articles = read(out, "articles").to_pandas()
    rejects = read(out, "rejects").to_pandas()
    claims = read(out, "claims").to_pandas()
    return code, inbox, out, articles, rejects, claims


def outcome(run, name: str, line: int | None = None) -> tuple[str, pd.DataFrame]:
    _, inbox, _, articles, rejects, _ = run
    path = os.fsencode(inbox / name).decode("utf-8", "backslashreplace") if isinstance(name, str) else name
    if line is None:
        landed = articles[articles.path == path]
        rejected = rejects[rejects.path == path]
    else:
        landed = articles[(articles.path == path) & (articles.line == line)]
        rejected = rejects[(rejects.path == path) & (rejects.line == line)]
    assert len(landed) + len(rejected) <= 1, (name, line)
    if len(landed):
        return ARTICLE, landed
    if len(rejected):
        return rejected.iloc[0].reason, rejected
    return SKIPPED, landed


def test_the_run_exits_0_and_writes_valid_utf8(hostile_run):
    code, _, out, articles, rejects, _ = hostile_run
    assert code == 0
    for frame in (articles, rejects):
        for column in frame.columns:
            for value in frame[column]:
                if isinstance(value, str):
                    value.encode("utf-8")


@pytest.mark.parametrize("case, name, content, expected", FILES, ids=[c[0] for c in FILES])
def test_each_file(hostile_run, case, name, content, expected):
    got, rows = outcome(hostile_run, name)
    assert got == expected, rows.to_dict("records")


@pytest.mark.parametrize("case, line, expected", LINES, ids=[c[0] for c in LINES])
def test_each_jsonl_line(hostile_run, case, line, expected):
    number = [c[0] for c in LINES].index(case) + 1
    got, rows = outcome(hostile_run, "feed.jsonl", number)
    assert got == expected, rows.to_dict("records")


@pytest.mark.parametrize(
    "name, expected",
    [
        ("bad_name_\udcff.txt", ARTICLE),  # shown with a backslash escape, processed like any other
        ("loop.txt", "unreadable"),
        ("broken.txt", "unreadable"),
        ("folder.txt/inside.txt", ARTICLE),  # a folder named like a file is a folder
    ],
)
def test_special_paths(hostile_run, name, expected):
    _, inbox, *_ = hostile_run
    shown = os.fsencode(inbox).decode() + "/" + name.replace("\udcff", "\\xff")
    got, rows = outcome(hostile_run, shown)
    assert got == expected, rows.to_dict("records")


def test_repairs_are_warned(hostile_run):
    _, inbox, _, articles, _, _ = hostile_run
    feed = articles[articles.path == str(inbox / "feed.jsonl")].set_index("line")
    surrogate = feed.loc[[c[0] for c in LINES].index("jsonl_lone_surrogate_text") + 1]
    assert "\ufffd" in surrogate.text and any("surrogate" in w for w in surrogate.warnings)
    assert feed.loc[[c[0] for c in LINES].index("jsonl_int_id") + 1].source_id == "12345"
    html = articles[articles.path == str(inbox / "page.txt")].iloc[0]
    assert "<p>" not in html.text and "var a" not in html.text and any("HTML" in w for w in html.warnings)
    crlf = articles[articles.path == str(inbox / "crlf.txt")].iloc[0]
    assert "\r" not in crlf.text


def test_every_good_article_landed_with_its_claims(hostile_run):
    _, _, _, articles, _, claims = hostile_run
    expected = sum(e == ARTICLE for *_, e in FILES) + sum(e == ARTICLE for *_, e in LINES) + 2
    assert len(articles) == expected
    good = articles[articles.path.str.endswith("good_1.txt")].iloc[0]
    assert (claims.article_id == good.article_id).sum() >= 2


def test_the_run_on_line_was_processed_in_bounded_sentences(hostile_run):
    _, _, out, articles, _, _ = hostile_run
    run_on = articles[articles.path.str.endswith("run_on.txt")].iloc[0]
    mentions = read(out, "amounts").to_pandas()
    assert (mentions.article_id == run_on.article_id).any()  # the prose after 8 000 words still yields amounts
