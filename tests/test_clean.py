from datetime import date

import pytest

from pipeline.clean import (
    clean_text,
    default_boilerplate,
    load_boilerplate,
    normalize_chars,
    parse_header,
    parse_human_date,
    split_title,
)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Сегодня 16 января 2026", date(2026, 1, 16)),
        ("16 января 2026", date(2026, 1, 16)),
        ("Вчера, 3 марта 2025 г.", date(2025, 3, 3)),
        ("1 декабря 2024 года, 14:30", date(2024, 12, 1)),
        ("Сегодня 31 февраля 2026", None),  # no such day
        ("Китайские компании 16 января 2026 года объявили", None),  # text that contains a date is not a date
        ("Ведущие китайские компании", None),
    ],
)
def test_parse_human_date(text, expected):
    assert parse_human_date(text) == expected


def test_header_with_human_date_drops_it():
    header = parse_header(" date 2026-01-16 Сегодня 16 января 2026\nЗаголовок статьи\n\nТекст.")
    assert header.published_at == date(2026, 1, 16)
    assert header.body == "Заголовок статьи\n\nТекст."
    assert header.warnings == ()


def test_header_followed_by_article_text_keeps_it():
    header = parse_header(" date 2025-11-28 Ведущие компании используют дата-центры.\n\nВторой абзац.")
    assert header.published_at == date(2025, 11, 28)
    assert header.body == "Ведущие компании используют дата-центры.\n\nВторой абзац."


def test_header_alone_on_its_line():
    header = parse_header(" date 2025-11-28\nЗаголовок")
    assert (header.published_at, header.body) == (date(2025, 11, 28), "Заголовок")


def test_missing_header_keeps_text_and_warns():
    header = parse_header("Заголовок без даты\nТекст")
    assert header.published_at is None
    assert header.body == "Заголовок без даты\nТекст"
    assert "published_at unknown" in header.warnings[0]


@pytest.mark.parametrize("line", [" date 2026-13-45 Текст", " date вчера Текст"])
def test_invalid_header_date_warns(line):
    header = parse_header(line + "\nещё")
    assert header.published_at is None
    assert any("invalid header date" in w for w in header.warnings)


def test_human_date_disagreeing_with_iso_warns():
    header = parse_header(" date 2026-01-16 Сегодня 17 января 2026\nЗаголовок")
    assert header.published_at == date(2026, 1, 16)
    assert any("differs" in w for w in header.warnings)


def test_clean_drops_boilerplate_and_collapses_blank_lines():
    raw = (
        "Заголовок\n\n\nПервый абзац.\n\nИсточник изображения: Nvidia\n\nИсточник изображения: Nvidia\n\n"
        "Второй абзац.\n\nИсточник:\n\nЕсли вы заметили ошибку — выделите ее мышью и нажмите CTRL+ENTER. | "
        "Можете написать лучше?\n"
    )
    assert clean_text(raw) == "Заголовок\n\nПервый абзац.\n\nВторой абзац."


def test_clean_keeps_source_line_with_a_name():
    assert clean_text("Текст.\n\nИсточник: Reuters") == "Текст.\n\nИсточник: Reuters"


def test_normalize_chars():
    assert normalize_chars("a\r\nb\u00a0c\u00add\u200be\tf") == "a\nb cde f"


def test_split_title():
    assert split_title("\n  Заголовок  \nтекст") == "Заголовок"


def test_boilerplate_file_loads_and_has_the_seed_patterns():
    names = {rule.name for rule in default_boilerplate()}
    assert {"image_credit", "dangling_source", "error_report"} <= names


def test_boilerplate_file_rejects_malformed_rows(tmp_path):
    bad = tmp_path / "b.tsv"
    bad.write_text("name\tpattern\nno tab here\n", encoding="utf-8")
    with pytest.raises(ValueError, match="expected name<TAB>pattern"):
        load_boilerplate(bad)
