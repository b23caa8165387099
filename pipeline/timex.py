"""Time expressions in Russian news text, resolved against the article's publication date (the anchor).

Spans follow gold/GUIDELINES.md: a leading locative "в/во/на" is left out ("в прошлом году" → "прошлом году"),
prepositions that change the meaning stay in ("до конца 2026 года", "с прошлого года", "за два года",
"в течение четырёх месяцев"). Kinds: `date` (a calendar unit named as a point), `interval` (explicit bounds or
a boundary), `duration` (a length). A month, quarter, half-year or day without a year is placed by the tense
of the verb that governs it: past → the most recent one starting on or before the anchor, future → the
earliest one ending on or after it. Without an anchor, relative expressions stay unresolved with a reason;
nothing is ever guessed from today's date. Words come from `models/lexicon/time_words.tsv`.
"""

from __future__ import annotations

import bisect
import calendar
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from pipeline.lexicon import Tok, amount_lexicon, time_lexicon, tokens_from_text
from pipeline.numbers import match_number

LOCATIVE = {"в", "во", "на"}
CLAUSE_BREAKS = {",", ";", ":", "—", "–", ".", "!", "?", "(", ")"}
YEAR_WORD = re.compile(r"год(?:а|у|ом|ы|ах|ов)?|г|гг", re.IGNORECASE)
YEAR_NUMBER = re.compile(r"(19|20)\d\d")
YEAR_RANGE = re.compile(r"((?:19|20)\d\d)[–—-]((?:19|20)\d\d)")
YEAR_ORDINAL = re.compile(r"((?:19|20)\d\d)-(?:м|й|го|е)", re.IGNORECASE)
YEAR_ADJECTIVE = re.compile(r"(?:календарн|финансов|отч[её]тн)\w*", re.IGNORECASE)
DURATION_ADJECTIVE = re.compile(r"(\d+)-(летн|месячн|дневн)\w*", re.IGNORECASE)
DURATION_CODE = {"year": "Y", "half": "M", "quarter": "M", "month": "M", "week": "W", "day": "D"}
DURATION_FACTOR = {"half": 6, "quarter": 3}


@dataclass(frozen=True)
class FoundTimex:
    start: int
    stop: int
    text: str
    kind: str
    start_date: date | None
    end_date: date | None
    granularity: str | None
    resolved: bool
    reason: str | None = None
    duration: str | None = None


# ---------------------------------------------------------------------------
# calendar arithmetic
# ---------------------------------------------------------------------------


