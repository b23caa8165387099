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
from pipeline.timex.scan import Scan
from pipeline.timex.years import year_of

SUB_YEAR = {"day", "week", "month", "season", "quarter", "half"}
PERIODS = {"month", "season", "quarter", "half", "year"}


def reference(scan: Scan, i: int, sub_year: bool = False, paragraph: bool = True):
    """The period a comparison at token i refers to: the last resolved date before it in its sentence, else
    (with `paragraph`) in its paragraph. `sub_year`: a quarter, month, season, … only."""
    sent = scan.tokens[i].sent
    par = scan.paragraph_of(scan.tokens[i].start)
    # a date, or a reported stretch of whole quarters or months ("за последний квартал … аналогичный период")
    candidates = [t for t in reversed(scan.found) if t.resolved and t.start_date
                  and (t.kind == "date" or (t.kind == "interval" and t.granularity in {"quarter", "month", "half"}
                                            and t.start_date.day == 1))
                  and (not sub_year or t.granularity in SUB_YEAR)]
    same_sentence = next((t for t in candidates if scan.sent_of(t.start) == sent), None)
    if same_sentence is not None or not paragraph:
        return same_sentence
    # beyond the sentence, a period a figure can be about (a month or longer): "вчера опубликовала отчёт.
    # Выручка …, чем годом ранее" compares with the quarter reported, not with yesterday
    return next((t for t in candidates if scan.paragraph_of(t.start) == par and t.granularity in PERIODS), None)


def reported_period(scan: Scan, unit: str):
    """The last resolved period of granularity `unit` the text has named (the period a report is about)."""
    for t in reversed(scan.found):
        if t.resolved and t.start_date and t.kind == "date" and t.granularity == unit:
            return t.start_date, t.end_date
    return None


def reported_sub_year(scan: Scan):
    for t in reversed(scan.found):
        if t.resolved and t.start_date and t.kind == "date" and t.granularity in SUB_YEAR:
            return t
    return None


def year_ago(scan: Scan, i: int):
    """'год назад', 'годом ранее', 'годичной давности': a year before the period compared with."""
    if (scan.low(i), scan.low(i + 1)) not in {("год", "назад"), ("годом", "ранее"), ("годичной", "давности")}:
        return None
    end = i + 2
    ref = reference(scan, i)
    if ref is not None:
        return scan.make(i, end, "date", shift_range((ref.start_date, ref.end_date), -1), ref.granularity)
    if scan.low(i + 1) == "назад" and scan.anchor is not None:
        point = shift(scan.anchor, years=-1)
        return scan.make(i, end, "date", (point, point), "day")
    return scan.make(i, end, "date", None, "year", "compared with a period the sentence does not name")


def comparison_base(scan: Scan, i: int):
    """'(по сравнению с) прошлым годом', 'аналогичным периодом прошлого года', 'аналогичный период 2024 года'."""
    if scan.low(i).startswith("аналогичн") and scan.low(i + 1).startswith("период"):
        year, end = year_of(scan, i + 2)
        ref = reference(scan, i, sub_year=True, paragraph=False) or reported_sub_year(scan)
        if ref is None:
            span = period_range(year, "year", 1) if year is not None else None
            return scan.make(i, max(end, i + 2), "date", span, "year")
        base = (ref.start_date, ref.end_date)
        years = (year - ref.start_date.year) if year is not None else -1
        if end == i + 2 and year is None and scan.anchor is None:
            return scan.make(i, end, "date", None, ref.granularity)
        return scan.make(i, max(end, i + 2), "date", shift_range(base, years), ref.granularity)
    if scan.low(i - 1) in {"с", "со"} and scan.low(i + 1) == "годом":
        hit = scan.lex.match("relative", scan.tokens, i)
        if not hit or int(hit[0].value) != -1 or hit[1] != i + 1:
            return None
        ref = reference(scan, i, sub_year=True, paragraph=False)
        if ref is not None:
            return scan.make(i, i + 2, "date", shift_range((ref.start_date, ref.end_date), -1), ref.granularity)
        if scan.anchor is None:
            return scan.make(i, i + 2, "date", None, "year")
        return scan.make(i, i + 2, "date", period_range(scan.anchor.year - 1, "year", 1), "year")
    return None


def anaphora(scan: Scan, i: int):
    """'за указанный период', '(к) этому времени', 'этот момент': the last date named before. After "за" only a
    period ("за это время" is "since then", not a period of the calendar)."""
    first = i
    within = scan.low(i) == "за"
    if not within and scan.low(i - 1) == "за":
        return None
    j = i + 1 if within else i
    nouns = ("период",) if within else scan.lex.prefixes("anaphoric_noun")
    if within and scan.low(j) == "период" and scan.low(j + 1) not in {"с", "до", "от"}:
        end = j + 1  # a bare "за период" in a report: the period the text named last
    elif within and scan.low(j) in {"тот", "то"} and scan.low(j + 1) == "же" and scan.low(j + 2).startswith("период"):
        end = j + 3  # "за тот же период"
    elif not (scan.low(j).startswith(scan.lex.prefixes("anaphoric_determiner")) and scan.low(j + 1).startswith(nouns)):
        return None
    elif scan.low(j).startswith("эт") and scan.low(j) not in {"этот", "этого", "этому", "этом", "это", "этим"}:
        return None
    else:
        end = j + 2
    ref = next((t for t in reversed(scan.found) if t.resolved and t.start_date and t.kind == "date"), None)
    kind = "interval" if within else "date"
    if ref is None:
        return scan.make(first, end, kind, None, None, "refers to a period the text does not name before")
    return scan.make(first, end, kind, (ref.start_date, ref.end_date), ref.granularity)
