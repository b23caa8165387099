"""The slot choosers' training: a ranking model fitted on candidates, judged by whole-document folds and, on a
check set, by totals only. Synthetic candidates: nothing here needs the models or a corpus."""

import pytest

from pipeline.chooser_training import ClaimRows, checked, cross_validate, fit
from pipeline.claims.chooser import Candidate, choose

pytest.importorskip("sklearn", reason="training needs scikit-learn (a dev dependency)")


def rows(documents: int, rules_right_every: int) -> list[ClaimRows]:
    """Claims of three candidates; the right one carries `dep=nsubj`, the others `dep=obl` / `dep=nmod`; the
    rules choose the right one on every `rules_right_every`-th claim and the first wrong one otherwise."""
    out = []
    for d in range(documents):
        for n in range(4):
            right_at = (d + n) % 3
            features = tuple({"bias": 1.0, f"dep={'nsubj' if k == right_at else ('obl', 'nmod')[k % 2]}": 1.0}
                             for k in range(3))
            right = tuple(k == right_at for k in range(3))
            rule = right_at if n % rules_right_every == 0 else (right_at + 1) % 3
            out.append(ClaimRows("synthetic", f"doc{d}", "subject", features, right, rule))
    return out


def test_a_learnable_feature_beats_rules_that_are_often_wrong():
    train, check = rows(10, 2), rows(5, 2)
    vectorizer, model = fit(train, regularisation=1.0)
    assert checked(check, vectorizer, model) == {"claims": 20, "rules": 0.5, "chooser": 1.0}


def test_cross_validation_reports_rules_chooser_and_oracle_per_source():
    report = cross_validate(rows(10, 4), folds=5, regularisation=1.0)
    assert set(report) == {"synthetic", "all"}
    assert report["all"] == {"claims": 40, "rules": 0.25, "chooser": 1.0, "oracle": 1.0}


def test_claims_whose_candidates_are_all_right_or_all_wrong_teach_nothing():
    useless = [ClaimRows("s", "d", "subject", ({"dep=obl": 1.0}, {"dep=nmod": 1.0}), (False, False), 0),
               ClaimRows("s", "d", "subject", ({"dep=obl": 1.0},), (True,), 0)]
    with pytest.raises(ValueError):
        fit(useless)  # no pair to learn from: scikit-learn refuses an empty training set


@pytest.mark.parametrize("weights, expected", [
    ({"dep=nsubj": 2.0, "dep=obl": -1.0}, 1),
    ({"dep=nsubj": -2.0, "dep=obl": 1.0}, 0),
    ({}, 1),  # equal scores: the rules' choice wins the tie
])
def test_choose_takes_the_highest_score_and_the_rules_on_a_tie(weights, expected):
    candidates = [Candidate(3, [3], {"dep=obl": 1.0}), Candidate(7, [7], {"dep=nsubj": 1.0, "rule": 1.0})]
    model = {"bias": 0.0, "weights": weights}
    assert choose(candidates, model) is candidates[expected]


def test_without_a_model_the_rules_decide():
    assert choose([Candidate(1, [1], {"rule": 1.0})], None) is None
