"""Scoring predictions against gold: counts per document, added up into per-type precision/recall/F1.

Pure functions over plain records (no Prefect, no spaCy). Matching modes:
- `strict`: same type and exactly the same [start, stop);
- `lenient`: same type and overlapping spans, paired one-to-one (largest overlap first);
- `token`: naeval's per-token scoring (each razdel token inside a span of the type is one decision), the
  measure Natasha publishes for factRuEval, so our numbers sit next to theirs;
- `value` (amounts): a lenient match whose value(s) and unit are also right;
- `resolved` (time expressions): a lenient match whose resolved start/end dates are also right;
- `normal` (entities): accuracy of the normal form over strict matches.
Claims match when they are in the same document, their evidence sentences overlap and their primary amounts
overlap; matched claims are then scored slot by slot (accuracy). A stage the pipeline does not build yet is
reported with status `not_built` and no numbers, never as zeros.
"""

from __future__ import annotations

import math
import os
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import razdel

from pipeline.gold import ENTITY_TYPES, GoldDocument, MarkedClaim
from pipeline.norm import known_word, parse_word
from pipeline.records import FoundAmount, FoundTimex

TASKS = ("entities", "amounts", "timex", "claims")
CLAIM_SLOTS = ("subject", "relation", "time", "source", "modality")
ALL = "ALL"

# ---------------------------------------------------------------------------
# counts
# ---------------------------------------------------------------------------


@dataclass
class Counts:
    correct: int = 0
    guessed: int = 0
    expected: int = 0

    def add(self, other: "Counts") -> None:
        self.correct += other.correct
        self.guessed += other.guessed
        self.expected += other.expected

    @property
    def precision(self) -> float | None:
        return self.correct / self.guessed if self.guessed else None

    @property
    def recall(self) -> float | None:
        return self.correct / self.expected if self.expected else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        if p is None or r is None:
            return None
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Share:
    correct: int = 0
    total: int = 0

    @property
    def value(self) -> float | None:
        return self.correct / self.total if self.total else None


@dataclass(frozen=True)
class Metric:
    task: str
    type: str
    match: str
    precision: float | None = None
    recall: float | None = None
    f1: float | None = None
    accuracy: float | None = None
    support: int = 0  # gold items (or matched items, for accuracies)
    correct: int = 0
    guessed: int = 0
    expected: int = 0
    status: str = "ok"  # ok | not_built

    @property
    def key(self) -> str:
        return f"{self.task}/{self.type}/{self.match}"

    @property
    def value(self) -> float | None:
        """The headline number: F1, or accuracy for accuracy rows."""
        return self.accuracy if self.match in ACCURACY_MATCHES else self.f1


ACCURACY_MATCHES = {"normal", "cluster:grouped", "cluster:pure", "confidence:auc", *(f"slot:{s}" for s in CLAIM_SLOTS)}


def metric_from_counts(task: str, type: str, match: str, counts: Counts) -> Metric:
    return Metric(task, type, match, counts.precision, counts.recall, counts.f1, None, counts.expected,
                  counts.correct, counts.guessed, counts.expected)


def metric_from_share(task: str, type: str, match: str, share: Share) -> Metric:
    return Metric(task, type, match, accuracy=share.value, support=share.total, correct=share.correct,
                  expected=share.total)


# ---------------------------------------------------------------------------
# predictions: library-free records the pipeline's results are adapted into
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PredEntity:
    start: int
    stop: int
    type: str
    normal: str = ""
    canonical: str | None = None


@dataclass
class Prediction:
    """What the pipeline says about one document; a task is None when its stage is not built."""

    doc_id: str
    entities: list[PredEntity] | None = field(default_factory=list)
    amounts: list[FoundAmount] | None = None  # the same record as the gold amounts
    timexes: list[FoundTimex] | None = None  # the same record as the gold time expressions
    claims: list[MarkedClaim] | None = None  # the same record as the gold claims


# ---------------------------------------------------------------------------
# span matching
# ---------------------------------------------------------------------------

Span = tuple[int, int, str]


def overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def match_spans(gold: Sequence[Span], pred: Sequence[Span], mode: str) -> list[tuple[int, int]]:
    """One-to-one pairs (gold index, pred index) of same-label spans: exact for `strict`, overlapping for `lenient`."""
    if mode == "strict":
        index = {}
        for i, span in enumerate(gold):
            index.setdefault(span, []).append(i)
        pairs = []
        for j, span in enumerate(pred):
            if index.get(span):
                pairs.append((index[span].pop(0), j))
        return pairs
    candidates = [
        (overlap(g[:2], p[:2]), i, j)
        for i, g in enumerate(gold) for j, p in enumerate(pred)
        if g[2] == p[2] and overlap(g[:2], p[:2]) > 0
    ]
    return sorted(greedy_pairs(candidates))


def greedy_pairs(candidates: Sequence[tuple[int, int, int]]) -> list[tuple[int, int]]:
    """One-to-one (gold, predicted) pairs from (overlap, gold index, predicted index) candidates, largest overlap
    first."""
    used_gold, used_pred, pairs = set(), set(), []
    for _, i, j in sorted(candidates, key=lambda c: (-c[0], c[1], c[2])):
        if i not in used_gold and j not in used_pred:
            used_gold.add(i)
            used_pred.add(j)
            pairs.append((i, j))
    return pairs


def span_counts(gold: Sequence[Span], pred: Sequence[Span], mode: str, label: str | None = None) -> Counts:
    """Counts for one label (all labels when None)."""
    if label is not None:
        gold = [s for s in gold if s[2] == label]
        pred = [s for s in pred if s[2] == label]
    return Counts(len(match_spans(gold, pred, mode)), len(pred), len(gold))


def token_counts(text: str, gold: Sequence[Span], pred: Sequence[Span], label: str) -> Counts:
    """naeval-style: every razdel token inside a `label` span is one positive decision."""
    def inside(spans: Sequence[Span]) -> list[bool]:
        chosen = [s for s in spans if s[2] == label]
        return [any(s[0] <= t.start and t.stop <= s[1] for s in chosen) for t in tokens]

    tokens = list(razdel.tokenize(text))
    g, p = inside(gold), inside(pred)
    return Counts(sum(a and b for a, b in zip(g, p)), sum(p), sum(g))


# ---------------------------------------------------------------------------
# per-task scoring
# ---------------------------------------------------------------------------


def close_values(a: float | None, b: float | None) -> bool:
    """Two amount values agree (0.5% relative tolerance: '$2,38 млрд' written from 2.381e9)."""
    if a is None or b is None:
        return a is b
    return math.isclose(a, b, rel_tol=5e-3, abs_tol=1e-9)


def score_entities(pairs: Iterable[tuple[GoldDocument, Prediction]], types: Sequence[str] = ENTITY_TYPES,
                   token_level: bool = True) -> list[Metric]:
    by = defaultdict(Counts)
    normal = Share()
    for gold, pred in pairs:
        gold_entities = [e for e in gold.entities if e.type in types]
        pred_entities = [e for e in pred.entities if e.type in types]
        g = [(e.start, e.stop, e.type) for e in gold_entities]
        p = [(e.start, e.stop, e.type) for e in pred_entities]
        for mode in ("strict", "lenient"):
            for label in types:
                by[(label, mode)].add(span_counts(g, p, mode, label))
            by[(ALL, mode)].add(span_counts(g, p, mode))
        if token_level:
            for label in types:
                counts = token_counts(gold.text, g, p, label)
                by[(label, "token")].add(counts)
                by[(ALL, "token")].add(counts)
        for i, j in match_spans(g, p, "strict"):
            if gold_entities[i].normal:  # public corpora carry no normal forms
                normal.total += 1
                normal.correct += gold_entities[i].normal == pred_entities[j].normal
    metrics = [metric_from_counts("entities", label, mode, counts) for (label, mode), counts in by.items()]
    if normal.total:
        metrics.append(metric_from_share("entities", ALL, "normal", normal))
    metrics += score_clusters(pairs, types)
    return metrics


