"""The time-expression scanner: tokens in, `FoundTimex` records out, patterns tried left to right.

The patterns live in three mixins, by what they need to be resolved: `points` (calendar units named as a
point: "16 января", "III квартале", "летом", "начале декабря"), `spans` (bounds and lengths: "до конца 2026
года", "с начала августа", "за девять месяцев", "через пять лет", "четыре месяца") and `references` (periods named
by reference to another one: "годом ранее", "аналогичным периодом прошлого года", "за указанный период"). This
module holds what they share: the token helpers, years, the tense that places an expression without a year,
and `make`.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from datetime import date

from pipeline.lexicon import Tok, paragraph_breaks, paragraph_index, scan_tokens, time_lexicon
from pipeline.records import FoundTimex
from pipeline.timex.calendar import place
from pipeline.timex.points import PointPatterns
from pipeline.timex.references import ReferencePatterns
from pipeline.timex.spans import SpanPatterns
from pipeline.timex.words import CLAUSE_BREAKS, REPORTED, YEAR_ADJECTIVE, YEAR_NUMBER, YEAR_ORDINAL, YEAR_WORD



class TimexScanner(PointPatterns, SpanPatterns, ReferencePatterns):
    def __init__(self, text: str, tokens: Sequence[Tok], anchor: date | None):
        self.text, self.tokens, self.anchor = text, tokens, anchor
        self.lex = time_lexicon()
        self.found: list[FoundTimex] = []
        self.starts = [t.start for t in tokens]
        self.breaks = paragraph_breaks(text)
        self.verbs_by_sent: dict[int, list[int]] = {}  # tokens with a tense, per sentence
        for j, t in enumerate(tokens):
            if t.tense:
                self.verbs_by_sent.setdefault(t.sent, []).append(j)

    # --- the scan ----------------------------------------------------------------

    def scan(self) -> list[FoundTimex]:
        return scan_tokens(len(self.tokens), self.match_at, self.found)

    def patterns(self):
        return (self.anaphora, self.comparison_base, self.decade_end, self.reported_months, self.coming, self.boundary, self.since, self.within, self.through,
                self.during, self.day_words, self.numeric_date, self.day_month, self.part_of, self.months, self.years,
                self.ordinal_period, self.season, self.relative_period, self.year_adjective, self.year_ago,
                self.vague_ago, self.unit_ago, self.half_length, self.duration)

    def match_at(self, i: int):
        for pattern in self.patterns():
            try:
                result = pattern(i)
            except (ValueError, OverflowError):  # a date beyond the calendar ("за 9999 лет"): not a match here
                result = None
            if result is not None:
                return result
        return None

    # --- helpers -------------------------------------------------------------------

    def tok(self, i: int) -> Tok | None:
        return self.tokens[i] if 0 <= i < len(self.tokens) else None

    def low(self, i: int) -> str:
        tok = self.tok(i)
        return tok.lower if tok else ""

    def make(self, first: int, end: int, kind: str, span: tuple[date, date] | None, granularity: str | None,
             reason: str | None = None, duration: str | None = None):
        start, stop = self.tokens[first].start, self.tokens[end - 1].stop
        while stop > start and self.text[stop - 1] in ",;:":  # razdel glues a comma to "2026,"
            stop -= 1
        if span is not None and span[0] > span[1]:
            span, reason = None, reason or "the period is empty"
        resolved = span is not None or kind == "duration"
        if not resolved and reason is None:
            reason = "no publication date to resolve against" if self.anchor is None else "cannot be placed"
        timex = FoundTimex(start, stop, self.text[start:stop], kind, span[0] if span else None,
                           span[1] if span else None, granularity, resolved, None if resolved else reason, duration)
        return timex, end

    def sent_of(self, offset: int) -> int:
        k = bisect.bisect_right(self.starts, offset) - 1
        return self.tokens[k].sent if k >= 0 and self.tokens[k].start <= offset < self.tokens[k].stop else -1

    def paragraph_of(self, offset: int) -> int:
        return paragraph_index(self.breaks, offset)

    # --- years -----------------------------------------------------------------------

    def year_after(self, i: int) -> tuple[int, int] | None:
        """'2025 года', '2023 календарного года', '2025 г.' at token i -> (year, index after)."""
        tok = self.tok(i)
        if tok is not None and YEAR_ORDINAL.fullmatch(tok.text):  # "в третьем квартале 2025-го"
            return int(YEAR_ORDINAL.fullmatch(tok.text)[1]), i + 1
        if tok is None or not YEAR_NUMBER.fullmatch(tok.text):
            return None
        j = i + 1
        if YEAR_ADJECTIVE.fullmatch(self.low(j)):
            j += 1
        if j < len(self.tokens) and YEAR_WORD.fullmatch(self.tokens[j].text):
            j += 1
            if self.low(j) == "." and self.low(j - 1) in {"г", "гг"}:
                j += 1
            return int(tok.text), j
        return None

    def relative_year(self, i: int) -> tuple[int, int] | None:
        """'следующего года', 'прошлом финансовом году', 'уходящего года' at token i -> (offset, index after)."""
        hit = self.lex.match("relative", self.tokens, i)
        if not hit:
            return None
        j = hit[1]
        if YEAR_ADJECTIVE.fullmatch(self.low(j)):
            j += 1
        if j < len(self.tokens) and YEAR_WORD.fullmatch(self.tokens[j].text) and self.low(j) not in {"г", "гг"}:
            return int(hit[0].value), j + 1
        return None

    def year_of(self, i: int) -> tuple[int | None, int]:
        """An explicit or relative year at token i: (year or None, index after; i when there is none)."""
        explicit = self.year_after(i)
        if explicit:
            return explicit
        relative = self.relative_year(i)
        if relative:
            return (self.anchor.year + relative[0] if self.anchor else None), relative[1]
        return None, i

    def bare_year_word(self, i: int) -> bool:
        """'года' with no number ("за восемь месяцев года", "в начале года"): the year the tense points to."""
        return self.low(i) in {"года", "году"} and not (self.tok(i - 1) and YEAR_NUMBER.fullmatch(self.tokens[i - 1].text))

    # --- tense -------------------------------------------------------------------------

    def future(self, i: int) -> bool:
        """Whether the verb of token i's clause is in the future tense (perfective present = future): the closest
        verb before the next clause break, else the syntactic head chain, else the closest verb in the sentence."""
        tok = self.tokens[i]
        clause = []
        for step in (1, -1):
            k = i + step
            while 0 <= k < len(self.tokens) and self.tokens[k].sent == tok.sent and self.tokens[k].text not in CLAUSE_BREAKS:
                if self.tokens[k].tense:
                    clause.append((abs(k - i), self.tokens[k]))
                    break
                k += step
        if clause:
            verb = min(clause, key=lambda c: c[0])[1]
        else:
            verb = None
            seen = set()
            k = tok.head
            while 0 <= k < len(self.tokens) and k not in seen and len(seen) < 8:
                seen.add(k)
                if self.tokens[k].tense:
                    verb = self.tokens[k]
                    break
                k = self.tokens[k].head
            if verb is None:
                verbs = self.verbs_by_sent.get(tok.sent, [])
                verb = self.tokens[min(verbs, key=lambda j: abs(j - i))] if verbs else None
        return verb is not None and self._is_future(verb)

    def reported_in_past(self, i: int) -> bool:
        """Token i is in a "что …" clause whose reporting verb, before it in the sentence, is in the past tense."""
        sent = self.tokens[i].sent
        k = i - 1
        while k >= 0 and self.tokens[k].sent == sent and self.tokens[k].lower not in REPORTED:
            k -= 1
        if k < 0 or self.tokens[k].sent != sent:
            return False
        while k >= 0 and self.tokens[k].sent == sent:
            if self.tokens[k].tense:
                return self.tokens[k].tense == "Past"
            k -= 1
        return False

    @staticmethod
    def _is_future(tok: Tok) -> bool:
        return tok.tense == "Fut" or (tok.tense == "Pres" and tok.aspect == "Perf") or tok.lower == "будет"

    def placed(self, i: int, candidates_of) -> tuple[date, date] | None:
        """A period without a year, placed by the tense of token i's clause among the neighbouring years. Inside
        reported speech the report's tense counts: "SMIC ожидала, что в третьем квартале выручка увеличится"
        is about the third quarter before publication, not the next one."""
        if self.anchor is None:
            return None
        options = [candidates_of(y) for y in (self.anchor.year - 1, self.anchor.year, self.anchor.year + 1)]
        return place(self.anchor, self.future(i) and not self.reported_in_past(i), options)
