"""Training the claim confidence model (`python -m pipeline train-confidence`).

Every predicted claim of the training documents (the gold dev split, and news-real or any `.ann` folder when
given) is a row: its features (`pipeline.claims.confidence.claim_features`) and whether it matched a gold claim
with every slot right. A logistic regression (scikit-learn, a dev dependency: inference needs only the stored
weights) is fitted on all rows and written to `models/claims/confidence.json`, together with the ROC AUC it
reaches on documents held out of training (grouped cross-validation) and the heuristic's AUC on the same rows.
The gold test split is never used.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pipeline.claims.confidence import MODEL_PATH, heuristic
from pipeline.evaluate import adapt_prediction, claim_checks, gold_article, match_claims, roc_auc
from pipeline.gold import GoldDocument

FOLDS = 5
REGULARISATION = 1.0  # scikit-learn's C: the inverse strength of the L2 penalty


@dataclass(frozen=True)
class Row:
    doc_id: str
    features: dict[str, float]
    right: bool  # matched a gold claim with every slot right


def training_rows(docs: Sequence[GoldDocument], nlp) -> list[Row]:
    """One row per claim the pipeline predicts on the documents."""
    from pipeline.extract import process_article

    rows = []
    for doc in docs:
        traces: list = []
        result = process_article(gold_article(doc), nlp, traces)
        features = [t.confidence for t in traces]
        prediction = adapt_prediction(result)
        right = {j for i, j in match_claims(doc, prediction)
                 if all(claim_checks(doc.claims[i], prediction.claims[j]).values())}
        rows += [Row(doc.doc_id, features[j], j in right) for j in range(len(result.claims))]
    return rows


def fit(rows: Sequence[Row], regularisation: float = REGULARISATION):
    """A fitted (vectorizer, model) pair."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = DictVectorizer(sparse=False)
    x = vectorizer.fit_transform([r.features for r in rows])
    model = LogisticRegression(C=regularisation, max_iter=2000)
    model.fit(x, [r.right for r in rows])
    return vectorizer, model


def held_out_auc(rows: Sequence[Row], folds: int = FOLDS) -> float | None:
    """ROC AUC of models scored on documents they were not trained on (documents split into `folds` groups)."""
    from sklearn.model_selection import GroupKFold

    groups = [r.doc_id for r in rows]
    scored: list[tuple[float, bool]] = []
    for train, test in GroupKFold(n_splits=min(folds, len(set(groups)))).split(rows, groups=groups):
        train_rows = [rows[i] for i in train]
        if len({r.right for r in train_rows}) < 2:
            continue
        vectorizer, model = fit(train_rows)
        probabilities = model.predict_proba(vectorizer.transform([rows[i].features for i in test]))[:, 1]
        scored += [(float(p), rows[i].right) for p, i in zip(probabilities, test)]
    return roc_auc(scored)


def train(sources: dict[str, Sequence[GoldDocument]], nlp, path: Path = MODEL_PATH) -> dict:
    """Fit on every source's documents, write the model file, return what was written."""
    rows: list[Row] = []
    counts = {}
    for name, docs in sources.items():
        found = training_rows(docs, nlp)
        counts[name] = {"documents": len(docs), "claims": len(found), "fully_right": sum(r.right for r in found)}
        rows += found
    vectorizer, model = fit(rows)
    weights = {name: round(float(w), 6) for name, w in zip(vectorizer.get_feature_names_out(), model.coef_[0])}
    written = {
        "model": "logistic regression: confidence = 1 / (1 + exp(-(bias + sum(weight * feature))))",
        "bias": round(float(model.intercept_[0]), 6),
        "weights": dict(sorted(weights.items())),
        "regularisation_C": REGULARISATION,
        "trained_on": counts,
        "held_out_auc": round(held_out_auc(rows) or 0.0, 4),
        "heuristic_auc": round(roc_auc([(heuristic(r.features), r.right) for r in rows]) or 0.0, 4),
        "command": "python -m pipeline train-confidence --corpus news-real ../shared/corpora/news-real --corpus news-real ../shared/corpora/news-real-2",
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(written, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return written
