"""Periods counted in units: after "за" and "через", "по итогам девяти месяцев", "ближайшие три года".

    "за девять месяцев (года)"        year to date in a report (not a rolling window)
    "за первые три квартала"          the first quarters of the calendar year; days and weeks count from an event
    "за предыдущие четыре квартала"   the whole quarters before the period the text reports on
    "за два года", "за квартал"       up to publication (past) or from it (future)
    "за 2024 год", "за первое полугодие"  not here: a named period is its own expression, without "за"
    "за шесть месяцев (после релиза)", "за всё время"                 counted from an event: unresolved
    "через месяц", "менее чем через пять лет"   from publication (future), from an unnamed event (past: unresolved)
    "ближайшие три года" (from publication forward), "ближайшие годы" (unresolved)
"""

from __future__ import annotations

from datetime import date, timedelta

from pipeline.lexicon import amount_lexicon
from pipeline.numbers import HALF_YEAR, match_number
from pipeline.timex.calendar import month_range, period_range, shift, units_before
from pipeline.timex.points import month_numbers
from pipeline.timex.references import reported_period
from pipeline.timex.scan import Scan
from pipeline.timex.tense import future
from pipeline.timex.years import bare_year_word, year_of

CALENDAR_UNITS = {"month", "quarter", "half", "year"}
WITHIN_QUALIFIERS = (("менее", "чем"), ("меньше", "чем"), ("не", "позднее", "чем"), ("не", "позже", "чем"),
                     ("не", "более", "чем"), ("в", "пределах"))
QUALIFIER_STARTS = {words[0] for words in WITHIN_QUALIFIERS}


def within(scan: Scan, i: int):
    """'за девять месяцев 2025 года', 'за первые восемь месяцев', 'за два года', 'за квартал', 'за год',
    'за декабрь прошлого года', 'за шесть месяцев после релиза', 'за всё время'."""
    if scan.low(i) != "за":
        return None
    j = i + 1
    if scan.low(j) in {"всё", "все"} and scan.low(j + 1) == "время":
        return scan.make(i, j + 2, "interval", None, None, "the whole history of something")
    if named_period(scan, j):
        return None  # "за 2024 год", "за первое полугодие": the span is the period itself, without "за"
    modifier = scan.low(j) if scan.lex.match("interval_modifier", scan.tokens, j) else ""
    if modifier:
        j += 1
    if HALF_YEAR.fullmatch(scan.low(j)) and scan.anchor is not None:  # "за полгода", "за последние полгода"
        return rolling(scan, i, j + 1, "month", 6, future(scan, i))
    number = match_number(scan.tokens, j, scan.text)
    count = 1.0
    if number is not None:
        if number.is_range or number.low != int(number.low):
            return None
        count, j = number.low, number.end
    unit_hit = amount_lexicon().match("duration_unit", scan.tokens, j)
    if not unit_hit:
        return None
    unit, j = unit_hit[0].value, unit_hit[1]
    if number is None and not modifier and unit not in {"quarter", "year", "month", "week"}:
        return None
    n = int(count)
    if scan.low(j) == "после":  # "за три месяца после запуска": the span stops before the event
        return scan.make(i, j, "interval", None, unit, "counted from an event, not from the calendar")
    year, end = year_of(scan, j)
    if year is None and end == j and bare_year_word(scan, j) and unit == "month":
        year, end = (scan.anchor.year if scan.anchor else None), j + 1  # "за восемь месяцев года"
    if modifier.startswith("перв") and year is None:
        if unit not in CALENDAR_UNITS or scan.anchor is None:
            return scan.make(i, end, "interval", None, unit, "counted from an event, not from the calendar")
        return scan.make(i, end, "interval", year_to_date(scan, unit, n), unit)
    if year is not None and unit in {"month", "quarter"}:  # the first N months/quarters of that year
        months = n * (3 if unit == "quarter" else 1)
        if months > 12:
            return None
        return scan.make(i, end, "interval", (date(year, 1, 1), month_range(year, months)[1]), unit)
    if scan.anchor is None:
        return scan.make(i, end, "interval", None, unit)
    if modifier.startswith(("последн", "предыдущ")) and unit in CALENDAR_UNITS:
        reference = reported_period(scan, unit)
        if reference is not None:  # "за предыдущие четыре квартала": before the quarter the text reports on
            return scan.make(i, end, "interval", units_before(reference, unit, n), unit)
    ahead = future(scan, i)
    if unit == "quarter" and n == 1:
        quarter = (scan.anchor.month - 1) // 3 + 1
        if ahead:
            return scan.make(i, end, "interval", period_range(scan.anchor.year, "quarter", quarter), "quarter")
        year_q, quarter = (scan.anchor.year, quarter - 1) if quarter > 1 else (scan.anchor.year - 1, 4)
        return scan.make(i, end, "interval", period_range(year_q, "quarter", quarter), "quarter")
    if unit in {"month", "quarter"} and not modifier and not ahead and 1 < n < (12 if unit == "month" else 4):
        # "за девять месяцев", "за три квартала" in a report: year to date, not a rolling window
        return scan.make(i, end, "interval", year_to_date(scan, unit, n), unit)
    return rolling(scan, i, end, unit, n, ahead)


