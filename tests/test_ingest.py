import json
from datetime import date

import pytest

from pipeline.ingest import (
    REJECT_REASONS,
    DecodeError,
    InputError,
    build_article,
    decode_bytes,
    discover_inputs,
    read_inputs,
)
from pipeline.records import Article, RawDocument, Reject

ARTICLE = " date 2026-01-16 Сегодня 16 января 2026\nЗаголовок новости\n\nКомпания «Ромашка» выросла на 10%.\n"


def read_one(path):
    items = list(read_inputs([path]))
    assert len(items) == 1
    return items[0]


def test_decode_utf8_and_bom():
    assert decode_bytes("привет".encode()) == ("привет", "utf-8")
    assert decode_bytes(b"\xef\xbb\xbf" + "привет".encode()) == ("привет", "utf-8")


@pytest.mark.parametrize("encoding, name", [("cp1251", "cp1251"), ("koi8_r", "koi8_r")])
def test_decode_legacy_cyrillic(encoding, name):
    text = "Выручка компании выросла на десять процентов, сообщил глава компании."
    assert decode_bytes(text.encode(encoding)) == (text, name)


def test_decode_utf16_with_bom():
    assert decode_bytes("тест".encode("utf-16")) == ("тест", "utf-16")


@pytest.mark.parametrize(
    "data, reason",
    [(b"", "empty"), (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"), (bytes(range(1, 32)) * 20, "binary")],
)
def test_decode_rejects(data, reason):
    with pytest.raises(DecodeError) as info:
        decode_bytes(data)
    assert info.value.reason == reason


def test_text_file_becomes_raw_document(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    raw = read_one(path)
    assert isinstance(raw, RawDocument)
    article = build_article(raw)
    assert isinstance(article, Article)
    assert article.published_at == date(2026, 1, 16)
    assert article.title == "Заголовок новости"
    assert article.text == "Заголовок новости\n\nКомпания «Ромашка» выросла на 10%."
    assert article.source_id == "a.txt"


def test_cp1251_file_is_redecoded_not_rejected(tmp_path):
    path = tmp_path / "legacy.txt"
    path.write_bytes(ARTICLE.encode("cp1251"))
    article = build_article(read_one(path))
    assert isinstance(article, Article)
    assert article.encoding == "cp1251"
    assert "re-decoded from cp1251" in article.warnings
    assert "Ромашка" in article.text


def test_article_id_is_stable_and_content_based(tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text(ARTICLE, encoding="utf-8")
    b.write_text(ARTICLE, encoding="utf-8")
    first, again = build_article(read_one(a)), build_article(read_one(a))
    assert first.article_id == again.article_id
    assert first.article_id != build_article(read_one(b)).article_id  # another source
    a.write_text(ARTICLE + "Новый абзац.\n", encoding="utf-8")
    assert build_article(read_one(a)).article_id != first.article_id  # another text


@pytest.mark.parametrize(
    "content, reason",
    [
        (b"", "empty"),
        (b"   \n\t\n  ", "blank"),
        (b"\x00\x01\x02\x03binary\x00", "binary"),
    ],
)
def test_bad_text_files_are_rejected(tmp_path, content, reason):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    reject = read_one(path)
    assert isinstance(reject, Reject)
    assert reject.reason == reason
    assert reject.reason in REJECT_REASONS
    assert reject.detail


def test_only_boilerplate_is_rejected_as_no_text(tmp_path):
    path = tmp_path / "boiler.txt"
    path.write_text(" date 2026-01-16 Сегодня 16 января 2026\nИсточник изображения: X\n\nИсточник:\n", encoding="utf-8")
    reject = build_article(read_one(path))
    assert isinstance(reject, Reject) and reject.reason == "no_text"


def test_broken_symlink_and_folder_named_txt_are_unreadable(tmp_path):
    (tmp_path / "broken.txt").symlink_to(tmp_path / "nowhere.txt")
    (tmp_path / "folder.txt").mkdir()
    items = list(read_inputs([tmp_path / "broken.txt", tmp_path / "folder.txt"]))
    assert [(r.source_id, r.reason) for r in items] == [("broken.txt", "unreadable"), ("folder.txt", "unreadable")]


def test_jsonl_lines(tmp_path):
    path = tmp_path / "feed.jsonl"
    lines = [
        json.dumps({"id": "x1", "url": "https://example.org/1", "published_at": "2025-05-04T10:00:00+03:00",
                    "title": "Заголовок", "text": "Текст новости."}, ensure_ascii=False),
        "",
        "{not json",
        json.dumps([1, 2]),
        json.dumps({"id": "x4", "title": "Без текста"}, ensure_ascii=False),
        json.dumps({"id": "x5", "text": 42}),
        json.dumps({"id": "x6", "text": "   "}),
        json.dumps({"text": "Без даты и без id, но с текстом.", "published_at": "вчера"}, ensure_ascii=False),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    items = list(read_inputs([path]))
    summary = [(type(i).__name__, i.source_id, i.line, getattr(i, "reason", None)) for i in items]
    assert summary == [
        ("RawDocument", "x1", 1, None),
        ("Reject", "feed.jsonl:3", 3, "invalid_json"),
        ("Reject", "feed.jsonl:4", 4, "invalid_record"),
        ("Reject", "x4", 5, "missing_text"),
        ("Reject", "x5", 6, "missing_text"),
        ("Reject", "x6", 7, "blank"),
        ("RawDocument", "feed.jsonl:8", 8, None),
    ]
    first = build_article(items[0])
    assert first.published_at == date(2025, 5, 4)
    assert first.text == "Заголовок\n\nТекст новости."
    assert first.url == "https://example.org/1"
    last = build_article(items[-1])
    assert last.published_at is None and any("not an ISO date" in w for w in last.warnings)


def test_discover_expands_folders_and_rejects_missing_paths(tmp_path):
    (tmp_path / "b.txt").write_text("x", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.jsonl").write_text("{}", encoding="utf-8")
    (tmp_path / "notes.md").write_text("x", encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text("x", encoding="utf-8")
    assert [p.name for p in discover_inputs([tmp_path])] == ["b.txt", "a.jsonl"]
    with pytest.raises(InputError, match="does not exist"):
        discover_inputs([tmp_path / "missing"])