def score_clusters(pairs: Sequence[tuple[GoldDocument, Prediction]], types: Sequence[str]) -> list[Metric]:
    """How predicted entity ids group strictly matched mentions, across all documents:
    `cluster:grouped` — share of mentions whose id is the one most mentions of their gold entity got;
    `cluster:pure` — share not wrongly merged (their gold entity is the majority of their predicted cluster)."""
    from collections import Counter

    matched: list[tuple[tuple[str, str], str]] = []
    for gold, pred in pairs:
        gold_entities = [e for e in gold.entities if e.type in types]
        pred_entities = [e for e in pred.entities if e.type in types]
        g = [(e.start, e.stop, e.type) for e in gold_entities]
        p = [(e.start, e.stop, e.type) for e in pred_entities]
        for i, j in match_spans(g, p, "strict"):
            if pred_entities[j].canonical and gold_entities[i].normal:  # corpora carry no canonical names
                matched.append(((gold_entities[i].type, gold_entities[i].canonical), pred_entities[j].canonical))
    if not matched:
        return []
    by_gold: dict = defaultdict(Counter)
    by_pred: dict = defaultdict(Counter)
    for gold_key, pred_id in matched:
        by_gold[gold_key][pred_id] += 1
        by_pred[pred_id][gold_key] += 1
    grouped = Share(sum(by_gold[g].most_common(1)[0][0] == p for g, p in matched), len(matched))
    pure = Share(sum(by_pred[p].most_common(1)[0][0] == g for g, p in matched), len(matched))
    return [metric_from_share("entities", ALL, "cluster:grouped", grouped),
            metric_from_share("entities", ALL, "cluster:pure", pure)]


def score_typed_spans(pairs: Iterable[tuple[GoldDocument, Prediction]], task: str, attr: str, check: str,
                      same_value) -> list[Metric]:
    """Strict/lenient span scores per kind and overall, plus `check`: a lenient match whose values agree."""
    by = defaultdict(Counts)
    for gold, pred in pairs:
        gold_items, pred_items = getattr(gold, attr), getattr(pred, attr)
        g = [(x.start, x.stop, x.kind) for x in gold_items]
        p = [(x.start, x.stop, x.kind) for x in pred_items]
        for mode in ("strict", "lenient"):
            for kind in {s[2] for s in g} | {s[2] for s in p}:
                by[(kind, mode)].add(span_counts(g, p, mode, kind))
            by[(ALL, mode)].add(span_counts(g, p, mode))
        agreed = Counts(0, len(p), len(g))
        for i, j in match_spans(g, p, "lenient"):
            agreed.correct += same_value(gold_items[i], pred_items[j])
        by[(ALL, check)].add(agreed)
    return [metric_from_counts(task, label, mode, counts) for (label, mode), counts in by.items()]


def score_amounts(pairs: Iterable[tuple[GoldDocument, Prediction]]) -> list[Metric]:
    return score_typed_spans(pairs, "amounts", "amounts", "value", lambda g, p: (
        close_values(g.value_min, p.value_min) and close_values(g.value_max, p.value_max) and g.unit == p.unit))


def score_timexes(pairs: Iterable[tuple[GoldDocument, Prediction]]) -> list[Metric]:
    return score_typed_spans(pairs, "timex", "timexes", "resolved", lambda g, p: (
        g.start_date == p.start_date and g.end_date == p.end_date))


_WORD = re.compile(r"\w{3,}")


def same_party(gold_text: str | None, gold_entity: str | None, pred_text: str | None, pred_entity: str | None) -> bool:
    """Subjects/sources agree: the same canonical entity, else a shared content word (by lemma); both empty
    agree."""
    if not gold_text and not pred_text:
        return True
    if not gold_text or not pred_text:
        return False
    if gold_entity and pred_entity:
        return gold_entity == pred_entity
    gold_words, pred_words = _WORD.findall(gold_text.lower()), _WORD.findall(pred_text.lower())
    return any(same_word(a, b) for a in gold_words for b in pred_words)


def same_word(a: str, b: str) -> bool:
    """Two forms of one word: equal, sharing a pymorphy3 lemma, or — for words its dictionary lacks ("джуны",
    "«джунов»") — sharing all but the last two letters of the shorter (at least four)."""
    if a == b:
        return True
    if {p.normal_form for p in parse_word(a)} & {p.normal_form for p in parse_word(b)}:
        return True
    if known_word(a) and known_word(b):
        return False
    common = len(os.path.commonprefix([a, b]))
    return common >= max(4, min(len(a), len(b)) - 2)


def claim_checks(g, p) -> dict[str, bool]:
    """Which slots of a matched predicted claim agree with the gold claim."""
    return {
        "subject": same_party(g.subject, g.subject_entity, p.subject, p.subject_entity),
        "relation": g.relation == p.relation,
        "time": (g.time_start, g.time_end) == (p.time_start, p.time_end),
        "source": same_party(g.source, g.source_entity, p.source, p.source_entity),
        "modality": g.modality == p.modality,
    }


