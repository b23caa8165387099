"""Long articles in pieces: the NLP models see bounded text whatever the article's length.

A piece ends at the last paragraph break inside its window, else the last line break, else the last sentence end
(". ", "! ", "? "), else the last space, else wherever the window ends. Pieces cover the text without gaps, so
every offset of a piece plus its start is an offset into the whole article.
"""

from __future__ import annotations

import re
from dataclasses import replace

from pipeline.records import Amount, ArticleResult, Claim, ClaimAmount, Mention, Timex

PIECE_CHARS = 20_000  # well under spaCy's 1 000 000-character limit; per-character cost flat from here on
_BREAKS = (re.compile(r"\n\s*\n"), re.compile(r"\n"), re.compile(r"[.!?…]\s"), re.compile(r"\s"))
_OFFSET_ID = re.compile(r"^(?P<head>.*:[a-z]?)(?P<start>\d+)-(?P<stop>\d+)$")


def split_pieces(text: str, limit: int = PIECE_CHARS) -> list[tuple[int, int]]:
    """(start, stop) of each piece, in order, covering `text`; one piece when it fits."""
    pieces, start = [], 0
    while len(text) - start > limit:
        window = text[start:start + limit]
        cut = None
        for pattern in _BREAKS:
            ends = [m.end() for m in pattern.finditer(window, limit // 2)]
            if ends:
                cut = ends[-1]
                break
        cut = cut or limit
        pieces.append((start, start + cut))
        start += cut
    pieces.append((start, len(text)))
    return pieces


def shift_id(value: str, offset: int) -> str:
    """"<article>:a120-135" → "<article>:a(120+offset)-(135+offset)"."""
    match = _OFFSET_ID.match(value)
    if match is None:
        return value
    return f"{match['head']}{int(match['start']) + offset}-{int(match['stop']) + offset}"


def shift_result(result: ArticleResult, offset: int, sentences: int) -> ArticleResult:
    """A piece's records with offsets and sentence indices into the whole article."""
    def mention(m: Mention) -> Mention:
        return replace(m, mention_id=shift_id(m.mention_id, offset), start=m.start + offset, stop=m.stop + offset,
                       sent_index=m.sent_index + sentences)

    def amount(a: Amount) -> Amount:
        return replace(a, amount_id=shift_id(a.amount_id, offset), start=a.start + offset, stop=a.stop + offset,
                       sent_index=a.sent_index + sentences)

    def timex(t: Timex) -> Timex:
        return replace(t, timex_id=shift_id(t.timex_id, offset), start=t.start + offset, stop=t.stop + offset,
                       sent_index=t.sent_index + sentences)

    def claim(c: Claim) -> Claim:
        return replace(c, claim_id=shift_id(c.claim_id, offset), amount_id=shift_id(c.amount_id, offset),
                       subject_mention_id=c.subject_mention_id and shift_id(c.subject_mention_id, offset),
                       source_mention_id=c.source_mention_id and shift_id(c.source_mention_id, offset),
                       evidence_start=c.evidence_start + offset, evidence_stop=c.evidence_stop + offset,
                       sent_index=c.sent_index + sentences)

    def link(x: ClaimAmount) -> ClaimAmount:
        return replace(x, claim_id=shift_id(x.claim_id, offset), amount_id=shift_id(x.amount_id, offset))

    return ArticleResult(result.article, [mention(m) for m in result.mentions], [amount(a) for a in result.amounts],
                         [timex(t) for t in result.timexes], [claim(c) for c in result.claims],
                         [link(x) for x in result.claim_amounts])
