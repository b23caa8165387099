"""Calendar arithmetic for time expressions: periods of a year, parts of periods, shifting, placing by tense."""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from datetime import date

Range = tuple[date, date]

# "начале / середине / конце" of a period: which part of it (first and last month of a year or season, day of a
# month). A year's beginning and end are its first and last quarter, its middle June–July; a month's are its
# first, second and last ten days; a season's are its first, middle and last month.
YEAR_PARTS = {"start": (1, 3), "middle": (6, 7), "end": (10, 12)}
MONTH_PARTS = {"start": (1, 10), "middle": (11, 20), "end": (21, 31)}
SEASON_PARTS = {"start": 0, "middle": 1, "end": 2}


def month_range(year: int, month: int) -> Range:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def period_range(year: int, period: str, index: int) -> Range:
    """Quarter/half `index` (1-based) of a year, or the whole year."""
    if period == "quarter":
        return date(year, 3 * index - 2, 1), month_range(year, 3 * index)[1]
    if period == "half":
        return date(year, 6 * index - 5, 1), month_range(year, 6 * index)[1]
    return date(year, 1, 1), date(year, 12, 31)


def season_range(year: int, first_month: int) -> Range:
    """Three months from `first_month` of `year` (winter: December of `year` to February of the next)."""
    end = shift(date(year, first_month, 1), months=2)
    return date(year, first_month, 1), month_range(end.year, end.month)[1]


def shift(day: date, years: int = 0, months: int = 0) -> date:
    index = day.year * 12 + day.month - 1 + years * 12 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def shift_range(span: Range, years: int) -> Range:
    """The same period `years` later (earlier when negative), ends kept at month ends."""
    start = shift(span[0], years=years)
    end = shift(span[1], years=years)
    if span[1] == month_range(span[1].year, span[1].month)[1]:
        end = month_range(end.year, end.month)[1]
    return start, end


def place(anchor: date, future: bool, candidates: Sequence[Range]) -> Range:
    """Of the same period in neighbouring years, the one the tense points to: past -> the most recent one that
    starts on or before the anchor; future -> the earliest one that ends on or after it."""
    if future:
        return next(c for c in candidates if c[1] >= anchor)
    return [c for c in candidates if c[0] <= anchor][-1]


def year_part(year: int, part: str) -> Range:
    first, last = YEAR_PARTS[part]
    return date(year, first, 1), month_range(year, last)[1]


def month_part(year: int, month: int, part: str) -> Range:
    first, last = MONTH_PARTS[part]
    end = month_range(year, month)[1]
    return date(year, month, first), min(date(year, month, min(last, end.day)), end)


def season_part(year: int, first_month: int, part: str) -> Range:
    start = shift(date(year, first_month, 1), months=SEASON_PARTS[part])
    return month_range(start.year, start.month)


def units_before(reference: Range, unit: str, count: int) -> Range:
    """The `count` whole calendar units (month, quarter, year) just before the one `reference` starts in."""
    months = {"month": 1, "quarter": 3, "half": 6, "year": 12}[unit]
    start = reference[0]
    if unit == "year":
        first = date(start.year - count, 1, 1)
    else:
        aligned = date(start.year, (start.month - 1) // months * months + 1, 1)
        first = shift(aligned, months=-months * count)
    last = shift(first, months=months * count - 1)
    return first, month_range(last.year, last.month)[1]
