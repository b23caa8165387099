"""How sure the pipeline is of a claim: the probability that every slot of it is right.

A logistic model over how each slot was decided (which subject mechanism fired, whether the subject and source
are entities, how the relation was chosen, where the time came from, the amount's kind, how crowded the
sentence is), trained on the gold dev split and news-real with `python -m pipeline train-confidence` and stored in
`models/claims/confidence.json` (weights per named feature, the training data and its cross-validated ROC AUC).
Without that file the confidence is the old heuristic. Pure: a dict of features in, a number out.
"""

from __future__ import annotations

import json
import math
from functools import cache

from pipeline.config import MODELS_DIR

MODEL_PATH = MODELS_DIR / "claims" / "confidence.json"


def claim_features(*, subject_how: str, subject_entity: bool, subject_resolved: bool, predicate_found: bool,
                   predicate_in_clause: bool, relation_how: str, relation: str, time_source: str, source_how: str,
                   source_entity: bool, modality: str, kind: str, sentence_amounts: int, clause_amounts: int,
                   group_size: int, sentence_words: int, subject_words: int, comparison: bool,
                   title: bool) -> dict[str, float]:
    """Named features of one claim (one-hot for the categorical ones)."""
    return {
        f"subject:{subject_how}": 1.0, "subject_entity": float(subject_entity),
        "subject_resolved": float(subject_resolved), "subject_words": min(subject_words, 10) / 10,
        "predicate": float(predicate_found), "predicate_in_clause": float(predicate_in_clause),
        f"relation:{relation_how}": 1.0, f"relation={relation}": 1.0,
        f"time:{time_source}": 1.0, f"source:{source_how}": 1.0, "source_entity": float(source_entity),
        f"modality:{modality}": 1.0, f"kind:{kind}": 1.0,
        "sentence_amounts": min(sentence_amounts, 8) / 8, "clause_amounts": min(clause_amounts, 4) / 4,
        "group_size": min(group_size, 4) / 4, "sentence_words": min(sentence_words, 80) / 80,
        "comparison": float(comparison), "title": float(title),
    }


@cache
def confidence_model() -> dict | None:
    if not MODEL_PATH.exists():
        return None
    return json.loads(MODEL_PATH.read_text(encoding="utf-8"))


def heuristic(features: dict[str, float]) -> float:
    """The confidence before a model was trained: predicate, subject entity, sentence time, source."""
    return (0.4 + 0.2 * features.get("predicate", 0.0) + 0.2 * features.get("subject_entity", 0.0)
            + 0.1 * features.get("time:sentence", 0.0) + 0.1 * (1 - features.get("source:none", 0.0)))


def score(features: dict[str, float], model: dict | None = None) -> float:
    """The model's probability that every slot is right (3 decimals), or the heuristic without a model."""
    model = model if model is not None else confidence_model()
    if model is None:
        return round(heuristic(features), 3)
    weights = model["weights"]
    z = model["bias"] + sum(weights.get(name, 0.0) * value for name, value in features.items())
    return round(1 / (1 + math.exp(-max(-30.0, min(30.0, z)))), 3)
