"""The gold set is valid, big enough, split as documented, and built from its sources."""

import re
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
