"""Amounts in Russian news text: money, percent, multipliers, counts, durations, quantities.

A left-to-right scan over tokens. At each position it tries, in order:

    [qualifier [на|за|до]]  multiplier idiom                   "вдвое", "почти в два раза", "в 2,5 раза", "раза в два"
    [qualifier [на|до]]     fraction                           "более трети", "три четверти", "пятую часть"
    range                   "от A до B", "между A и B"         "от 2 млрд до 15 млрд руб.", "от 10 МВт до 1 ГВт"
    [qualifier [на|за|до]]  [+|−|минус] [currency] number [scale] [unit]
        unit: currency word | currency symbol | % | процент | SI unit | duration noun | counted noun (pipeline.counted)

The two ends of a range share what is written once: "от 5 до 7 млрд рублей", "от $31,8 до $33 млрд"; different
units of one dimension are converted to the first one ("от 10 МВт до 1 ГВт" = 10..1000 MW). "с 92,5 до 95,8 %"
is two amounts (a level before and after), the first taking the unit written once. "до" is a bound (`up_to`)
unless it marks a target value: after a change verb or noun, after another amount ("на 36%, до 17,1 млрд руб.")
or after "с X". A number without a unit is an amount only when its sentence says what it counts (a measure word:
"число закупок … 11 700"), it continues a list ("у «джунов» — 18,6 резюме, у «мидлов» — 14,7") or it is the end
of a "с X до Y". Words come from `models/lexicon/amounts.tsv` and `numerals.tsv`. Not amounts: years, days of
months, numbers glued to names ("H200", "5G"), ordinals ("на третьем месте"), vague plurals ("тысячами чипов"),
"с нуля", a period after "за" or "через" (time expressions), ages ("старше 35 лет"). The scanner is total: any input gives a (possibly
empty) list, never an exception.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from pipeline.counted import counted_noun, is_age, measure_noun
from pipeline.lexicon import Tok, amount_lexicon, scan_tokens, time_lexicon, tokens_from_text
from pipeline.numbers import HALF_YEAR, NumberMatch, match_number, word_reading
from pipeline.records import FoundAmount

PREPOSITIONS_AFTER_QUALIFIER = {"на", "за", "до"}
GOVERNING = {"на", "за", "до", "от", "с", "из", "около", "более", "менее", "свыше", "порядка", "почти", "больше",
             "меньше", "примерно", "приблизительно", "максимум", "минимум"}  # an ambiguous "тысячи" is singular after these
HYPHEN_UNIT = re.compile(r"(\d+(?:[.,]\d+)?)-(нм|летн\w*|месячн\w*|дневн\w*|процентн\w*)", re.IGNORECASE)
ABBREVIATIONS_WITH_DOT = {"руб", "тыс", "долл", "коп"}  # "млрд." at a sentence end is the sentence's period
TIME_PREPOSITIONS = {"за", "через", "спустя"}  # "за два года", "через пять лет": time expressions, not amounts
LATIN_NAME = re.compile(r"[A-Za-z][A-Za-z]+")
SMALL_GROUP_PREPOSITIONS = {"у", "из", "среди", "для", "о", "об", "при", "между"}
PLUS, MINUS = {"+"}, {"−", "минус"}
DASH_SIGNS = {"–", "-"}  # an en dash or hyphen glued to a number after a space or bracket is its minus: "(–12%)"
LIST_CONTINUATION = {",", "и", "у", "в", ")", ";", "."}


@dataclass(frozen=True)
class Measure:
    """A number with what follows it, before it becomes an amount: one end of a range, or a whole amount."""

    low: float
    high: float
    end: int  # token index after the measure
    kind: str | None = None
    unit: str | None = None
    scale: float = 1.0
    scale_word: str | None = None


def _is_year(tokens: Sequence[Tok], number: NumberMatch, lex_time) -> bool:
    """'2024 году', '1899 года', '2026–2028 годы', '16 января': calendar expressions, not amounts."""
    if number.end < len(tokens):
        nxt = tokens[number.end].lower
        if 1000 <= number.low <= 2100 and number.low == int(number.low) and (nxt.startswith("год") or nxt in {"г", "гг"}):
            return True
        if 1 <= number.low <= 31 and lex_time.match("month", tokens, number.end):
            return True
    return False


@cache
def change_words() -> frozenset[str]:
    """Lemmas after which "до X" is a target value (the change_verb rows of amounts.tsv: verbs and nouns)."""
    return frozenset(e.patterns[0].pattern for e in amount_lexicon().by_category["change_verb"])


@cache
def unit_sizes() -> dict[str, tuple[str, float]]:
    """Unit code -> (dimension, size in the dimension's base unit), from the unit_size rows of amounts.tsv."""
    sizes = {}
    for entry in amount_lexicon().by_category["unit_size"]:
        dimension, size = entry.value.split()
        sizes[entry.patterns[0].pattern] = (dimension, float(size))
    return sizes


def _tidy(value: float) -> float:
    """12 significant digits: 4,1 × 10⁹ is 4100000000, not 4099999999.9999995."""
    return float(f"{value:.12g}")


def percent_of(fraction: str, times: float = 1.0) -> float:
    """'1/3' -> 33.33; times 2 -> 66.67 (a fraction of the lexicon as a percent, two decimals)."""
    numerator, _, denominator = fraction.partition("/")
    return round(100 * times * float(numerator) / float(denominator or 1), 2)


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
        self.starts = [t.start for t in tokens]
        self.found: list[FoundAmount] = []

    def scan(self) -> list[FoundAmount]:
        return scan_tokens(len(self.tokens), self.match_at, self.found)

    # --- helpers -------------------------------------------------------------

    def low(self, i: int) -> str:
        return self.tokens[i].lower if 0 <= i < len(self.tokens) else ""

    def index_of(self, offset: int) -> int:
        """The index of the token starting at or covering `offset`."""
        return max(0, bisect.bisect_right(self.starts, offset) - 1)

    def previous(self) -> FoundAmount | None:
        return self.found[-1] if self.found else None

    def sentences_back(self, amount: FoundAmount, i: int) -> int:
        return self.tokens[i].sent - self.tokens[self.index_of(amount.start)].sent

    def make(self, first: int, last: int, kind: str, low: float, high: float, unit: str | None,
             qualifier: str, scale: str | None) -> FoundAmount:
        start, stop = self.tokens[first].start, self.tokens[last - 1].stop
        while stop > start and self.text[stop - 1] in ",;:":  # razdel glues a comma to "000,"
            stop -= 1
        currency = unit if kind == "money" else None
        low, high = _tidy(low), _tidy(high)
        return FoundAmount(start, stop, self.text[start:stop], kind, None if low != high else low, low, high,
                           unit, currency, qualifier, scale)

    def is_target(self, i: int) -> bool:
        """Whether the "до" at token i marks a target value, not a bound: after a change verb or noun, right
        after another amount ("на 29 % до $191,8 млн", "на 36%, до 17,1 млрд руб.") or after "с X"."""
        previous = self.previous()
        if previous is not None:
            gap = self.text[previous.stop:self.tokens[i].start]
            if gap.strip() in {"", ","}:
                return True
        words = change_words()
        for k in range(i - 1, max(i - 16, -1), -1):
            tok = self.tokens[k]
            if tok.sent != self.tokens[i].sent or tok.text in {".", ";"}:
                break
            if tok.lemma in words or tok.lower in words:
                return True
            if tok.lower == "с" and k + 1 < i and match_number(self.tokens, k + 1, self.text) is not None:
                return True
        return False

    # --- patterns ------------------------------------------------------------

    def match_at(self, i: int) -> tuple[FoundAmount, int] | None:
        tokens, lex = self.tokens, self.lex
        first, j, qualifier = i, i, "none"
        hit = lex.match("qualifier", tokens, j)
        comparative = lex.match("comparative", tokens, j)
        if comparative and match_number(tokens, comparative[1], self.text) is not None:
            hit = comparative  # "ниже 50%"; "выше в 62 раза" compares, it does not qualify the multiplier
        if hit:
            entry, j = hit
            qualifier = entry.value
            if qualifier == "up_to" and self.is_target(i):
                first, qualifier = j, "none"  # "выросла … до 452 млрд": the target, outside the span
            elif qualifier != "up_to" and self.low(j) in PREPOSITIONS_AFTER_QUALIFIER:
                j += 1
            if j >= len(tokens):
                return None
        for pattern in (self.multiplier, self.fraction, self.glued_unit, self.half_year, self.range):
            result = pattern(first, j, qualifier)
            if result is not None:
                return result
        if self.low(j) == "в" and qualifier != "none":
            return None
        return self.plain(first, j, qualifier)

    def multiplier(self, first: int, j: int, qualifier: str):
        """'вдвое', 'в 1,5 раза', 'в два с половиной раза', 'раза в два' (inverted: approximately)."""
        hit = self.lex.match("multiplier_word", self.tokens, j)
        if hit:
            value = float(hit[0].value)
            return self.make(first, hit[1], "multiplier", value, value, "times", qualifier, None), hit[1]
        if self.low(j) == "в":
            number = match_number(self.tokens, j + 1, self.text)
            if number and self.low(number.end).startswith("раз"):
                end = number.end + 1
                return self.make(first, end, "multiplier", number.low, number.high, "times", qualifier, None), end
        if self.low(j).startswith("раз") and self.low(j + 1) == "в":
            number = match_number(self.tokens, j + 2, self.text)
            if number and not self.low(number.end).startswith("раз") and not self.is_unit_after(number.end):
                return (self.make(first, number.end, "multiplier", number.low, number.high, "times",
                                  "approx" if qualifier == "none" else qualifier, None), number.end)
        return None

    def in_name(self, first: int, end: int) -> bool:
        """A bare number right after a capitalised word, or followed by a closing quote, is part of a name."""
        before = self.tokens[first - 1] if first > 0 else None
        after = self.tokens[end] if end < len(self.tokens) else None
        if before is not None and before.text[:1].isupper() and before.stop + 1 >= self.tokens[first].start:
            return True
        return after is not None and after.text in {"»", '"', "”"}

    def dash_sign(self, j: int) -> bool:
        """"прибыль: –29,8%", "(–12%)": a dash glued to the digits after it and not to what comes before (a space, a
        bracket, a colon) is a minus; "МТС – 14,7%" (spaced) is a dash, "10–12%" a range."""
        tokens = self.tokens
        if self.low(j) not in DASH_SIGNS or j + 1 >= len(tokens) or not tokens[j + 1].text[:1].isdigit():
            return False
        if tokens[j + 1].start != tokens[j].stop:
            return False
        before = self.text[tokens[j].start - 1:tokens[j].start] if tokens[j].start else " "
        return before.isspace() or before in "(:;["

    def fraction_of_scale(self, j: int) -> NumberMatch | None:
        """"половины триллиона", "трети миллиарда": a fraction before a scale word, read as a number (0.5, 0.33)."""
        hit = self.lex.match("fraction", self.tokens, j)
        if not hit or not self.lex.match("scale", self.tokens, hit[1]):
            return None
        numerator, denominator = hit[0].value.split("/")
        value = float(numerator) / float(denominator)
        return NumberMatch(value, value, hit[1])

    def unit_written_after(self, m: Measure) -> Measure | None:
        """The measure of "B unit" in "A и B unit" (money, percent or a quantity written once, after the last)."""
        if self.low(m.end) not in {"и", "или"}:
            return None
        target = self.measure(m.end + 1)
        if target is None or target.kind not in {"money", "percent", "quantity"}:
            return None
        return target if bool(target.scale_word) == bool(m.scale_word) else None

    def months_after(self, m: Measure) -> tuple[float, int] | None:
        """The months of "2 года 3 месяца" ("1 год и 6 месяцев") after a whole number of years: (months, index after)."""
        if m.unit != "year" or m.low != m.high or m.low != int(m.low):
            return None
        k = m.end + 1 if self.low(m.end) == "и" else m.end
        number = match_number(self.tokens, k, self.text)
        if number is None or number.is_range:
            return None
        hit = self.lex.match("duration_unit", self.tokens, number.end)
        return (number.low, hit[1]) if hit and hit[0].value == "month" else None

    def subunit(self, k: int, currency: str | None, number: NumberMatch | None = None):
        """Kopecks or cents at token k (after `number`, else read there): (value in the currency, index after,
        currency), or None; with `currency` given, only its own subunit counts."""
        if number is None:
            number = match_number(self.tokens, k, self.text)
            if number is None or number.is_range:
                return None
            k = number.end
        hit = self.lex.match("subunit", self.tokens, k)
        if not hit:
            return None
        code, size = hit[0].value.split()
        if currency is not None and code != currency:
            return None
        return _tidy(number.low * float(size)), _end_with_dot(self.tokens, hit[1]), code

    def spelled_out(self, k: int) -> int:
        """"1 500 (одна тысяча пятьсот) рублей": the sum repeated in words in brackets is skipped (the index after
        the closing bracket), so the unit after it still belongs to the number."""
        tokens = self.tokens
        if self.low(k) != "(":
            return k
        j = k + 1
        while j < len(tokens) and j < k + 12 and (word_reading(tokens[j].text) is not None or self.low(j) == "и"):
            j += 1
        return j + 1 if j > k + 1 and self.low(j) == ")" else k

    def is_unit_after(self, j: int) -> bool:
        return any(self.lex.match(c, self.tokens, j) for c in ("scale", "unit", "currency_word", "duration_unit"))

    def fraction(self, first: int, j: int, qualifier: str):
        """'более трети', 'на треть', 'три четверти' (a numerator times the fraction), 'пятую часть'."""
        hit = self.lex.match("fraction_part", self.tokens, j)
        if hit:
            value = percent_of(hit[0].value)
            return self.make(first, hit[1], "percent", value, value, "percent", qualifier, None), hit[1]
        numerator, k = 1.0, j
        reading = word_reading(self.tokens[j].text) if j < len(self.tokens) else None
        if reading and reading[1] == "any" and 1 < reading[0] < 10:
            numerator, k = reading[0], j + 1
        hit = self.lex.match("fraction", self.tokens, k)
        if not hit or self.lex.match("scale", self.tokens, hit[1]):
            return None  # "половины триллиона рублей": a fraction of a scale word is a number (`measure`)
        governed = qualifier != "none" or self.low(first - 1) in {"на", "до"}
        if numerator == 1 and not governed:
            return None  # "половина сотрудников" is a fraction only with a qualifier or "на/до"
        value = percent_of(hit[0].value, numerator)
        return self.make(first, hit[1], "percent", value, value, "percent", qualifier, None), hit[1]

    def half_year(self, first: int, j: int, qualifier: str):
        """'полгода', 'в течение полугода': half a year (not after "за" or "через": a time expression)."""
        if not HALF_YEAR.fullmatch(self.low(j)) or self.low(first - 1) in TIME_PREPOSITIONS:
            return None
        return self.make(first, j + 1, "duration", 0.5, 0.5, "year", qualifier, None), j + 1

    def glued_unit(self, first: int, j: int, qualifier: str):
        """'3-нм', '20-летний', '5-процентном'."""
        glued = HYPHEN_UNIT.fullmatch(self.tokens[j].text)
        if not glued or (j > 0 and self.text[self.tokens[j].start - 1:self.tokens[j].start].isalpha()):
            return None
        value = float(glued[1].replace(",", "."))
        suffix = glued[2].lower()
        if suffix == "нм":
            return self.make(first, j + 1, "quantity", value, value, "nm", qualifier, None), j + 1
        if suffix.startswith("процент"):
            return self.make(first, j + 1, "percent", value, value, "percent", qualifier, None), j + 1
        unit = {"л": "year", "м": "month", "д": "day"}[suffix[0]]
        return self.make(first, j + 1, "duration", value, value, unit, qualifier, None), j + 1

    def range(self, first: int, j: int, qualifier: str):
        """'от A до B', 'между A и B': one amount whose ends share what is written once."""
        opener = self.low(j)
        if opener not in {"от", "между"}:
            return None
        low = self.measure(j + 1)
        if low is None or self.low(low.end) != ("до" if opener == "от" else "и"):
            return None
        high = self.measure(low.end + 1)
        if high is None or high.kind is None:
            return None
        combined = self.join(low, high)
        if combined is None:
            return None
        low_value, high_value = combined
        return (self.make(first, high.end, high.kind, low_value, high_value, low.unit or high.unit, qualifier,
                          high.scale_word or low.scale_word), high.end)

    def join(self, low: Measure, high: Measure) -> tuple[float, float] | None:
        """The bounds of a range in the first end's unit, or None when the ends do not measure one thing."""
        scale = low.scale if low.scale_word else high.scale
        low_value, high_value = low.low * scale, high.high * high.scale
        if low.kind is not None and low.unit != high.unit:
            sizes = unit_sizes()
            if low.kind != high.kind or low.unit not in sizes or high.unit not in sizes:
                return None
            (dim_low, size_low), (dim_high, size_high) = sizes[low.unit], sizes[high.unit]
            if dim_low != dim_high:
                return None
            high_value = high_value * size_high / size_low
        elif low.kind is not None and low.kind != high.kind:
            return None
        if low_value > high_value and low.scale_word and high.scale_word:
            return high_value, low_value  # "от 2 млн до 800 тыс.": a falling range, each end with its scale word
        return (low_value, high_value) if low_value < high_value else None

    def measure(self, j: int, governed: bool = True) -> Measure | None:
        """A number at token j with its scale word and unit (money, percent, quantity, duration, count), if any.
        `governed`: a qualifier or preposition comes before it (an ambiguous "тысячи" is then singular)."""
        tokens, lex = self.tokens, self.lex
        currency = None
        hit = lex.match("currency_symbol", tokens, j)
        if hit:
            currency, j = hit[0].value, hit[1]
        number = match_number(tokens, j, self.text, singular_governed=governed) or self.fraction_of_scale(j)
        if number is None or (currency is None and _is_year(tokens, number, self.time)):
            return None
        k, scale_word, scale = number.end, None, 1.0
        hit = lex.match("scale", tokens, k)
        if hit:
            scale_word, scale, k = tokens[k].text, float(hit[0].value), _end_with_dot(tokens, hit[1])
            if (k + 1 < len(tokens) and tokens[k].text == "." and tokens[k].start == tokens[k - 1].stop
                    and tokens[k + 1].start == tokens[k].stop and lex.match("currency_word", tokens, k + 1)):
                k += 1  # "5,4 млн.руб.": the scale's period glued to the currency
        k = self.spelled_out(k)
        if currency:
            return Measure(number.low, number.high, k, "money", currency, scale, scale_word)
        for category, kind in (("currency_word", "money"), ("currency_symbol", "money"), ("unit", "quantity")):
            hit = lex.match(category, tokens, k)
            if hit:
                end, extra = _end_with_dot(tokens, hit[1]), 0.0
                if kind == "money" and not scale_word and not number.is_range:
                    cents = self.subunit(end, hit[0].value)
                    if cents:  # "12 рублей 50 копеек"
                        extra, end = cents[0], cents[1]
                return Measure(number.low + extra, number.high + extra, end, kind, hit[0].value, scale, scale_word)
        cents = None if scale_word else self.subunit(k, None, number)
        if cents:  # "50 копеек", "99 центов"
            return Measure(cents[0], cents[0], cents[1], "money", cents[2])
        point = lex.match("count_noun", tokens, k)
        if point and point[0].value == "процентный пункт":  # "на 2 п. п.", "на 3 процентных пункта" (not percent)
            return Measure(number.low, number.high, point[1], "count", point[0].value, scale, scale_word)
        if k < len(tokens) and (tokens[k].text == "%" or tokens[k].lower.startswith("процент")):
            return Measure(number.low, number.high, k + 1, "percent", "percent", scale, scale_word)
        hit = lex.match("duration_unit", tokens, k)
        if hit and not scale_word:
            return Measure(number.low, number.high, hit[1], "duration", hit[0].value)
        noun = counted_noun(tokens, k)
        if noun:
            return Measure(number.low, number.high, noun[1], "count", noun[0], scale, scale_word)
        if scale_word and k < len(tokens) and LATIN_NAME.fullmatch(tokens[k].text) and tokens[k].start == tokens[k - 1].stop + 1:
            # "58 млн iPhone": a Latin product name after a scale word is what is counted
            return Measure(number.low, number.high, k + 1, "count", tokens[k].text, scale, scale_word)
        return Measure(number.low, number.high, k, None, None, scale, scale_word)

    def plain(self, first: int, j: int, qualifier: str):
        """[+|−|минус] [currency] number [scale] [unit]."""
        tokens = self.tokens
        sign = 1.0
        if self.low(j) in PLUS | MINUS and j + 1 < len(tokens) and tokens[j + 1].text[:1].isdigit():
            sign = -1.0 if self.low(j) in MINUS else 1.0
            j += 1
        elif self.dash_sign(j):
            sign, j = -1.0, j + 1
        reading = word_reading(tokens[j].text) if tokens[j].text.isalpha() else None
        zero = reading is not None and reading[0] == 0
        governed = qualifier != "none" or self.low(first - 1) in GOVERNING
        measure = self.measure(j, governed=governed)
        if measure is None:
            return None
        if sign < 0:
            measure = Measure(-measure.high, -measure.low, measure.end, measure.kind, measure.unit, measure.scale,
                              measure.scale_word)
        return self.finish(first, j, self.shared_scale(first, measure), qualifier, zero)

    def shared_scale(self, first: int, m: Measure) -> Measure:
        """"с $4,2 до $5,1 млрд", "с 4,2 до 5,1 млрд долларов": the first of a from-to written without the scale word
        takes the second's scale (and its unit when it has none), unless that would make it ten times the second."""
        if m.scale_word or self.low(first - 1) != "с" or self.low(m.end) != "до":
            return m
        target = self.measure(m.end + 1)
        if target is None or not target.scale_word or m.high > 10 * target.high:
            return m
        if m.kind is None:
            return Measure(m.low, m.high, m.end, target.kind, target.unit, target.scale, None)
        if (m.kind, m.unit) == (target.kind, target.unit):
            return Measure(m.low, m.high, m.end, m.kind, m.unit, target.scale, None)
        return m

    def finish(self, first: int, j: int, m: Measure, qualifier: str, zero: bool):
        tokens = self.tokens
        low, high = m.low * m.scale, m.high * m.scale

        def done(kind: str, unit: str | None, end: int) -> tuple[FoundAmount, int]:
            end = _end_with_dot(tokens, end)
            return self.make(first, end, kind, low, high, unit, qualifier, m.scale_word), end

        if not zero and m.kind in {"money", "quantity", "percent"}:
            return done(m.kind, m.unit, m.end)
        if not zero and m.kind == "duration":
            before = first - 1
            if before >= 0 and self.time.match("interval_modifier", tokens, before):
                before -= 1
            if before >= 0 and tokens[before].lower in TIME_PREPOSITIONS or self.low(j - 1) in TIME_PREPOSITIONS:
                return None  # "за два года", "менее чем за семь недель": a time expression, not an amount
            if is_age(tokens, first, m.end):
                return None  # "в возрасте 60 лет": an age
            months = self.months_after(m)
            if months is not None:  # "2 года 3 месяца": one length, in months
                low = high = low * 12 + months[0]
                return done("duration", "month", months[1])
            return done("duration", m.unit, m.end)
        if (not zero and m.kind == "count" and not tokens[j].text[:1].isdigit() and high < 10
                and self.low(first - 1) in SMALL_GROUP_PREPOSITIONS):
            return None  # "упала у трёх компаний", "одна из двух": a small group named in passing, no figure
        if not zero and m.kind == "count" and not (low == high == 1 and not tokens[j].text[:1].isdigit()):
            return done("count", m.unit, m.end)
        if m.kind is not None and not zero:
            return None
        return self.elliptical(first, j, m, zero, done)

    def elliptical(self, first: int, j: int, m: Measure, zero: bool, done):
        """A number whose unit is written elsewhere: the end of "с X до Y", the first number of "с X до Y unit",
        a measure word of the sentence, a list after an amount. Only digits (a word number needs its noun) and
        never part of a name ("«Бюро 1440»", "PlayStation 2")."""
        tokens, previous = self.tokens, self.previous()
        before = self.low(first - 1)
        # "с 95% до нуля": the end of a from-to continues the amount before it
        if (previous and before == "до" and previous.unit and tokens[first - 1].start - previous.stop <= 2
                and self.low(self.index_of(previous.start) - 1) == "с"):
            return done(previous.kind, previous.unit, m.end)
        spelled = not tokens[j].text[:1].isdigit()
        if zero or (spelled and not m.scale_word) or self.in_name(first, m.end):
            return None  # "с нуля", "за пять летБлагодаря", "«Бюро 1440»"; "восемь тысяч" may go on
        # "с 92,5 до 95,8 %": the unit is written once, after the second number
        if before == "с" and self.low(m.end) == "до" and not m.scale_word:
            target = self.measure(m.end + 1)
            if target is not None and target.kind is not None and target.kind != "count":
                return done(target.kind, target.unit, m.end)
        unit = measure_noun(tokens, j)
        if unit:
            return done("count", unit, m.end)
        shared = self.unit_written_after(m)
        if shared is not None:  # "за 11,7 млрд и 1,2 млрд руб. соответственно": written once, after the last
            return done(shared.kind, shared.unit, m.end)
        if previous is None or not previous.unit or previous.kind in {"duration", "multiplier"}:
            return None
        # "к 100 тыс. ускорителей добавлены ещё 50 тыс.", "составили 1,655 млн машин. … 1,636 миллиона": a scale
        # word repeats the count before it (in its sentence or the one before)
        if m.scale_word and previous.kind == "count" and self.sentences_back(previous, j) <= 1:
            return done("count", previous.unit, m.end)
        # "«Вымпелком» прибавил 7,7% (до 334,7 млрд рублей), «МегаФон» – 8,15% (525,6 млрд)": a sum in brackets or
        # in a list repeats the currency of the sum before it in the sentence
        bracketed = before in {"(", "—", "–"} or self.low(m.end) == ")"
        money = next((a for a in reversed(self.found) if a.kind == "money"), None)
        if m.scale_word and money is not None and bracketed and self.sentences_back(money, j) == 0:
            return done("money", money.unit, m.end)
        if spelled:
            return None
        # "у «джунов» — 18,6 резюме, у «мидлов» — 14,7": a bare number in a list after an amount
        listed = before in {"—", "–"} or self.low(m.end) in LIST_CONTINUATION
        decimal = "," in tokens[j].text or before in {"—", "–"}
        if listed and decimal and not m.scale_word and self.sentences_back(previous, j) <= 1:
            return done(previous.kind, previous.unit, m.end)
        return None


def find_amounts(text: str, tokens: Sequence[Tok] | None = None) -> list[FoundAmount]:
    """Every amount in `text` (tokens from the spaCy Doc when available, else razdel + pymorphy3)."""
    tokens = tokens if tokens is not None else tokens_from_text(text)
    return AmountScanner(text, tokens).scan()  # total: `scan_tokens` contains a failing position
