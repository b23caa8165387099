"""Amounts in Russian news text: money, percent, multipliers, counts, durations, quantities.

A left-to-right scan over tokens (`scan.Scan`). At each position it reads a qualifier, then tries
`patterns.PATTERNS` in order:

    [qualifier [на|за|до]]  multiplier idiom                   "вдвое", "почти в два раза", "в 2,5 раза", "раза в два"
    [qualifier [на|до]]     fraction                           "более трети", "три четверти", "пятую часть"
    range                   "от A до B", "между A и B"         "от 2 млрд до 15 млрд руб.", "от 10 МВт до 1 ГВт"
    [qualifier [на|за|до]]  [+|−|минус] [currency] number [scale] [unit]
        unit: currency word | currency symbol | % | процент | SI unit | duration noun | counted noun (pipeline.counted)

The two ends of a range share what is written once: "от 5 до 7 млрд рублей", "от $31,8 до $33 млрд"; different
units of one dimension are converted to the first one ("от 10 МВт до 1 ГВт" = 10..1000 MW). "с 92,5 до 95,8 %"
is two amounts (a level before and after), the first taking the unit written once. "до" is a bound (`up_to`)
unless it marks a target value: after a change verb or noun, after another amount ("на 36%, до 17,1 млрд руб.")
or after "с X". A number without a unit is an amount only when its sentence says what it counts (a measure word:
"число закупок … 11 700"), it continues a list ("у «джунов» — 18,6 резюме, у «мидлов» — 14,7") or it is the end
of a "с X до Y". Words come from `models/lexicon/amounts.tsv` and `numerals.tsv`. Not amounts: years, days of
months, numbers glued to names ("H200", "5G"), ordinals ("на третьем месте"), vague plurals ("тысячами чипов"),
"с нуля", a period after "за" or "через" (time expressions), ages ("старше 35 лет"). The scanner is total: any input gives a (possibly
empty) list, never an exception.
"""

from __future__ import annotations

from collections.abc import Sequence

from pipeline.amounts.patterns import PATTERNS, match_at
from pipeline.amounts.scan import Scan
from pipeline.lexicon import Tok, scan_tokens, tokens_from_text
from pipeline.records import FoundAmount

__all__ = ["PATTERNS", "find_amounts"]


def find_amounts(text: str, tokens: Sequence[Tok] | None = None) -> list[FoundAmount]:
    """Every amount in `text` (tokens from the spaCy Doc when available, else razdel + pymorphy3). Total:
    `scan_tokens` skips a failing position."""
    tokens = tokens if tokens is not None else tokens_from_text(text)
    scan = Scan(text, tokens)
    return scan_tokens(len(tokens), lambda i: match_at(scan, i), scan.found)
