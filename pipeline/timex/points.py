"""Calendar units named as a point: days, months, quarters and halves, seasons, years, and parts of them.

    "вчера", "на днях", "в четверг"                  day words (a weekday: the most recent one, by tense)
    "16 января 2026 года", "9 апреля"               a day of a month
    "апреле", "октябре–декабре", "марте следующего года"
    "2020 году", "2026–2028 годы", "2022 и 2023 гг."
    "четвёртом квартале 2023 года", "III квартале уходящего года", "первое полугодие"
    "осенью 2024 года", "летом", "летнего периода"  a season (without a year: placed by tense)
    "прошлом году", "этой неделе", "прошлом квартале"
    "прошлогоднего"                                 a year named by an adjective
    "начале 2024 года", "конце года", "середине декабря", "начале лета"; "(на) конец 2024 г." (its last day)

A unit without a year is placed by the tense of its clause (see `tense.future`).
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from pipeline.lexicon import Tok
from pipeline.timex.calendar import (month_part, month_range, period_range, season_part, season_range, shift,
                                     units_before, year_part)
from pipeline.timex.references import reported_period
from pipeline.timex.scan import Scan
from pipeline.timex.tense import future, placed
from pipeline.timex.words import YEAR_ADJECTIVE, YEAR_NUMBER, YEAR_ORDINAL, YEAR_RANGE, YEAR_WORD
from pipeline.timex.years import bare_year_word, year_after, year_of

NUMERIC_DMY = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})")
NUMERIC_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def day_words(scan: Scan, i: int):
    """'вчера', 'на днях', weekdays ('в четверг' → 'четверг')."""
    hit = scan.lex.match("day_word", scan.tokens, i)
    if hit:
        if scan.anchor is None:
            return scan.make(i, hit[1], "date", None, "day")
        day = scan.anchor + timedelta(days=int(hit[0].value))
        return scan.make(i, hit[1], "date", (day, day), "day")
    if scan.low(i) == "на" and scan.low(i + 1) == "днях":
        span = (scan.anchor - timedelta(days=7), scan.anchor) if scan.anchor else None
        return scan.make(i, i + 2, "date", span, "day")
    hit = scan.lex.match("weekday", scan.tokens, i)
    if hit and scan.low(i - 1) in {"в", "во"}:
        if scan.anchor is None:
            return scan.make(i, hit[1], "date", None, "day")
        weekday = int(hit[0].value)
        if future(scan, i):
            day = scan.anchor + timedelta(days=(weekday - scan.anchor.weekday()) % 7)
        else:
            day = scan.anchor - timedelta(days=(scan.anchor.weekday() - weekday) % 7)
        return scan.make(i, hit[1], "date", (day, day), "day")
    return None


def day_month(scan: Scan, i: int):
    """'16 января 2026', '6 октября 2025 года', '9 апреля', '27 дек', '5 сент. 2024 г.', 'первого декабря',
    'тридцать первое марта', '10 мая в 2023 году'."""
    read = day_number(scan, i)
    if read is None:
        return None
    day, k = read
    month = scan.lex.match("month", scan.tokens, k)
    abbreviated = not month and scan.tokens[i].text.isdigit()
    if abbreviated:
        month = scan.lex.match("month_abbr", scan.tokens, k)
    if not month:
        return None
    m, j = int(month[0].value), month[1]
    if abbreviated and scan.low(j) == "." and scan.tokens[j].start == scan.tokens[j - 1].stop:
        j += 1  # "5 сент. 2024 г.": the abbreviation's period
    year = None
    year_hit = year_after(scan, j)
    if year_hit:
        year, j = year_hit
    elif scan.tok(j) is not None and YEAR_NUMBER.fullmatch(scan.tokens[j].text.rstrip(",")):
        year, j = int(scan.tokens[j].text.rstrip(",")), j + 1
    elif scan.low(j) == "в" and year_after(scan, j + 1):
        year, j = year_after(scan, j + 1)  # "10 мая в 2023 году": the day's own year across "в"
    try:
        if year is not None:
            return scan.make(i, j, "date", (date(year, m, day),) * 2, "day")
        return scan.make(i, j, "date", placed(scan, i, lambda y: (date(y, m, day),) * 2), "day")
    except ValueError:  # "31 февраля"
        return None


def day_number(scan: Scan, i: int) -> tuple[int, int] | None:
    """The day at token i, digits ("16") or an ordinal word ("первого", "тридцать первое"): (day, index after)."""
    tok = scan.tok(i)
    if tok is None:
        return None
    if re.fullmatch(r"[0-9]{1,2}", tok.text):
        return (int(tok.text), i + 1) if 1 <= int(tok.text) <= 31 else None
    if tok.text[:1].isdigit() or not tok.text.isalpha():
        return None
    tens = {"двадцать": 20, "тридцать": 30}.get(tok.lower, 0)
    k = i + 1 if tens else i
    hit = scan.lex.match("day_ordinal", scan.tokens, k)
    if not hit:
        return None
    day = tens + int(hit[0].value)
    if tens and int(hit[0].value) >= 10 or not 1 <= day <= 31:
        return None
    return day, hit[1]


def numeric_date(scan: Scan, i: int):
    """'03.02.2025', '3.02.25', '2025-02-03' (with an optional "г."): one day."""
    tok = scan.tok(i)
    if tok is None or not tok.text[:1].isdigit() or len(tok.text) < 6:
        return None
    found = NUMERIC_DMY.fullmatch(tok.text)
    if found:
        day, month, year = int(found[1]), int(found[2]), int(found[3])
        year += 2000 if year < 100 else 0
    else:
        found = NUMERIC_ISO.fullmatch(tok.text)
        if not found:
            return None
        year, month, day = int(found[1]), int(found[2]), int(found[3])
    if not (1 <= month <= 12 and 1 <= day <= 31 and 1900 <= year <= 2100):
        return None
    try:
        day_date = date(year, month, day)
    except ValueError:
        return None
    j = i + 1
    if scan.low(j) in {"г", "года", "году"}:
        j += 1
        if scan.low(j) == "." and scan.low(j - 1) == "г":
            j += 1
    return scan.make(i, j, "date", (day_date, day_date), "day")


def months(scan: Scan, i: int):
    """'апреле', 'январе 2025 года', 'марте следующего года', 'октябре–декабре', 'январь–сентябрь 2026 года'."""
    numbers = month_numbers(scan, i)
    if numbers is None:
        return None
    named, j = numbers
    year, after = year_of(scan, j)
    j = max(j, after)
    kind = "interval" if len(named) == 2 else "date"

    def span_of(y: int):
        return month_range(y, named[0])[0], month_range(y, named[-1])[1]

    if year is None:
        return scan.make(i, j, kind, placed(scan, i, span_of), "month")
    return scan.make(i, j, kind, span_of(year), "month")


def month_numbers(scan: Scan, i: int) -> tuple[list[int], int] | None:
    """One month or a range of two at token i ('октябре–декабре', 'октябре – декабре'): (numbers, index after)."""
    tok = scan.tok(i)
    if tok is None:
        return None
    numbers = []
    for part in re.split(r"[–—-]", tok.text):
        hit = scan.lex.match("month", [Tok(part, 0, 0)], 0)
        if not hit:
            return None
        numbers.append(int(hit[0].value))
    j = i + 1
    if len(numbers) == 1 and scan.low(j) in {"–", "—", "-"}:
        hit = scan.lex.match("month", scan.tokens, j + 1)
        if hit:
            numbers.append(int(hit[0].value))
            j = hit[1]
    if len(numbers) > 2 or (len(numbers) == 2 and numbers[0] >= numbers[1]):
        return None
    return numbers, j


def years(scan: Scan, i: int):
    """'2020 году', '2023 календарного года', '2026–2028 годы', '2028-м', '2022 и 2023 гг.'."""
    tok = scan.tok(i)
    if tok is None:
        return None
    ordinal = YEAR_ORDINAL.fullmatch(tok.text)
    if ordinal:
        return scan.make(i, i + 1, "date", period_range(int(ordinal[1]), "year", 1), "year")
    pair = YEAR_RANGE.fullmatch(tok.text)
    if pair and scan.tok(i + 1) is not None and YEAR_WORD.fullmatch(scan.tokens[i + 1].text):
        low, high = int(pair[1]), int(pair[2])
        if low < high:
            return scan.make(i, i + 2, "interval", (date(low, 1, 1), date(high, 12, 31)), "year")
    if YEAR_NUMBER.fullmatch(tok.text) and scan.low(i + 1) == "и":
        second = year_after(scan, i + 2)
        if second and second[0] == int(tok.text) + 1:  # "2022 и 2023 гг.": two years in a row, one stretch
            return scan.make(i, second[1], "interval", (date(int(tok.text), 1, 1), date(second[0], 12, 31)), "year")
    hit = year_after(scan, i)
    if hit:
        return scan.make(i, hit[1], "date", period_range(hit[0], "year", 1), "year")
    return None


def ordinal_period(scan: Scan, i: int):
    """'четвёртом квартале 2023 года', 'III квартале уходящего года', 'первое полугодие', 'III четвертью 2024 года'."""
    hit = scan.lex.match("ordinal", scan.tokens, i)
    if not hit:
        return None
    word = hit[1] + 1 if YEAR_ADJECTIVE.fullmatch(scan.low(hit[1])) else hit[1]  # "четвёртом календарном квартале"
    if not scan.low(word).startswith((*scan.lex.prefixes("quarter_word"), "полугод", "половин")):
        return elided_period(scan, i, hit)
    period = "quarter" if scan.low(word).startswith(scan.lex.prefixes("quarter_word")) else "half"  # "первой половине года"
    if period == "half" and scan.low(word).startswith("половин") and not (
            year_of(scan, word + 1)[1] > word + 1 or bare_year_word(scan, word + 1)):
        return None  # "во второй половине дня": only a half of a year
    index, j = int(hit[0].value), word + 1
    if index > (2 if period == "half" else 4):
        return None
    year, after = year_of(scan, j)
    if year is None and after == j and bare_year_word(scan, j):
        after = j + 1  # "во второй половине года": the year its tense points to
    j = max(j, after)
    if scan.low(word).startswith("четверт") and after == word + 1:
        return None  # "первой четверти" without a year is not a quarter of the calendar
    if year is not None and index == -1:
        index = 4 if period == "quarter" else 2
    if year is not None:
        return scan.make(i, j, "date", period_range(year, period, index), period)
    if index == -1:
        return scan.make(i, j, "date", None, period)
    return scan.make(i, j, "date", placed(scan, i, lambda y: period_range(y, period, index)), period)


def elided_period(scan: Scan, i: int, hit):
    """"В первом полугодии выручка выросла на 10%, а во втором — на 15%": an ordinal after "в/во" whose period
    word is left out takes the period (and year) of the ordinal period named before it in the sentence."""
    if scan.low(i - 1) not in {"в", "во"} or int(hit[0].value) < 1:
        return None
    sent = scan.tokens[i].sent
    before = next((t for t in reversed(scan.found) if scan.sent_of(t.start) == sent and t.kind == "date"
                   and t.granularity in {"quarter", "half"} and t.start_date is not None), None)
    if before is None or scan.tok(hit[1]) is not None and scan.tokens[hit[1]].pos in {"NOUN", "PROPN"}:
        return None
    index = int(hit[0].value)
    if index > (2 if before.granularity == "half" else 4):
        return None
    return scan.make(i, hit[1], "date", period_range(before.start_date.year, before.granularity, index),
                     before.granularity)


def season(scan: Scan, i: int):
    """'осенью 2024 года', 'осени 2026 года', 'летом', 'летнего периода' (without a year: placed by tense)."""
    hit = scan.lex.match("season", scan.tokens, i)
    if not hit:
        return None
    first_month, j = int(hit[0].value), hit[1]
    year, after = year_of(scan, j)
    if year is not None:
        return scan.make(i, after, "date", season_range(year, first_month), "season")
    if after > j:  # a relative year without a publication date
        return scan.make(i, after, "date", None, "season")
    return scan.make(i, j, "date", placed(scan, i, lambda y: season_range(y, first_month)), "season")


def relative_period(scan: Scan, i: int):
    """'прошлом году', 'этом году', 'следующем году', 'прошлом месяце', 'прошлой неделе', 'прошлом квартале'."""
    hit = scan.lex.match("relative", scan.tokens, i)
    if not hit:
        return None
    offset, j = int(hit[0].value), hit[1]
    if YEAR_ADJECTIVE.fullmatch(scan.low(j)):
        j += 1
    period_hit = scan.lex.match("period", scan.tokens, j)
    if not period_hit or scan.low(j) in {"г", "гг"}:
        return None
    period, end = period_hit[0].value, period_hit[1]
    if period not in {"year", "month", "week", "quarter"}:
        return None
    if scan.anchor is None:
        return scan.make(i, end, "date", None, period)
    if scan.low(i).startswith("предыдущ") and period in {"quarter", "month"}:
        reported = reported_period(scan, period)  # "в предыдущем квартале": before the quarter reported on
        if reported is not None:
            return scan.make(i, end, "date", units_before(reported, period, 1), period)
    a = scan.anchor
    if period == "year":
        return scan.make(i, end, "date", period_range(a.year + offset, "year", 1), "year")
    if period == "month":
        point = shift(a, months=offset)
        return scan.make(i, end, "date", month_range(point.year, point.month), "month")
    if period == "quarter":
        point = shift(a, months=3 * offset)
        return scan.make(i, end, "date", period_range(point.year, "quarter", (point.month - 1) // 3 + 1), "quarter")
    monday = a - timedelta(days=a.weekday()) + timedelta(weeks=offset)
    return scan.make(i, end, "date", (monday, monday + timedelta(days=6)), "week")


def year_adjective(scan: Scan, i: int):
    """'прошлогоднего (показателя)': the year before publication, named by an adjective."""
    hit = scan.lex.match("year_adjective", scan.tokens, i)
    if not hit:
        return None
    if scan.anchor is None:
        return scan.make(i, hit[1], "date", None, "year")
    return scan.make(i, hit[1], "date", period_range(scan.anchor.year + int(hit[0].value), "year", 1), "year")


def part_of(scan: Scan, i: int):
    """'начале 2024 года' (its first quarter), 'конце года', 'середине декабря' (its middle ten days),
    'начале лета' (its first month); 'конец 2024 г.' after "на" is its last day (a state at that point)."""
    hit = scan.lex.match("part", scan.tokens, i)
    if not hit:
        return None
    part, j = hit[0].value, hit[1]
    point = scan.low(i - 1) in scan.lex.words("point_preposition") and scan.low(i) in {"конец", "начало"}

    def as_point(span):
        if not point or span is None:
            return span
        day = span[1] if part == "end" else span[0]
        return day, day

    granularity = "day" if point else None
    year, after = year_of(scan, j)
    if year is not None or after > j:
        span = year_part(year, part) if year is not None else None
        return scan.make(i, after, "date", as_point(span), granularity or ("month" if part == "middle" else "quarter"))
    if bare_year_word(scan, j):
        return scan.make(i, j + 1, "date", as_point(placed(scan, i, lambda y: year_part(y, part))),
                         granularity or ("month" if part == "middle" else "quarter"))
    relative = scan.lex.match("relative", scan.tokens, j)
    if relative and scan.low(relative[1]).startswith("месяц"):  # "конце прошлого месяца": its last ten days
        end = relative[1] + 1
        if scan.anchor is None:
            return scan.make(i, end, "date", None, "day")
        when = shift(scan.anchor, months=int(relative[0].value))
        return scan.make(i, end, "date", as_point(month_part(when.year, when.month, part)), "day")
    month = scan.lex.match("month", scan.tokens, j)
    if month:
        m, end = int(month[0].value), month[1]
        year, after = year_of(scan, end)
        span = month_part(year, m, part) if year is not None else placed(scan, i, lambda y: month_part(y, m, part))
        return scan.make(i, max(end, after), "date", as_point(span), "day")
    season_hit = scan.lex.match("season", scan.tokens, j)
    if season_hit:
        first_month, end = int(season_hit[0].value), season_hit[1]
        year, after = year_of(scan, end)
        span = (season_part(year, first_month, part) if year is not None
                else placed(scan, i, lambda y: season_part(y, first_month, part)))
        return scan.make(i, max(end, after), "date", as_point(span), granularity or "month")
    return None