def year_to_date(scan: Scan, unit: str, n: int) -> tuple[date, date] | None:
    """The first n months/quarters/halves of the publication year, or of the year before when they have not
    all begun yet."""
    months = n * {"month": 1, "quarter": 3, "half": 6, "year": 12}[unit]
    if months > 12:
        return None
    year = scan.anchor.year if months <= scan.anchor.month else scan.anchor.year - 1
    return date(year, 1, 1), month_range(year, months)[1]


def rolling(scan: Scan, i: int, end: int, unit: str, n: int, ahead: bool):
    months = {"year": 12 * n, "half": 6 * n, "month": n, "quarter": 3 * n}.get(unit)
    if n > 1000 * (1 if months is not None else 365):  # "за 2000 лет": beyond the calendar's range
        return scan.make(i, end, "interval", None, unit, "too long a period to place")
    if months is None:
        days = n * (7 if unit == "week" else 1)
        window = ((scan.anchor, scan.anchor + timedelta(days=days)) if ahead
                  else (scan.anchor - timedelta(days=days), scan.anchor))
        return scan.make(i, end, "interval", window, unit)
    window = ((scan.anchor, shift(scan.anchor, months=months)) if ahead
              else (shift(scan.anchor, months=-months), scan.anchor))
    return scan.make(i, end, "interval", window, unit)


def named_period(scan: Scan, j: int) -> bool:
    """Whether a calendar period is named at token j: a month, a quarter or half, a year ('декабрь прошлого
    года', 'первое полугодие', '2024 календарный год', 'прошлый год')."""
    if month_numbers(scan, j):
        return True
    ordinal = scan.lex.match("ordinal", scan.tokens, j)
    if ordinal and int(ordinal[0].value) > 0 and scan.low(ordinal[1]).startswith(("квартал", "полугод")):
        return True
    return year_of(scan, j)[1] > j


