"""The one object the time patterns share: the text, its tokens and the anchor, what has been found so far, and
the three accessors every pattern uses (`tok`, `low`, `make`). The patterns are free functions `(scan, i)` in
`points`, `bounds`, `windows`, `lengths` and `references`; `scanner.PATTERNS` is their order."""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from datetime import date

from pipeline.lexicon import Tok, lower_at, paragraph_breaks, paragraph_index, span_stop, time_lexicon
from pipeline.records import FoundTimex


class Scan:
    def __init__(self, text: str, tokens: Sequence[Tok], anchor: date | None):
        self.text, self.tokens, self.anchor = text, tokens, anchor
        self.lex = time_lexicon()
        self.found: list[FoundTimex] = []  # earlier expressions, which references and elided periods read
        self.starts = [t.start for t in tokens]
        self.breaks = paragraph_breaks(text)
        self.verbs_by_sent: dict[int, list[int]] = {}  # tokens with a tense, per sentence
        for j, t in enumerate(tokens):
            if t.tense:
                self.verbs_by_sent.setdefault(t.sent, []).append(j)

    def tok(self, i: int) -> Tok | None:
        return self.tokens[i] if 0 <= i < len(self.tokens) else None

    def low(self, i: int) -> str:
        return lower_at(self.tokens, i)

    def make(self, first: int, end: int, kind: str, span: tuple[date, date] | None, granularity: str | None,
             reason: str | None = None, duration: str | None = None):
        """The expression over tokens [first, end) and the index after it, as a pattern returns it."""
        start = self.tokens[first].start
        stop = span_stop(self.text, start, self.tokens[end - 1].stop)
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