def month_range(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def period_range(year: int, period: str, index: int) -> tuple[date, date]:
    """Quarter/half `index` (1-based) of a year, or the whole year."""
    if period == "quarter":
        return date(year, 3 * index - 2, 1), month_range(year, 3 * index)[1]
    if period == "half":
        return date(year, 6 * index - 5, 1), month_range(year, 6 * index)[1]
    return date(year, 1, 1), date(year, 12, 31)


def shift(day: date, years: int = 0, months: int = 0) -> date:
    index = day.year * 12 + day.month - 1 + years * 12 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def place(anchor: date, future: bool, candidates: Sequence[tuple[date, date]]) -> tuple[date, date]:
    """Of the same period in neighbouring years, the one the tense points to."""
    if future:
        return next(c for c in candidates if c[1] >= anchor)
    return [c for c in candidates if c[0] <= anchor][-1]


# ---------------------------------------------------------------------------
# scanner
# ---------------------------------------------------------------------------


class TimexScanner:
    def __init__(self, text: str, tokens: Sequence[Tok], anchor: date | None):
        self.text, self.tokens, self.anchor = text, tokens, anchor
        self.lex = time_lexicon()
        self.found: list[FoundTimex] = []
        self.starts = [t.start for t in tokens]
        self.verbs_by_sent: dict[int, list[int]] = {}  # tokens with a tense, per sentence
        for j, t in enumerate(tokens):
            if t.tense:
                self.verbs_by_sent.setdefault(t.sent, []).append(j)

    # --- helpers ---------------------------------------------------------

    def tok(self, i: int) -> Tok | None:
        return self.tokens[i] if 0 <= i < len(self.tokens) else None

    def low(self, i: int) -> str:
        tok = self.tok(i)
        return tok.lower if tok else ""

    def make(self, first: int, end: int, kind: str, span: tuple[date, date] | None, granularity: str | None,
             reason: str | None = None, duration: str | None = None) -> tuple[FoundTimex, int]:
        start, stop = self.tokens[first].start, self.tokens[end - 1].stop
        while stop > start and self.text[stop - 1] in ",;:":  # razdel glues a comma to "2026,"
            stop -= 1
        resolved = span is not None or kind == "duration"
        if not resolved and reason is None:
            reason = "no publication date to resolve against" if self.anchor is None else "cannot be placed"
        timex = FoundTimex(start, stop, self.text[start:stop], kind, span[0] if span else None,
                           span[1] if span else None, granularity, resolved, None if resolved else reason, duration)
        return timex, end

    def future(self, i: int) -> bool:
        """Whether the verb of token i's clause is in the future tense (perfective present = future): the closest
        verb before the next clause break, else the syntactic head chain, else the closest verb in the sentence."""
        tok = self.tokens[i]
        clause = []
        for step in (1, -1):
            k = i + step
            while 0 <= k < len(self.tokens) and self.tokens[k].sent == tok.sent and self.tokens[k].text not in CLAUSE_BREAKS:
                if self.tokens[k].tense:
                    clause.append((abs(k - i), self.tokens[k]))
                    break
                k += step
        if clause:
            return self._is_future(min(clause, key=lambda c: c[0])[1])
        seen = set()
        k = tok.head
        while 0 <= k < len(self.tokens) and k not in seen and len(seen) < 8:
            seen.add(k)
            if self.tokens[k].tense:
                return self._is_future(self.tokens[k])
            k = self.tokens[k].head
        verbs = self.verbs_by_sent.get(tok.sent, [])
        return self._is_future(self.tokens[min(verbs, key=lambda j: abs(j - i))]) if verbs else False

    @staticmethod
    def _is_future(tok: Tok) -> bool:
        return tok.tense == "Fut" or (tok.tense == "Pres" and tok.aspect == "Perf") or tok.lower == "будет"

    def year_after(self, i: int) -> tuple[int, int] | None:
        """'2025 года', '2023 календарного года' at token i -> (year, index after)."""
        tok = self.tok(i)
        if tok is None or not YEAR_NUMBER.fullmatch(tok.text):
            return None
        j = i + 1
        if YEAR_ADJECTIVE.fullmatch(self.low(j)):
            j += 1
        if j < len(self.tokens) and YEAR_WORD.fullmatch(self.tokens[j].text):
            j += 1
            if self.low(j) == "." and self.low(j - 1) in {"г", "гг"}:
                j += 1
            return int(tok.text), j
        return None

    def relative_year(self, i: int) -> tuple[int, int] | None:
        """'следующего года', 'прошлом финансовом году' at token i -> (offset, index after)."""
        hit = self.lex.match("relative", self.tokens, i)
        if not hit:
            return None
        j = hit[1]
        if YEAR_ADJECTIVE.fullmatch(self.low(j)):
            j += 1
        if j < len(self.tokens) and YEAR_WORD.fullmatch(self.tokens[j].text) and self.low(j) not in {"г", "гг"}:
            return int(hit[0].value), j + 1
        return None

    def year_of(self, i: int, first: int) -> tuple[int | None, int, str | None]:
        """An explicit or relative year at token i: (year, index after, reason when unknown)."""
        explicit = self.year_after(i)
        if explicit:
            return explicit[0], explicit[1], None
        relative = self.relative_year(i)
        if relative:
            if self.anchor is None:
                return None, relative[1], None
            return self.anchor.year + relative[0], relative[1], None
        return None, i, None

    # --- patterns ----------------------------------------------------------

    def scan(self) -> list[FoundTimex]:
        i = 0
        while i < len(self.tokens):
            result = self.match_at(i)
            if result is None:
                i += 1
                continue
            timex, end = result
            self.found.append(timex)
            i = max(end, i + 1)
        return self.found

    def match_at(self, i: int) -> tuple[FoundTimex, int] | None:
        for pattern in (self.boundary, self.since, self.within, self.during, self.day_words, self.day_month,
                        self.months, self.years, self.ordinal_period, self.season, self.relative_period,
                        self.start_of_year, self.year_ago, self.duration):
            result = pattern(i)
            if result is not None:
                return result
        return None

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
        period, index, year = "year", 1, None
        ordinal = self.lex.match("ordinal", self.tokens, j)
        if end_of and ordinal and self.low(ordinal[1]).startswith(("квартал", "полугод")):
            index = int(ordinal[0].value)
            period = "quarter" if self.low(ordinal[1]).startswith("квартал") else "half"
            j = ordinal[1] + 1
        elif end_of and self.low(j).startswith(("года", "месяца", "квартала")) and not YEAR_NUMBER.fullmatch(self.low(j)):
            period = {"г": "year", "м": "month", "к": "quarter"}[self.low(j)[0]]
            index = 0
            j += 1
        year, after, _ = self.year_of(j, first)
        if year is None and period == "year" and index == 1 and not end_of:
            return None  # "до 40%" or "до конца" of something else
        j = after if after > j else j
        if not end_of and year is None:
            return None
        future = self.future(i)
        if self.anchor is None:
            return self.make(first, j, "interval", None, period)
        if index == 0:  # "до конца года/квартала/месяца": the current one
            if period == "year":
                y = year or self.anchor.year
                end = date(y, 12, 31)
                if not future and end > self.anchor:
                    end = date(y - 1, 12, 31)
            elif period == "quarter":
                end = period_range(self.anchor.year, "quarter", (self.anchor.month - 1) // 3 + 1)[1]
            else:
                end = month_range(self.anchor.year, self.anchor.month)[1]
        else:
            y = year if year is not None else (self.anchor.year if future else None)
            if y is None:
                return self.make(first, j, "interval", None, period)
            end = period_range(y, period, index)[1]
        if self.low(i) == "к" and not future:  # "к концу года в стране работали …": the state at that point
            return self.make(first, j, "date", (end, end), "day")
        if end < self.anchor:
            return self.make(first, j, "interval", None, period, "the boundary is before the publication date")
        return self.make(first, j, "interval", (self.anchor, end), period)

    def since(self, i: int):
        """'с прошлого года', 'с 2020 года' -> from then to the publication date."""
        if self.low(i) != "с":
            return None
        year, after, _ = self.year_of(i + 1, i)
        if after == i + 1:
            return None
        if year is None or self.anchor is None:
            return self.make(i, after, "interval", None, "year")
        if date(year, 1, 1) > self.anchor:
            return self.make(i, after, "interval", None, "year", "starts after the publication date")
        return self.make(i, after, "interval", (date(year, 1, 1), self.anchor), "year")

    def within(self, i: int):
        """'за девять месяцев 2025 года', 'за первые восемь месяцев', 'за два года', 'за квартал', 'за год'."""
        if self.low(i) != "за":
            return None
        j = i + 1
        modifier = self.low(j) if self.low(j).startswith(("перв", "последн", "предыдущ", "прошедш")) else ""
        if modifier:
            j += 1
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
        year, after, _ = self.year_of(j, i)
        end = after
        if modifier.startswith("перв") and year is None:
            return self.make(i, end, "interval", None, unit if unit != "quarter" else "quarter",
                             "counted from an event, not from the calendar")
        if year is not None and unit == "month":  # the first N months of that year
            return self.make(i, end, "interval", (date(year, 1, 1), month_range(year, n)[1]), "month")
        if self.anchor is None:
            return self.make(i, end, "interval", None, unit)
        future = self.future(i)
        if unit == "quarter" and n == 1:
            quarter = (self.anchor.month - 1) // 3 + 1
            if future:
                return self.make(i, end, "interval", period_range(self.anchor.year, "quarter", quarter), "quarter")
            year_q, quarter = (self.anchor.year, quarter - 1) if quarter > 1 else (self.anchor.year - 1, 4)
            return self.make(i, end, "interval", period_range(year_q, "quarter", quarter), "quarter")
        if unit == "month" and not modifier and not future and n < self.anchor.month:
            # "за девять месяцев" in a report: the first N months of the publication year
            return self.make(i, end, "interval", (date(self.anchor.year, 1, 1), month_range(self.anchor.year, n)[1]), "month")
        months = {"year": 12 * n, "month": n, "quarter": 3 * n}.get(unit)
        if n > 1000 * (1 if months is not None else 365):  # "за 2000 лет": beyond the calendar's range
            return self.make(i, end, "interval", None, unit, "too long a period to place")
        if months is None:
            days = n * (7 if unit == "week" else 1)
            window = (self.anchor, self.anchor + timedelta(days=days)) if future else (self.anchor - timedelta(days=days), self.anchor)
            return self.make(i, end, "interval", window, unit)
        window = (self.anchor, shift(self.anchor, months=months)) if future else (shift(self.anchor, months=-months), self.anchor)
        return self.make(i, end, "interval", window, unit)

    def during(self, i: int):
        """'в течение четырёх месяцев', 'в течение полутора лет'."""
        if not (self.low(i) == "в" and self.low(i + 1) == "течение"):
            return None
        result = self.duration(i + 2, first=i)
        return result

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
        if self.low(i - 1) in {"за", "с"} or self.low(i - 2).startswith(("перв", "последн", "предыдущ")) and self.low(i - 3) == "за":
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
        if self.low(end) in {"назад", "ранее", "спустя"}:
            return self.ago(i, end + 1, number.low, unit)
        value = number.low * DURATION_FACTOR.get(unit, 1)
        text = f"{value:g}".replace(".0", "")
        return self.make(first if first is not None else i, end, "duration", None, unit,
                         duration=f"P{text}{DURATION_CODE[unit]}")

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

    def day_words(self, i: int):
        """'вчера', 'на днях', weekdays ('в четверг' → 'четверг')."""
        hit = self.lex.match("day_word", self.tokens, i)
        if hit:
            if self.anchor is None:
                return self.make(i, hit[1], "date", None, "day")
            day = self.anchor + timedelta(days=int(hit[0].value))
            return self.make(i, hit[1], "date", (day, day), "day")
        if self.low(i) == "на" and self.low(i + 1) == "днях":
            span = (self.anchor - timedelta(days=7), self.anchor) if self.anchor else None
            return self.make(i, i + 2, "date", span, "day")
        hit = self.lex.match("weekday", self.tokens, i)
        if hit and self.low(i - 1) in {"в", "во"}:
            if self.anchor is None:
                return self.make(i, hit[1], "date", None, "day")
            back = (self.anchor.weekday() - int(hit[0].value)) % 7
            if self.future(i):
                day = self.anchor + timedelta(days=(int(hit[0].value) - self.anchor.weekday()) % 7)
            else:
                day = self.anchor - timedelta(days=back)
            return self.make(i, hit[1], "date", (day, day), "day")
        return None

    def day_month(self, i: int):
        """'16 января 2026', '6 октября 2025 года', '9 апреля'."""
        tok = self.tok(i)
        if tok is None or not re.fullmatch(r"[0-9]{1,2}", tok.text) or not 1 <= int(tok.text) <= 31:
            return None
        month = self.lex.match("month", self.tokens, i + 1)
        if not month:
            return None
        day, m, j = int(tok.text), int(month[0].value), month[1]
        year = None
        year_hit = self.year_after(j)
        if year_hit:
            year, j = year_hit
        elif self.tok(j) is not None and YEAR_NUMBER.fullmatch(self.tokens[j].text.rstrip(",")):
            year, j = int(self.tokens[j].text.rstrip(",")), j + 1
        try:
            if year is not None:
                return self.make(i, j, "date", (date(year, m, day),) * 2, "day")
            if self.anchor is None:
                return self.make(i, j, "date", None, "day")
            options = [(date(y, m, day),) * 2 for y in (self.anchor.year - 1, self.anchor.year, self.anchor.year + 1)]
            return self.make(i, j, "date", place(self.anchor, self.future(i), options), "day")
        except ValueError:
            return None

    def months(self, i: int):
        """'апреле', 'январе 2025 года', 'марте следующего года', 'октябре–декабре', 'январь–сентябрь 2026 года'."""
        tok = self.tok(i)
        if tok is None:
            return None
        parts = re.split(r"[–—-]", tok.text)
        numbers = []
        for part in parts:
            hit = self.lex.match("month", [Tok(part, 0, 0)], 0)
            if not hit:
                return None
            numbers.append(int(hit[0].value))
        j = i + 1
        if len(parts) == 1 and self.low(j) in {"–", "—", "-"}:
            hit = self.lex.match("month", self.tokens, j + 1)
            if hit:
                numbers.append(int(hit[0].value))
                j = hit[1]
        if len(numbers) > 2 or (len(numbers) == 2 and numbers[0] >= numbers[1]):
            return None
        year, after, _ = self.year_of(j, i)
        j = max(j, after)
        kind = "interval" if len(numbers) == 2 else "date"
        if year is None:
            if self.anchor is None:
                return self.make(i, j, kind, None, "month")
            future = self.future(i)
            options = [(month_range(y, numbers[0])[0], month_range(y, numbers[-1])[1])
                       for y in (self.anchor.year - 1, self.anchor.year, self.anchor.year + 1)]
            return self.make(i, j, kind, place(self.anchor, future, options), "month")
        return self.make(i, j, kind, (month_range(year, numbers[0])[0], month_range(year, numbers[-1])[1]), "month")

    def years(self, i: int):
        """'2020 году', '2023 календарного года', '2026–2028 годы', '2028-м'."""
        tok = self.tok(i)
        if tok is None:
            return None
        ordinal = YEAR_ORDINAL.fullmatch(tok.text)
        if ordinal:
            year = int(ordinal[1])
            return self.make(i, i + 1, "date", period_range(year, "year", 1), "year")
        pair = YEAR_RANGE.fullmatch(tok.text)
        if pair and self.tok(i + 1) is not None and YEAR_WORD.fullmatch(self.tokens[i + 1].text):
            low, high = int(pair[1]), int(pair[2])
            if low < high:
                return self.make(i, i + 2, "interval", (date(low, 1, 1), date(high, 12, 31)), "year")
        hit = self.year_after(i)
        if hit:
            return self.make(i, hit[1], "date", period_range(hit[0], "year", 1), "year")
        return None

    def ordinal_period(self, i: int):
        """'четвёртом квартале 2023 года', 'первое полугодие', 'последнем квартале 2025 года'."""
        hit = self.lex.match("ordinal", self.tokens, i)
        if not hit or not self.low(hit[1]).startswith(("квартал", "полугод")):
            return None
        period = "quarter" if self.low(hit[1]).startswith("квартал") else "half"
        index, j = int(hit[0].value), hit[1] + 1
        year, after, _ = self.year_of(j, i)
        j = max(j, after)
        if year is not None and index == -1:
            index = 4 if period == "quarter" else 2
        if year is not None:
            return self.make(i, j, "date", period_range(year, period, index), period)
        if self.anchor is None or index == -1:
            return self.make(i, j, "date", None, period)
        options = [period_range(y, period, index) for y in (self.anchor.year - 1, self.anchor.year, self.anchor.year + 1)]
        return self.make(i, j, "date", place(self.anchor, self.future(i), options), period)

    def season(self, i: int):
        """'осенью 2024 года', 'осени 2026 года'."""
        hit = self.lex.match("season", self.tokens, i)
        if not hit:
            return None
        first_month, j = int(hit[0].value), hit[1]
        year, after, _ = self.year_of(j, i)
        if year is None:
            return None
        start = date(year, first_month, 1)
        end = shift(start, months=2)
        return self.make(i, after, "date", (start, month_range(end.year, end.month)[1]), "season")

    def relative_period(self, i: int):
        """'прошлом году', 'этом году', 'следующем году', 'прошлом месяце', 'прошлой неделе'."""
        hit = self.lex.match("relative", self.tokens, i)
        if not hit:
            return None
        offset, j = int(hit[0].value), hit[1]
        if YEAR_ADJECTIVE.fullmatch(self.low(j)):
            j += 1
        period_hit = self.lex.match("period", self.tokens, j)
        if not period_hit or self.low(j) in {"г", "гг"}:
            return None
        period, end = period_hit[0].value, period_hit[1]
        if period not in {"year", "month", "week", "quarter"}:
            return None
        if self.anchor is None:
            return self.make(i, end, "date", None, period)
        a = self.anchor
        if period == "year":
            return self.make(i, end, "date", period_range(a.year + offset, "year", 1), "year")
        if period == "month":
            point = shift(a, months=offset)
            return self.make(i, end, "date", month_range(point.year, point.month), "month")
        if period == "quarter":
            point = shift(a, months=3 * offset)
            return self.make(i, end, "date", period_range(point.year, "quarter", (point.month - 1) // 3 + 1), "quarter")
        monday = a - timedelta(days=a.weekday()) + timedelta(weeks=offset)
        return self.make(i, end, "date", (monday, monday + timedelta(days=6)), "week")

    def start_of_year(self, i: int):
        """'начале 2024 года' -> its first quarter; 'конце 2024 года' -> its last."""
        if self.low(i) not in {"начале", "начала", "конце"}:
            return None
        year, after, _ = self.year_of(i + 1, i)
        if year is None:
            return None
        index = 1 if self.low(i).startswith("нача") else 4
        return self.make(i, after, "date", period_range(year, "quarter", index), "quarter")

    def year_ago(self, i: int):
        """'год назад', 'годом ранее', 'годичной давности': a year before the period compared with."""
        if (self.low(i), self.low(i + 1)) in {("год", "назад"), ("годом", "ранее"), ("годичной", "давности")}:
            end = i + 2
            previous = [t for t in self.found if t.resolved and t.start_date and t.kind == "date"
                        and self.tokens[i].sent == self._sent_of(t.start)]
            if previous:
                ref = previous[-1]
                return self.make(i, end, "date", (shift(ref.start_date, years=-1), shift(ref.end_date, years=-1)),
                                 ref.granularity)
            if self.low(i + 1) == "назад" and self.anchor is not None:
                point = shift(self.anchor, years=-1)
                return self.make(i, end, "date", (point, point), "day")
            return self.make(i, end, "date", None, "year", "compared with a period the sentence does not name")
        return None

    def _sent_of(self, offset: int) -> int:
        k = bisect.bisect_right(self.starts, offset) - 1
        return self.tokens[k].sent if k >= 0 and self.tokens[k].start <= offset < self.tokens[k].stop else -1


def find_timexes(text: str, anchor: date | None, tokens: Sequence[Tok] | None = None) -> list[FoundTimex]:
    """Every time expression in `text`, resolved against `anchor` (the publication date, or None)."""
    tokens = tokens if tokens is not None else tokens_from_text(text)
    try:
        return TimexScanner(text, tokens, anchor).scan()
    except Exception:  # noqa: BLE001 - the scanner must be total; a bug must not sink an article
        return []
