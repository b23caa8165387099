"""Attribution phrases ("по оценкам X", "по его словам", "согласно X", "следует из данных X"), found once per
article: where each starts, its pronoun and attribution word, and the tokens of the source it names."""

from __future__ import annotations

from collections.abc import Sequence

from pipeline.claims.words import CLAUSE_BREAKS, possessives, word_set
from pipeline.lexicon import Tok, lower_at
from pipeline.norm import parse_word


def attribution_phrases(tokens: Sequence[Tok], lex) -> dict[int, tuple[str | None, str, list[int]]]:
    """Every attribution phrase, found once: index of its first token -> (pronoun or None, attribution lemma,
    the tokens of the source up to the end of its segment). "по оценкам X", "по его словам", "со слов X",
    "согласно X", "следует из данных X", "опираясь на информацию X"."""
    phrases = {}
    for i, tok in enumerate(tokens):
        if tok.lower == "согласно":
            if tokens[i + 1].lemma not in word_set("relative_pronoun") if i + 1 < len(tokens) else False:
                phrases[i] = (None, "согласно", source_rest(tokens, i + 1, tok.sent))
            continue  # "согласно которой": the thing before it, not a source
        if tok.lemma == "следовать" and lower_at(tokens, i + 1) == "из" and attribution_word(tokens, lex, i + 2):
            phrases[i] = (None, attribution_word(tokens, lex, i + 2), source_rest(tokens, i + 3, tok.sent, i + 2))
            continue
        if (tok.lemma == "следовать" and lower_at(tokens, i + 1) == "из"
                and lower_at(tokens, i + 2) in word_set("document_pronoun")):
            phrases[i] = (lower_at(tokens, i + 2), "данные", [i + 2])  # "следует из него": the document before
            continue
        if tok.lower == "из" and lower_at(tokens, i + 1) in word_set("document_pronoun") and i + 2 < len(tokens) and (
                tokens[i + 2].lemma == "следовать"):
            phrases[i] = (lower_at(tokens, i + 1), "данные", [i + 1])  # "Из него следует, что …"
            continue
        if tok.lower == "известно" and lower_at(tokens, i + 1) == "из" and attribution_word(tokens, lex, i + 2):
            # "стало известно из отчёта компании X"
            phrases[i] = (None, attribution_word(tokens, lex, i + 2), source_rest(tokens, i + 3, tok.sent, i + 2))
            continue
        if (tok.lemma in {"опираться", "ссылаться"} and lower_at(tokens, i + 1) == "на"
                and attribution_word(tokens, lex, i + 2)):
            # "если опираться на информацию TrendForce", "ссылаясь на данные ЦБ"
            phrases[i] = (None, attribution_word(tokens, lex, i + 2), source_rest(tokens, i + 3, tok.sent, i + 2))
            continue
        if tok.lower not in {"по", "со"}:
            continue
        if tok.head >= 0 and tokens[tok.head].head >= 0 and tokens[tok.head].dep == "nmod" and (
                tokens[tokens[tok.head].head].pos == "NOUN" and tokens[tok.head].head < i):
            continue  # "специалистов по данным": a noun's own phrase, no attribution
        k = i + 1
        pronoun = tokens[k].lower if k < len(tokens) and tokens[k].lower in possessives() else None
        word = attribution_word(tokens, lex, k + 1 if pronoun else k)
        if not word or (tok.lower == "со" and word != "слово"):
            continue
        word_at = k + 1 if pronoun else k
        phrases[i] = (pronoun, word, source_rest(tokens, word_at + 1, tok.sent, word_at))
    return phrases


def source_rest(tokens: Sequence[Tok], j: int, sent: int, word: int | None = None) -> list[int]:
    """The source after an attribution word: tokens from j to the end of their segment, cut before a verb
    and, when the phrase sits inside a clause (a verb ends it), at the first token outside the attribution word's subtree
    ("Трафик по данным оператора T2 в среднем по России вырос" → "оператора T2")."""
    rest = []
    while (j < len(tokens) and tokens[j].sent == sent and tokens[j].text not in CLAUSE_BREAKS
           and tokens[j].pos not in {"VERB", "AUX"}):
        rest.append(j)
        j += 1
    within_clause = j < len(tokens) and tokens[j].pos in {"VERB", "AUX"}
    if word is None or not within_clause:
        return rest
    inside = []
    for k in rest:
        if not descends(tokens, k, word):
            break
        inside.append(k)
    return inside or rest


def descends(tokens: Sequence[Tok], k: int, ancestor: int) -> bool:
    for _ in range(12):
        if k == ancestor:
            return True
        head = tokens[k].head
        if head < 0 or head == k:
            return False
        k = head
    return False


def attribution_tokens(tokens: Sequence[Tok], phrases) -> set[int]:
    """Tokens of the attribution phrases up to and including the break that closes them: never a subject."""
    out: set[int] = set()
    for i, (_, _, rest) in phrases.items():
        last = max(rest, default=i + 1)
        out.update(range(i, last + 1))
        if last + 1 < len(tokens) and tokens[last + 1].text in CLAUSE_BREAKS:
            out.add(last + 1)
    return out


def attribution_word(tokens: Sequence[Tok], lex, i: int) -> str | None:
    """The attribution lemma of token i ("оценкам", "словам", "данным"), else None. The lemmatizer leaves
    "данным" as it is when the tagger calls it a noun, so pymorphy3's normal forms are tried too."""
    if i >= len(tokens):
        return None
    tok = tokens[i]
    for lemma in (tok.lemma, tok.lower):
        if lemma in lex["attribution"]:
            return lemma
    return next((p.normal_form for p in parse_word(tok.lower) if p.normal_form in lex["attribution"]), None)
