"""The gold set is valid, big enough, split as documented, and built from its sources."""

import re
from datetime import date
from pathlib import Path

import pytest

from pipeline.gold import (
    SPLITS,
    GoldError,
    compile_source,
    count_gold,
    load_gold,
    parse_ref,
    validate_split,
)

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("split", SPLITS)
def test_split_is_valid_and_current(split):
    assert validate_split(split) == []


def test_gold_set_size_covers_the_targets():
    counts = count_gold(load_gold("all"))
    assert counts.documents >= 30
    assert counts.entities >= 400
    assert counts.amounts >= 120
    assert counts.timexes >= 100
    assert counts.claims >= 100


def test_split_rule_is_by_article_number():
    for doc in load_gold("all"):
        number = int(re.match(r"\d+", doc.doc_id).group())
        assert doc.split == ("test" if number % 3 == 0 else "dev"), doc.doc_id


def test_every_type_and_kind_is_present():
    docs = load_gold("all")
    assert {e.type for d in docs for e in d.entities} == {"PER", "ORG", "LOC", "PRODUCT"}
    assert {a.kind for d in docs for a in d.amounts} == {"money", "percent", "multiplier", "count", "duration", "quantity"}
    assert {t.kind for d in docs for t in d.timexes} == {"date", "interval", "duration"}
    assert any(not t.resolved for d in docs for t in d.timexes)


@pytest.mark.parametrize("surface", ["5,5 млрд $", "от 30 до 35 %", "в десять раз", "вдвое", "семью месяцами",
                                     "двухсот", "прошлом году", "апреле", "прошлой неделе", "$68 млрд"])
def test_hard_cases_are_annotated(surface):
    docs = load_gold("all")
    texts = [a.text for d in docs for a in d.amounts] + [t.text for d in docs for t in d.timexes]
    assert any(surface in text for text in texts), surface


def test_claims_point_at_annotated_amounts_in_their_sentence():
    for doc in load_gold("all"):
        spans = {(a.start, a.stop) for a in doc.amounts}
        for claim in doc.claims:
            assert all(tuple(a) in spans for a in claim.amounts)
            assert "\n" not in doc.text[claim.evidence_start:claim.evidence_stop].strip("\n")


@pytest.mark.parametrize("ref, expected", [("57 млрд долларов", ("57 млрд долларов", None)),
                                           ("2-нм #2", ("2-нм", [2])), ("X #1,3", ("X", [1, 3]))])
def test_parse_ref(ref, expected):
    assert parse_ref(ref) == expected


def write_source(tmp_path, body):
    source = tmp_path / "t.ann"
    source.write_text("article: raw/001_tsmc_arizona.txt\nsplit: dev\n\n" + body, encoding="utf-8")
    return source


@pytest.mark.parametrize(
    "body, message",
    [
        ("E ORG | Microsoft\n", "does not occur"),
        ("A percent | 3-нм | 3 | nm\n", "occurs 2 times"),
        ("A money | $165 млрд | много | USD\n", "is not a number"),
        ("A money | $165 млрд | 165e9 | USD\nC invest | $165 млрд | pred=вложить\n", "needs subject"),
        ("C invest | $165 млрд | subject=TSMC\n", "is not an annotated amount"),
    ],
)
def test_malformed_sources_fail_with_a_clear_message(tmp_path, body, message):
    with pytest.raises(GoldError, match=message):
        compile_source(write_source(tmp_path, body), ROOT)


def test_longer_entity_surfaces_win(tmp_path):
    doc = compile_source(write_source(tmp_path, "E ORG | TSMC\nE PER | TSMC Си-Си Вэй\n"), ROOT)
    assert [e.text for e in doc.entities] == ["TSMC", "TSMC", "TSMC Си-Си Вэй", "TSMC", "TSMC"]
    with pytest.raises(GoldError, match="inside a longer entity"):
        compile_source(write_source(tmp_path, "E PER | Си-Си Вэй\nE PER | Вэй\n"), ROOT)


# A small document of our own: "Выручка Яндекса выросла на 20% в 2025 году." (the article file is checked apart)
_TEXT = "Выручка Яндекса выросла на 20% в 2025 году."


