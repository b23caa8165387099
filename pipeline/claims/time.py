"""The time slot: the sentence's date in the claim's clause (else the nearest in the sentence); else the
publication date. Durations never fill it."""

from __future__ import annotations

from datetime import date

from pipeline.claims.article import ArticleView


def time_of(view: ArticleView, clause: int, anchor_token: int) -> tuple[date | None, date | None, str]:
    """(start, end, time_source) of a claim whose primary amount starts at `anchor_token`."""
    sentence = view.tokens[anchor_token].sent
    candidates = []
    for t in view.timexes:
        if t.kind == "duration":
            continue
        k = view.token_at(t.start)
        if k is None or view.tokens[k].sent != sentence:
            continue
        candidates.append((view.clause_of[k] != clause, abs(k - anchor_token), t))
    if candidates:
        t = min(candidates, key=lambda c: (c[0], c[1]))[2]
        return t.start_date, t.end_date, "sentence"
    if view.published_at:
        return view.published_at, view.published_at, "article"
    return None, None, "none"
