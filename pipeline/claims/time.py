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
from pipeline.claims.words import word_set
from pipeline.records import Timex


def _gapped_header(view: ArticleView, clause: int) -> int | None:
    """The verbless "на 2027 г. —" segment right before a gapped clause, when there is one."""
    before = view.clause_tokens.get(clause - 1, [])
    words = view.clause_tokens.get(clause, [])
    if not before or not words or view.tokens[before[0]].sent != view.tokens[words[0]].sent:
        return None
    if view.tokens[before[-1]].text in {"—", "–"} and not view.has_verb(before) and not view.has_verb(words):
        return clause - 1
    return None


def _after_event(view: ArticleView, k: int) -> bool:
    """"снизился на 12% после выхода в конце октября релиза": the date of an event the change follows is not the
    claim's time."""
    for j in range(max(0, k - 3), k):
        if view.tokens[j].lower in {"после", "перед"} and view.clause_of[j] == view.clause_of[k]:
            return True
    return False


def _relative_clause(view: ArticleView, k: int) -> bool:
    """Token k is in a clause a relative word opens ("который завершится в марте")."""
    members = view.clause_tokens.get(view.clause_of[k], [])
    return bool(members) and any(view.tokens[i].lemma.startswith("котор") for i in members[:3])


def _when_clause(view: ArticleView, clause: int) -> Timex | None:
    """A clause opened by "когда" takes the date named right before it ("в 2025-м, когда планируется …")."""
    members = [i for i in view.clause_tokens.get(clause, []) if view.tokens[i].text not in {",", "—", "–"}]
    if not members or view.tokens[members[0]].lower != "когда":
        return None
    before = view.clause_tokens.get(clause - 1, [])
    dated = [t for t in view.timexes if t.kind != "duration" and t.start_date
             and view.token_at(t.start) in before]
    return dated[-1] if dated else None


def _compared_base(view: ArticleView, anchor: int) -> Timex | None:
    """The period an amount that is itself the comparison stands for: "по сравнению с 10,4 трлн вон (…) годом
    ранее" (the base after it), "выше результата за аналогичный период прошлого года (2,4 млн)" (the base right
    before its bracket), "немного ниже уровня 2025 года (10–12%)"."""
    tokens = view.tokens
    before = [tokens[k].lower for k in range(max(0, anchor - 3), anchor)]
    if before[-1:] in (["с"], ["против"]) and ("сравнению" in before or before[-1:] == ["против"]):
        for t in view.timexes:
            k = view.token_at(t.start)
            if (t.kind != "duration" and t.start_date and k is not None and anchor < k <= anchor + 14
                    and tokens[k].sent == tokens[anchor].sent
                    and not any(tokens[j].pos == "VERB" for j in range(anchor, k))):
                return t  # "по сравнению с 10,4 трлн вон (7,5 млрд долларов США) годом ранее"
    if anchor >= 2 and tokens[anchor - 1].text == "(":
        for t in view.timexes:
            if t.kind != "duration" and t.start_date and t.stop <= tokens[anchor - 1].start and (
                    view.text[t.stop:tokens[anchor - 1].start].strip() == ""
                    and is_comparison_base(view, t)):
                return t
    return None


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
    if words & word_set("comparison_marker") or words & set(view.lex["comparative"]):
        return True
    return bool(before) and view.tokens[before[-1]].lower in word_set("base_preposition")


def time_of(view: ArticleView, clause: int, anchor_token: int, predicate: int | None = None
            ) -> tuple[date | None, date | None, str]:
    """(start, end, time_source) of a claim whose primary amount starts at `anchor_token`."""
    sentence = view.tokens[anchor_token].sent
    own_clauses = {clause} | ({view.clause_of[predicate]} if predicate is not None else set())
    header = _gapped_header(view, clause)
    if header is not None:
        own_clauses = {clause, header}  # "на 2027 г. — 168,9 млрд руб.": the gapped clause's own year
    base = _compared_base(view, anchor_token)
    if base is not None:  # "по сравнению с 10,4 трлн вон годом ранее", "(2,4 млн)" after "аналогичный период"
        return base.start_date, base.end_date, "sentence"
    amount_clauses = {view.clause_of[view.token_at(a.start)] for a in view.amounts
                      if view.token_at(a.start) is not None and view.clause_of[view.token_at(a.start)] != clause}
    candidates = []
    for t in view.timexes:
        if t.kind == "duration":
            continue
        k = view.token_at(t.start)
        if (k is None or view.tokens[k].sent != sentence or is_comparison_base(view, t, anchor_token)
                or _after_event(view, k)):
            continue
        if view.clause_of[k] in own_clauses:
            rank = (0, abs(k - anchor_token))
        elif _relative_clause(view, k):
            rank = (3, abs(k - anchor_token))  # "финансовом году, который завершится в марте 2026 года"
        elif k < anchor_token:
            rank = (1, anchor_token - k)
        elif view.clause_of[k] in amount_clauses:
            continue  # "…, тогда как в предыдущем квартале эта доля составляла 13%": that clause's own time
        else:
            rank = (2, k - anchor_token)
        candidates.append((rank, t))
    when = _when_clause(view, clause)
    if when is not None:  # "чем в 2025-м, когда планируется до $72 млрд"
        return when.start_date, when.end_date, "sentence"
    if candidates:
        t = min(candidates, key=lambda c: c[0])[1]
        return t.start_date, t.end_date, "sentence"
    if view.published_at:
        return view.published_at, view.published_at, "article"
    return None, None, "none"