def match_claims(gold: GoldDocument, pred: Prediction) -> list[tuple[int, int]]:
    """One-to-one (gold index, predicted index) pairs: overlapping evidence and primary amounts, largest overlap
    of the primary amount first."""
    candidates = []
    for i, g in enumerate(gold.claims):
        primary = tuple(g.amounts[0])
        for j, p in enumerate(pred.claims):
            if (overlap((g.evidence_start, g.evidence_stop), (p.evidence_start, p.evidence_stop))
                    and overlap(primary, p.amounts[0])):
                candidates.append((overlap(primary, p.amounts[0]), i, j))
    return greedy_pairs(candidates)


def roc_auc(scored: Sequence[tuple[float, bool]]) -> float | None:
    """The probability that a random right item scores higher than a random wrong one (ties count half)."""
    right = [s for s, ok in scored if ok]
    wrong = [s for s, ok in scored if not ok]
    if not right or not wrong:
        return None
    wins = sum((r > w) + 0.5 * (r == w) for r in right for w in wrong)
    return wins / (len(right) * len(wrong))


def score_claims(pairs: Iterable[tuple[GoldDocument, Prediction]]) -> list[Metric]:
    """Claims matched on evidence + primary amount; slot accuracy over matched claims; `all-slots`: claims matched
    with every slot right (recall = share of gold claims fully right); `confidence:auc`: how well `confidence`
    separates fully right claims from false or partly wrong ones."""
    counts, complete = Counts(), Counts()
    slots = {slot: Share() for slot in CLAIM_SLOTS}
    scored: list[tuple[float, bool]] = []
    for gold, pred in pairs:
        counts.guessed += len(pred.claims)
        counts.expected += len(gold.claims)
        complete.guessed += len(pred.claims)
        complete.expected += len(gold.claims)
        right_pred = set()
        for i, j in match_claims(gold, pred):
            counts.correct += 1
            checks = claim_checks(gold.claims[i], pred.claims[j])
            for slot, ok in checks.items():
                slots[slot].total += 1
                slots[slot].correct += ok
            if all(checks.values()):
                complete.correct += 1
                right_pred.add(j)
        scored += [(p.confidence, j in right_pred) for j, p in enumerate(pred.claims) if p.confidence is not None]
    metrics = [metric_from_counts("claims", ALL, "evidence+amount", counts),
               metric_from_counts("claims", ALL, "all-slots", complete)]
    metrics += [metric_from_share("claims", ALL, f"slot:{slot}", share) for slot, share in slots.items()]
    auc = roc_auc(scored)
    if auc is not None:
        metrics.append(Metric("claims", ALL, "confidence:auc", accuracy=auc, support=len(scored),
                              correct=sum(ok for _, ok in scored), expected=len(scored)))
    return metrics


def not_built(task: str) -> Metric:
    return Metric(task, ALL, "-", status="not_built")


def score_documents(golds: Sequence[GoldDocument], preds: Sequence[Prediction], token_level: bool = True,
                    entity_types: Sequence[str] = ENTITY_TYPES) -> list[Metric]:
    """Every task's metrics over paired documents (a task whose predictions are None is `not_built`).
    `entity_types` restricts entity scoring, e.g. to the PER/ORG/LOC of a public corpus."""
    by_id = {p.doc_id: p for p in preds}
    missing = [g.doc_id for g in golds if g.doc_id not in by_id]
    if missing:
        raise ValueError(f"no prediction for gold documents {missing}")
    pairs = [(g, by_id[g.doc_id]) for g in golds]
    scorers = {"entities": lambda: score_entities(pairs, entity_types, token_level=token_level),
               "amounts": lambda: score_amounts(pairs),
               "timex": lambda: score_timexes(pairs),
               "claims": lambda: score_claims(pairs)}
    attr = {"entities": "entities", "amounts": "amounts", "timex": "timexes", "claims": "claims"}
    metrics: list[Metric] = []
    for task in TASKS:
        built = all(getattr(p, attr[task]) is not None for _, p in pairs)
        metrics += scorers[task]() if built else [not_built(task)]
    return sort_metrics(metrics)


MATCH_ORDER = ["strict", "lenient", "token", "value", "resolved", "normal", "cluster:grouped", "cluster:pure",
               "evidence+amount", "all-slots",
               *(f"slot:{s}" for s in CLAIM_SLOTS), "confidence:auc", "-"]


