"""Stretches between bounds: up to a boundary (from publication), from a start (to publication or a second bound).

    "до конца 2026 года", "к концу года", "как минимум до 2028 года"     up to a boundary (from publication)
    "к концу десятилетия"                                                up to the last day of the decade
    "с 2020 года", "с начала августа", "с начала года", "С января по август 2025 года", "с 2026 по 2028 год"
    "с сентября 2025 по январь 2026 года"                                two months, each with its year
"""

from __future__ import annotations

from datetime import date

from pipeline.timex.calendar import month_range, period_range, season_range, year_part
from pipeline.timex.points import month_numbers
from pipeline.timex.scan import Scan
from pipeline.timex.tense import future, placed, placed_past
from pipeline.timex.words import YEAR_NUMBER
from pipeline.timex.years import bare_year_word, year_after, year_of


def boundary(scan: Scan, i: int):
    """'до конца 2026 года', 'к концу года', 'как минимум до 2028 года', 'до 2030 года'."""
    first = i
    if scan.low(i) == "как" and scan.low(i + 1) == "минимум":
        i += 2
    if scan.low(i) not in {"до", "к"}:
        return None
    j = i + 1
    end_of = scan.low(j) in {"конца", "концу"}
    if end_of:
        j += 1
    elif scan.low(i) == "к":
        return None  # "к 2030 году" is the target year itself
    period, index = "year", 1
    ordinal = scan.lex.match("ordinal", scan.tokens, j)
    if end_of and ordinal and scan.low(ordinal[1]).startswith(("квартал", "полугод")):
        index = int(ordinal[0].value)
        period = "quarter" if scan.low(ordinal[1]).startswith("квартал") else "half"
        j = ordinal[1] + 1
    elif end_of and scan.low(j).startswith(("года", "месяца", "квартала")) and not YEAR_NUMBER.fullmatch(scan.low(j)):
        period = {"г": "year", "м": "month", "к": "quarter"}[scan.low(j)[0]]
        index = 0
        j += 1
    months = month_numbers(scan, j) if end_of else None
    if months and len(months[0]) == 1 and scan.anchor is not None:  # "до конца марта 2026 года"
        month, after_month = months[0][0], months[1]
        year, after = year_of(scan, after_month)
        span_end = (month_range(year, month)[1] if year is not None
                    else placed(scan, i, lambda y: month_range(y, month))[1])
        if span_end < scan.anchor:
            return scan.make(first, max(after, after_month), "interval", None, "month",
                             "the boundary is before the publication date")
        return scan.make(first, max(after, after_month), "interval", (scan.anchor, span_end), "month")
    year, after = year_of(scan, j)
    if year is None and period == "year" and index == 1 and not end_of:
        return None  # "до 40%" or "до конца" of something else
    j = max(j, after)
    if not end_of and year is None:
        return None
    ahead = future(scan, i)
    end = boundary_end(scan, period, index, year, ahead) if scan.anchor is not None else None
    if end is None:
        return scan.make(first, j, "interval", None, period)
    if scan.low(i) == "к" and not ahead:  # "к концу года в стране работали …": the state at that point
        return scan.make(first, j, "date", (end, end), "day")
    if end < scan.anchor:
        return scan.make(first, j, "interval", None, period, "the boundary is before the publication date")
    return scan.make(first, j, "interval", (scan.anchor, end), period)


