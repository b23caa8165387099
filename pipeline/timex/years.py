"""Years: explicit ("2025 года", "2023 календарного года", "2025-го"), relative ("следующего года") and the bare
"года" whose year the tense decides."""

from __future__ import annotations

from pipeline.timex.scan import Scan
from pipeline.timex.words import YEAR_ADJECTIVE, YEAR_NUMBER, YEAR_ORDINAL, YEAR_WORD


def year_after(scan: Scan, i: int) -> tuple[int, int] | None:
    """'2025 года', '2023 календарного года', '2025 г.' at token i -> (year, index after)."""
    tok = scan.tok(i)
    if tok is not None and YEAR_ORDINAL.fullmatch(tok.text):  # "в третьем квартале 2025-го"
        return int(YEAR_ORDINAL.fullmatch(tok.text)[1]), i + 1
    if tok is None or not YEAR_NUMBER.fullmatch(tok.text):
        return None
    j = i + 1
    if YEAR_ADJECTIVE.fullmatch(scan.low(j)):
        j += 1
    if j < len(scan.tokens) and YEAR_WORD.fullmatch(scan.tokens[j].text):
        j += 1
        if scan.low(j) == "." and scan.low(j - 1) in {"г", "гг"}:
            j += 1
        return int(tok.text), j
    return None


def relative_year(scan: Scan, i: int) -> tuple[int, int] | None:
    """'следующего года', 'прошлом финансовом году', 'уходящего года' at token i -> (offset, index after)."""
    hit = scan.lex.match("relative", scan.tokens, i)
    if not hit:
        return None
    j = hit[1]
    if YEAR_ADJECTIVE.fullmatch(scan.low(j)):
        j += 1
    if j < len(scan.tokens) and YEAR_WORD.fullmatch(scan.tokens[j].text) and scan.low(j) not in {"г", "гг"}:
        return int(hit[0].value), j + 1
    return None


def year_of(scan: Scan, i: int) -> tuple[int | None, int]:
    """An explicit or relative year at token i: (year or None, index after; i when there is none)."""
    explicit = year_after(scan, i)
    if explicit:
        return explicit
    relative = relative_year(scan, i)
    if relative:
        return (scan.anchor.year + relative[0] if scan.anchor else None), relative[1]
    return None, i


def bare_year_word(scan: Scan, i: int) -> bool:
    """'года' with no number ("за восемь месяцев года", "в начале года"): the year the tense points to."""
    return scan.low(i) in {"года", "году"} and not (scan.tok(i - 1) and YEAR_NUMBER.fullmatch(scan.tokens[i - 1].text))
