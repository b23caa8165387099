"""The amount patterns, each a function `(scan, first, j, qualifier)` that returns an amount and the index after
it, or None; `PATTERNS` is the order they are tried in after a qualifier, and the first match wins."""

from __future__ import annotations

from pipeline.amounts.measure import Measure, is_unit_after, join, measure, shared_scale
from pipeline.amounts.scan import Scan
from pipeline.amounts.unwritten import finish
from pipeline.amounts.words import DASH_SIGNS, HYPHEN_UNIT, MINUS, PLUS, change_words, percent_of
from pipeline.numbers import HALF_YEAR, match_number, word_reading
from pipeline.records import FoundAmount


def is_target(scan: Scan, i: int) -> bool:
    """Whether the "до" at token i marks a target value, not a bound: after a change verb or noun, right
    after another amount ("на 29 % до $191,8 млн", "на 36%, до 17,1 млрд руб.") or after "с X"."""
    previous = scan.previous()
    if previous is not None:
        gap = scan.text[previous.stop:scan.tokens[i].start]
        if gap.strip() in {"", ","}:
            return True
    words = change_words()
    for k in range(i - 1, max(i - 16, -1), -1):
        tok = scan.tokens[k]
        if tok.sent != scan.tokens[i].sent or tok.text in {".", ";"}:
            break
        if tok.lemma in words or tok.lower in words:
            return True
        if tok.lower == "с" and k + 1 < i and match_number(scan.tokens, k + 1, scan.text) is not None:
            return True
    return False


def multiplier(scan: Scan, first: int, j: int, qualifier: str):
    """'вдвое', 'в 1,5 раза', 'в два с половиной раза', 'раза в два' (inverted: approximately)."""
    hit = scan.lex.match("multiplier_word", scan.tokens, j)
    if hit:
        value = float(hit[0].value)
        return scan.make(first, hit[1], "multiplier", value, value, "times", qualifier, None), hit[1]
    if scan.low(j) == "в":
        number = match_number(scan.tokens, j + 1, scan.text)
        if number and scan.low(number.end).startswith("раз"):
            end = number.end + 1
            return scan.make(first, end, "multiplier", number.low, number.high, "times", qualifier, None), end
    if scan.low(j).startswith("раз") and scan.low(j + 1) == "в":
        number = match_number(scan.tokens, j + 2, scan.text)
        if number and not scan.low(number.end).startswith("раз") and not is_unit_after(scan, number.end):
            return (scan.make(first, number.end, "multiplier", number.low, number.high, "times",
                              "approx" if qualifier == "none" else qualifier, None), number.end)
    return None


def fraction(scan: Scan, first: int, j: int, qualifier: str):
    """'более трети', 'на треть', 'три четверти' (a numerator times the fraction), 'пятую часть'."""
    hit = scan.lex.match("fraction_part", scan.tokens, j)
    if hit:
        value = percent_of(hit[0].value)
        return scan.make(first, hit[1], "percent", value, value, "percent", qualifier, None), hit[1]
    numerator, k = 1.0, j
    reading = word_reading(scan.tokens[j].text) if j < len(scan.tokens) else None
    if reading and reading[1] == "any" and 1 < reading[0] < 10:
        numerator, k = reading[0], j + 1
    hit = scan.lex.match("fraction", scan.tokens, k)
    if not hit or scan.lex.match("scale", scan.tokens, hit[1]):
        return None  # "половины триллиона рублей": a fraction of a scale word is a number (`measure`)
    governed = qualifier != "none" or scan.low(first - 1) in {"на", "до"}
    if numerator == 1 and not governed:
        return None  # "половина сотрудников" is a fraction only with a qualifier or "на/до"
    value = percent_of(hit[0].value, numerator)
    return scan.make(first, hit[1], "percent", value, value, "percent", qualifier, None), hit[1]


def half_year(scan: Scan, first: int, j: int, qualifier: str):
    """'полгода', 'в течение полугода': half a year (not after "за" or "через": a time expression)."""
    if not HALF_YEAR.fullmatch(scan.low(j)) or scan.low(first - 1) in scan.lex.words("time_preposition"):
        return None
    return scan.make(first, j + 1, "duration", 0.5, 0.5, "year", qualifier, None), j + 1


