"""Normal (nominative) forms of entity mentions with pymorphy3.

Natasha's own `MorphVocab` runs on pymorphy2; the project normalises with pymorphy3 (maintained), driven by
Natasha's morphology and syntax: the tagger says which case/number/gender a token is in, pymorphy3 picks the
analysis with those features and inflects it to the nominative.

Two general guards that Natasha lacks:
- tokens that are not Russian words — all-caps abbreviations ("ИИ", "КНР"), Latin, digits — are never
  re-inflected; in hyphenated compounds ("ИИ-отрасли") only the Russian word part is inflected, so the
  abbreviation is not misread as a word ("ИИ-отрасли" -> "ИИ-отрасль", not "ИЯ-отрасль");
- a token already in the nominative is left as written;
- the source's spelling convention is kept: no "ё" appears in a form whose source word was written with "е"
  (pymorphy3's dictionary forms carry "ё": "Селектела" must give "Селектел", not "Селектёл").
"""

from __future__ import annotations

import re
from collections import defaultdict, deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache

import pymorphy3

# ---------------------------------------------------------------------------
# token view: what normalisation needs to know about a token, library-free
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class NormToken:
    text: str
    pos: str = ""  # Universal Dependencies POS, as Natasha tags it
    feats: dict[str, str] = field(default_factory=dict)
    head: int | None = None  # index of the head inside the same span, None when the head is outside
    space_after: str = " "


UD_CASE_TO_OC = {"Nom": "nomn", "Gen": "gent", "Dat": "datv", "Acc": "accs", "Ins": "ablt", "Loc": "loct", "Voc": "voct", "Par": "gent"}
UD_NUMBER_TO_OC = {"Sing": "sing", "Plur": "plur"}
UD_GENDER_TO_OC = {"Masc": "masc", "Fem": "femn", "Neut": "neut"}
UD_POS_TO_OC = {
    "NOUN": {"NOUN"}, "PROPN": {"NOUN"}, "ADJ": {"ADJF", "PRTF"}, "DET": {"ADJF", "NPRO"},
    "VERB": {"PRTF"}, "NUM": {"NUMR", "ADJF"},
}
INFLECTABLE_POS = set(UD_POS_TO_OC)
NAME_GRAMMEMES = {"Name", "Surn", "Patr"}
# lower-case links inside hyphenated names whose head is the first part: "Ростова-на-Дону", "Комсомольска-на-Амуре"
HYPHEN_LINKS = {"на", "де", "ла", "ле", "фон", "дер", "эль", "аль", "ан", "сюр"}

_CYRILLIC_WORD = re.compile(r"[а-яё]+", re.IGNORECASE)


@cache
def morph_analyzer() -> pymorphy3.MorphAnalyzer:
    """One pymorphy3 analyzer per process (its dictionaries ship with pymorphy3-dicts-ru)."""
    return pymorphy3.MorphAnalyzer(lang="ru")


def known_word(word: str) -> bool:
    """pymorphy3's dictionary holds the word (not a guess from its ending)."""
    try:
        return morph_analyzer().word_is_known(word)
    except (ValueError, KeyError):
        return False


def parse_word(word: str) -> list:
    """pymorphy3's analyses of a word; empty when pymorphy3 cannot handle it (it raises on characters that
    have no Unicode name, e.g. '𗀀': one such character must not sink an article). Cached: the rules ask about
    the same words again and again."""
    return list(_parses(word))


@lru_cache(maxsize=200_000)
def _parses(word: str) -> tuple:
    try:
        return tuple(morph_analyzer().parse(word))
    except (ValueError, KeyError):
        return ()


def is_protected(word: str) -> bool:
    """True for tokens that must be kept as written: abbreviations in caps, Latin, digits, symbols."""
    if not _CYRILLIC_WORD.fullmatch(word):
        return True
    return len(word) >= 2 and word.isupper()


# ---------------------------------------------------------------------------
# one word
# ---------------------------------------------------------------------------