def boundary_end(scan: Scan, period: str, index: int, year: int | None, ahead: bool) -> date | None:
    """The last day of the boundary's period: `index` 0 is the current year, quarter or month ("до конца
    года": last year's when the sentence looks back), else the numbered one of `year` (this year's for a
    future sentence without one; None when nothing places it)."""
    if index == 0:
        if period == "year":
            y = year or scan.anchor.year
            end = date(y, 12, 31)
            return date(y - 1, 12, 31) if not ahead and end > scan.anchor else end
        if period == "quarter":
            return period_range(scan.anchor.year, "quarter", (scan.anchor.month - 1) // 3 + 1)[1]
        return month_range(scan.anchor.year, scan.anchor.month)[1]
    y = year if year is not None else (scan.anchor.year if ahead else None)
    return period_range(y, period, index)[1] if y is not None else None


def decade_end(scan: Scan, i: int):
    """"к концу десятилетия", "до конца десятилетия": from publication to the last day of its decade."""
    if scan.low(i) not in {"к", "до"} or scan.low(i + 1) not in {"концу", "конца"} or not scan.low(i + 2).startswith(
            "десятилет"):
        return None
    if scan.anchor is None:
        return scan.make(i, i + 3, "interval", None, "year")
    end = date(scan.anchor.year // 10 * 10 + 9, 12, 31)
    return scan.make(i, i + 3, "interval", (scan.anchor, end), "year")


def since(scan: Scan, i: int):
    """'с прошлого года', 'с 2020 года', 'с начала августа', 'С января по август 2025 года', 'с 2026 по 2028 год'
    -> from then to the publication date, or to the second bound. "с прошлым годом" compares: not here."""
    if scan.low(i) != "с" or scan.low(i - 1) in {"сравнению", "сравнении"}:
        return None  # "по сравнению с 2025-м" compares, it does not start anything
    j = i + 1
    if scan.low(j) == "начала":
        start = period_at(scan, j + 1, i)
        if start is None:
            nxt = scan.tok(j + 1)
            if nxt is not None and nxt.text.isalpha() and nxt.text.islower() and nxt.pos in {"", "NOUN"}:
                # "С начала реализации проекта": since an event the calendar does not place
                return scan.make(i, j + 2, "interval", None, None, "since an event, not a date")
            return None
        span, end, granularity = start
        return until_anchor(scan, i, end, span[0] if span else None, granularity)
    months = month_numbers(scan, j)
    if months and len(months[0]) == 1:
        first_month, k = months[0][0], months[1]
        across = across_years(scan, i, first_month, k)
        if across is not None:  # "с сентября 2025 по январь 2026 года"
            return across
        if scan.low(k) == "по":
            second = month_numbers(scan, k + 1)
            if second and len(second[0]) == 1 and second[0][0] > first_month:
                last_month, k = second[0][0], second[1]
                year, after = year_of(scan, k)

                def span_of(y: int):
                    return month_range(y, first_month)[0], month_range(y, last_month)[1]

                span = span_of(year) if year is not None else placed(scan, i, span_of)
                return scan.make(i, max(k, after), "interval", span, "month")
        year, after = year_of(scan, k)
        start = (month_range(year, first_month) if year is not None
                 else placed_past(scan, lambda y: month_range(y, first_month)))
        return until_anchor(scan, i, max(k, after), start[0] if start else None, "month")
    if YEAR_NUMBER.fullmatch(scan.low(j)) and scan.low(j + 1) == "по":  # "с 2021 по 2023 год"
        last = year_after(scan, j + 2)
        if last and last[0] > int(scan.low(j)):
            return scan.make(i, last[1], "interval", (date(int(scan.low(j)), 1, 1), date(last[0], 12, 31)), "year")
    year, after = year_of(scan, j)
    if after == j or scan.low(after - 1) in {"годом", "году"}:
        return None
    return until_anchor(scan, i, after, date(year, 1, 1) if year is not None else None, "year")


def across_years(scan: Scan, i: int, first_month: int, k: int):
    """"с сентября 2025 по январь 2026 года": two months, each with its year (the last "года" may serve both)."""
    first_year = year_after(scan, k)
    bare = scan.tok(k) is not None and YEAR_NUMBER.fullmatch(scan.tokens[k].text)
    if not first_year and not bare:
        return None
    start_year, k = first_year if first_year else (int(scan.tokens[k].text), k + 1)
    if scan.low(k) != "по":
        return None
    second = month_numbers(scan, k + 1)
    if not second or len(second[0]) != 1:
        return None
    last_month, k = second[0][0], second[1]
    end_year = year_after(scan, k)
    if end_year is None:
        return None
    if (end_year[0], last_month) <= (start_year, first_month):
        return None
    span = month_range(start_year, first_month)[0], month_range(end_year[0], last_month)[1]
    return scan.make(i, end_year[1], "interval", span, "month")


def until_anchor(scan: Scan, first: int, end: int, start: date | None, granularity: str):
    if start is None or scan.anchor is None:
        return scan.make(first, end, "interval", None, granularity)
    if start > scan.anchor:
        return scan.make(first, end, "interval", None, granularity, "starts after the publication date")
    return scan.make(first, end, "interval", (start, scan.anchor), granularity)


def period_at(scan: Scan, j: int, first: int):
    """The period named at token j ("года", "2025 года", "августа", "осени"): (span, index after, granularity)."""
    year, after = year_of(scan, j)
    if after > j:
        return (period_range(year, "year", 1) if year is not None else None), after, "year"
    if bare_year_word(scan, j):
        return placed_past(scan, lambda y: year_part(y, "start")), j + 1, "year"
    months = month_numbers(scan, j)
    if months and len(months[0]) == 1:
        month, end = months[0][0], months[1]
        year, after = year_of(scan, end)
        span = month_range(year, month) if year is not None else placed_past(scan, lambda y: month_range(y, month))
        return span, max(end, after), "month"
    season = scan.lex.match("season", scan.tokens, j)
    if season:
        first_month, end = int(season[0].value), season[1]
        year, after = year_of(scan, end)
        span = (season_range(year, first_month) if year is not None
                else placed_past(scan, lambda y: season_range(y, first_month)))
        return span, max(end, after), "season"
    return None
