"""Amounts in Russian news text: money, percent, multipliers, counts, durations, quantities.

A left-to-right scan over tokens. At each position it tries, in order:

    [qualifier [на|за|до]]  multiplier idiom                      "вдвое", "почти в два раза", "в 1,5 раза"
    [qualifier [на|за|до]]  [currency symbol] number|range [scale] [unit]
        unit: currency word | currency symbol | % | процент | SI unit | duration noun | (adjectives) counted noun

Ranges: "40–42", "от 5 до 7", "два-три"; "с 95% до нуля" gives two amounts, the second inheriting the unit.
"до" is a bound (`up_to`) unless it marks a target value: after a change verb ("выросла на 78% до …") or
after "с X". Words come from `models/lexicon/amounts.tsv` and `numerals.tsv`. Years, days of months, numbers
glued to names ("H200", "5G", "GTC 2025" is a year-like code) and ordinals are not amounts.
The scanner is total: any input gives a (possibly empty) list, never an exception.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from pipeline.lexicon import Lexicon, Tok, amount_lexicon, time_lexicon, tokens_from_text
from pipeline.norm import parse_word
from pipeline.numbers import NumberMatch, match_number, word_value

PREPOSITIONS_AFTER_QUALIFIER = {"на", "за", "до"}
HYPHEN_UNIT = re.compile(r"(\d+(?:[.,]\d+)?)-(нм|летн\w*|месячн\w*|дневн\w*)", re.IGNORECASE)
NOT_COUNTED = {"год", "процент", "тысяча", "миллион", "миллиард", "триллион"}
ABBREVIATIONS_WITH_DOT = {"руб", "тыс", "долл"}  # "млрд." at a sentence end is the sentence's period
INTERVAL_MODIFIERS = ("перв", "последн", "предыдущ", "прошедш")


@dataclass(frozen=True)
class FoundAmount:
    """An amount found in text (offsets into that text)."""

    start: int
    stop: int
    text: str
    kind: str
    value: float | None
    value_min: float
    value_max: float
    unit: str | None
    currency: str | None
    qualifier: str
    scale_word: str | None


def _is_year(tokens: Sequence[Tok], number: NumberMatch, lex_time: Lexicon) -> bool:
    """'2024 году', '2026–2028 годы', '16 января': calendar expressions, not amounts."""
    if number.end < len(tokens):
        nxt = tokens[number.end].lower
        if 1900 <= number.low <= 2100 and number.low == int(number.low) and (nxt.startswith("год") or nxt in {"г", "гг"}):
            return True
        if 1 <= number.low <= 31 and lex_time.match("month", tokens, number.end):
            return True
    return False


def _counted_noun(tokens: Sequence[Tok], i: int) -> tuple[str, int] | None:
    """'(китайских) компаний' -> ('компания', index after the noun); up to three adjectives before the noun."""
    j = i
    for _ in range(4):
        if j >= len(tokens) or (j > 0 and tokens[j].sent != tokens[j - 1].sent):
            return None
        word = tokens[j].text
        last = word.split("-")[-1]
        if not last.isalpha() or not re.search("[а-яё]", last, re.IGNORECASE):
            return None
        parses = parse_word(last.lower())
        if not parses:
            return None
        tags = {p.tag.POS for p in parses[:2]}
        can_modify = any(p.tag.POS in {"ADJF", "PRTF", "NPRO"} for p in parses)
        if can_modify and (tokens[j].pos in {"ADJ", "DET"} or (not tokens[j].pos and "NOUN" not in tags)):
            j += 1
            continue
        if tokens[j].pos:  # Natasha's tag decides when there is one
            if tokens[j].pos not in {"NOUN", "PROPN"}:
                return None
            noun = next((p for p in parses if p.tag.POS == "NOUN"), None)
        else:  # plain text: the most likely reading must be a noun ("45 и" is no count)
            noun = parses[0] if parses[0].tag.POS == "NOUN" else None
        if noun is None:
            return None
        if word[:1].isupper() and j == i and tokens[j].pos == "PROPN":
            return None
        lemma = noun.normal_form.replace("ё", "е")
        if lemma in NOT_COUNTED or time_lexicon().match("month", tokens, j):
            return None
        return lemma, j + 1
    return None


@cache
def change_verbs() -> frozenset[str]:
    """Lemmas after which "до X" is a target value (the change_verb rows of amounts.tsv)."""
    return frozenset(e.patterns[0].pattern for e in amount_lexicon().by_category["change_verb"])


def _is_target(tokens: Sequence[Tok], i: int, text: str) -> bool:
    """Whether the "до" at token i marks a target value (after a change verb or "с X"), not a bound."""
    verbs = change_verbs()
    for k in range(i - 1, max(i - 9, -1), -1):
        tok = tokens[k]
        if tok.sent != tokens[i].sent or tok.text in {".", ";"}:
            break
        if tok.lemma in verbs or tok.lower in verbs:
            return True
        if tok.lower == "с" and k + 1 < i and match_number(tokens, k + 1, text) is not None:
            return True
    return False


def _end_with_dot(tokens: Sequence[Tok], j: int) -> int:
    """Include the period of an abbreviation ("руб.", "тыс.") when it is glued to it."""
    if (j < len(tokens) and tokens[j].text == "." and tokens[j - 1].lower in ABBREVIATIONS_WITH_DOT
            and tokens[j].start == tokens[j - 1].stop):
        return j + 1
    return j


class AmountScanner:
    def __init__(self, text: str, tokens: Sequence[Tok]):
        self.text = text
        self.tokens = tokens
        self.lex = amount_lexicon()
        self.time = time_lexicon()

    def scan(self) -> list[FoundAmount]:
        found: list[FoundAmount] = []
        i = 0
        while i < len(self.tokens):
            result = self.match_at(i, found[-1] if found else None)
            if result is None:
                i += 1
                continue
            amount, end = result
            found.append(amount)
            i = max(end, i + 1)
        return found

    def _same_sentence(self, offset: int, index: int) -> bool:
        return _same_sentence_tokens(self.tokens, offset, index)

    def make(self, first: int, last: int, kind: str, low: float, high: float, unit: str | None,
             qualifier: str, scale: str | None) -> FoundAmount:
        start, stop = self.tokens[first].start, self.tokens[last - 1].stop
        while stop > start and self.text[stop - 1] in ",;:":  # razdel glues a comma to "000,"
            stop -= 1
        currency = unit if kind == "money" else None
        return FoundAmount(start, stop, self.text[start:stop], kind, None if low != high else low, low, high,
                           unit, currency, qualifier, scale)

    def match_at(self, i: int, previous: FoundAmount | None) -> tuple[FoundAmount, int] | None:
        tokens, lex = self.tokens, self.lex
        first, j, qualifier = i, i, "none"
        hit = lex.match("qualifier", tokens, j)
        if hit:
            entry, j = hit
            qualifier = entry.value
            if qualifier == "up_to" and _is_target(tokens, i, self.text):
                first, qualifier = j, "none"  # "выросла … до 452 млрд": the target, outside the span
            elif qualifier != "up_to" and j < len(tokens) and tokens[j].lower in PREPOSITIONS_AFTER_QUALIFIER:
                j += 1
            if j >= len(tokens):
                return None

        # multiplier idioms: "вдвое", "в 1,5 раза", "в два-три раза"
        hit = lex.match("multiplier_word", tokens, j)
        if hit:
            entry, end = hit
            value = float(entry.value)
            return self.make(first, end, "multiplier", value, value, "times", qualifier, None), end
        if tokens[j].lower == "в":
            number = match_number(tokens, j + 1, self.text)
            if number and number.end < len(tokens) and tokens[number.end].lower.startswith("раз"):
                return (self.make(first, number.end + 1, "multiplier", number.low, number.high, "times", qualifier, None),
                        number.end + 1)
            if qualifier != "none":
                return None

        # fractions: "треть", "более половины"
        hit = lex.match("fraction", tokens, j)
        if hit and (qualifier != "none" or tokens[j - 1].lower in {"на", "до"} if j > 0 else False):
            entry, end = hit
            value = float(entry.value)
            return self.make(first, end, "percent", value, value, "percent", qualifier, None), end

        # "3-нм", "20-летний"
        glued_unit = HYPHEN_UNIT.fullmatch(tokens[j].text)
        if glued_unit and not (j > 0 and self.text[tokens[j].start - 1:tokens[j].start].isalpha()):
            value = float(glued_unit[1].replace(",", "."))
            if glued_unit[2].lower() == "нм":
                return self.make(first, j + 1, "quantity", value, value, "nm", qualifier, None), j + 1
            unit = {"л": "year", "м": "month", "д": "day"}[glued_unit[2][0].lower()]
            return self.make(first, j + 1, "duration", value, value, unit, qualifier, None), j + 1

        currency = None
        hit = lex.match("currency_symbol", tokens, j)
        if hit:
            currency, j = hit[0].value, hit[1]
            if j >= len(tokens):
                return None

        # "от 5 до 7 млрд рублей"
        if tokens[j].lower == "от" and currency is None:
            low = match_number(tokens, j + 1, self.text)
            if low and low.end < len(tokens) and tokens[low.end].lower == "до":
                high = match_number(tokens, low.end + 1, self.text)
                if high and high.low > low.low:
                    return self._finish(first, NumberMatch(low.low, high.high, high.end), currency, qualifier, previous)
            return None
        number = match_number(tokens, j, self.text)
        if number is None:
            return None
        if currency is None and _is_year(tokens, number, self.time):
            return None
        return self._finish(first, number, currency, qualifier, previous)

    def _finish(self, first: int, number: NumberMatch, currency: str | None, qualifier: str,
                previous: FoundAmount | None) -> tuple[FoundAmount, int] | None:
        tokens, lex = self.tokens, self.lex
        low, high, j = number.low, number.high, number.end
        scale_word, scale = None, 1.0
        hit = lex.match("scale", tokens, j)
        if hit:
            scale_word, scale, j = tokens[j].text, float(hit[0].value), hit[1]
            j = _end_with_dot(tokens, j)
        low, high = low * scale, high * scale

        def done(kind: str, unit: str | None, end: int) -> tuple[FoundAmount, int]:
            end = _end_with_dot(tokens, end)
            return self.make(first, end, kind, low, high, unit, qualifier, scale_word), end

        if currency:
            return done("money", currency, j)
        for category in ("currency_word", "currency_symbol"):
            hit = lex.match(category, tokens, j)
            if hit:
                return done("money", hit[0].value, hit[1])
        if j < len(tokens) and (tokens[j].text == "%" or tokens[j].lower.startswith("процент")):
            return done("percent", "percent", j + 1)
        hit = lex.match("unit", tokens, j)
        if hit:
            return done("quantity", hit[0].value, hit[1])
        hit = lex.match("duration_unit", tokens, j)
        if hit and not scale_word:
            before = first - 1
            if before >= 0 and tokens[before].lower.startswith(INTERVAL_MODIFIERS):
                before -= 1
            if before >= 0 and tokens[before].lower == "за":
                return None  # "за два года" is an interval (a time expression), not an amount
            return done("duration", hit[0].value, hit[1])
        noun = _counted_noun(tokens, j) if j < len(tokens) else None
        if noun and not (low == high == 1 and not tokens[number.end - 1].text[:1].isdigit()):
            return done("count", noun[0], noun[1])
        # "к 100 тыс. ускорителей добавлены ещё 50 тыс.": an elliptical count takes the noun of the one before
        if scale_word and previous and previous.kind == "count" and self._same_sentence(previous.start, first):
            return done("count", previous.unit, j)
        # "с 95% до нуля": a bare number after "до" continues the amount before it
        if (previous and first > 0 and tokens[first - 1].lower == "до" and previous.unit
                and tokens[first - 1].start - previous.stop <= 2):
            return done(previous.kind, previous.unit, j)
        return None


def _same_sentence_tokens(tokens: Sequence[Tok], offset: int, index: int) -> bool:
    return any(t.start <= offset < t.stop and t.sent == tokens[index].sent for t in tokens)


def find_amounts(text: str, tokens: Sequence[Tok] | None = None) -> list[FoundAmount]:
    """Every amount in `text` (tokens from the spaCy Doc when available, else razdel + pymorphy3)."""
    tokens = tokens if tokens is not None else tokens_from_text(text)
    try:
        return AmountScanner(text, tokens).scan()
    except Exception:  # noqa: BLE001 - the scanner must be total; a bug must not sink an article
        return []