def _tag_matches(tag: pymorphy3.analyzer.OpencorporaTag, pos: str, feats: dict[str, str], person: bool) -> bool:
    allowed = UD_POS_TO_OC.get(pos)
    if allowed and tag.POS not in allowed:
        return False
    case = UD_CASE_TO_OC.get(feats.get("Case", ""))
    if case and tag.case != case and not (case == "gent" and tag.case in {"gen2"}):
        return False
    number = UD_NUMBER_TO_OC.get(feats.get("Number", ""))
    if number and tag.number and tag.number != number:
        return False
    gender = UD_GENDER_TO_OC.get(feats.get("Gender", ""))
    if gender and tag.gender and tag.gender != gender and number != "plur":
        return False
    if person and not (NAME_GRAMMEMES & set(tag.grammemes)) and pos == "PROPN":
        return False
    return True


def inflect_nominative(word: str, pos: str, feats: dict[str, str], person: bool = False) -> str:
    """The nominative of one Russian word given its tagged features; the word itself when unsure."""
    parses = parse_word(word.lower())
    candidates = [p for p in parses if _tag_matches(p.tag, pos, feats, person)]
    if not candidates and person:
        candidates = [p for p in parses if _tag_matches(p.tag, pos, feats, False)]
    for parse in candidates:
        grammemes = {"nomn"}
        if person and parse.tag.number == "plur" and feats.get("Number") != "Plur":
            grammemes.add("sing")
        inflected = parse.inflect(grammemes)
        if inflected is not None:
            form = inflected.word if "ё" in word.lower() else inflected.word.replace("ё", "е")
            return restore_shape(form, word)
    return word


def restore_shape(word: str, reference: str) -> str:
    """Give `word` the letter case of `reference` (lower / UPPER / Title, hyphen part by part)."""
    parts, ref_parts = word.split("-"), reference.split("-")
    if len(parts) != len(ref_parts):
        ref_parts = [reference] * len(parts)
    shaped = []
    for part, ref in zip(parts, ref_parts):
        if ref.isupper() and len(ref) > 1:
            shaped.append(part.upper())
        elif ref[:1].isupper():
            shaped.append(part[:1].upper() + part[1:])
        else:
            shaped.append(part)
    return "-".join(shaped)


def normalize_word(token: NormToken, person: bool = False) -> str:
    """Nominative of a token, with the abbreviation and hyphen guards described in the module doc."""
    word, pos, feats = token.text, token.pos, token.feats
    if pos not in INFLECTABLE_POS or feats.get("Case", "Nom") == "Nom":
        return word
    parts = word.split("-")
    if len(parts) == 1:
        return word if is_protected(word) else inflect_nominative(word, pos, feats, person)
    if not any(is_protected(part) for part in parts):
        return inflect_nominative(word, pos, feats, person)  # the dictionary knows "Санкт-Петербурга"
    # a compound with an abbreviation or Latin part: inflect only its head word, keep the rest verbatim
    head = 0 if any(part.lower() in HYPHEN_LINKS for part in parts[1:-1]) else len(parts) - 1
    if not is_protected(parts[head]):
        parts[head] = inflect_nominative(parts[head], pos, feats, person)
    return "-".join(parts)


# ---------------------------------------------------------------------------
# a span
# ---------------------------------------------------------------------------


def select_inflectable(tokens: Sequence[NormToken]) -> set[int]:
    """Roots of the span and the modifiers that agree with them (adjectives, participles, determiners)."""
    children: dict[int, list[int]] = defaultdict(list)
    roots = []
    for index, token in enumerate(tokens):
        if token.head is None or token.head == index or not 0 <= token.head < len(tokens):
            roots.append(index)
        else:
            children[token.head].append(index)
    selected: set[int] = set()
    queue = deque(roots)
    while queue:
        index = queue.popleft()
        if index in selected:
            continue
        selected.add(index)
        queue.extend(child for child in children[index] if tokens[child].pos in {"ADJ", "DET", "VERB"})
    return selected


def normalize_span(tokens: Sequence[NormToken], type: str) -> str:
    """Nominative form of a mention: every name part for PER, the syntactic head group otherwise."""
    if not tokens:
        return ""
    person = type == "PER"
    inflectable = set(range(len(tokens))) if person else select_inflectable(tokens)
    words = [normalize_word(t, person) if i in inflectable else t.text for i, t in enumerate(tokens)]
    pieces = []
    for index, (word, token) in enumerate(zip(words, tokens)):
        pieces.append(word)
        if index < len(tokens) - 1:
            pieces.append(token.space_after)
    return "".join(pieces)
