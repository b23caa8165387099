"""Where the pipeline and the gold annotation disagree, one readable line per difference (the error analysis
behind `python -m pipeline eval --errors TASK`).

For span tasks: `miss` (a gold span no prediction matches strictly), `false` (a predicted span no gold span
matches strictly) and, on lenient matches, `value` (amounts: value or unit), `dates` (time expressions: resolved
start/end) and `normal` (entities: normal form). For claims: `miss` / `false` (no evidence + primary amount
match) and one `slot` line per wrong slot of a matched claim. Pure functions over gold and prediction records.
"""

from __future__ import annotations

from collections.abc import Sequence

from pipeline.evaluate import TASKS, Prediction, claim_checks, close_values, match_claims, match_spans
from pipeline.gold import GoldDocument


def _quote(text: str, start: int, stop: int) -> str:
    return repr(text[start:stop].replace("\n", " "))


def _amount_value(item) -> str:
    low, high = item.value_min, item.value_max
    number = f"{low:g}" if low == high else f"{low:g}..{high:g}"
    return f"{number} {item.unit}"


def _timex_value(item) -> str:
    if item.start_date is None:
        return "unresolved"
    return f"{item.start_date}..{item.end_date}"


def span_disagreements(doc: GoldDocument, pred: Prediction, task: str) -> list[str]:
    """Differences of one document for a span task (entities, amounts, timex)."""
    text = doc.text
    if task == "entities":
        gold, guess = doc.entities, pred.entities or []
        label = lambda x: x.type  # noqa: E731
        describe = lambda x: x.normal  # noqa: E731
        agree = lambda g, p: not g.normal or g.normal == p.normal  # noqa: E731
        check = "normal"
    elif task == "amounts":
        gold, guess = doc.amounts, pred.amounts or []
        label = lambda x: x.kind  # noqa: E731
        describe = _amount_value
        agree = lambda g, p: (close_values(g.value_min, p.value_min) and close_values(g.value_max, p.value_max)  # noqa: E731
                              and g.unit == p.unit)
        check = "value"
    else:
        gold, guess = doc.timexes, pred.timexes or []
        label = lambda x: x.kind  # noqa: E731
        describe = _timex_value
        agree = lambda g, p: (g.start_date, g.end_date) == (p.start_date, p.end_date)  # noqa: E731
        check = "dates"
    g_spans = [(x.start, x.stop, label(x)) for x in gold]
    p_spans = [(x.start, x.stop, label(x)) for x in guess]
    strict = match_spans(g_spans, p_spans, "strict")
    matched_gold, matched_pred = {i for i, _ in strict}, {j for _, j in strict}
    lines = []
    for i, g in enumerate(gold):
        if i not in matched_gold:
            lines.append(f"miss   {label(g):<10} {_quote(text, g.start, g.stop)} = {describe(g)}")
    for j, p in enumerate(guess):
        if j not in matched_pred:
            lines.append(f"false  {label(p):<10} {_quote(text, p.start, p.stop)} = {describe(p)}")
    for i, j in match_spans(g_spans, p_spans, "lenient"):
        if not agree(gold[i], guess[j]):
            lines.append(f"{check:<6} {label(gold[i]):<10} {_quote(text, gold[i].start, gold[i].stop)}: "
                         f"gold {describe(gold[i])}, predicted {describe(guess[j])}")
    return lines


def claim_disagreements(doc: GoldDocument, pred: Prediction) -> list[str]:
    """Differences of one document's claims: unmatched claims and wrong slots of matched ones."""
    text, guess = doc.text, pred.claims or []
    pairs = match_claims(doc, Prediction(pred.doc_id, claims=guess))
    lines = []
    for i, j in pairs:
        g, p = doc.claims[i], guess[j]
        where = _quote(text, *g.amounts[0])
        shown = {
            "subject": (f"{g.subject} ~ {g.subject_entity}", f"{p.subject} ~ {p.subject_entity}"),
            "relation": (g.relation, p.relation),
            "time": (f"{g.time_start}..{g.time_end}", f"{p.time_start}..{p.time_end}"),
            "source": (f"{g.source} ~ {g.source_entity}", f"{p.source} ~ {p.source_entity}"),
            "modality": (g.modality, p.modality),
        }
        for slot, ok in claim_checks(g, p).items():
            if not ok:
                lines.append(f"slot   {slot:<10} {where}: gold {shown[slot][0]}, predicted {shown[slot][1]}")
    matched_gold, matched_pred = {i for i, _ in pairs}, {j for _, j in pairs}
    for i, g in enumerate(doc.claims):
        if i not in matched_gold:
            lines.append(f"miss   {g.relation:<10} {_quote(text, *g.amounts[0])} subject {g.subject}")
    for j, p in enumerate(guess):
        if j not in matched_pred:
            lines.append(f"false  {p.relation:<10} {_quote(text, *p.amounts[0])} subject {p.subject}")
    return lines


def list_disagreements(golds: Sequence[GoldDocument], preds: Sequence[Prediction], task: str) -> list[str]:
    """Every difference for `task`, grouped under a `## doc_id (published_at)` line per document."""
    if task not in TASKS:
        raise ValueError(f"unknown task {task!r}; expected one of {TASKS}")
    by_id = {p.doc_id: p for p in preds}
    lines: list[str] = []
    for doc in golds:
        pred = by_id.get(doc.doc_id, Prediction(doc.doc_id))
        found = claim_disagreements(doc, pred) if task == "claims" else span_disagreements(doc, pred, task)
        if found:
            lines.append(f"## {doc.doc_id} ({doc.published_at or 'no date'})")
            lines += ["  " + line for line in found]
    return lines
