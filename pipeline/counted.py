"""What a count counts: the noun after the number, or the one the sentence names as its measure.

    "140 китайских компаний"                     -> компания   (adjectives and participles in between)
    "154 млн проданных консолей"                 -> консоль
    "200 дата-центров", "40 ИИ-моделей"          -> дата-центр, модель  (a lower-case first part stays, an abbreviation goes)
    "25 тысяч рабочих мест"                      -> рабочее место       (`count_noun` terms of amounts.tsv)
    "число закупок равнялось 11 700"             -> закупка    (a bare number takes the noun its measure word governs)
    "количество … пластин выросло до 2,5 млн штук" -> пластина (a classifier, "штук", "единиц", names no thing)

Words come from `models/lexicon/amounts.tsv` (`count_noun`, `measure_noun`, `classifier`). Pure functions over
`Tok` records: Natasha's POS when the tokens come from a Doc, pymorphy3 alone for plain text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pipeline.lexicon import Tok, amount_lexicon, time_lexicon
from pipeline.norm import parse_word

MODIFIER_POS = {"ADJF", "PRTF", "NPRO"}
GLUED_WORDS = re.compile(r"[а-яё][А-ЯЁ]")  # "летБлагодаря": a title glued to the next line, not a word
ABBREVIATION_PART = re.compile(r"[A-ZА-ЯЁ]{2,}|[A-Za-z]+")


def _lemma_of(word: str, parse) -> str:
    """The counted noun's lemma; a hyphenated noun keeps a lower-case first part ("дата-центров" -> "дата-центр")
    and drops an abbreviation or Latin one ("ИИ-моделей" -> "модель")."""
    lemma = parse.normal_form.replace("ё", "е")
    head, sep, _ = word.rpartition("-")
    if sep and head and not ABBREVIATION_PART.fullmatch(head) and re.fullmatch(r"[а-яё]+(?:-[а-яё]+)*", head):
        return f"{head.lower()}-{lemma}"
    return lemma


def _is_word(tok: Tok) -> bool:
    last = tok.text.split("-")[-1]
    return bool(last.isalpha() and re.search("[а-яё]", last, re.IGNORECASE)) and not GLUED_WORDS.search(tok.text)


def counted_noun(tokens: Sequence[Tok], i: int) -> tuple[str, int] | None:
    """The noun a count counts, starting at token i: ('компания', index after the noun); up to three adjectives
    or participles before it. None when no noun follows (or it is a time word, a scale word, a proper name)."""
    lex = amount_lexicon()
    j = i
    for _ in range(4):
        if j >= len(tokens) or (j > 0 and tokens[j].sent != tokens[j - 1].sent):
            return None
        term = lex.match("count_noun", tokens, j)
        if term:
            return term[0].value, term[1]
        if not _is_word(tokens[j]) or len(tokens[j].text) < 3:
            return None  # "2 ст. 19.7 КоАП", "ч. 3": an abbreviation counts nothing
        word = tokens[j].text
        parses = parse_word(word.split("-")[-1].lower())
        if not parses:
            return None
        pos = tokens[j].pos
        readings = {p.tag.POS for p in parses}
        modifier = bool(readings & MODIFIER_POS)
        noun = next((p for p in parses if p.tag.POS == "NOUN"), None)
        if modifier and (pos in {"ADJ", "DET"} or (pos == "VERB" and "PRTF" in readings)
                         or (not pos and parses[0].tag.POS != "NOUN")):
            j += 1
            continue
        if pos and pos not in {"NOUN", "PROPN"}:
            # Natasha's tag decides unless pymorphy3 knows the word only as a noun ("ускорителей" tagged ADJ)
            if noun is None or modifier or readings - {"NOUN"}:
                return None
        elif not pos and parses[0].tag.POS != "NOUN":
            return None  # plain text: the most likely reading must be a noun ("45 и" is no count)
        if noun is None:
            return None
        if word[:1].isupper() and j == i and pos == "PROPN":
            return None
        lemma = _lemma_of(word, noun)
        if lemma in amount_lexicon().words("not_counted") or time_lexicon().match("month", tokens, j):
            return None
        if lex.match("classifier", tokens, j):
            named = _noun_after_classifier(tokens, j + 1)
            if named:  # "1,2 млн единиц техники": the noun after the classifier is what is counted
                return named
            return measure_noun(tokens, i) or measure_noun(tokens, i, "classifier_measure") or lemma, j + 1
        return lemma, j + 1
    return None


def _noun_after_classifier(tokens: Sequence[Tok], j: int) -> tuple[str, int] | None:
    """A genitive noun (after its adjectives) right after "единиц"/"штук": (lemma, index after)."""
    for k in range(j, min(j + 3, len(tokens))):
        tok = tokens[k]
        if tok.sent != tokens[j - 1].sent or not _is_word(tok) or tok.text[:1].isupper():
            return None
        parses = parse_word(tok.text.split("-")[-1].lower())
        noun = next((p for p in parses if p.tag.POS == "NOUN" and p.tag.case == "gent"), None)
        if noun is not None and tok.pos in {"", "NOUN"} and not time_lexicon().match("month", tokens, k):
            lemma = _lemma_of(tok.text, noun)
            return (lemma, k + 1) if lemma not in amount_lexicon().words("not_counted") else None
        if not ({p.tag.POS for p in parses} & MODIFIER_POS) or tok.pos not in {"", "ADJ", "DET", "VERB"}:
            return None
    return None


def measure_noun(tokens: Sequence[Tok], i: int, category: str = "measure_noun") -> str | None:
    """The noun a measure word governs earlier in token i's sentence ("число атак … до 158" -> 'атака'):
    the first noun with a genitive reading after "число"/"количество", skipping its modifiers and any
    prepositional phrase ("количество обработанных за квартал кремниевых пластин"). With `category`
    "classifier_measure", the words that name goods only for a classifier ("Поставки смартфонов … 322 млн штук")."""
    lex = amount_lexicon()
    sent = tokens[i].sent if i < len(tokens) else -1
    k = min(i, len(tokens)) - 1
    while k >= 0 and tokens[k].sent == sent:
        if lex.match(category, tokens, k):
            noun = _governed_noun(tokens, k + 1, i)
            if category == "classifier_measure" and noun in amount_lexicon().words("seller_noun"):
                return None  # "объём продаж компании BYD … 5,3 млн единиц": the seller is not what is counted
            return noun
        k -= 1
    return None


def _governed_noun(tokens: Sequence[Tok], start: int, stop: int) -> str | None:
    in_phrase = False  # after a preposition: its own noun is skipped ("за квартал")
    for j in range(start, min(stop, start + 8)):
        tok = tokens[j]
        if tok.pos == "ADP" or tok.lower in {"за", "на", "в", "с", "по", "от", "до"}:
            in_phrase = True
            continue
        if not _is_word(tok):
            return None
        parses = parse_word(tok.text.split("-")[-1].lower())
        nouns = [p for p in parses if p.tag.POS == "NOUN"]
        if not nouns or (tok.pos not in {"", "NOUN", "PROPN"} and {p.tag.POS for p in parses} & MODIFIER_POS):
            continue  # a modifier
        if in_phrase:
            in_phrase = False
            continue
        genitive = next((p for p in nouns if p.tag.case == "gent"), None)
        return _lemma_of(tok.text, genitive) if genitive else None
    return None


def is_age(tokens: Sequence[Tok], first: int, end: int) -> bool:
    """'в возрасте 60 лет', 'старше 35 лет', '18 лет и старше': a person's age, not a length of time anything
    lasts (neither a duration amount nor a duration time expression)."""
    lex = amount_lexicon()
    before = [tokens[k].lower for k in range(max(0, first - 3), first) if tokens[k].sent == tokens[first].sent]
    if any(word.startswith(lex.prefixes("age_before")) for word in before):
        return True
    owner = tokens[first - 1] if first > 0 and tokens[first - 1].sent == tokens[first].sent else None
    people = lex.words("people_noun")  # "люди 35-44 лет", "аудитория 18–24 лет": a group described by its age
    if owner is not None and end > 0 and tokens[end - 1].lower in {"лет", "года"} and (
            owner.lemma in people or {p.normal_form for p in parse_word(owner.lower)} & people):
        return True
    return end + 1 < len(tokens) and tokens[end].lower in {"и", "или"} and tokens[end + 1].lower in lex.words("age_after")