def _doc(**changes):
    from pipeline.gold import GoldDocument, GoldEntity, MarkedClaim
    from pipeline.records import FoundAmount, FoundTimex

    parts = {
        "entities": [GoldEntity(8, 15, "Яндекса", "ORG", "Яндекс", "Яндекс")],
        "amounts": [FoundAmount(27, 30, "20%", "percent", 20.0, 20.0, 20.0, "percent", None, "none", None)],
        "timexes": [FoundTimex(33, 42, "2025 году", "date", date(2025, 1, 1), date(2025, 12, 31), "year", True)],
        "claims": [MarkedClaim(evidence_start=0, evidence_stop=43, relation="revenue", predicate="вырасти",
                               subject="Выручка Яндекса", subject_entity="Яндекс", time_start=date(2025, 1, 1),
                               time_end=date(2025, 12, 31), time_source="sentence", source=None, source_entity=None,
                               modality="fact", negated=False, amounts=((27, 30),))],
    }
    parts.update(changes)
    return GoldDocument("999_own", "dev", "gold/articles/none.txt", "2026-01-10", _TEXT, **parts)


def _problems(doc):
    from pipeline.gold import validate_document

    return [p for p in validate_document(doc) if "article gold/articles/none.txt is missing" not in p]


def test_a_valid_document_has_no_problems():
    assert _problems(_doc()) == []


@pytest.mark.parametrize("changes, problem", [
    ({"split": "train"}, "split 'train'"),
    ({"published_at": "10.01.2026"}, "published_at"),
])
def test_document_fields_are_checked(changes, problem):
    from dataclasses import replace

    assert any(problem in p for p in _problems(replace(_doc(), **changes)))


def _entity(start, stop, text, kind="ORG"):
    from pipeline.gold import GoldEntity

    return GoldEntity(start, stop, text, kind, text, text)


def _amount(**fields):
    from pipeline.records import FoundAmount

    base = {"start": 27, "stop": 30, "text": "20%", "kind": "percent", "value": 20.0, "value_min": 20.0,
            "value_max": 20.0, "unit": "percent", "currency": None, "qualifier": "none", "scale_word": None}
    return FoundAmount(**{**base, **fields})


@pytest.mark.parametrize("part, records, problem", [
    ("entities", [_entity(8, 15, "Яндекс")], "text 'Яндекс' != 'Яндекса'"),
    ("entities", [_entity(8, 15, "Яндекса", "COMPANY")], "entity type 'COMPANY'"),
    ("entities", [_entity(0, 15, "Выручка Яндекса"), _entity(8, 15, "Яндекса")], "overlaps the one before"),
    ("entities", [_entity(40, 50, "году.")], "out of range"),
    ("amounts", [_amount(kind="share")], "amount kind 'share'"),
    ("amounts", [_amount(value=None, value_min=30.0, value_max=20.0)], "min > max"),
    ("amounts", [_amount(value=None)], "range with min == max"),
    ("amounts", [_amount(unit="%")], "percent unit '%'"),
    ("amounts", [_amount(kind="money", unit="руб")], "is not an ISO 4217 code"),
    ("amounts", [_amount(qualifier="about")], "amount qualifier 'about'"),
])
def test_broken_records_are_named(part, records, problem):
    assert any(problem in p for p in _problems(_doc(**{part: records}))), _problems(_doc(**{part: records}))


@pytest.mark.parametrize("timex, problem", [
    (("date", date(2025, 12, 31), date(2025, 1, 1), "year", True, None), "start/end"),
    (("duration", None, None, "year", True, "4 months"), "timex duration '4 months'"),
    (("date", "2025-1-1", date(2025, 12, 31), "year", True, None), "dates"),
    (("moment", date(2025, 1, 1), date(2025, 12, 31), "year", True, None), "timex kind 'moment'"),
])
def test_broken_time_expressions_are_named(timex, problem):
    from pipeline.records import FoundTimex

    kind, start, end, granularity, resolved, duration = timex
    doc = _doc(timexes=[FoundTimex(33, 42, "2025 году", kind, start, end, granularity, resolved, duration=duration)])
    assert any(problem in p for p in _problems(doc)), _problems(doc)


@pytest.mark.parametrize("changes, problem", [
    ({"relation": "income"}, "claim relation 'income'"),
    ({"modality": "hope"}, "claim modality 'hope'"),
    ({"amounts": ((0, 7),)}, "is not an annotated amount"),
    ({"time_start": "2025-01-01"}, "claim time dates"),
    ({"predicate": ""}, "needs a predicate"),
    ({"evidence_start": 31}, "does not contain its primary amount"),
])
def test_broken_claims_are_named(changes, problem):
    from dataclasses import replace

    doc = _doc()
    doc = _doc(claims=[replace(doc.claims[0], **changes)])
    assert any(problem in p for p in _problems(doc)), _problems(doc)
