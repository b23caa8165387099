"""The time slot: when the claim holds.

The sentence's own dates and intervals, durations never: first the nearest in the claim's clause or its
predicate's clause, else the nearest before the amount in the sentence, else the nearest after it. A comparison base is never the claim's
time ("по сравнению с прошлым годом", "относительно летнего периода", "чем годом ранее", "на 34% выше
прошлогоднего показателя", "впервые с 2022 года"). Without a time of
its own the claim takes the publication date (`time_source = article`); an expression that cannot be placed
still is the claim's time, unresolved ("за шесть месяцев после релиза").
"""

from __future__ import annotations

from datetime import date

from pipeline.claims.article import ArticleView
from pipeline.records import Timex

COMPARISON_MARKERS = {"сравнению", "сравнении", "относительно", "против", "чем", "впервые", "сравнительно"}
BASE_PREPOSITIONS = {"с", "со"}


def is_comparison_base(view: ArticleView, timex: Timex, anchor: int = -1) -> bool:
    """A period the claim is compared with: a comparison word shortly before it in its clause, or "с" + the period
    in the instrumental ("с III четвертью 2024 года") — a "с 2020 года" start keeps its "с" inside the span. Words
    before the claim's own amount do not count: in "против 4,4% в 2023 году" the year is that amount's time."""
    k = view.token_at(timex.start)
    if k is None:
        return False
    clause = view.clause_of[k]
    before = [i for i in range(max(0, k - 5, anchor + 1 if anchor < k else 0), k) if view.clause_of[i] == clause]
    words = {view.tokens[i].lower for i in before}
    if words & COMPARISON_MARKERS or words & set(view.lex["comparative"]):
        return True
    return bool(before) and view.tokens[before[-1]].lower in BASE_PREPOSITIONS


def time_of(view: ArticleView, clause: int, anchor_token: int, predicate: int | None = None
            ) -> tuple[date | None, date | None, str]:
    """(start, end, time_source) of a claim whose primary amount starts at `anchor_token`."""
    sentence = view.tokens[anchor_token].sent
    own_clauses = {clause} | ({view.clause_of[predicate]} if predicate is not None else set())
    candidates = []
    for t in view.timexes:
        if t.kind == "duration":
            continue
        k = view.token_at(t.start)
        if k is None or view.tokens[k].sent != sentence or is_comparison_base(view, t, anchor_token):
            continue
        if view.clause_of[k] in own_clauses:
            rank = (0, abs(k - anchor_token))
        elif k < anchor_token:
            rank = (1, anchor_token - k)
        else:
            rank = (2, k - anchor_token)
        candidates.append((rank, t))
    if candidates:
        t = min(candidates, key=lambda c: c[0])[1]
        return t.start_date, t.end_date, "sentence"
    if view.published_at:
        return view.published_at, view.published_at, "article"
    return None, None, "none"
