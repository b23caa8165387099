"""Training the slot choosers (`python -m pipeline train-chooser`) and measuring them against the rules.

Every claim the pipeline predicts that matches a gold claim contributes its candidates for each slot
(`pipeline.claims.chooser`): subject candidates labelled right when the scorer would accept them (the same
`same_party` test the evaluation uses), relation classes right when they are the gold one. A logistic regression over the candidates' named features (scikit-learn,
a dev dependency: inference needs only the stored weights) is fitted on development material only (gold dev,
news-real A/B, news-real-2 C; never the gold test split nor news-real-2 D), and is judged the only way that counts:
by document-level cross-validation, each fold's model choosing subjects in articles it was not trained on, side
by side with the rules on the same claims. The files written (`models/claims/<slot>.json`) carry the weights, the
training command, the data they saw and those held-out accuracies; the pipeline uses a slot's file when it is
there.
"""

from __future__ import annotations

import json
import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.claims.chooser import model_path, rules_only
from pipeline.evaluate import adapt_prediction, gold_article, match_claims, same_party
from pipeline.gold import GoldDocument

FOLDS = 5
REGULARISATION = 0.01  # scikit-learn's C: the inverse strength of the L2 penalty
COMMAND = ("python -m pipeline train-chooser --corpus news-real ../shared/corpora/news-real "
           "--corpus news-real ../shared/corpora/news-real-2")


SLOTS = ("subject", "relation")


@dataclass(frozen=True)
class ClaimRows:
    """The candidates of one matched claim for one slot: features, whether each is right, which the rules chose."""

    source: str
    doc_id: str
    slot: str
    features: tuple[dict[str, float], ...]
    right: tuple[bool, ...]
    rule: int | None


def claim_rows(source: str, docs: Sequence[GoldDocument], nlp) -> list[ClaimRows]:
    """One `ClaimRows` per predicted claim that matches a gold claim (the rules decide while the rows are made)."""
    from pipeline.extract import process_article

    rows = []
    with rules_only():
        for doc in docs:
            traces: list = []
            prediction = adapt_prediction(process_article(gold_article(doc), nlp, traces))
            for i, j in match_claims(doc, prediction):
                gold, trace = doc.claims[i], traces[j]
                if trace.subject:
                    right = tuple(same_party(gold.subject, gold.subject_entity, c.text, c.entity)
                                  for c in trace.subject)
                    rows.append(ClaimRows(source, doc.doc_id, "subject", tuple(c.features for c in trace.subject),
                                          right, trace.chosen))
                if trace.relation:
                    rule = next((k for k, c in enumerate(trace.relation) if c.features.get("rule")), None)
                    rows.append(ClaimRows(source, doc.doc_id, "relation", tuple(c.features for c in trace.relation),
                                          tuple(c.text == gold.relation for c in trace.relation), rule))
    return rows


def fit(rows: Sequence[ClaimRows], regularisation: float = REGULARISATION):
    """A fitted (vectorizer, model) pair: a pairwise ranking model (logistic regression on the feature differences
    of a right and a wrong candidate of the same claim), so the score orders the candidates of one claim."""
    import numpy
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = DictVectorizer(sparse=False)
    vectorizer.fit([f for r in rows for f in r.features])
    pairs, labels = [], []
    for r in rows:
        if all(r.right) or not any(r.right):
            continue  # nothing to learn from a claim whose candidates are all right or all wrong
        matrix = vectorizer.transform(list(r.features))
        for good in (k for k, ok in enumerate(r.right) if ok):
            for bad in (k for k, ok in enumerate(r.right) if not ok):
                pairs += [matrix[good] - matrix[bad], matrix[bad] - matrix[good]]
                labels += [1, 0]
    model = LogisticRegression(C=regularisation, max_iter=5000, fit_intercept=False)
    model.fit(numpy.array(pairs), labels)
    return vectorizer, model


def chosen_right(rows: Sequence[ClaimRows], vectorizer, model) -> list[bool]:
    """For each claim, whether the candidate the model scores highest is right."""
    out = []
    for r in rows:
        scores = vectorizer.transform(list(r.features)) @ model.coef_[0]
        best = max(range(len(scores)), key=lambda k: (scores[k], k == r.rule))  # ties: the rules' choice
        out.append(r.right[best])
    return out


