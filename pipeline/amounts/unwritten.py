"""From a measure to an amount, and the amounts whose unit is written elsewhere: the end of "с X до Y", a measure
word of the sentence ("число закупок … 11 700"), a list after an amount, a bracketed sum after a sum."""

from __future__ import annotations

from pipeline.amounts.measure import Measure, measure, months_after, unit_written_after
from pipeline.amounts.scan import Scan
from pipeline.amounts.words import LIST_CONTINUATION, end_with_dot
from pipeline.counted import is_age, measure_noun
from pipeline.records import FoundAmount


def finish(scan: Scan, first: int, j: int, m: Measure, qualifier: str, zero: bool):
    tokens = scan.tokens
    low, high = m.low * m.scale, m.high * m.scale

    def done(kind: str, unit: str | None, end: int) -> tuple[FoundAmount, int]:
        end = end_with_dot(tokens, end)
        return scan.make(first, end, kind, low, high, unit, qualifier, m.scale_word), end

    if not zero and m.kind in {"money", "quantity", "percent"}:
        return done(m.kind, m.unit, m.end)
    if not zero and m.kind == "duration":
        before = first - 1
        if before >= 0 and scan.time.match("interval_modifier", tokens, before):
            before -= 1
        time_prepositions = scan.lex.words("time_preposition")
        if before >= 0 and tokens[before].lower in time_prepositions or scan.low(j - 1) in time_prepositions:
            return None  # "за два года", "менее чем за семь недель": a time expression, not an amount
        if is_age(tokens, first, m.end):
            return None  # "в возрасте 60 лет": an age
        months = months_after(scan, m)
        if months is not None:  # "2 года 3 месяца": one length, in months
            low = high = low * 12 + months[0]
            return done("duration", "month", months[1])
        return done("duration", m.unit, m.end)
    if (not zero and m.kind == "count" and not tokens[j].text[:1].isdigit() and high < 10
            and scan.low(first - 1) in scan.lex.words("small_group_preposition")):
        return None  # "упала у трёх компаний", "одна из двух": a small group named in passing, no figure
    if not zero and m.kind == "count" and not (low == high == 1 and not tokens[j].text[:1].isdigit()):
        return done("count", m.unit, m.end)
    if m.kind is not None and not zero:
        return None
    return elliptical(scan, first, j, m, zero, done)


def elliptical(scan: Scan, first: int, j: int, m: Measure, zero: bool, done):
    """A number whose unit is written elsewhere: the end of "с X до Y", the first number of "с X до Y unit",
    a measure word of the sentence, a list after an amount. Only digits (a word number needs its noun) and
    never part of a name ("«Бюро 1440»", "PlayStation 2")."""
    tokens, previous = scan.tokens, scan.previous()
    before = scan.low(first - 1)
    # "с 95% до нуля": the end of a from-to continues the amount before it
    if (previous and before == "до" and previous.unit and tokens[first - 1].start - previous.stop <= 2
            and scan.low(scan.index_of(previous.start) - 1) == "с"):
        return done(previous.kind, previous.unit, m.end)
    spelled = not tokens[j].text[:1].isdigit()
    if zero or (spelled and not m.scale_word) or in_name(scan, first, m.end):
        return None  # "с нуля", "за пять летБлагодаря", "«Бюро 1440»"; "восемь тысяч" may go on
    # "с 92,5 до 95,8 %": the unit is written once, after the second number
    if before == "с" and scan.low(m.end) == "до" and not m.scale_word:
        target = measure(scan, m.end + 1)
        if target is not None and target.kind is not None and target.kind != "count":
            return done(target.kind, target.unit, m.end)
    unit = measure_noun(tokens, j)
    if unit:
        return done("count", unit, m.end)
    shared = unit_written_after(scan, m)
    if shared is not None:  # "за 11,7 млрд и 1,2 млрд руб. соответственно": written once, after the last
        return done(shared.kind, shared.unit, m.end)
    if previous is None or not previous.unit or previous.kind in {"duration", "multiplier"}:
        return None
    # "к 100 тыс. ускорителей добавлены ещё 50 тыс.", "составили 1,655 млн машин. … 1,636 миллиона": a scale
    # word repeats the count before it (in its sentence or the one before)
    if m.scale_word and previous.kind == "count" and scan.sentences_back(previous, j) <= 1:
        return done("count", previous.unit, m.end)
    # "«Вымпелком» прибавил 7,7% (до 334,7 млрд рублей), «МегаФон» – 8,15% (525,6 млрд)": a sum in brackets or
    # in a list repeats the currency of the sum before it in the sentence
    bracketed = before in {"(", "—", "–"} or scan.low(m.end) == ")"
    money = next((a for a in reversed(scan.found) if a.kind == "money"), None)
    if m.scale_word and money is not None and bracketed and scan.sentences_back(money, j) == 0:
        return done("money", money.unit, m.end)
    if spelled:
        return None
    # "у «джунов» — 18,6 резюме, у «мидлов» — 14,7": a bare number in a list after an amount
    listed = before in {"—", "–"} or scan.low(m.end) in LIST_CONTINUATION
    decimal = "," in tokens[j].text or before in {"—", "–"}
    if listed and decimal and not m.scale_word and scan.sentences_back(previous, j) <= 1:
        return done(previous.kind, previous.unit, m.end)
    return None


def in_name(scan: Scan, first: int, end: int) -> bool:
    """A bare number right after a capitalised word, or followed by a closing quote, is part of a name."""
    before = scan.tokens[first - 1] if first > 0 else None
    after = scan.tokens[end] if end < len(scan.tokens) else None
    if before is not None and before.text[:1].isupper() and before.stop + 1 >= scan.tokens[first].start:
        return True
    return after is not None and after.text in {"»", '"', "”"}
