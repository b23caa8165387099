"""Periods named by reference to another period of the text.

    "годом ранее", "год назад"          the period it is compared with (in its sentence, else the last one named
                                        in its paragraph), one year earlier; without one, a year before publication
    "(по сравнению) с прошлым годом"    the same: a comparison base, not the whole previous year
    "аналогичным периодом прошлого года", "аналогичный период 2024 года"
                                        the period the text reports on, moved to the named year
    "за указанный период", "к этому времени"
                                        the last period named before (an anaphor); "за" makes it an interval
"""

from __future__ import annotations

from pipeline.timex.calendar import period_range, shift, shift_range

ANAPHORIC_DETERMINERS = ("указанн", "эт", "данн")
ANAPHORIC_NOUNS = ("период", "времен", "время", "момент")
SUB_YEAR = {"day", "week", "month", "season", "quarter", "half"}
PERIODS = {"month", "season", "quarter", "half", "year"}


class ReferencePatterns:
    # --- which period is referred to ------------------------------------------------

    def reference(self, i: int, sub_year: bool = False, paragraph: bool = True):
        """The period a comparison at token i refers to: the last resolved date before it in its sentence, else
        (with `paragraph`) in its paragraph. `sub_year`: a quarter, month, season, … only."""
        sent = self.tokens[i].sent
        par = self.paragraph_of(self.tokens[i].start)
        # a date, or a reported stretch of whole quarters or months ("за последний квартал … аналогичный период")
        candidates = [t for t in reversed(self.found) if t.resolved and t.start_date
                      and (t.kind == "date" or (t.kind == "interval" and t.granularity in {"quarter", "month", "half"}
                                                and t.start_date.day == 1))
                      and (not sub_year or t.granularity in SUB_YEAR)]
        same_sentence = next((t for t in candidates if self.sent_of(t.start) == sent), None)
        if same_sentence is not None or not paragraph:
            return same_sentence
        # beyond the sentence, a period a figure can be about (a month or longer): "вчера опубликовала отчёт.
        # Выручка …, чем годом ранее" compares with the quarter reported, not with yesterday
        return next((t for t in candidates if self.paragraph_of(t.start) == par and t.granularity in PERIODS), None)

    def reported_period(self, unit: str):
        """The last resolved period of granularity `unit` the text has named (the period a report is about)."""
        for t in reversed(self.found):
            if t.resolved and t.start_date and t.kind == "date" and t.granularity == unit:
                return t.start_date, t.end_date
        return None

    # --- patterns ----------------------------------------------------------------------

    def year_ago(self, i: int):
        """'год назад', 'годом ранее', 'годичной давности': a year before the period compared with."""
        if (self.low(i), self.low(i + 1)) not in {("год", "назад"), ("годом", "ранее"), ("годичной", "давности")}:
            return None
        end = i + 2
        ref = self.reference(i)
        if ref is not None:
            return self.make(i, end, "date", shift_range((ref.start_date, ref.end_date), -1), ref.granularity)
        if self.low(i + 1) == "назад" and self.anchor is not None:
            point = shift(self.anchor, years=-1)
            return self.make(i, end, "date", (point, point), "day")
        return self.make(i, end, "date", None, "year", "compared with a period the sentence does not name")

    def comparison_base(self, i: int):
        """'(по сравнению с) прошлым годом', 'аналогичным периодом прошлого года', 'аналогичный период 2024 года'."""
        if self.low(i).startswith("аналогичн") and self.low(i + 1).startswith("период"):
            year, end = self.year_of(i + 2)
            ref = self.reference(i, sub_year=True, paragraph=False) or self.reported_sub_year()
            if ref is None:
                span = period_range(year, "year", 1) if year is not None else None
                return self.make(i, max(end, i + 2), "date", span, "year")
            base = (ref.start_date, ref.end_date)
            years = (year - ref.start_date.year) if year is not None else -1
            if end == i + 2 and year is None and self.anchor is None:
                return self.make(i, end, "date", None, ref.granularity)
            return self.make(i, max(end, i + 2), "date", shift_range(base, years), ref.granularity)
        if self.low(i - 1) in {"с", "со"} and self.low(i + 1) == "годом":
            hit = self.lex.match("relative", self.tokens, i)
            if not hit or int(hit[0].value) != -1 or hit[1] != i + 1:
                return None
            ref = self.reference(i, sub_year=True, paragraph=False)
            if ref is not None:
                return self.make(i, i + 2, "date", shift_range((ref.start_date, ref.end_date), -1), ref.granularity)
            if self.anchor is None:
                return self.make(i, i + 2, "date", None, "year")
            return self.make(i, i + 2, "date", period_range(self.anchor.year - 1, "year", 1), "year")
        return None

    def reported_sub_year(self):
        for t in reversed(self.found):
            if t.resolved and t.start_date and t.kind == "date" and t.granularity in SUB_YEAR:
                return t
        return None

    def anaphora(self, i: int):
        """'за указанный период', '(к) этому времени', 'этот момент': the last date named before. After "за" only a
        period ("за это время" is "since then", not a period of the calendar)."""
        first = i
        within = self.low(i) == "за"
        if not within and self.low(i - 1) == "за":
            return None
        j = i + 1 if within else i
        nouns = ("период",) if within else ANAPHORIC_NOUNS
        if within and self.low(j) == "период" and self.low(j + 1) not in {"с", "до", "от"}:
            end = j + 1  # a bare "за период" in a report: the period the text named last
        elif within and self.low(j) in {"тот", "то"} and self.low(j + 1) == "же" and self.low(j + 2).startswith("период"):
            end = j + 3  # "за тот же период"
        elif not (self.low(j).startswith(ANAPHORIC_DETERMINERS) and self.low(j + 1).startswith(nouns)):
            return None
        elif self.low(j).startswith("эт") and self.low(j) not in {"этот", "этого", "этому", "этом", "это", "этим"}:
            return None
        else:
            end = j + 2
        ref = next((t for t in reversed(self.found) if t.resolved and t.start_date and t.kind == "date"), None)
        kind = "interval" if within else "date"
        if ref is None:
            return self.make(first, end, kind, None, None, "refers to a period the text does not name before")
        return self.make(first, end, kind, (ref.start_date, ref.end_date), ref.granularity)
