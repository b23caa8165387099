"""Property tests: every raw scanner and parser is total — it returns, whatever the input.

`FUZZ_EXAMPLES` sets how many inputs each property tries (200 in the normal run; `make fuzz` runs 10 000).
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.amounts import find_amounts
from pipeline.clean import clean_text, parse_header, parse_human_date
from pipeline.ingest import DecodeError, decode_bytes, read_jsonl, repair_surrogates, russian_prose
from pipeline.lexicon import tokens_from_text
from pipeline.nlp import sentence_starts
from pipeline.numbers import parse_digits, word_range, word_value
from pipeline.pieces import shift_id, split_pieces
from pipeline.records import RawDocument, Reject
from pipeline.timex import find_timexes

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "200"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))

# words our rules react to, so random sequences reach deep into them (written by us, not taken from any text)
WORDS = ["в", "на", "до", "к", "с", "за", "по", "через", "около", "более", "чем", "конца", "концу", "начале",
         "середине", "году", "года", "г.", "гг.", "2025", "1899", "9999", "99999999999", "2026–2028", "апреле",
         "марте", "декабре", "прошлом", "следующего", "квартале", "III", "IV", "первые", "последние", "течение",
         "двух", "месяцев", "лет", "летом", "осени", "вчера", "31", "февраля", "29", "ранее", "назад", "аналогичным",
         "периодом", "и", "от", "между", "$", "млрд", "млн", "тыс.", "трлн", "%", "раза", "раз", "два", "половиной",
         "три", "четверти", "трети", "пятую", "часть", "минус", "+", "−", "число", "штук", "—", ",", ".", "\n",
         "тысячами", "нуля", "1e308", "1e309", "10" * 30, "0,0000001", "5-процентном", "старше", "«", "»",
         "руб.", "долларов", "евро", "ГВт", "МВт", "тысяч", "миллиардов", "вдвое", "втрое", "десятки", "сотни"]
noise = st.lists(st.sampled_from(WORDS), max_size=40).map(" ".join)
texts = st.one_of(st.text(max_size=300), noise)
anchors = st.one_of(st.none(), st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)))


@FUZZ
@given(texts, anchors)
def test_timex_scanner_is_total(text, anchor):
    for t in find_timexes(text, anchor, tokens_from_text(text)):
        assert text[t.start:t.stop] == t.text
        assert t.resolved or t.reason
        if t.start_date and t.end_date:
            assert t.start_date <= t.end_date


@FUZZ
@given(texts)
def test_amount_scanner_is_total(text):
    for a in find_amounts(text, tokens_from_text(text)):
        assert text[a.start:a.stop] == a.text and a.value_min <= a.value_max


@FUZZ
@given(st.text(max_size=40))
def test_number_readers_are_total(word):
    parse_digits(word), word_value(word), word_range(word)


@FUZZ
@given(st.binary(max_size=400))
def test_decoding_raises_only_its_own_error(data):
    try:
        text, encoding = decode_bytes(data)
    except DecodeError as exc:
        assert exc.reason in {"empty", "binary", "undecodable"}
    else:
        assert isinstance(text, str) and encoding


@FUZZ
@given(st.one_of(st.binary(max_size=400), st.lists(st.text(max_size=60), max_size=5).map(
    lambda lines: "\n".join(lines).encode("utf-8", "surrogatepass"))))
def test_jsonl_reading_never_raises(data):
    for item in read_jsonl(Path("fuzz.jsonl"), data):
        assert isinstance(item, (RawDocument, Reject))
        if isinstance(item, RawDocument):
            item.text.encode("utf-8")  # never a lone surrogate


@FUZZ
@given(texts)
def test_cleaning_and_headers_are_total(text):
    cleaned = clean_text(text)
    assert "\r" not in cleaned
    parse_header(text), parse_human_date(text), russian_prose(text), repair_surrogates(text)


@FUZZ
@given(texts)
def test_sentence_starts_are_offsets_into_the_text(text):
    assert all(0 <= s <= len(text) for s in sentence_starts(text))


@FUZZ
@given(st.text(max_size=2000), st.integers(min_value=10, max_value=500))
def test_pieces_cover_the_text_in_order(text, limit):
    pieces = split_pieces(text, limit)
    assert pieces[0][0] == 0 and pieces[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in zip(pieces, pieces[1:]))
    assert all(stop - start <= limit for start, stop in pieces)


@pytest.mark.parametrize(
    "value, offset, shifted",
    [
        ("abc:12-20", 100, "abc:112-120"),
        ("abc:a5-9", 10, "abc:a15-19"),
        ("abc:c0-3", 7, "abc:c7-10"),
        ("no-offsets-here", 5, "no-offsets-here"),
    ],
)
def test_shift_id(value, offset, shifted):
    assert shift_id(value, offset) == shifted
