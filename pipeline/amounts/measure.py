"""A number with what follows it (currency, scale word, unit, subunit), before it becomes an amount: one end of
a range, or a whole amount; and how two measures combine ("от 10 МВт до 1 ГВт", "с $4,2 до $5,1 млрд")."""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.amounts.scan import Scan
from pipeline.amounts.words import LATIN_NAME, end_with_dot, is_year, tidy, unit_sizes
from pipeline.counted import counted_noun
from pipeline.numbers import NumberMatch, match_number, word_reading


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


def measure(scan: Scan, j: int, governed: bool = True) -> Measure | None:
    """A number at token j with its scale word and unit (money, percent, quantity, duration, count), if any.
    `governed`: a qualifier or preposition comes before it (an ambiguous "тысячи" is then singular)."""
    tokens, lex = scan.tokens, scan.lex
    currency = None
    hit = lex.match("currency_symbol", tokens, j)
    if hit:
        currency, j = hit[0].value, hit[1]
    number = match_number(tokens, j, scan.text, singular_governed=governed) or fraction_of_scale(scan, j)
    if number is None or (currency is None and is_year(tokens, number, scan.time)):
        return None
    k, scale_word, scale = number.end, None, 1.0
    hit = lex.match("scale", tokens, k)
    if hit:
        scale_word, scale, k = tokens[k].text, float(hit[0].value), end_with_dot(tokens, hit[1])
        if (k + 1 < len(tokens) and tokens[k].text == "." and tokens[k].start == tokens[k - 1].stop
                and tokens[k + 1].start == tokens[k].stop and lex.match("currency_word", tokens, k + 1)):
            k += 1  # "5,4 млн.руб.": the scale's period glued to the currency
    k = spelled_out(scan, k)
    if currency:
        return Measure(number.low, number.high, k, "money", currency, scale, scale_word)
    for category, kind in (("currency_word", "money"), ("currency_symbol", "money"), ("unit", "quantity")):
        hit = lex.match(category, tokens, k)
        if hit:
            end, extra = end_with_dot(tokens, hit[1]), 0.0
            if kind == "money" and not scale_word and not number.is_range:
                cents = subunit(scan, end, hit[0].value)
                if cents:  # "12 рублей 50 копеек"
                    extra, end = cents[0], cents[1]
            return Measure(number.low + extra, number.high + extra, end, kind, hit[0].value, scale, scale_word)
    cents = None if scale_word else subunit(scan, k, None, number)
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


def fraction_of_scale(scan: Scan, j: int) -> NumberMatch | None:
    """"половины триллиона", "трети миллиарда": a fraction before a scale word, read as a number (0.5, 0.33)."""
    hit = scan.lex.match("fraction", scan.tokens, j)
    if not hit or not scan.lex.match("scale", scan.tokens, hit[1]):
        return None
    numerator, denominator = hit[0].value.split("/")
    value = float(numerator) / float(denominator)
    return NumberMatch(value, value, hit[1])


def subunit(scan: Scan, k: int, currency: str | None, number: NumberMatch | None = None):
    """Kopecks or cents at token k (after `number`, else read there): (value in the currency, index after,
    currency), or None; with `currency` given, only its own subunit counts."""
    if number is None:
        number = match_number(scan.tokens, k, scan.text)
        if number is None or number.is_range:
            return None
        k = number.end
    hit = scan.lex.match("subunit", scan.tokens, k)
    if not hit:
        return None
    code, size = hit[0].value.split()
    if currency is not None and code != currency:
        return None
    return tidy(number.low * float(size)), end_with_dot(scan.tokens, hit[1]), code


def spelled_out(scan: Scan, k: int) -> int:
    """"1 500 (одна тысяча пятьсот) рублей": the sum repeated in words in brackets is skipped (the index after
    the closing bracket), so the unit after it still belongs to the number."""
    tokens = scan.tokens
    if scan.low(k) != "(":
        return k
    j = k + 1
    while j < len(tokens) and j < k + 12 and (word_reading(tokens[j].text) is not None or scan.low(j) == "и"):
        j += 1
    return j + 1 if j > k + 1 and scan.low(j) == ")" else k


def is_unit_after(scan: Scan, j: int) -> bool:
    return any(scan.lex.match(c, scan.tokens, j) for c in ("scale", "unit", "currency_word", "duration_unit"))


def unit_written_after(scan: Scan, m: Measure) -> Measure | None:
    """The measure of "B unit" in "A и B unit" (money, percent or a quantity written once, after the last)."""
    if scan.low(m.end) not in {"и", "или"}:
        return None
    target = measure(scan, m.end + 1)
    if target is None or target.kind not in {"money", "percent", "quantity"}:
        return None
    return target if bool(target.scale_word) == bool(m.scale_word) else None


def months_after(scan: Scan, m: Measure) -> tuple[float, int] | None:
    """The months of "2 года 3 месяца" ("1 год и 6 месяцев") after a whole number of years: (months, index after)."""
    if m.unit != "year" or m.low != m.high or m.low != int(m.low):
        return None
    k = m.end + 1 if scan.low(m.end) == "и" else m.end
    number = match_number(scan.tokens, k, scan.text)
    if number is None or number.is_range:
        return None
    hit = scan.lex.match("duration_unit", scan.tokens, number.end)
    return (number.low, hit[1]) if hit and hit[0].value == "month" else None


def join(scan: Scan, low: Measure, high: Measure) -> tuple[float, float] | None:
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


def shared_scale(scan: Scan, first: int, m: Measure) -> Measure:
    """"с $4,2 до $5,1 млрд", "с 4,2 до 5,1 млрд долларов": the first of a from-to written without the scale word
    takes the second's scale (and its unit when it has none), unless that would make it ten times the second."""
    if m.scale_word or scan.low(first - 1) != "с" or scan.low(m.end) != "до":
        return m
    target = measure(scan, m.end + 1)
    if target is None or not target.scale_word or m.high > 10 * target.high:
        return m
    if m.kind is None:
        return Measure(m.low, m.high, m.end, target.kind, target.unit, target.scale, None)
    if (m.kind, m.unit) == (target.kind, target.unit):
        return Measure(m.low, m.high, m.end, m.kind, m.unit, target.scale, None)
    return m