def cross_validate(rows: Sequence[ClaimRows], folds: int = FOLDS, seed: int = 25,
                   regularisation: float = REGULARISATION) -> dict[str, dict[str, float]]:
    """Held-out subject accuracy per source, the chooser against the rules, folds made of whole documents."""
    documents = sorted({r.doc_id for r in rows})
    random.Random(seed).shuffle(documents)
    fold_of = {d: k % folds for k, d in enumerate(documents)}
    model_right: dict[int, bool] = {}
    for k in range(folds):
        train = [r for r in rows if fold_of[r.doc_id] != k]
        test = [n for n, r in enumerate(rows) if fold_of[r.doc_id] == k]
        vectorizer, model = fit(train, regularisation)
        for n, ok in zip(test, chosen_right([rows[n] for n in test], vectorizer, model)):
            model_right[n] = ok
    by_source: dict[str, dict[str, float]] = defaultdict(lambda: {"claims": 0, "rules": 0, "chooser": 0, "oracle": 0})
    for n, r in enumerate(rows):
        for key in (r.source, "all"):
            s = by_source[key]
            s["claims"] += 1
            s["rules"] += r.rule is not None and r.right[r.rule]
            s["chooser"] += model_right[n]
            s["oracle"] += any(r.right)
    return {source: {"claims": s["claims"], **{k: round(s[k] / s["claims"], 4) for k in ("rules", "chooser", "oracle")}}
            for source, s in by_source.items()}


def checked(rows: Sequence[ClaimRows], vectorizer, model) -> dict[str, float]:
    """The fitted model against the rules on a check set's claims: totals only (a check set is never read)."""
    right = chosen_right(rows, vectorizer, model)
    rules = sum(r.rule is not None and r.right[r.rule] for r in rows)
    return {"claims": len(rows), "rules": round(rules / max(len(rows), 1), 4),
            "chooser": round(sum(right) / max(len(rows), 1), 4)}


def train(sources: dict[str, Sequence[GoldDocument]], nlp, slots: Sequence[str] = SLOTS,
          checks: dict[str, Sequence[GoldDocument]] | None = None) -> dict[str, dict]:
    """Rows from every source; per slot the cross-validated comparison, then the model fitted on all its rows,
    scored against the rules on the check sets (`checks`: test splits, totals only), written to
    `models/claims/<slot>.json`. Returns what was written, by slot."""
    rows = [r for name, docs in sources.items() for r in claim_rows(name, docs, nlp)]
    check_rows = {name: claim_rows(name, docs, nlp) for name, docs in (checks or {}).items()}
    written_all = {}
    for slot in slots:
        slot_rows = [r for r in rows if r.slot == slot]
        held_out = cross_validate(slot_rows)
        vectorizer, model = fit(slot_rows)
        check = {name: checked([r for r in rs if r.slot == slot], vectorizer, model) for name, rs in check_rows.items()}
        weights = {name: round(float(w), 6) for name, w in zip(vectorizer.get_feature_names_out(), model.coef_[0])}
        written = {
            "model": f"pairwise ranking (logistic regression on the feature differences of a right and a wrong "
                     f"candidate of one claim); the {slot} candidate with the highest sum(weight * feature) wins",
            "bias": 0.0,
            "weights": dict(sorted(weights.items())),
            "regularisation_C": REGULARISATION,
            "trained_on": {name: {"documents": len(docs), "claims": sum(r.source == name for r in slot_rows),
                                  "candidates": sum(len(r.right) for r in slot_rows if r.source == name)}
                           for name, docs in sources.items()},
            "held_out_accuracy": held_out,
            "held_out_note": "the rules' accuracy here is not held out: they were grown on these documents",
            "check_accuracy": check,
            "folds": f"{FOLDS} folds of whole documents (shuffled with seed 25)",
            "command": COMMAND + (" --check news-real ../shared/corpora/news-real-2" if checks else ""),
        }
        path = model_path(slot)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(written, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        written_all[slot] = written
    return written_all
