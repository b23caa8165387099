"""The time-expression scanner: tokens in, `FoundTimex` records out. At each token the patterns are tried in the
order of `PATTERNS` and the first match wins; the scan goes on after it.

The order matters where patterns overlap: references and bounds before the points inside them ("аналогичным
периодом прошлого года" before "прошлого года", "до конца 2026 года" before "2026 года"), counted periods
before bare lengths ("за два года" before "два года"), and the length patterns last.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from pipeline.lexicon import Tok, scan_tokens
from pipeline.records import FoundTimex
from pipeline.timex import bounds, lengths, points, references, windows
from pipeline.timex.scan import Scan

PATTERNS = [
    references.anaphora, references.comparison_base, bounds.decade_end, windows.reported_months, windows.coming,
    bounds.boundary, bounds.since, windows.within, windows.through, lengths.during,
    points.day_words, points.numeric_date, points.day_month, points.part_of, points.months, points.years,
    points.ordinal_period, points.season, points.relative_period, points.year_adjective,
    references.year_ago, lengths.vague_ago, lengths.unit_ago, lengths.half_length, lengths.duration,
]


def scan_timexes(text: str, tokens: Sequence[Tok], anchor: date | None) -> list[FoundTimex]:
    """Every time expression over `tokens`, resolved against `anchor`. Total: `scan_tokens` skips a failing
    position."""
    scan = Scan(text, tokens, anchor)

    def match_at(i: int):
        for pattern in PATTERNS:
            try:
                result = pattern(scan, i)
            except (ValueError, OverflowError):  # a date beyond the calendar ("за 9999 лет"): not a match here
                result = None
            if result is not None:
                return result
        return None

    return scan_tokens(len(tokens), match_at, scan.found)
