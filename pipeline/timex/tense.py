"""Tense: whether an expression's clause looks forward, and placing a period without a year by it (past → the most
recent one starting on or before the anchor, future → the earliest one ending on or after it)."""

from __future__ import annotations

from datetime import date

from pipeline.lexicon import Tok
from pipeline.timex.calendar import place
from pipeline.timex.scan import Scan
from pipeline.timex.words import CLAUSE_BREAKS


def future(scan: Scan, i: int) -> bool:
    """Whether the verb of token i's clause is in the future tense (perfective present = future): the closest
    verb before the next clause break, else the syntactic head chain, else the closest verb in the sentence."""
    tok = scan.tokens[i]
    clause = []
    for step in (1, -1):
        k = i + step
        while (0 <= k < len(scan.tokens) and scan.tokens[k].sent == tok.sent
               and scan.tokens[k].text not in CLAUSE_BREAKS):
            if scan.tokens[k].tense:
                clause.append((abs(k - i), scan.tokens[k]))
                break
            k += step
    if clause:
        verb = min(clause, key=lambda c: c[0])[1]
    else:
        verb = None
        seen = set()
        k = tok.head
        while 0 <= k < len(scan.tokens) and k not in seen and len(seen) < 8:
            seen.add(k)
            if scan.tokens[k].tense:
                verb = scan.tokens[k]
                break
            k = scan.tokens[k].head
        if verb is None:
            verbs = scan.verbs_by_sent.get(tok.sent, [])
            verb = scan.tokens[min(verbs, key=lambda j: abs(j - i))] if verbs else None
    return verb is not None and is_future(verb)


def reported_in_past(scan: Scan, i: int) -> bool:
    """Token i is in a "что …" clause whose reporting verb, before it in the sentence, is in the past tense."""
    sent = scan.tokens[i].sent
    k = i - 1
    while k >= 0 and scan.tokens[k].sent == sent and scan.tokens[k].lower not in scan.lex.words("reporting_conjunction"):
        k -= 1
    if k < 0 or scan.tokens[k].sent != sent:
        return False
    while k >= 0 and scan.tokens[k].sent == sent:
        if scan.tokens[k].tense:
            return scan.tokens[k].tense == "Past"
        k -= 1
    return False


def is_future(tok: Tok) -> bool:
    return tok.tense == "Fut" or (tok.tense == "Pres" and tok.aspect == "Perf") or tok.lower == "будет"


def placed(scan: Scan, i: int, candidates_of) -> tuple[date, date] | None:
    """A period without a year, placed by the tense of token i's clause among the neighbouring years. Inside
    reported speech the report's tense counts: "SMIC ожидала, что в третьем квартале выручка увеличится"
    is about the third quarter before publication, not the next one."""
    if scan.anchor is None:
        return None
    options = [candidates_of(y) for y in (scan.anchor.year - 1, scan.anchor.year, scan.anchor.year + 1)]
    return place(scan.anchor, future(scan, i) and not reported_in_past(scan, i), options)


def placed_past(scan: Scan, span_of):
    """The most recent such period that starts on or before publication (a start is always in the past)."""
    if scan.anchor is None:
        return None
    options = [span_of(y) for y in (scan.anchor.year - 1, scan.anchor.year)]
    return [o for o in options if o[0] <= scan.anchor][-1]
