"""Accuracy on the gold dev set and on news-real must not fall below the committed floors; factRuEval and
news-real when they are available (../shared)."""

import json
from pathlib import Path

import pytest

from helpers import FACTRU_DIR, NEWS_REAL_DIR
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


# news-real: A/B (32 articles the rules were developed on), news-real-2 dev (C, development material) and test (D,
# a check: scored and reported, never read). Each has its own floor, gold/metrics.<corpus>.<split>.json.
CORPUS_SPLITS = [("news-real", "dev"), ("news-real-2", "dev"), ("news-real-2", "test")]


@pytest.fixture(scope="module")
def corpus_metrics(nlp):
    cache = {}

    def metrics(corpus: str, split: str):
        folder = NEWS_REAL_DIR.parent / corpus
        if not folder.is_dir():
            pytest.skip(f"{folder} is absent (developer/CI material, not in a user's clone)")
        if (corpus, split) not in cache:
            from pipeline.corpora import load_ann_corpus

            cache[corpus, split] = evaluate_documents(load_ann_corpus(folder, split), nlp)
        return cache[corpus, split]
    return metrics


@pytest.mark.parametrize("corpus,split", CORPUS_SPLITS)
def test_real_news_stays_above_its_floor(corpus_metrics, corpus, split):
    metrics = corpus_metrics(corpus, split)
    path = floor_path(corpus, split)
    floor = json.loads(path.read_text(encoding="utf-8"))
    assert (floor["dataset"], floor["split"]) == (corpus, split)
    assert below_floor(metrics, floor["metrics"]) == [], \
        f"a {corpus}/{split} metric fell below {path.name}; if intended, rewrite it with " \
        f"`python -m pipeline eval --corpus news-real ../shared/corpora/{corpus} --split {split} --write-floor`"
    assert set(floor_values(metrics)) <= set(floor["metrics"]), f"new metrics are not in {path.name}"


def test_news_real_meets_the_real_text_targets(corpus_metrics):
    """A/B keep the bar for span extraction on the real news the rules were first developed on."""
    m = {x.key: x for x in corpus_metrics("news-real", "dev")}
    assert m["amounts/ALL/value"].f1 >= 0.95 and m["amounts/money/strict"].f1 >= 0.90
    assert m["timex/ALL/resolved"].f1 >= 0.90
    assert m["entities/ALL/strict"].f1 >= 0.92 and m["entities/PRODUCT/strict"].recall >= 0.80


def test_news_real_claims_meet_their_targets(corpus_metrics):
    """A/B keep the bar for claims: found, every slot right on most of them, few false rows."""
    m = {x.key: x for x in corpus_metrics("news-real", "dev")}
    claims = m["claims/ALL/evidence+amount"]
    assert claims.f1 >= 0.90 and 1 - claims.precision <= 0.10
    slots = {"subject": 0.85, "relation": 0.80, "time": 0.90, "source": 0.90, "modality": 0.90}
    for slot, bar in slots.items():
        assert m[f"claims/ALL/slot:{slot}"].accuracy >= bar, slot
    assert m["claims/ALL/all-slots"].recall >= 0.70


# The hard targets live on D, the check set nobody tunes to (issue 25). They are not reached yet: the test is an
# expected failure that turns into a failure the day they are, so that it is made a plain assertion then.
D_TARGETS = {"claims/ALL/evidence+amount": ("f1", 0.95), "claims/ALL/slot:subject": ("accuracy", 0.90),
             "claims/ALL/slot:relation": ("accuracy", 0.90), "claims/ALL/slot:source": ("accuracy", 0.92),
             "claims/ALL/slot:time": ("accuracy", 0.95), "claims/ALL/slot:modality": ("accuracy", 0.93),
             "claims/ALL/all-slots": ("recall", 0.70), "amounts/ALL/value": ("f1", 0.97),
             "amounts/count/strict": ("f1", 0.90), "timex/ALL/resolved": ("f1", 0.95),
             "entities/ALL/strict": ("f1", 0.95), "entities/PRODUCT/strict": ("f1", 0.90)}


@pytest.mark.xfail(strict=True, reason="issue 25's targets on news-real-2 D are not all reached yet (see the README)")
def test_check_set_meets_the_targets(corpus_metrics):
    m = {x.key: x for x in corpus_metrics("news-real-2", "test")}
    missed = {key: round(getattr(m[key], attr), 3) for key, (attr, bar) in D_TARGETS.items()
              if getattr(m[key], attr) < bar}
    claims = m["claims/ALL/evidence+amount"]
    if 1 - claims.precision > 0.05:
        missed["false rows"] = round(1 - claims.precision, 3)
    assert missed == {}
