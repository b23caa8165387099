"""What a pronoun or a relative word stands for: the noun phrase before it that agrees with it.

    "государственные компании, на которые пришлось 34%"   которые -> государственные компании
    "люди 35-44 лет, на них приходится 34%"               них     -> люди 35-44 лет
    "Доля цифровых версий растёт — на них приходится 83%" них     -> цифровых версий
    "Компания … . Она вложит"                             она     -> the last agreeing subject before

The antecedent is the nearest noun before the word, in its sentence first and then in the sentence before,
that agrees with it in number (and gender, in the singular) by pymorphy3, preferring a nominative; it never
crosses a paragraph. Pure: tokens in, token indices out.
"""

from __future__ import annotations

from functools import lru_cache

from pipeline.claims.article import ArticleView
from pipeline.claims.words import CLAUSE_BREAKS, word_set
from pipeline.norm import parse_word

MAX_WORDS = 6  # an antecedent phrase reaches this far either side of its noun


@lru_cache(maxsize=20000)
def _agreement(word: str) -> frozenset[tuple[str, str]]:
    """(number, gender) readings of a pronoun or noun form ('них' -> {('plur', '')}, 'она' -> {('sing', 'femn')})."""
    readings = set()
    for p in parse_word(word.lower()):
        if p.tag.POS in {"NOUN", "NPRO", "ADJF"}:
            number = p.tag.number or ""
            readings.add((number, (p.tag.gender or "") if number == "sing" else ""))
    return frozenset(readings)


def is_pronoun(view: ArticleView, i: int) -> bool:
    tok = view.tokens[i]
    return tok.lower in word_set("personal_pronoun") or tok.lemma.startswith("котор") or tok.lower.startswith("котор")


def antecedent_of(view: ArticleView, i: int) -> list[int] | None:
    """The tokens of the noun phrase pronoun i stands for, or None."""
    tokens = view.tokens
    wanted = _agreement(tokens[i].lower)
    if not wanted:
        return None
    sent = tokens[i].sent
    paragraph = view.paragraph_of(tokens[i].start)
    relative = tokens[i].lower.startswith("котор")
    candidates = []
    for k in range(i - 1, max(-1, i - 60), -1):
        tok = tokens[k]
        if tok.sent < sent - (0 if relative else 1) or view.paragraph_of(tok.start) != paragraph:
            break
        if tok.pos not in {"NOUN", "PROPN"} or k in view.attribution or is_pronoun(view, k):
            continue
        if view.timex_covering(tok.start) is not None or any(a.start <= tok.start < a.stop for a in view.amounts):
            continue
        if not (_agreement(tok.text) & wanted) and not (tok.pos == "PROPN" and ("sing", "") not in wanted):
            continue
        candidates.append(k)
        if relative:
            break  # "компании, на которые": the nearest agreeing noun
    if not candidates:
        return None
    # a subject pronoun ("она", "они") stands for the nearest nominative (a subject); an oblique one ("из него",
    # "на них") for the nearest agreeing noun
    subject_form = tokens[i].lower in {"она", "он", "оно", "они"}
    best = next((k for k in candidates if tokens[k].case == "Nom"), candidates[0]) if subject_form else candidates[0]
    head = tokens[best].head
    if (tokens[best].dep == "nmod" and 0 <= head < best and tokens[head].pos == "NOUN"
            and _agreement(tokens[head].text) & wanted):
        best = head  # "студенты вузов, на них": the phrase's head, not its genitive
    while tokens[best].head >= 0 and tokens[best].dep in {"flat", "flat:foreign", "appos"} and tokens[best].head < best:
        best = tokens[best].head
    # the noun's phrase inside its own segment (between punctuation): "Ядро клиентов — студенты вузов, на них"
    lo, hi = best, best
    while lo - 1 >= 0 and tokens[lo - 1].text not in CLAUSE_BREAKS and tokens[lo - 1].sent == tokens[best].sent:
        lo -= 1
    while hi + 1 < i and tokens[hi + 1].text not in CLAUSE_BREAKS:
        hi += 1
    segment = set(range(lo, hi + 1))
    phrase = [k for k in view.subtree(best, segment) if abs(k - best) <= MAX_WORDS and not is_pronoun(view, k)
              and tokens[k].pos not in {"ADP", "CCONJ"} or k == best]
    return sorted(set(phrase) & segment) or [best]