def sort_metrics(metrics: Iterable[Metric]) -> list[Metric]:
    def key(m: Metric):
        type_rank = 0 if m.type == ALL else 1
        return (TASKS.index(m.task) if m.task in TASKS else 99, MATCH_ORDER.index(m.match)
                if m.match in MATCH_ORDER else 99, type_rank, m.type)
    return sorted(metrics, key=key)


# ---------------------------------------------------------------------------
# report
# ---------------------------------------------------------------------------


def _fmt(value: float | None) -> str:
    return "" if value is None else f"{value:.3f}"


def format_report(metrics: Sequence[Metric], title: str = "") -> str:
    """A Markdown table of the metrics (not-built stages in one line each)."""
    lines = [f"### {title}", ""] if title else []
    lines += ["| task | type | match | P | R | F1 | accuracy | support |", "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for m in metrics:
        if m.status == "not_built":
            lines.append(f"| {m.task} | | | | | | | not built yet |")
        else:
            lines.append(f"| {m.task} | {m.type} | {m.match} | {_fmt(m.precision)} | {_fmt(m.recall)} | "
                         f"{_fmt(m.f1)} | {_fmt(m.accuracy)} | {m.support} |")
    return "\n".join(lines)


# ---------------------------------------------------------------------------
# running the pipeline on gold documents (no Prefect: the flow wraps these)
# ---------------------------------------------------------------------------


def gold_article(doc: GoldDocument):
    """A gold document as the Article the pipeline processes (its text is already the cleaned text)."""
    from datetime import date

    from pipeline.records import Article

    published = date.fromisoformat(doc.published_at) if doc.published_at else None
    title = doc.text.split("\n", 1)[0]
    return Article(doc.doc_id, doc.doc_id, "gold", doc.path, None, None, published, title, doc.text, "utf-8")


def adapt_prediction(result) -> Prediction:
    """An ArticleResult as a Prediction; stages the result does not carry are None (not built)."""
    spans = {a.amount_id: (a.start, a.stop) for a in result.amounts}
    return Prediction(
        doc_id=result.article.article_id,
        entities=[PredEntity(m.start, m.stop, m.type, m.normal, m.entity_id or None) for m in result.mentions],
        amounts=list(result.amounts),
        timexes=list(result.timexes),
        claims=[MarkedClaim.of(c, [spans[c.amount_id]], c.confidence) for c in result.claims],
    )


def predict(docs: Sequence[GoldDocument], nlp) -> list[Prediction]:
    """Run the NLP layer over gold documents; a document it fails on gets an empty prediction."""
    from pipeline.extract import process_articles

    results, _ = process_articles([gold_article(d) for d in docs], nlp)
    by_id = {r.article.article_id: adapt_prediction(r) for r in results}
    return [by_id.get(d.doc_id, Prediction(d.doc_id)) for d in docs]


def evaluate_documents(docs: Sequence[GoldDocument], nlp, token_level: bool = True,
                       entity_types: Sequence[str] = ENTITY_TYPES) -> list[Metric]:
    """Metrics of the pipeline on gold documents."""
    return score_documents(docs, predict(docs, nlp), token_level=token_level, entity_types=entity_types)


# ---------------------------------------------------------------------------
# regression floor
# ---------------------------------------------------------------------------

FLOOR_TOLERANCE = 0.01


def floor_path(dataset: str, split: str = "dev") -> Path:
    """The committed floor of a dataset: gold/metrics.json for the gold dev split, gold/metrics.<dataset>.<split>.json
    for a corpus split (news-real's A/B are all `dev`; news-real-2's `dev` is part C, its `test` the check part D)."""
    from pipeline.config import GOLD_DIR

    return GOLD_DIR / ("metrics.json" if dataset == "gold" else f"metrics.{dataset}.{split}.json")


def floor_values(metrics: Iterable[Metric]) -> dict[str, float]:
    """The headline value of every scored metric, keyed `task/type/match`."""
    return {m.key: round(m.value, 4) for m in metrics if m.status == "ok" and m.value is not None}


def below_floor(metrics: Iterable[Metric], floor: dict[str, float], tolerance: float = FLOOR_TOLERANCE) -> list[str]:
    """Metrics that fell more than `tolerance` below the committed floor (a metric that vanished counts too)."""
    current = floor_values(metrics)
    problems = []
    for key, value in sorted(floor.items()):
        if key not in current:
            problems.append(f"{key}: was {value:.4f}, now missing")
        elif current[key] < value - tolerance:
            problems.append(f"{key}: {current[key]:.4f} < floor {value:.4f} - {tolerance}")
    return problems
