"""Stretches of time: bounds, starts, periods after "за" and "через", and lengths.

    "до конца 2026 года", "к концу года", "как минимум до 2028 года"     up to a boundary (from publication)
    "с 2020 года", "с начала августа", "с начала года", "С января по август 2025 года", "с 2026 по 2028 год"
    "за девять месяцев (года)"        year to date in a report (not a rolling window)
    "за первые три квартала"          the first quarters of the calendar year; days and weeks count from an event
    "за предыдущие четыре квартала"   the whole quarters before the period the text reports on
    "за два года", "за квартал"       up to publication (past) or from it (future)
    "за 2024 год", "за первое полугодие"  not here: a named period is its own expression, without "за"
    "за шесть месяцев (после релиза)", "за всё время"                 counted from an event: unresolved
    "через месяц", "менее чем через пять лет"   from publication (future), from an unnamed event (past: unresolved)
    "в течение четырёх месяцев", "четыре месяца", "20-летний"         durations
    "семью месяцами ранее", "два года назад"                          that long before publication
    "несколько лет назад"                                             unresolved
"""

from __future__ import annotations

from datetime import date, timedelta

from pipeline.counted import is_age
from pipeline.lexicon import amount_lexicon
from pipeline.numbers import HALF_YEAR, match_number
from pipeline.timex.calendar import month_range, period_range, season_range, shift, units_before, year_part
from pipeline.timex.words import DURATION_ADJECTIVE, DURATION_CODE, DURATION_FACTOR, YEAR_NUMBER

CALENDAR_UNITS = {"month", "quarter", "half", "year"}
VAGUE_COUNTS = ("нескольк", "пар", "много", "считанн")
WITHIN_QUALIFIERS = (("менее", "чем"), ("меньше", "чем"), ("не", "позднее", "чем"), ("не", "позже", "чем"),
                     ("не", "более", "чем"), ("в", "пределах"))


QUALIFIER_STARTS = {words[0] for words in WITHIN_QUALIFIERS}