def glued_unit(scan: Scan, first: int, j: int, qualifier: str):
    """'3-нм', '20-летний', '5-процентном'."""
    glued = HYPHEN_UNIT.fullmatch(scan.tokens[j].text)
    if not glued or (j > 0 and scan.text[scan.tokens[j].start - 1:scan.tokens[j].start].isalpha()):
        return None
    value = float(glued[1].replace(",", "."))
    suffix = glued[2].lower()
    if suffix == "нм":
        return scan.make(first, j + 1, "quantity", value, value, "nm", qualifier, None), j + 1
    if suffix.startswith("процент"):
        return scan.make(first, j + 1, "percent", value, value, "percent", qualifier, None), j + 1
    unit = {"л": "year", "м": "month", "д": "day"}[suffix[0]]
    return scan.make(first, j + 1, "duration", value, value, unit, qualifier, None), j + 1


def range_amount(scan: Scan, first: int, j: int, qualifier: str):
    """'от A до B', 'между A и B': one amount whose ends share what is written once."""
    opener = scan.low(j)
    if opener not in {"от", "между"}:
        return None
    low = measure(scan, j + 1)
    if low is None or scan.low(low.end) != ("до" if opener == "от" else "и"):
        return None
    high = measure(scan, low.end + 1)
    if high is None or high.kind is None:
        return None
    combined = join(scan, low, high)
    if combined is None:
        return None
    low_value, high_value = combined
    return (scan.make(first, high.end, high.kind, low_value, high_value, low.unit or high.unit, qualifier,
                      high.scale_word or low.scale_word), high.end)


def plain(scan: Scan, first: int, j: int, qualifier: str):
    """[+|−|минус] [currency] number [scale] [unit]."""
    if scan.low(j) == "в" and qualifier != "none":
        return None  # after a qualifier "в" opens a multiplier or nothing
    tokens = scan.tokens
    sign = 1.0
    if scan.low(j) in PLUS | MINUS and j + 1 < len(tokens) and tokens[j + 1].text[:1].isdigit():
        sign = -1.0 if scan.low(j) in MINUS else 1.0
        j += 1
    elif dash_sign(scan, j):
        sign, j = -1.0, j + 1
    reading = word_reading(tokens[j].text) if tokens[j].text.isalpha() else None
    zero = reading is not None and reading[0] == 0
    governed = qualifier != "none" or scan.low(first - 1) in scan.lex.words("governing")
    read = measure(scan, j, governed=governed)
    if read is None:
        return None
    if sign < 0:
        read = Measure(-read.high, -read.low, read.end, read.kind, read.unit, read.scale, read.scale_word)
    return finish(scan, first, j, shared_scale(scan, first, read), qualifier, zero)


def dash_sign(scan: Scan, j: int) -> bool:
    """"прибыль: –29,8%", "(–12%)": a dash glued to the digits after it and not to what comes before (a space, a
    bracket, a colon) is a minus; "МТС – 14,7%" (spaced) is a dash, "10–12%" a range."""
    tokens = scan.tokens
    if scan.low(j) not in DASH_SIGNS or j + 1 >= len(tokens) or not tokens[j + 1].text[:1].isdigit():
        return False
    if tokens[j + 1].start != tokens[j].stop:
        return False
    before = scan.text[tokens[j].start - 1:tokens[j].start] if tokens[j].start else " "
    return before.isspace() or before in "(:;["


PATTERNS = [multiplier, fraction, glued_unit, half_year, range_amount, plain]


def match_at(scan: Scan, i: int) -> tuple[FoundAmount, int] | None:
    """The amount starting at token i: a qualifier ("более", "до", "ниже") read first, then the patterns in order."""
    tokens, lex = scan.tokens, scan.lex
    first, j, qualifier = i, i, "none"
    hit = lex.match("qualifier", tokens, j)
    comparative = lex.match("comparative", tokens, j)
    if comparative and match_number(tokens, comparative[1], scan.text) is not None:
        hit = comparative  # "ниже 50%"; "выше в 62 раза" compares, it does not qualify the multiplier
    if hit:
        entry, j = hit
        qualifier = entry.value
        if qualifier == "up_to" and is_target(scan, i):
            first, qualifier = j, "none"  # "выросла … до 452 млрд": the target, outside the span
        elif qualifier != "up_to" and scan.low(j) in scan.lex.words("qualifier_preposition"):
            j += 1
        if j >= len(tokens):
            return None
    for pattern in PATTERNS:
        result = pattern(scan, first, j, qualifier)
        if result is not None:
            return result
    return None
