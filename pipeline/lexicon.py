"""Lexicons from `models/lexicon/` (data, not code) and the token view the rule extractors scan.

Forms are space-separated regular expressions, one per token, matched case-insensitively against whole tokens;
when several forms of a category match at a position, the longest wins.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import razdel

from pipeline.config import MODELS_DIR
from pipeline.norm import parse_word

LEXICON_DIR = MODELS_DIR / "lexicon"

# ---------------------------------------------------------------------------
# tokens
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Tok:
    """A token as the rule extractors see it (no spaCy object)."""

    text: str
    start: int
    stop: int
    lemma: str = ""
    pos: str = ""
    tense: str = ""  # Past | Pres | Fut, from the morph tagger
    aspect: str = ""
    head: int = -1  # index of the head token in the same list, -1 for a root
    sent: int = 0
    dep: str = ""  # dependency relation to the head (UD), from Natasha's parser
    case: str = ""  # grammatical case (UD: Nom, Gen, ...), from Natasha's morph tagger
    lower: str = field(default="", compare=False, repr=False)  # text.lower(), computed once (the rules ask often)

    def __post_init__(self) -> None:
        object.__setattr__(self, "lower", self.text.lower())


OC_TENSE = {"past": "Past", "pres": "Pres", "futr": "Fut"}


def tokens_from_text(text: str) -> list[Tok]:
    """Tokens of a plain string (razdel + pymorphy3 lemma and verb tense): for tests and callers without a Doc."""
    from pipeline.nlp import (
        sentence_starts,  # razdel-based; the same sentence rules as the pipeline
    )

    starts = sorted(sentence_starts(text))
    tokens = []
    sent = 0
    for t in razdel.tokenize(text):
        while sent + 1 < len(starts) and starts[sent + 1] <= t.start:
            sent += 1
        lemma, tense = t.text.lower(), ""
        parses = parse_word(t.text.lower()) if t.text.isalpha() else []
        if parses:
            lemma = parses[0].normal_form
            if parses[0].tag.POS == "VERB":
                tense = OC_TENSE.get(parses[0].tag.tense or "", "")
        tokens.append(Tok(t.text, t.start, t.stop, lemma, tense=tense, sent=sent))
    return tokens


def lower_at(tokens: Sequence[Tok], i: int) -> str:
    """The lower-case text of token i; "" outside the tokens (rules look around a position without bounds checks)."""
    return tokens[i].lower if 0 <= i < len(tokens) else ""


def span_stop(text: str, start: int, stop: int) -> int:
    """The end of a found span without the comma, semicolon or colon razdel glues to its last token ("2026,")."""
    while stop > start and text[stop - 1] in ",;:":
        stop -= 1
    return stop


def paragraph_breaks(text: str) -> list[int]:
    """Offsets of the blank lines that separate paragraphs (for `paragraph_index`)."""
    breaks, k = [], text.find("\n\n")
    while k >= 0:
        breaks.append(k)
        k = text.find("\n\n", k + 2)
    return breaks


def paragraph_index(breaks: list[int], offset: int) -> int:
    """The paragraph an offset is in: how many paragraph breaks come before it (a bisection, not a scan)."""
    import bisect

    return bisect.bisect_left(breaks, offset)


def scan_tokens(count: int, match_at: Callable[[int], tuple[object, int] | None], found: list) -> list:
    """The rule scanners' loop: left to right over `count` tokens, at each position the first match (a record and
    the index after it) is appended to `found` and the scan goes on after it. Total: a position whose rules
    raise (a date beyond the calendar, a number beyond a float) matches nothing; the rest of the text is still
    scanned."""
    i = 0
    while i < count:
        try:
            result = match_at(i)
        except (ArithmeticError, ValueError, IndexError, KeyError, TypeError, RecursionError):
            result = None
        if result is None:
            i += 1
            continue
        record, end = result
        found.append(record)
        i = max(end, i + 1)
    return found


# ---------------------------------------------------------------------------
# lexicons
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    category: str
    patterns: tuple[re.Pattern[str], ...]
    value: str


class Lexicon:
    """Entries by category, matched at a token position."""

    def __init__(self, entries: Sequence[Entry]):
        self.by_category: dict[str, list[Entry]] = defaultdict(list)
        for entry in entries:
            self.by_category[entry.category].append(entry)
        # entries whose first pattern matches a given token text: computed once per distinct token, so a scan
        # costs a dictionary lookup per token and category instead of a regex per entry
        self._starting: dict[tuple[str, str], tuple[Entry, ...]] = {}
        self._words: dict[str, frozenset[str]] = {}

    def starting(self, category: str, text: str) -> tuple[Entry, ...]:
        key = (category, text)
        found = self._starting.get(key)
        if found is None:
            found = tuple(e for e in self.by_category.get(category, ()) if e.patterns[0].fullmatch(text))
            if len(self._starting) > 200_000:
                self._starting.clear()
            self._starting[key] = found
        return found

    def match(self, category: str, tokens: Sequence[Tok], i: int) -> tuple[Entry, int] | None:
        """The longest entry of `category` matching tokens[i:], and the index after it."""
        if i >= len(tokens):
            return None
        best = None
        for entry in self.starting(category, tokens[i].text):
            n = len(entry.patterns)
            if i + n > len(tokens):
                continue
            if all(p.fullmatch(tokens[i + k].text) for k, p in enumerate(entry.patterns[1:], 1)):
                if best is None or n > len(best.patterns):
                    best = entry
        return (best, i + len(best.patterns)) if best else None

    def values(self, category: str) -> set[str]:
        return {e.value for e in self.by_category.get(category, ())}

    def words(self, category: str) -> frozenset[str]:
        """The forms of a category of plain words, in lower case: what a rule tests a token's `lower` against."""
        found = self._words.get(category)
        if found is None:
            found = self._words[category] = frozenset(e.patterns[0].pattern.lower()
                                                      for e in self.by_category.get(category, ()))
        return found

    def prefixes(self, category: str) -> tuple[str, ...]:
        """The forms of a category of word beginnings ("нескольк"), for `str.startswith`."""
        return tuple(sorted(self.words(category)))


def load_lexicon(path: Path) -> Lexicon:
    """Read a `category<TAB>form<TAB>value` file (`#` comments and a header row allowed)."""
    entries = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#") or line.startswith("category\t"):
            continue
        parts = line.split("\t")
        if len(parts) < 2:
            raise ValueError(f"{path}:{number}: expected category<TAB>form<TAB>value")
        category, form = parts[0].strip(), parts[1].strip()
        value = parts[2].strip() if len(parts) > 2 else ""
        try:
            patterns = tuple(re.compile(p, re.IGNORECASE) for p in form.split())
        except re.error as exc:
            raise ValueError(f"{path}:{number}: bad pattern {form!r}: {exc}") from exc
        entries.append(Entry(category, patterns, value))
    return Lexicon(entries)


@cache
def amount_lexicon() -> Lexicon:
    return load_lexicon(LEXICON_DIR / "amounts.tsv")


@cache
def time_lexicon() -> Lexicon:
    return load_lexicon(LEXICON_DIR / "time_words.tsv")


@cache
def numerals() -> dict[str, float]:
    """Number words by lemma."""
    table = {}
    for line in (LEXICON_DIR / "numerals.tsv").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#") and not line.startswith("lemma\t"):
            lemma, value = line.split("\t")[:2]
            table[lemma.strip()] = float(value)
    return table