def through(scan: Scan, i: int):
    """'через месяц', 'через два года', 'менее чем через пять лет' (an interval up to then)."""
    k, bounded = i, False
    if scan.low(i) not in QUALIFIER_STARTS and scan.low(i) not in {"через", "спустя"}:
        return None
    for words in WITHIN_QUALIFIERS:
        if tuple(scan.low(i + n) for n in range(len(words))) == words:
            k, bounded = i + len(words), True
            break
    if scan.low(k) not in {"через", "спустя"}:
        return None
    number = match_number(scan.tokens, k + 1, scan.text)
    j = number.end if number else k + 1
    if number is not None and (number.is_range or number.low != int(number.low)):
        return None
    hit = amount_lexicon().match("duration_unit", scan.tokens, j)
    if HALF_YEAR.fullmatch(scan.low(j)) and number is None:  # "через полгода"
        unit, end, n = "month", j + 1, 6
    elif not hit:
        return None
    else:
        unit, end = hit[0].value, hit[1]
        n = int(number.low) if number else 1
    kind = "interval" if bounded else "date"
    if scan.anchor is None:
        return scan.make(i, end, kind, None, unit)
    if not future(scan, k):
        return scan.make(i, end, kind, None, unit, "counted from an event, not from publication")
    months = {"year": 12 * n, "half": 6 * n, "quarter": 3 * n, "month": n}.get(unit)
    if n > 1000:
        return scan.make(i, end, kind, None, unit, "too long a period to place")
    point = (shift(scan.anchor, months=months) if months
             else scan.anchor + timedelta(days=n * (7 if unit == "week" else 1)))
    if bounded:
        return scan.make(i, end, "interval", (scan.anchor, point), unit)
    if unit == "year":
        return scan.make(i, end, "date", period_range(point.year, "year", 1), "year")
    if unit == "month":
        return scan.make(i, end, "date", month_range(point.year, point.month), "month")
    return scan.make(i, end, "date", (point, point), "day")


def reported_months(scan: Scan, i: int):
    """"по итогам девяти месяцев (2025 года)", "в первые девять месяцев года": the year to date, as after "за"."""
    if (scan.low(i - 2), scan.low(i - 1)) == ("по", "итогам"):
        j = i + 1 if scan.low(i).startswith("перв") else i
    elif scan.low(i - 1) == "в" and scan.low(i).startswith("перв"):
        j = i + 1
    else:
        return None
    number = match_number(scan.tokens, j, scan.text)
    if number is None or number.is_range or number.low != int(number.low):
        return None
    hit = amount_lexicon().match("duration_unit", scan.tokens, number.end)
    if not hit or hit[0].value not in {"month", "quarter"}:
        return None
    unit, end, n = hit[0].value, hit[1], int(number.low)
    year, after = year_of(scan, end)
    if year is None and bare_year_word(scan, end):
        after = end + 1
    months = n * (3 if unit == "quarter" else 1)
    if months > 12 or months < 2:
        return None
    if year is not None:
        return scan.make(i, after, "interval", (date(year, 1, 1), month_range(year, months)[1]), unit)
    if scan.anchor is None:
        return scan.make(i, max(end, after), "interval", None, unit)
    return scan.make(i, max(end, after), "interval", year_to_date(scan, unit, n), unit)


def coming(scan: Scan, i: int):
    """'ближайшие три года' (from publication forward), 'ближайшие годы' (unresolved); 'в течение первого года'
    (of something the text narrates: unresolved)."""
    if scan.low(i) == "в" and scan.low(i + 1) == "течение" and scan.low(i + 2).startswith(("перв", "последн")):
        hit = amount_lexicon().match("duration_unit", scan.tokens, i + 3)
        if hit:
            return scan.make(i, hit[1], "interval", None, hit[0].value, "counted from an event")
        return None
    if not scan.low(i).startswith(("ближайш", "следующ")):
        return None
    number = match_number(scan.tokens, i + 1, scan.text)
    j = number.end if number else i + 1
    plural = {"годы": "year", "годах": "year", "лет": "year", "месяцы": "month", "месяцах": "month"}
    hit = amount_lexicon().match("duration_unit", scan.tokens, j)
    if number is None:
        if scan.low(j) not in plural:
            return None
        unit, end = plural[scan.low(j)], j + 1
    elif not hit:
        return None
    else:
        unit, end = hit[0].value, hit[1]
    if number is None or number.is_range or scan.anchor is None:
        return scan.make(i, end, "date" if number is None else "interval", None, unit, "no bound is named")
    n = int(number.low)
    months = {"year": 12 * n, "half": 6 * n, "quarter": 3 * n, "month": n}.get(unit)
    if months is None or n > 100:
        return None
    return scan.make(i, end, "interval", (scan.anchor, shift(scan.anchor, months=months) - timedelta(days=1)), unit)