class SpanPatterns:
    # --- up to a boundary ----------------------------------------------------------

    def boundary(self, i: int):
        """'до конца 2026 года', 'к концу года', 'как минимум до 2028 года', 'до 2030 года'."""
        first = i
        if self.low(i) == "как" and self.low(i + 1) == "минимум":
            i += 2
        if self.low(i) not in {"до", "к"}:
            return None
        j = i + 1
        end_of = self.low(j) in {"конца", "концу"}
        if end_of:
            j += 1
        elif self.low(i) == "к":
            return None  # "к 2030 году" is the target year itself
        period, index = "year", 1
        ordinal = self.lex.match("ordinal", self.tokens, j)
        if end_of and ordinal and self.low(ordinal[1]).startswith(("квартал", "полугод")):
            index = int(ordinal[0].value)
            period = "quarter" if self.low(ordinal[1]).startswith("квартал") else "half"
            j = ordinal[1] + 1
        elif end_of and self.low(j).startswith(("года", "месяца", "квартала")) and not YEAR_NUMBER.fullmatch(self.low(j)):
            period = {"г": "year", "м": "month", "к": "quarter"}[self.low(j)[0]]
            index = 0
            j += 1
        months = self.month_numbers(j) if end_of else None
        if months and len(months[0]) == 1 and self.anchor is not None:  # "до конца марта 2026 года"
            month, after_month = months[0][0], months[1]
            year, after = self.year_of(after_month)
            span_end = (month_range(year, month)[1] if year is not None
                        else self.placed(i, lambda y: month_range(y, month))[1])
            if span_end < self.anchor:
                return self.make(first, max(after, after_month), "interval", None, "month",
                                 "the boundary is before the publication date")
            return self.make(first, max(after, after_month), "interval", (self.anchor, span_end), "month")
        year, after = self.year_of(j)
        if year is None and period == "year" and index == 1 and not end_of:
            return None  # "до 40%" or "до конца" of something else
        j = max(j, after)
        if not end_of and year is None:
            return None
        future = self.future(i)
        end = self.boundary_end(period, index, year, future) if self.anchor is not None else None
        if end is None:
            return self.make(first, j, "interval", None, period)
        if self.low(i) == "к" and not future:  # "к концу года в стране работали …": the state at that point
            return self.make(first, j, "date", (end, end), "day")
        if end < self.anchor:
            return self.make(first, j, "interval", None, period, "the boundary is before the publication date")
        return self.make(first, j, "interval", (self.anchor, end), period)

    def boundary_end(self, period: str, index: int, year: int | None, future: bool) -> date | None:
        """The last day of the boundary's period: `index` 0 is the current year, quarter or month ("до конца
        года": last year's when the sentence looks back), else the numbered one of `year` (this year's for a
        future sentence without one; None when nothing places it)."""
        if index == 0:
            if period == "year":
                y = year or self.anchor.year
                end = date(y, 12, 31)
                return date(y - 1, 12, 31) if not future and end > self.anchor else end
            if period == "quarter":
                return period_range(self.anchor.year, "quarter", (self.anchor.month - 1) // 3 + 1)[1]
            return month_range(self.anchor.year, self.anchor.month)[1]
        y = year if year is not None else (self.anchor.year if future else None)
        return period_range(y, period, index)[1] if y is not None else None

    # --- from a start ---------------------------------------------------------------

    def since(self, i: int):
        """'с прошлого года', 'с 2020 года', 'с начала августа', 'С января по август 2025 года', 'с 2026 по 2028 год'
        -> from then to the publication date, or to the second bound. "с прошлым годом" compares: not here."""
        if self.low(i) != "с" or self.low(i - 1) in {"сравнению", "сравнении"}:
            return None  # "по сравнению с 2025-м" compares, it does not start anything
        j = i + 1
        if self.low(j) == "начала":
            start = self.period_at(j + 1, i)
            if start is None:
                nxt = self.tok(j + 1)
                if nxt is not None and nxt.text.isalpha() and nxt.text.islower() and nxt.pos in {"", "NOUN"}:
                    # "С начала реализации проекта": since an event the calendar does not place
                    return self.make(i, j + 2, "interval", None, None, "since an event, not a date")
                return None
            span, end, granularity = start
            return self.until_anchor(i, end, span[0] if span else None, granularity)
        months = self.month_numbers(j)
        if months and len(months[0]) == 1:
            first_month, k = months[0][0], months[1]
            across = self.across_years(i, first_month, k)
            if across is not None:  # "с сентября 2025 по январь 2026 года"
                return across
            if self.low(k) == "по":
                second = self.month_numbers(k + 1)
                if second and len(second[0]) == 1 and second[0][0] > first_month:
                    last_month, k = second[0][0], second[1]
                    year, after = self.year_of(k)

                    def span_of(y: int):
                        return month_range(y, first_month)[0], month_range(y, last_month)[1]

                    span = span_of(year) if year is not None else self.placed(i, span_of)
                    return self.make(i, max(k, after), "interval", span, "month")
            year, after = self.year_of(k)
            start = (month_range(year, first_month) if year is not None
                     else self.placed_past(lambda y: month_range(y, first_month)))
            return self.until_anchor(i, max(k, after), start[0] if start else None, "month")
        if YEAR_NUMBER.fullmatch(self.low(j)) and self.low(j + 1) == "по":  # "с 2021 по 2023 год"
            last = self.year_after(j + 2)
            if last and last[0] > int(self.low(j)):
                return self.make(i, last[1], "interval", (date(int(self.low(j)), 1, 1), date(last[0], 12, 31)), "year")
        year, after = self.year_of(j)
        if after == j or self.low(after - 1) in {"годом", "году"}:
            return None
        return self.until_anchor(i, after, date(year, 1, 1) if year is not None else None, "year")

    def across_years(self, i: int, first_month: int, k: int):
        """"с сентября 2025 по январь 2026 года": two months, each with its year (the last "года" may serve both)."""
        first_year = self.year_after(k)
        bare = self.tok(k) is not None and YEAR_NUMBER.fullmatch(self.tokens[k].text)
        if not first_year and not bare:
            return None
        start_year, k = first_year if first_year else (int(self.tokens[k].text), k + 1)
        if self.low(k) != "по":
            return None
        second = self.month_numbers(k + 1)
        if not second or len(second[0]) != 1:
            return None
        last_month, k = second[0][0], second[1]
        end_year = self.year_after(k)
        if end_year is None:
            return None
        if (end_year[0], last_month) <= (start_year, first_month):
            return None
        span = month_range(start_year, first_month)[0], month_range(end_year[0], last_month)[1]
        return self.make(i, end_year[1], "interval", span, "month")

    def until_anchor(self, first: int, end: int, start: date | None, granularity: str):
        if start is None or self.anchor is None:
            return self.make(first, end, "interval", None, granularity)
        if start > self.anchor:
            return self.make(first, end, "interval", None, granularity, "starts after the publication date")
        return self.make(first, end, "interval", (start, self.anchor), granularity)

    def placed_past(self, span_of):
        """The most recent such period that starts on or before publication (a start is always in the past)."""
        if self.anchor is None:
            return None
        options = [span_of(y) for y in (self.anchor.year - 1, self.anchor.year)]
        return [o for o in options if o[0] <= self.anchor][-1]

    def period_at(self, j: int, first: int):
        """The period named at token j ("года", "2025 года", "августа", "осени"): (span, index after, granularity)."""
        year, after = self.year_of(j)
        if after > j:
            return (period_range(year, "year", 1) if year is not None else None), after, "year"
        if self.bare_year_word(j):
            return self.placed_past(lambda y: year_part(y, "start")), j + 1, "year"
        months = self.month_numbers(j)
        if months and len(months[0]) == 1:
            month, end = months[0][0], months[1]
            year, after = self.year_of(end)
            span = month_range(year, month) if year is not None else self.placed_past(lambda y: month_range(y, month))
            return span, max(end, after), "month"
        season = self.lex.match("season", self.tokens, j)
        if season:
            first_month, end = int(season[0].value), season[1]
            year, after = self.year_of(end)
            span = (season_range(year, first_month) if year is not None
                    else self.placed_past(lambda y: season_range(y, first_month)))
            return span, max(end, after), "season"
        return None

    # --- after "за" --------------------------------------------------------------------

    def within(self, i: int):
        """'за девять месяцев 2025 года', 'за первые восемь месяцев', 'за два года', 'за квартал', 'за год',
        'за декабрь прошлого года', 'за шесть месяцев после релиза', 'за всё время'."""
        if self.low(i) != "за":
            return None
        j = i + 1
        if self.low(j) in {"всё", "все"} and self.low(j + 1) == "время":
            return self.make(i, j + 2, "interval", None, None, "the whole history of something")
        if self.named_period(j):
            return None  # "за 2024 год", "за первое полугодие": the span is the period itself, without "за"
        modifier = self.low(j) if self.lex.match("interval_modifier", self.tokens, j) else ""
        if modifier:
            j += 1
        if HALF_YEAR.fullmatch(self.low(j)) and self.anchor is not None:  # "за полгода", "за последние полгода"
            return self.rolling(i, j + 1, "month", 6, self.future(i))
        number = match_number(self.tokens, j, self.text)
        count = 1.0
        if number is not None:
            if number.is_range or number.low != int(number.low):
                return None
            count, j = number.low, number.end
        unit_hit = amount_lexicon().match("duration_unit", self.tokens, j)
        if not unit_hit:
            return None
        unit, j = unit_hit[0].value, unit_hit[1]
        if number is None and not modifier and unit not in {"quarter", "year", "month", "week"}:
            return None
        n = int(count)
        if self.low(j) == "после":  # "за три месяца после запуска": the span stops before the event
            return self.make(i, j, "interval", None, unit, "counted from an event, not from the calendar")
        year, end = self.year_of(j)
        if year is None and end == j and self.bare_year_word(j) and unit == "month":
            year, end = (self.anchor.year if self.anchor else None), j + 1  # "за восемь месяцев года"
        if modifier.startswith("перв") and year is None:
            if unit not in CALENDAR_UNITS or self.anchor is None:
                return self.make(i, end, "interval", None, unit, "counted from an event, not from the calendar")
            return self.make(i, end, "interval", self.year_to_date(unit, n), unit)
        if year is not None and unit in {"month", "quarter"}:  # the first N months/quarters of that year
            months = n * (3 if unit == "quarter" else 1)
            if months > 12:
                return None
            return self.make(i, end, "interval", (date(year, 1, 1), month_range(year, months)[1]), unit)
        if self.anchor is None:
            return self.make(i, end, "interval", None, unit)
        if modifier.startswith(("последн", "предыдущ")) and unit in CALENDAR_UNITS:
            reference = self.reported_period(unit)
            if reference is not None:  # "за предыдущие четыре квартала": before the quarter the text reports on
                return self.make(i, end, "interval", units_before(reference, unit, n), unit)
        future = self.future(i)
        if unit == "quarter" and n == 1:
            quarter = (self.anchor.month - 1) // 3 + 1
            if future:
                return self.make(i, end, "interval", period_range(self.anchor.year, "quarter", quarter), "quarter")
            year_q, quarter = (self.anchor.year, quarter - 1) if quarter > 1 else (self.anchor.year - 1, 4)
            return self.make(i, end, "interval", period_range(year_q, "quarter", quarter), "quarter")
        if unit in {"month", "quarter"} and not modifier and not future and 1 < n < (12 if unit == "month" else 4):
            # "за девять месяцев", "за три квартала" in a report: year to date, not a rolling window
            return self.make(i, end, "interval", self.year_to_date(unit, n), unit)
        return self.rolling(i, end, unit, n, future)

    def year_to_date(self, unit: str, n: int) -> tuple[date, date] | None:
        """The first n months/quarters/halves of the publication year, or of the year before when they have not
        all begun yet."""
        months = n * {"month": 1, "quarter": 3, "half": 6, "year": 12}[unit]
        if months > 12:
            return None
        year = self.anchor.year if months <= self.anchor.month else self.anchor.year - 1
        return date(year, 1, 1), month_range(year, months)[1]

    def rolling(self, i: int, end: int, unit: str, n: int, future: bool):
        months = {"year": 12 * n, "half": 6 * n, "month": n, "quarter": 3 * n}.get(unit)
        if n > 1000 * (1 if months is not None else 365):  # "за 2000 лет": beyond the calendar's range
            return self.make(i, end, "interval", None, unit, "too long a period to place")
        if months is None:
            days = n * (7 if unit == "week" else 1)
            window = ((self.anchor, self.anchor + timedelta(days=days)) if future
                      else (self.anchor - timedelta(days=days), self.anchor))
            return self.make(i, end, "interval", window, unit)
        window = ((self.anchor, shift(self.anchor, months=months)) if future
                  else (shift(self.anchor, months=-months), self.anchor))
        return self.make(i, end, "interval", window, unit)

    def named_period(self, j: int) -> bool:
        """Whether a calendar period is named at token j: a month, a quarter or half, a year ('декабрь прошлого
        года', 'первое полугодие', '2024 календарный год', 'прошлый год')."""
        if self.month_numbers(j):
            return True
        ordinal = self.lex.match("ordinal", self.tokens, j)
        if ordinal and int(ordinal[0].value) > 0 and self.low(ordinal[1]).startswith(("квартал", "полугод")):
            return True
        return self.year_of(j)[1] > j

    # --- after "через" ----------------------------------------------------------------

    def through(self, i: int):
        """'через месяц', 'через два года', 'менее чем через пять лет' (an interval up to then)."""
        k, within = i, False
        if self.low(i) not in QUALIFIER_STARTS and self.low(i) not in {"через", "спустя"}:
            return None
        for words in WITHIN_QUALIFIERS:
            if tuple(self.low(i + n) for n in range(len(words))) == words:
                k, within = i + len(words), True
                break
        if self.low(k) not in {"через", "спустя"}:
            return None
        number = match_number(self.tokens, k + 1, self.text)
        j = number.end if number else k + 1
        if number is not None and (number.is_range or number.low != int(number.low)):
            return None
        hit = amount_lexicon().match("duration_unit", self.tokens, j)
        if HALF_YEAR.fullmatch(self.low(j)) and number is None:  # "через полгода"
            unit, end, n = "month", j + 1, 6
        elif not hit:
            return None
        else:
            unit, end = hit[0].value, hit[1]
            n = int(number.low) if number else 1
        kind = "interval" if within else "date"
        if self.anchor is None:
            return self.make(i, end, kind, None, unit)
        if not self.future(k):
            return self.make(i, end, kind, None, unit, "counted from an event, not from publication")
        months = {"year": 12 * n, "half": 6 * n, "quarter": 3 * n, "month": n}.get(unit)
        if n > 1000:
            return self.make(i, end, kind, None, unit, "too long a period to place")
        point = shift(self.anchor, months=months) if months else self.anchor + timedelta(days=n * (7 if unit == "week" else 1))
        if within:
            return self.make(i, end, "interval", (self.anchor, point), unit)
        if unit == "year":
            return self.make(i, end, "date", period_range(point.year, "year", 1), "year")
        if unit == "month":
            return self.make(i, end, "date", month_range(point.year, point.month), "month")
        return self.make(i, end, "date", (point, point), "day")

    # --- lengths ------------------------------------------------------------------------

    def during(self, i: int):
        """'в течение четырёх месяцев', 'в течение полутора лет'."""
        if not (self.low(i) == "в" and self.low(i + 1) == "течение"):
            return None
        return self.duration(i + 2, first=i)

    def duration(self, i: int, first: int | None = None):
        """'четыре месяца', 'трое суток', '20-летний' (not a range, not a year)."""
        tok = self.tok(i)
        if tok is None:
            return None
        glued = DURATION_ADJECTIVE.fullmatch(tok.text)
        if glued:
            unit = {"л": "year", "м": "month", "д": "day"}[glued[2][0].lower()]
            return self.make(first if first is not None else i, i + 1, "duration", None, unit,
                             duration=f"P{glued[1]}{DURATION_CODE[unit]}")
        if (self.low(i - 1) in {"за", "с", "через"}
                or self.low(i - 2).startswith(("перв", "последн", "предыдущ")) and self.low(i - 3) == "за"):
            return None
        if self.low(i - 1) == "до" and self.low(i - 3) == "от" and match_number(self.tokens, i - 2, self.text):
            return None  # the upper end of "от трёх до пяти лет": a range, an amount only
        number = match_number(self.tokens, i, self.text)
        if number is None or number.is_range or YEAR_NUMBER.fullmatch(tok.text):
            return None
        if amount_lexicon().match("scale", self.tokens, number.end):
            return None
        hit = amount_lexicon().match("duration_unit", self.tokens, number.end)
        if not hit:
            return None
        unit, end = hit[0].value, hit[1]
        if self.low(end) in {"назад", "ранее"}:
            return self.ago(i, end + 1, number.low, unit)
        if self.low(end) == "спустя":  # "два года спустя": after an event the text narrates
            return self.make(first if first is not None else i, end + 1, "date", None, unit,
                             "counted from an event, not from publication")
        if number.low == int(number.low) and self.low(end) and match_number(self.tokens, end, self.text):
            compound = self.compound_length(end, unit, number.low)
            if compound is not None:  # "2 года 3 месяца"
                text, stop = compound
                return self.make(first if first is not None else i, stop, "duration", None, "month", duration=text)
        if is_age(self.tokens, i, end):
            return None  # "в возрасте 60 лет": an age, not a length of time
        value = number.low * DURATION_FACTOR.get(unit, 1)
        text = f"{value:g}".replace(".0", "")
        return self.make(first if first is not None else i, end, "duration", None, unit,
                         duration=f"P{text}{DURATION_CODE[unit]}")

    def reported_months(self, i: int):
        """"по итогам девяти месяцев (2025 года)", "в первые девять месяцев года": the year to date, as after "за"."""
        if (self.low(i - 2), self.low(i - 1)) == ("по", "итогам"):
            j = i + 1 if self.low(i).startswith("перв") else i
        elif self.low(i - 1) == "в" and self.low(i).startswith("перв"):
            j = i + 1
        else:
            return None
        number = match_number(self.tokens, j, self.text)
        if number is None or number.is_range or number.low != int(number.low):
            return None
        hit = amount_lexicon().match("duration_unit", self.tokens, number.end)
        if not hit or hit[0].value not in {"month", "quarter"}:
            return None
        unit, end, n = hit[0].value, hit[1], int(number.low)
        year, after = self.year_of(end)
        if year is None and self.bare_year_word(end):
            after = end + 1
        months = n * (3 if unit == "quarter" else 1)
        if months > 12 or months < 2:
            return None
        if year is not None:
            return self.make(i, after, "interval", (date(year, 1, 1), month_range(year, months)[1]), unit)
        if self.anchor is None:
            return self.make(i, max(end, after), "interval", None, unit)
        return self.make(i, max(end, after), "interval", self.year_to_date(unit, n), unit)

    def decade_end(self, i: int):
        """"к концу десятилетия", "до конца десятилетия": from publication to the last day of its decade."""
        if self.low(i) not in {"к", "до"} or self.low(i + 1) not in {"концу", "конца"} or not self.low(i + 2).startswith(
                "десятилет"):
            return None
        if self.anchor is None:
            return self.make(i, i + 3, "interval", None, "year")
        end = date(self.anchor.year // 10 * 10 + 9, 12, 31)
        return self.make(i, i + 3, "interval", (self.anchor, end), "year")

    def coming(self, i: int):
        """'ближайшие три года' (from publication forward), 'ближайшие годы' (unresolved); 'в течение первого года'
        (of something the text narrates: unresolved)."""
        if self.low(i) == "в" and self.low(i + 1) == "течение" and self.low(i + 2).startswith(("перв", "последн")):
            hit = amount_lexicon().match("duration_unit", self.tokens, i + 3)
            if hit:
                return self.make(i, hit[1], "interval", None, hit[0].value, "counted from an event")
            return None
        if not self.low(i).startswith(("ближайш", "следующ")):
            return None
        number = match_number(self.tokens, i + 1, self.text)
        j = number.end if number else i + 1
        plural = {"годы": "year", "годах": "year", "лет": "year", "месяцы": "month", "месяцах": "month"}
        hit = amount_lexicon().match("duration_unit", self.tokens, j)
        if number is None:
            if self.low(j) not in plural:
                return None
            unit, end = plural[self.low(j)], j + 1
        elif not hit:
            return None
        else:
            unit, end = hit[0].value, hit[1]
        if number is None or number.is_range or self.anchor is None:
            return self.make(i, end, "date" if number is None else "interval", None, unit, "no bound is named")
        n = int(number.low)
        months = {"year": 12 * n, "half": 6 * n, "quarter": 3 * n, "month": n}.get(unit)
        if months is None or n > 100:
            return None
        return self.make(i, end, "interval", (self.anchor, shift(self.anchor, months=months) - timedelta(days=1)), unit)

    def compound_length(self, j: int, unit: str, count: float) -> tuple[str, int] | None:
        """"2 года 3 месяца", "1 год и 6 месяцев": years then months as one ISO length (P2Y3M), index after."""
        if unit != "year":
            return None
        k = j + 1 if self.low(j) == "и" else j
        number = match_number(self.tokens, k, self.text)
        if number is None or number.is_range or number.low != int(number.low):
            return None
        hit = amount_lexicon().match("duration_unit", self.tokens, number.end)
        if not hit or hit[0].value != "month":
            return None
        return f"P{int(count)}Y{int(number.low)}M", hit[1]

    def half_length(self, i: int):
        """'полгода', 'полугода', 'полчаса' is no calendar length: half a year is P6M."""
        if HALF_YEAR.fullmatch(self.low(i)) is None:
            return None
        if self.low(i - 1) in {"за", "через"}:
            return None
        first = i - 2 if (self.low(i - 2), self.low(i - 1)) == ("в", "течение") else i
        if self.low(i + 1) in {"назад", "ранее"}:
            if self.anchor is None:
                return self.make(i, i + 2, "date", None, "month")
            point = shift(self.anchor, months=-6)
            return self.make(i, i + 2, "date", month_range(point.year, point.month), "month")
        return self.make(first, i + 1, "duration", None, "month", duration="P6M")

    def unit_ago(self, i: int):
        """'неделю назад', 'месяц назад', 'день назад' (one unit, no number): that long before publication."""
        if self.low(i + 1) != "назад":
            return None
        hit = amount_lexicon().match("duration_unit", self.tokens, i)
        if not hit or self.low(hit[1]) != "назад" or hit[0].value == "year" or match_number(self.tokens, i - 1, self.text):
            return None
        if self.low(i) not in {"неделю", "месяц", "день", "квартал", "сутки"}:
            return None
        return self.ago(i, hit[1] + 1, 1, hit[0].value)

    def vague_ago(self, i: int):
        """'несколько лет назад', 'пару месяцев назад': a time before publication that cannot be placed."""
        if not self.low(i).startswith(VAGUE_COUNTS):
            return None
        hit = amount_lexicon().match("duration_unit", self.tokens, i + 1)
        if not hit or self.low(hit[1]) not in {"назад", "ранее"}:
            return None
        return self.make(i, hit[1] + 1, "date", None, hit[0].value, "a vague distance in time")

    def ago(self, first: int, end: int, count: float, unit: str):
        """'семью месяцами ранее', 'два года назад' -> the unit that long before the publication date."""
        if self.anchor is None or count != int(count):
            return self.make(first, end, "date", None, unit)
        n = int(count)
        if unit == "month":
            point = shift(self.anchor, months=-n)
            return self.make(first, end, "date", month_range(point.year, point.month), "month")
        if unit == "year":
            return self.make(first, end, "date", period_range(self.anchor.year - n, "year", 1), "year")
        days = n * (7 if unit == "week" else 1)
        point = self.anchor - timedelta(days=days)
        return self.make(first, end, "date", (point, point), "day")
