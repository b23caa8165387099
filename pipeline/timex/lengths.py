"""Lengths of time, and points that far before publication.

    "в течение четырёх месяцев", "четыре месяца", "20-летний", "2 года 3 месяца", "полгода"   durations
    "семью месяцами ранее", "два года назад", "неделю назад"          that long before publication
    "несколько лет назад"                                             unresolved
"""

from __future__ import annotations

from datetime import timedelta

from pipeline.counted import is_age
from pipeline.lexicon import amount_lexicon
from pipeline.numbers import HALF_YEAR, match_number
from pipeline.timex.calendar import month_range, period_range, shift
from pipeline.timex.scan import Scan
from pipeline.timex.words import DURATION_ADJECTIVE, DURATION_CODE, DURATION_FACTOR, YEAR_NUMBER


def during(scan: Scan, i: int):
    """'в течение четырёх месяцев', 'в течение полутора лет'."""
    if not (scan.low(i) == "в" and scan.low(i + 1) == "течение"):
        return None
    return duration(scan, i + 2, first=i)


def duration(scan: Scan, i: int, first: int | None = None):
    """'четыре месяца', 'трое суток', '20-летний' (not a range, not a year)."""
    tok = scan.tok(i)
    if tok is None:
        return None
    glued = DURATION_ADJECTIVE.fullmatch(tok.text)
    if glued:
        unit = {"л": "year", "м": "month", "д": "day"}[glued[2][0].lower()]
        return scan.make(first if first is not None else i, i + 1, "duration", None, unit,
                         duration=f"P{glued[1]}{DURATION_CODE[unit]}")
    if (scan.low(i - 1) in {"за", "с", "через"}
            or scan.low(i - 2).startswith(("перв", "последн", "предыдущ")) and scan.low(i - 3) == "за"):
        return None
    if scan.low(i - 1) == "до" and scan.low(i - 3) == "от" and match_number(scan.tokens, i - 2, scan.text):
        return None  # the upper end of "от трёх до пяти лет": a range, an amount only
    number = match_number(scan.tokens, i, scan.text)
    if number is None or number.is_range or YEAR_NUMBER.fullmatch(tok.text):
        return None
    if amount_lexicon().match("scale", scan.tokens, number.end):
        return None
    hit = amount_lexicon().match("duration_unit", scan.tokens, number.end)
    if not hit:
        return None
    unit, end = hit[0].value, hit[1]
    if scan.low(end) in {"назад", "ранее"}:
        return ago(scan, i, end + 1, number.low, unit)
    if scan.low(end) == "спустя":  # "два года спустя": after an event the text narrates
        return scan.make(first if first is not None else i, end + 1, "date", None, unit,
                         "counted from an event, not from publication")
    if number.low == int(number.low) and scan.low(end) and match_number(scan.tokens, end, scan.text):
        compound = compound_length(scan, end, unit, number.low)
        if compound is not None:  # "2 года 3 месяца"
            text, stop = compound
            return scan.make(first if first is not None else i, stop, "duration", None, "month", duration=text)
    if is_age(scan.tokens, i, end):
        return None  # "в возрасте 60 лет": an age, not a length of time
    value = number.low * DURATION_FACTOR.get(unit, 1)
    text = f"{value:g}".replace(".0", "")
    return scan.make(first if first is not None else i, end, "duration", None, unit,
                     duration=f"P{text}{DURATION_CODE[unit]}")


def compound_length(scan: Scan, j: int, unit: str, count: float) -> tuple[str, int] | None:
    """"2 года 3 месяца", "1 год и 6 месяцев": years then months as one ISO length (P2Y3M), index after."""
    if unit != "year":
        return None
    k = j + 1 if scan.low(j) == "и" else j
    number = match_number(scan.tokens, k, scan.text)
    if number is None or number.is_range or number.low != int(number.low):
        return None
    hit = amount_lexicon().match("duration_unit", scan.tokens, number.end)
    if not hit or hit[0].value != "month":
        return None
    return f"P{int(count)}Y{int(number.low)}M", hit[1]


def half_length(scan: Scan, i: int):
    """'полгода', 'полугода', 'полчаса' is no calendar length: half a year is P6M."""
    if HALF_YEAR.fullmatch(scan.low(i)) is None:
        return None
    if scan.low(i - 1) in {"за", "через"}:
        return None
    first = i - 2 if (scan.low(i - 2), scan.low(i - 1)) == ("в", "течение") else i
    if scan.low(i + 1) in {"назад", "ранее"}:
        if scan.anchor is None:
            return scan.make(i, i + 2, "date", None, "month")
        point = shift(scan.anchor, months=-6)
        return scan.make(i, i + 2, "date", month_range(point.year, point.month), "month")
    return scan.make(first, i + 1, "duration", None, "month", duration="P6M")


def unit_ago(scan: Scan, i: int):
    """'неделю назад', 'месяц назад', 'день назад' (one unit, no number): that long before publication."""
    if scan.low(i + 1) != "назад":
        return None
    hit = amount_lexicon().match("duration_unit", scan.tokens, i)
    if not hit or scan.low(hit[1]) != "назад" or hit[0].value == "year" or match_number(scan.tokens, i - 1, scan.text):
        return None
    if scan.low(i) not in {"неделю", "месяц", "день", "квартал", "сутки"}:
        return None
    return ago(scan, i, hit[1] + 1, 1, hit[0].value)


def vague_ago(scan: Scan, i: int):
    """'несколько лет назад', 'пару месяцев назад': a time before publication that cannot be placed."""
    if not scan.low(i).startswith(scan.lex.prefixes("vague_count")):
        return None
    hit = amount_lexicon().match("duration_unit", scan.tokens, i + 1)
    if not hit or scan.low(hit[1]) not in {"назад", "ранее"}:
        return None
    return scan.make(i, hit[1] + 1, "date", None, hit[0].value, "a vague distance in time")


def ago(scan: Scan, first: int, end: int, count: float, unit: str):
    """'семью месяцами ранее', 'два года назад' -> the unit that long before the publication date."""
    if scan.anchor is None or count != int(count):
        return scan.make(first, end, "date", None, unit)
    n = int(count)
    if unit == "month":
        point = shift(scan.anchor, months=-n)
        return scan.make(first, end, "date", month_range(point.year, point.month), "month")
    if unit == "year":
        return scan.make(first, end, "date", period_range(scan.anchor.year - n, "year", 1), "year")
    days = n * (7 if unit == "week" else 1)
    point = scan.anchor - timedelta(days=days)
    return scan.make(first, end, "date", (point, point), "day")
