"""Time expressions in Russian news text, resolved against the article's publication date (the anchor).

Spans follow gold/GUIDELINES.md: a leading locative "в/во/на" (and "к" before a target) is left out ("в прошлом
году" → "прошлом году"), prepositions that change the meaning stay in ("до конца 2026 года", "с начала августа",
"за два года", "в течение четырёх месяцев", "через месяц"). Kinds: `date` (a calendar unit named as a point),
`interval` (explicit bounds or a boundary), `duration` (a length). A unit without a year is placed by the tense
of the verb that governs it: past → the most recent one starting on or before the anchor, future → the earliest
one ending on or after it; inside reported speech the report's tense counts ("ожидала, что в третьем квартале
выручка увеличится" is the past quarter). Without an anchor, relative expressions stay unresolved with a reason;
nothing is ever guessed from today's date. Words come from `models/lexicon/time_words.tsv`.

    pipeline/timex/calendar.py    calendar arithmetic (periods, parts of periods, placing by tense)
    pipeline/timex/scan.py        the scan object the patterns share: tokens, anchor, what was found, `make`
    pipeline/timex/scanner.py     the order the patterns are tried in (`PATTERNS`) and the scan loop
    pipeline/timex/years.py       explicit and relative years
    pipeline/timex/tense.py       the tense of an expression's clause, placing a period without a year by it
    pipeline/timex/points.py      calendar units named as a point
    pipeline/timex/bounds.py      up to a boundary, from a start
    pipeline/timex/windows.py     periods counted in units: after "за" and "через", "ближайшие три года"
    pipeline/timex/lengths.py     durations, and points that long before publication ("два года назад")
    pipeline/timex/references.py  periods named by reference to another ("годом ранее", "за указанный период")
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from pipeline.lexicon import Tok, tokens_from_text
from pipeline.timex.calendar import month_range, period_range, shift
from pipeline.records import FoundTimex
from pipeline.timex.scanner import PATTERNS, scan_timexes

__all__ = ["PATTERNS", "FoundTimex", "find_timexes", "month_range", "period_range", "scan_timexes", "shift"]


def find_timexes(text: str, anchor: date | None, tokens: Sequence[Tok] | None = None) -> list[FoundTimex]:
    """Every time expression in `text`, resolved against `anchor` (the publication date, or None)."""
    tokens = tokens if tokens is not None else tokens_from_text(text)
    return scan_timexes(text, tokens, anchor)
