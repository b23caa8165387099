from datetime import date

import pytest

from helpers import write_ann_corpus
from pipeline.corpora import CorpusError, load_ann_corpus, load_brat, load_eval_documents, load_factru
from pipeline.evaluate import (
    Counts,
    Metric,
    PredEntity,
    Prediction,
    below_floor,
    format_report,
    match_spans,
    same_party,
    score_documents,
    span_counts,
    token_counts,
)
from pipeline.gold import GoldDocument, GoldEntity, MarkedClaim


@pytest.mark.parametrize(
    "gold, pred, mode, pairs",
    [
        ([(0, 5, "ORG")], [(0, 5, "ORG")], "strict", [(0, 0)]),
        ([(0, 5, "ORG")], [(0, 4, "ORG")], "strict", []),
        ([(0, 5, "ORG")], [(0, 4, "ORG")], "lenient", [(0, 0)]),
        ([(0, 5, "ORG")], [(0, 5, "LOC")], "lenient", []),
        ([(0, 10, "ORG")], [(0, 3, "ORG"), (4, 10, "ORG")], "lenient", [(0, 1)]),  # one-to-one, largest overlap
        ([(0, 5, "ORG"), (0, 5, "ORG")], [(0, 5, "ORG")], "strict", [(0, 0)]),
    ],
)
def test_match_spans(gold, pred, mode, pairs):
    assert match_spans(gold, pred, mode) == pairs


def test_counts_and_undefined_precision():
    counts = span_counts([(0, 5, "ORG"), (6, 9, "LOC")], [(0, 5, "ORG"), (10, 12, "ORG")], "strict")
    assert (counts.correct, counts.guessed, counts.expected) == (1, 2, 2)
    assert counts.f1 == pytest.approx(0.5)
    assert Counts(0, 0, 3).precision is None and Counts(0, 0, 3).f1 is None


def test_token_counts_are_per_token():
    text = "Глава Nvidia Дженсен Хуанг заявил"
    gold = [(13, 26, "PER")]
    pred = [(21, 26, "PER")]  # only the surname
    counts = token_counts(text, gold, pred, "PER")
    assert (counts.correct, counts.guessed, counts.expected) == (1, 1, 2)


def entity(text, start, type, normal=None):
    return GoldEntity(start, start + len(text), text, type, normal or text, normal or text)


def test_score_documents_reports_unbuilt_stages_without_numbers():
    gold = GoldDocument("d", "dev", "x", None, "Глава Nvidia Дженсен Хуанг",
                        entities=[entity("Nvidia", 6, "ORG"), entity("Дженсен Хуанг", 13, "PER")])
    pred = Prediction("d", entities=[PredEntity(6, 12, "ORG", "Nvidia"), PredEntity(13, 26, "PER", "Дженсен Хуанг")])
    metrics = {m.key: m for m in score_documents([gold], [pred])}
    assert metrics["entities/ALL/strict"].f1 == 1.0
    assert metrics["entities/ALL/normal"].accuracy == 1.0
    for task in ("amounts", "timex", "claims"):
        built = metrics[f"{task}/ALL/-"]
        assert built.status == "not_built" and built.f1 is None
    assert "not built yet" in format_report(list(metrics.values()))


def test_entity_types_restrict_scoring():
    gold = GoldDocument("d", "dev", "x", None, "Nvidia Rubin", entities=[entity("Nvidia", 0, "ORG")])
    pred = Prediction("d", entities=[PredEntity(0, 6, "ORG"), PredEntity(7, 12, "PRODUCT")])
    metrics = {m.key: m for m in score_documents([gold], [pred], entity_types=("PER", "ORG", "LOC"))}
    assert metrics["entities/ALL/strict"].precision == 1.0


YEAR_2025 = (date(2025, 1, 1), date(2025, 12, 31))


def claim(start, stop, subject="UBS", entity="UBS", relation="spend", time=YEAR_2025):
    return MarkedClaim(evidence_start=0, evidence_stop=40, relation=relation, predicate="потратить", subject=subject,
                       subject_entity=entity, time_start=time[0], time_end=time[1], time_source="sentence",
                       source=None, source_entity=None, modality="estimate", negated=False, amounts=((start, stop),))


def pred_claim(start, stop, **kw):
    """A predicted claim: the same record as a gold one, with a confidence."""
    values = dict(evidence_start=0, evidence_stop=40, relation="spend", predicate="потратить", subject="UBS",
                  subject_entity="UBS", time_start=YEAR_2025[0], time_end=YEAR_2025[1], time_source="sentence",
                  source=None, source_entity=None, modality="estimate", negated=False, amounts=((start, stop),),
                  confidence=0.5)
    values.update(kw)
    return MarkedClaim(**values)


def test_claims_match_on_evidence_and_primary_amount_then_score_slots():
    gold = GoldDocument("d", "dev", "x", "2026-01-16", "x" * 40, claims=[claim(10, 20), claim(25, 30)])
    pred = Prediction("d", entities=[], amounts=[], timexes=[],
                      claims=[pred_claim(12, 18), pred_claim(31, 35), pred_claim(25, 30, relation="invest",
                                                                              time_start=None, time_end=None)])
    metrics = {m.key: m for m in score_documents([gold], [pred])}
    found = metrics["claims/ALL/evidence+amount"]
    assert (found.correct, found.guessed, found.expected) == (2, 3, 2)
    assert metrics["claims/ALL/slot:relation"].accuracy == 0.5
    assert metrics["claims/ALL/slot:time"].accuracy == 0.5
    assert metrics["claims/ALL/slot:subject"].accuracy == 1.0


