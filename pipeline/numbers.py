"""Numbers in Russian news text: digits ("33,1", "68 000", "4,8–4,99", "40−60" with the Unicode minus as a dash)
and words in any case ("семью", "двухсот", "полутора", "два-три", "два с половиной", "миллиона"), through
pymorphy3 lemmas and `models/lexicon/numerals.tsv`.

A number noun names a value only in the singular ("тысячу", "более миллиона"); in the plural it is vague
("тысячами чипов", "миллионы пользователей", "сотни миллиардов") and no number at all. "тысячи" is both (singular
genitive, plural nominative): a caller that knows a qualifier or preposition governs it ("более тысячи") asks
for the singular reading."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from pipeline.lexicon import Tok, numerals
from pipeline.norm import parse_word

DIGITS = re.compile(r"\d+(?:[.,]\d+)?")
DASHES = "–—−‒-"  # en and em dash, the Unicode minus, the figure dash and the hyphen all join a range
DASH_CLASS = "[" + re.escape(DASHES) + "]"
DIGIT_RANGE = re.compile(rf"(\d+(?:[.,]\d+)?){DASH_CLASS}(\d+(?:[.,]\d+)?)")
GROUP = re.compile(r"\d{3}")
LAST_GROUP = re.compile(r"\d{3}[.,]\d+")  # "3 250 118,50": the last group may carry the decimal part
HALF_OF = re.compile(r"пол(тысяч|миллион|миллиард|триллион)\w*", re.IGNORECASE)  # "полтриллиона" = 0.5 × 10¹²
HALF_YEAR = re.compile(r"пол(?:года|году|угода|угоду|угодом)", re.IGNORECASE)  # half a year, in one word
HALF_SCALES = {"тысяч": 1e3, "миллион": 1e6, "миллиард": 1e9, "триллион": 1e12}
NOUN_NUMERALS = {"тысяча", "миллион", "миллиард", "триллион", "ноль", "нуль"}  # number words pymorphy3 tags as nouns


def parse_digits(text: str) -> float | None:
    """'33,1' -> 33.1; None unless the whole string is a number."""
    if not DIGITS.fullmatch(text):
        return None
    return float(text.replace(",", "."))


@lru_cache(maxsize=20000)
def word_reading(word: str) -> tuple[float, str] | None:
    """(value, grammatical number) of a number word in any case: ('семью' -> (7.0, 'any'), 'тысячу' -> (1000.0,
    'sing'), 'тысячами' -> (1000.0, 'plur'), 'тысячи' -> (1000.0, 'both')); None for other words."""
    if not word.isalpha():
        return None
    table = numerals()
    parses = parse_word(word.lower())
    for parse in sorted(parses, key=lambda p: p.tag.POS != "NUMR"):  # the numeral reading first ("семью")
        if parse.normal_form in table and parse.tag.POS in {"NUMR", "NOUN", "ADJF"}:
            if parse.tag.POS != "NOUN":
                return table[parse.normal_form], "any"
            if parse.normal_form not in NOUN_NUMERALS:
                continue
            numbers = {p.tag.number for p in parses if p.normal_form == parse.normal_form and p.tag.POS == "NOUN"}
            grammatical = "both" if numbers >= {"sing", "plur"} else ("plur" if numbers == {"plur"} else "sing")
            return table[parse.normal_form], grammatical
    return None


def word_value(word: str, singular_governed: bool = False) -> float | None:
    """The value of a number word in any case ('семью' -> 7.0); None for other words and for a plural number
    noun, which is vague ('тысячами'). `singular_governed`: the word follows a qualifier or preposition, so an
    ambiguous form ('тысячи') is the singular genitive ('более тысячи')."""
    reading = word_reading(word)
    if reading is None:
        return None
    value, grammatical = reading
    if grammatical == "plur" or (grammatical == "both" and not singular_governed):
        return None
    return value


def word_range(word: str) -> tuple[float, float] | None:
    """'два-три' -> (2, 3); 'полтора-два' -> (1.5, 2)."""
    parts = re.split(DASH_CLASS, word)
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


def _half_after(tokens: Sequence[Tok], j: int) -> int | None:
    """'с половиной' at token j ('два с половиной раза'): the index after it."""
    if j + 1 < len(tokens) and tokens[j].lower == "с" and tokens[j + 1].lower in {"половиной"}:
        return j + 2
    return None


def match_number(tokens: Sequence[Tok], i: int, text: str, singular_governed: bool = False) -> NumberMatch | None:
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
        # "68 000", "1 200 000", "3 250 118,50": three-digit groups after one space, the last with a decimal part
        while (j < len(tokens) and tokens[j].start == tokens[j - 1].stop + 1
               and "," not in tokens[j - 1].text and "." not in tokens[j - 1].text):
            group = tokens[j].text.rstrip(",")
            if GROUP.fullmatch(group):
                value = value * 1000 + float(group)
            elif LAST_GROUP.fullmatch(group):
                value = value * 1000 + float(group.replace(",", "."))
            else:
                break
            j += 1
        # "30 – 35" written with spaces, "40−60" with the minus sign
        if j + 1 < len(tokens) and tokens[j].text in DASHES and tokens[j + 1].text[:1].isdigit():
            high = parse_digits(tokens[j + 1].text)
            if high is not None and high > value:
                return NumberMatch(value, high, j + 2)
        half = _half_after(tokens, j)
        if half is not None and value == int(value):
            return NumberMatch(value + 0.5, value + 0.5, half)
        return NumberMatch(value, value, j)
    half = HALF_OF.fullmatch(tok.text)
    if half:
        value = HALF_SCALES[half[1].lower()] / 2
        return NumberMatch(value, value, i + 1)
    if any(dash in tok.text for dash in DASHES):
        pair = word_range(tok.text)
        return NumberMatch(pair[0], pair[1], i + 1) if pair else None
    value = word_value(tok.text, singular_governed)
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
    half = _half_after(tokens, j)
    if half is not None and 0 < value < 1000:
        return NumberMatch(value + 0.5, value + 0.5, half)
    return NumberMatch(value, value, j)
