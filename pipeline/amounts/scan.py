"""The one object the amount patterns share: the text and its tokens, the lexicons, the amounts found so far
(which list items, range ends and bracketed sums read back), and the accessors every pattern uses."""

from __future__ import annotations

import bisect
from collections.abc import Sequence

from pipeline.amounts.words import tidy
from pipeline.lexicon import Tok, amount_lexicon, lower_at, span_stop, time_lexicon
from pipeline.records import FoundAmount


class Scan:
    def __init__(self, text: str, tokens: Sequence[Tok]):
        self.text = text
        self.tokens = tokens
        self.lex = amount_lexicon()
        self.time = time_lexicon()
        self.starts = [t.start for t in tokens]
        self.found: list[FoundAmount] = []  # earlier amounts: a list, a range's end or a bracket continues them

    def low(self, i: int) -> str:
        return lower_at(self.tokens, i)

    def index_of(self, offset: int) -> int:
        """The index of the token starting at or covering `offset`."""
        return max(0, bisect.bisect_right(self.starts, offset) - 1)

    def previous(self) -> FoundAmount | None:
        return self.found[-1] if self.found else None

    def sentences_back(self, amount: FoundAmount, i: int) -> int:
        return self.tokens[i].sent - self.tokens[self.index_of(amount.start)].sent

    def make(self, first: int, last: int, kind: str, low: float, high: float, unit: str | None,
             qualifier: str, scale: str | None) -> FoundAmount:
        """The amount over tokens [first, last)."""
        start = self.tokens[first].start
        stop = span_stop(self.text, start, self.tokens[last - 1].stop)
        currency = unit if kind == "money" else None
        low, high = tidy(low), tidy(high)
        return FoundAmount(start, stop, self.text[start:stop], kind, None if low != high else low, low, high,
                           unit, currency, qualifier, scale)
