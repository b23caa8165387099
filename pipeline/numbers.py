"""Numbers in Russian news text: digits ("33,1", "68 000", "4,8–4,99") and words in any case ("семью",
"двухсот", "полутора", "два-три"), through pymorphy3 lemmas and `models/lexicon/numerals.tsv`."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from pipeline.lexicon import Tok, numerals
from pipeline.norm import parse_word

DIGITS = re.compile(r"\d+(?:[.,]\d+)?")
DIGIT_RANGE = re.compile(r"(\d+(?:[.,]\d+)?)[–—-](\d+(?:[.,]\d+)?)")
GROUP = re.compile(r"\d{3}")
DASHES = "–—-"
NOUN_NUMERALS = {"тысяча", "ноль", "нуль"}  # number words pymorphy3 tags as nouns


def parse_digits(text: str) -> float | None:
    """'33,1' -> 33.1; None unless the whole string is a number."""
    if not DIGITS.fullmatch(text):
        return None
    return float(text.replace(",", "."))


@lru_cache(maxsize=20000)
def word_value(word: str) -> float | None:
    """The value of a number word in any case ('семью' -> 7.0), None for other words."""
    if not word.isalpha():
        return None
    table = numerals()
    parses = parse_word(word.lower())
    for parse in sorted(parses, key=lambda p: p.tag.POS != "NUMR"):  # the numeral reading first ("семью")
        if parse.normal_form in table and parse.tag.POS in {"NUMR", "NOUN", "ADJF"}:
            if parse.tag.POS == "NOUN" and parse.normal_form not in NOUN_NUMERALS:
                continue
            return table[parse.normal_form]
    return None


def word_range(word: str) -> tuple[float, float] | None:
    """'два-три' -> (2, 3); 'полтора-два' -> (1.5, 2)."""
    parts = re.split(r"[–—-]", word)
    if len(parts) != 2:
        return None
    low, high = word_value(parts[0]), word_value(parts[1])
    if low is None or high is None or low >= high:
        return None
    return low, high


@dataclass(frozen=True)
class NumberMatch:
    low: float
    high: float
    end: int  # index of the token after the number

    @property
    def is_range(self) -> bool:
        return self.low != self.high


def glued(text: str, tok: Tok) -> bool:
    """A number glued to letters is part of a name: 'H200', 'GPT-4', 'NVL144'."""
    before = text[tok.start - 1] if tok.start > 0 else " "
    return before.isalpha() or (before in "-‑" and tok.start > 1 and text[tok.start - 2].isalpha())


def match_number(tokens: Sequence[Tok], i: int, text: str) -> NumberMatch | None:
    """A number or a range of numbers starting at token i (digits with thousands groups, words, 'A–B')."""
    if i >= len(tokens):
        return None
    tok = tokens[i]
    if re.match(r"[0-9]", tok.text):
        if glued(text, tok):
            return None
        span = DIGIT_RANGE.fullmatch(tok.text)
        if span:
            low, high = parse_digits(span[1]), parse_digits(span[2])
            return NumberMatch(low, high, i + 1) if low < high else None
        value = parse_digits(tok.text)
        if value is None:
            return None
        j = i + 1
        # "68 000", "1 200 000": three-digit groups after one space
        while (j < len(tokens) and GROUP.fullmatch(tokens[j].text.rstrip(",")) and tokens[j].start == tokens[j - 1].stop + 1
               and "," not in tokens[j - 1].text and "." not in tokens[j - 1].text):
            value = value * 1000 + float(tokens[j].text.rstrip(","))
            j += 1
        # "30 – 35" written with spaces
        if j + 1 < len(tokens) and tokens[j].text in DASHES and tokens[j + 1].text[:1].isdigit():
            high = parse_digits(tokens[j + 1].text)
            if high is not None and high > value:
                return NumberMatch(value, high, j + 2)
        return NumberMatch(value, value, j)
    if "-" in tok.text or "–" in tok.text:
        pair = word_range(tok.text)
        return NumberMatch(pair[0], pair[1], i + 1) if pair else None
    value = word_value(tok.text)
    if value is None:
        return None
    j = i + 1
    # "двадцать пять", "сто двадцать": a smaller number word after a round one adds up
    while j < len(tokens):
        nxt = word_value(tokens[j].text)
        if nxt is None or nxt >= value or value % 10 or nxt >= 1000:
            break
        value += nxt
        j += 1
    return NumberMatch(value, value, j)
