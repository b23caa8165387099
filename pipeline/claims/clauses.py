"""Clauses: each token's clause index. Segments split at , ; : — and brackets; verbless insertions join the
clause whose verb follows them, a verbless segment with an amount stays a clause of its own."""

from __future__ import annotations

from collections.abc import Sequence

from pipeline.claims.words import CLAUSE_BREAKS
from pipeline.lexicon import Tok
from pipeline.records import Amount


def clause_indices(tokens: Sequence[Tok], amounts: Sequence[Amount], lex) -> list[int]:
    """Clause index per token. Segments split at , ; : — and brackets (a break belongs to the segment it
    closes); verbless insertions are not clauses of their own: "SoftBank, ещё один участник Stargate, в
    феврале вложила …" and "Общие инвестиции, по оценке «Коммерсанта», составляют …" are one clause."""
    segments: list[list[int]] = []
    sent = -1
    for i, tok in enumerate(tokens):
        if tok.sent != sent or not segments or tokens[segments[-1][-1]].text in CLAUSE_BREAKS:
            segments.append([])
        sent = tok.sent
        segments[-1].append(i)
    amount_starts = {a.start for a in amounts}
    result = [0] * len(tokens)
    clause, k = 0, 0
    while k < len(segments):
        clause += 1
        head = segments[k]
        members = [head]
        before = segments[k - 1] if k else None
        if not has_verb(tokens, head) and not verbless_amount(tokens, head, before, amount_starts):
            j = k + 1
            # absorb verbless insertions up to and including the first segment with a verb
            while j < len(segments) and tokens[segments[j][0]].sent == tokens[head[0]].sent:
                seg = segments[j]
                words = [i for i in seg if tokens[i].text not in CLAUSE_BREAKS]
                if not words:
                    members.append(seg)
                    j += 1
                    continue
                first = tokens[words[0]]
                if {first.lower, first.lemma} & set(lex["clause_opener"]) or (
                        not has_verb(tokens, seg) and any(tokens[i].start in amount_starts for i in words)):
                    break  # a new clause, or a verbless one with an amount of its own ("прибыль — 2 млрд")
                members.append(seg)
                j += 1
                if has_verb(tokens, seg):
                    break
            if len(members) > 1 and has_verb(tokens, members[-1]):
                k = j
            else:
                members, k = [head], k + 1
        else:
            k += 1
        for seg in members:
            for i in seg:
                result[i] = clause
    return result


def verbless_amount(tokens: Sequence[Tok], segment: Sequence[int], before: Sequence[int] | None, starts: set[int]) -> bool:
    """A verbless segment with an amount inside a sentence continues the clause before it ("сократилось на
    45%, до 836 тыс., подсчитали в X", "США — плюс 79,1 %: этому способствовало …"): it is a clause of its own,
    never the start of the next one."""
    if before is None or tokens[before[0]].sent != tokens[segment[0]].sent:
        return False
    return any(tokens[i].start in starts for i in segment)


def has_verb(tokens: Sequence[Tok], segment: Sequence[int]) -> bool:
    return any(tokens[i].pos in {"VERB", "AUX"} and tokens[i].dep not in {"amod", "acl"}
               for i in segment)
