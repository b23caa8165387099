"""Lexicons from `models/lexicon/` (data, not code) and the token view the rule extractors scan.

Forms are space-separated regular expressions, one per token, matched case-insensitively against whole tokens;
when several forms of a category match at a position, the longest wins.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import razdel

from pipeline.config import MODELS_DIR
from pipeline.norm import morph_analyzer

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

    @property
    def lower(self) -> str:
        return self.text.lower()


OC_TENSE = {"past": "Past", "pres": "Pres", "futr": "Fut"}


def tokens_from_text(text: str) -> list[Tok]:
    """Tokens of a plain string (razdel + pymorphy3 lemma and verb tense): for tests and callers without a Doc."""
    tokens = []
    sent = 0
    for t in razdel.tokenize(text):
        lemma, tense = t.text.lower(), ""
        if t.text.isalpha():
            parse = morph_analyzer().parse(t.text.lower())[0]
            lemma = parse.normal_form
            if parse.tag.POS == "VERB":
                tense = OC_TENSE.get(parse.tag.tense or "", "")
        tokens.append(Tok(t.text, t.start, t.stop, lemma, tense=tense, sent=sent))
        if t.text in {".", "!", "?"}:
            sent += 1
    return tokens


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

    def match(self, category: str, tokens: Sequence[Tok], i: int) -> tuple[Entry, int] | None:
        """The longest entry of `category` matching tokens[i:], and the index after it."""
        best = None
        for entry in self.by_category.get(category, ()):
            n = len(entry.patterns)
            if i + n > len(tokens):
                continue
            if all(p.fullmatch(tokens[i + k].text) for k, p in enumerate(entry.patterns)):
                if best is None or n > len(best.patterns):
                    best = entry
        return (best, i + len(best.patterns)) if best else None

    def values(self, category: str) -> set[str]:
        return {e.value for e in self.by_category.get(category, ())}


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
