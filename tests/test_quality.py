"""Accuracy on the gold dev set and on news-real must not fall below the committed floors; factRuEval and
news-real when they are available (../shared)."""

import json
from pathlib import Path

import pytest

from conftest import FACTRU_DIR, NEWS_REAL_DIR
from pipeline.evaluate import below_floor, evaluate_documents, floor_path, floor_values
from pipeline.gold import load_gold

FLOOR = Path(__file__).resolve().parent.parent / "gold" / "metrics.json"


@pytest.fixture(scope="module")
def dev_metrics(nlp):
    return evaluate_documents(load_gold("dev"), nlp)


def test_dev_metrics_stay_above_the_committed_floor(dev_metrics):
    floor = json.loads(FLOOR.read_text(encoding="utf-8"))
    assert floor["split"] == "dev"
    assert below_floor(dev_metrics, floor["metrics"]) == [], \
        "a metric fell below gold/metrics.json; if the drop is intended, rewrite it with `python -m pipeline eval --write-floor`"


def test_floor_covers_every_scored_metric(dev_metrics):
    floor = json.loads(FLOOR.read_text(encoding="utf-8"))
    assert set(floor_values(dev_metrics)) <= set(floor["metrics"]), \
        "new metrics are not in the floor: run `python -m pipeline eval --write-floor`"


def test_factru_devset(nlp):
    if not (FACTRU_DIR / "devset").is_dir():
        pytest.skip(f"{FACTRU_DIR} is absent (developer/CI material, not in a user's clone)")
    from pipeline.corpora import CORPUS_ENTITY_TYPES, load_factru

    docs = [d.as_gold() for d in load_factru(FACTRU_DIR / "devset")]
    metrics = {m.key: m for m in evaluate_documents(docs, nlp, entity_types=CORPUS_ENTITY_TYPES)}
    # Natasha publishes token-level F1 0.959 / 0.915 / 0.825 (PER / LOC / ORG) for factRuEval
    assert metrics["entities/PER/token"].f1 > 0.93
    assert metrics["entities/LOC/token"].f1 > 0.88
    assert metrics["entities/ORG/token"].f1 > 0.74
    assert "entities/ALL/normal" not in metrics  # the corpus has no normal forms to score


@pytest.mark.parametrize("split", ["dev", "test"])
def test_more_recall_than_natasha_at_no_lower_precision(nlp, split):
    """Money and time expressions against Natasha's MoneyExtractor and DatesExtractor on the same articles."""
    from pipeline.baseline import compare
    from pipeline.evaluate import predict

    docs = load_gold(split)
    result = compare(docs, predict(docs, nlp))
    for ours, theirs in zip(result["pipeline"], result["natasha"]):
        if ours.match == "lenient":
            assert ours.recall > theirs.recall, ours.key
            assert ours.precision >= theirs.precision - 1e-9, ours.key


@pytest.fixture(scope="module")
def news_real_metrics(nlp):
    if not NEWS_REAL_DIR.is_dir():
        pytest.skip(f"{NEWS_REAL_DIR} is absent (developer/CI material, not in a user's clone)")
    from pipeline.corpora import load_ann_corpus

    return evaluate_documents(load_ann_corpus(NEWS_REAL_DIR), nlp)


def test_news_real_stays_above_its_floor(news_real_metrics):
    floor = json.loads(floor_path("news-real").read_text(encoding="utf-8"))
    assert floor["dataset"] == "news-real"
    assert below_floor(news_real_metrics, floor["metrics"]) == [], \
        "a news-real metric fell below gold/metrics.news-real.json; if intended, rewrite it with " \
        "`python -m pipeline eval --corpus news-real ../shared/corpora/news-real --write-floor`"
    assert set(floor_values(news_real_metrics)) <= set(floor["metrics"]), "new metrics are not in the news-real floor"


def test_news_real_meets_the_real_text_targets(news_real_metrics):
    """The bar for span extraction on real third-party news (amounts, time expressions, entities)."""
    m = {x.key: x for x in news_real_metrics}
    assert m["amounts/ALL/value"].f1 >= 0.95 and m["amounts/money/strict"].f1 >= 0.90
    assert m["timex/ALL/resolved"].f1 >= 0.90
    assert m["entities/ALL/strict"].f1 >= 0.92 and m["entities/PRODUCT/strict"].recall >= 0.80


def test_news_real_claims_meet_their_targets(news_real_metrics):
    """The bar for claims on real news: found, every slot right on most of them, few false rows."""
    m = {x.key: x for x in news_real_metrics}
    claims = m["claims/ALL/evidence+amount"]
    assert claims.f1 >= 0.90 and 1 - claims.precision <= 0.10
    slots = {"subject": 0.85, "relation": 0.80, "time": 0.90, "source": 0.90, "modality": 0.90}
    for slot, bar in slots.items():
        assert m[f"claims/ALL/slot:{slot}"].accuracy >= bar, slot
    assert m["claims/ALL/all-slots"].recall >= 0.70
