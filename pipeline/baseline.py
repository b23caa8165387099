"""Natasha's own MoneyExtractor and DatesExtractor as a baseline for the amounts and time-expression stages.

They cover less than the project does (money only; absolute dates only, never resolved against the
publication date), so the comparison is on common ground: `money` amounts (span, and value + currency), and
time expressions of any kind (span overlap, and resolved start/end dates, where a Natasha date with a year
becomes that day, month or year). Natasha objects are adapted here and never travel further.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from functools import cache

from pipeline.evaluate import Metric, Prediction, score_amounts, score_timexes
from pipeline.gold import GoldDocument
from pipeline.records import FoundAmount, FoundTimex
from pipeline.timex import month_range


@cache
def natasha_extractors():
    from natasha import DatesExtractor, MorphVocab, MoneyExtractor

    vocab = MorphVocab()
    return MoneyExtractor(vocab), DatesExtractor(vocab)


def adapt_natasha_date(fact) -> tuple[date | None, date | None]:
    """Natasha's Date(year, month, day) as start/end dates; None without a year (Natasha does not resolve)."""
    try:
        if fact.year is None:
            return None, None
        if fact.month is None:
            return date(fact.year, 1, 1), date(fact.year, 12, 31)
        if fact.day is None:
            return month_range(fact.year, fact.month)
        day = date(fact.year, fact.month, fact.day)
        return day, day
    except ValueError:
        return None, None


def natasha_predictions(docs: Sequence[GoldDocument]) -> list[Prediction]:
    money, dates = natasha_extractors()
    predictions = []
    for doc in docs:
        amounts = [FoundAmount(m.start, m.stop, doc.text[m.start:m.stop], "money", float(m.fact.amount),
                               float(m.fact.amount), float(m.fact.amount), m.fact.currency, m.fact.currency, "none", None)
                   for m in money(doc.text)]
        timexes = [FoundTimex(m.start, m.stop, doc.text[m.start:m.stop], "date", *adapt_natasha_date(m.fact),
                              None, True) for m in dates(doc.text)]
        predictions.append(Prediction(doc.doc_id, entities=[], amounts=amounts, timexes=timexes))
    return predictions


def common_ground(docs: Sequence[GoldDocument], preds: Sequence[Prediction]) -> list[tuple[GoldDocument, Prediction]]:
    """Money amounts only; every time expression as kind `time`."""
    by_id = {p.doc_id: p for p in preds}
    pairs = []
    for doc in docs:
        pred = by_id[doc.doc_id]
        gold = replace(doc, amounts=[a for a in doc.amounts if a.kind == "money"],
                       timexes=[replace(t, kind="time") for t in doc.timexes])
        pred = Prediction(doc.doc_id, entities=[], amounts=[a for a in (pred.amounts or []) if a.kind == "money"],
                          timexes=[replace(t, kind="time") for t in (pred.timexes or [])])
        pairs.append((gold, pred))
    return pairs


def compare(docs: Sequence[GoldDocument], ours: Sequence[Prediction]) -> dict[str, list[Metric]]:
    """Metrics of the project and of Natasha's extractors on the same documents and common ground."""
    result = {}
    for system, preds in (("pipeline", ours), ("natasha", natasha_predictions(docs))):
        pairs = common_ground(docs, preds)
        metrics = [m for m in score_amounts(pairs) if m.type == "ALL"]
        metrics += [m for m in score_timexes(pairs) if m.type == "ALL"]
        result[system] = metrics
    return result


def format_comparison(result: dict[str, list[Metric]]) -> str:
    lines = ["| stage | match | system | P | R | F1 |", "| --- | --- | --- | --- | --- | --- |"]
    fmt = lambda v: "" if v is None else f"{v:.3f}"  # noqa: E731
    keys = [(m.task, m.match) for m in result["pipeline"]]
    for task, match in keys:
        for system, metrics in result.items():
            m = next(x for x in metrics if (x.task, x.match) == (task, match))
            stage = "money" if task == "amounts" else "time expressions"
            lines.append(f"| {stage} | {match} | {system} | {fmt(m.precision)} | {fmt(m.recall)} | {fmt(m.f1)} |")
    return "\n".join(lines)
