"""What the amount patterns share besides the scan: word sets, the unit sizes and change words read from
`models/lexicon/amounts.tsv`, and small helpers over tokens."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

from pipeline.lexicon import Tok, amount_lexicon
from pipeline.numbers import NumberMatch

HYPHEN_UNIT = re.compile(r"(\d+(?:[.,]\d+)?)-(нм|летн\w*|месячн\w*|дневн\w*|процентн\w*)", re.IGNORECASE)
LATIN_NAME = re.compile(r"[A-Za-z][A-Za-z]+")
PLUS, MINUS = {"+"}, {"−", "минус"}
DASH_SIGNS = {"–", "-"}  # an en dash or hyphen glued to a number after a space or bracket is its minus: "(–12%)"
LIST_CONTINUATION = {",", "и", "у", "в", ")", ";", "."}


def is_year(tokens: Sequence[Tok], number: NumberMatch, lex_time) -> bool:
    """'2024 году', '1899 года', '2026–2028 годы', '16 января': calendar expressions, not amounts."""
    if number.end < len(tokens):
        nxt = tokens[number.end].lower
        if 1000 <= number.low <= 2100 and number.low == int(number.low) and (nxt.startswith("год") or nxt in {"г", "гг"}):
            return True
        if 1 <= number.low <= 31 and lex_time.match("month", tokens, number.end):
            return True
    return False


@cache
def change_words() -> frozenset[str]:
    """Lemmas after which "до X" is a target value (the change_verb rows of amounts.tsv: verbs and nouns)."""
    return frozenset(e.patterns[0].pattern for e in amount_lexicon().by_category["change_verb"])


@cache
def unit_sizes() -> dict[str, tuple[str, float]]:
    """Unit code -> (dimension, size in the dimension's base unit), from the unit_size rows of amounts.tsv."""
    sizes = {}
    for entry in amount_lexicon().by_category["unit_size"]:
        dimension, size = entry.value.split()
        sizes[entry.patterns[0].pattern] = (dimension, float(size))
    return sizes


def tidy(value: float) -> float:
    """12 significant digits: 4,1 × 10⁹ is 4100000000, not 4099999999.9999995."""
    return float(f"{value:.12g}")


def percent_of(fraction: str, times: float = 1.0) -> float:
    """'1/3' -> 33.33; times 2 -> 66.67 (a fraction of the lexicon as a percent, two decimals)."""
    numerator, _, denominator = fraction.partition("/")
    return round(100 * times * float(numerator) / float(denominator or 1), 2)


def end_with_dot(tokens: Sequence[Tok], j: int) -> int:
    """Include the period of an abbreviation ("руб.", "тыс.") when it is glued to it."""
    if (j < len(tokens) and tokens[j].text == "." and tokens[j - 1].lower in amount_lexicon().words("dotted_abbreviation")
            and tokens[j].start == tokens[j - 1].stop):
        return j + 1
    return j