@pytest.mark.parametrize(
    "gold, pred, same",
    [
        (("китайские интернет-гиганты", None), ("интернет-гиганты", None), True),
        (("компании", "TSMC"), ("TSMC", "TSMC"), True),
        (("компании", "TSMC"), ("Samsung", "Samsung"), False),
        ((None, None), (None, None), True),
        (("UBS", "UBS"), (None, None), False),
        # one word in two forms, in the dictionary or not; two different words sharing a stem are not one
        (("рост продаж", None), ("продажи выросли", None), True),
        (("зумеры", None), ("у «зумеров»", None), True),
        (("продаж", None), ("продукции", None), False),
    ],
)
def test_same_party(gold, pred, same):
    assert same_party(gold[0], gold[1], pred[0], pred[1]) is same


def test_below_floor_allows_the_tolerance_only():
    metrics = [Metric("entities", "ALL", "strict", f1=0.80), Metric("entities", "PER", "strict", f1=0.90)]
    assert below_floor(metrics, {"entities/ALL/strict": 0.805, "entities/PER/strict": 0.95}) == [
        "entities/PER/strict: 0.9000 < floor 0.9500 - 0.01"]
    assert below_floor(metrics, {"entities/LOC/strict": 0.5}) == ["entities/LOC/strict: was 0.5000, now missing"]


# --- corpus loaders, on small files written here (our own text) ---

def test_load_factru(tmp_path):
    text = "Мэр Москвы Сергей Собянин посетил завод «Микрон»."
    (tmp_path / "book_1.txt").write_text(text, encoding="utf-8")
    (tmp_path / "book_1.spans").write_text(
        "1 org_descr 0 3 10 1  # 10 Мэр\n"
        "2 loc_name 4 6 11 1  # 11 Москвы\n"
        "3 name 11 6 12 1  # 12 Сергей\n"
        "4 surname 18 7 13 1  # 13 Собянин\n"
        "5 org_name 41 6 14 1  # 14 Микрон\n", encoding="utf-8")
    (tmp_path / "book_1.objects").write_text(
        "100 Org 1 2 # Мэр Москвы\n101 LocOrg 2 # Москвы\n102 Person 3 4 # Сергей Собянин\n103 Org 5 # Микрон\n",
        encoding="utf-8")
    [doc] = load_factru(tmp_path)
    assert [(text[s:e], t) for s, e, t in doc.spans] == [("Москвы", "LOC"), ("Сергей Собянин", "PER"), ("Микрон", "ORG")]


def test_load_brat(tmp_path):
    text = "Глава Intel Лип-Бу Тан посетил Тайвань."
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    (tmp_path / "a.ann").write_text("T1\tORG 6 11\tIntel\nT2\tPERSON 12 22\tЛип-Бу Тан\nT3\tLOCATION 31 38\tТайвань\n"
                                    "T4\tMISC 0 5\tГлава\n#1\tAnnotatorNotes T1\tx\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("без разметки", encoding="utf-8")
    [doc] = load_brat(tmp_path)
    assert [(text[s:e], t) for s, e, t in doc.spans] == [("Intel", "ORG"), ("Лип-Бу Тан", "PER"), ("Тайвань", "LOC")]


def test_corpus_errors(tmp_path):
    with pytest.raises(CorpusError, match="no factRuEval"):
        load_factru(tmp_path)
    (tmp_path / "a.txt").write_text("x", encoding="utf-8")
    with pytest.raises(CorpusError, match="expected a.spans"):
        load_factru(tmp_path)
    (tmp_path / "a.ann").write_text("T1\tORG x y\tx\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="bad offsets"):
        load_brat(tmp_path)


def test_load_ann_corpus_compiles_sources_against_articles_beside_them(tmp_path):
    root = write_ann_corpus(tmp_path / "corpus")
    [doc] = load_ann_corpus(root)
    assert doc.doc_id == "a1" and doc.published_at == "2025-10-20" and doc.split == "dev"
    assert [(e.text, e.type) for e in doc.entities] == [("Северный Ветер", "ORG"), ("Breeze 5", "PRODUCT"),
                                                      ("Ведомости", "ORG")]
    assert [a.value for a in doc.amounts] == [120e3, 14, 9.5e9]
    assert [c.relation for c in doc.claims] == ["supply", "revenue"]
    assert load_eval_documents("all", "news-real", root)[0] == "news-real"
    assert load_eval_documents("dev", "ann", root)[0] == "ann:corpus"


def test_ann_corpus_split_and_errors(tmp_path):
    root = write_ann_corpus(tmp_path / "corpus", split="test")
    assert len(load_ann_corpus(root, "all")) == 1 and len(load_ann_corpus(root, "test")) == 1
    with pytest.raises(CorpusError, match="no source under .* is in split 'dev'"):
        load_ann_corpus(root, "dev")
    (root / "ann" / "a2.ann").write_text("article: texts/a1.txt\nsplit: dev\n\nE ORG | Южный Штиль\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="a2.ann: .*'Южный Штиль' does not occur"):
        load_ann_corpus(root)
    with pytest.raises(CorpusError, match="no .ann sources"):
        load_ann_corpus(tmp_path / "empty")
    with pytest.raises(CorpusError, match="unknown corpus"):
        load_eval_documents("dev", "conll", root)
