"""Names Natasha's NER misses or mislabels, found by general rules over plain token records.

    product class + name        "мессенджерах Telegram и WhatsApp", "седана SU7", "технологией UnifiedBus",
                                "системы «Тендерплан»", "модели R1" (a model/generation word needs a version)
    versioned name              "Switch 2", "SuperPod 950", "Mate 60 Pro", "Huawei FreeBuds SE 2", "HOCO W35"
    maker + name                "Kaspersky Fraud Prevention" (a maker from products.tsv, then Latin words)
    code in a product list      "HOCO W35 и EQ2"
    organisation descriptor     "компания «Кей Поинт»", "центром НАФИ", "брендов: HOCO, JBL и Redmi"
    known organisation          Latin and all-caps names of the alias table's organisations ("TSMC", "SMIC")
    site name                   "hh.ru"
    abbreviation in brackets    "Национального агентства финансовых исследований (НАФИ)": its own mention

Knowledge is data in `models/entities/`: `product_classes.tsv` (product class nouns), `descriptors.tsv`
(organisation descriptors), `products.tsv` (makers), `aliases.csv` (known organisations). The lexicon wins: a
PRODUCT the EntityRuler found is kept, a known organisation is never made a product. Pure functions: `Word`
records in, `(start, end, label)` token spans out.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from pipeline.entities import ENTITIES_DIR, _rows, aliases, descriptors, makers

Ent = tuple[int, int, str]  # token start, token end (exclusive), label

QUOTES_OPEN = {"«", "„", "“", '"'}
QUOTES_CLOSE = {"»", "“", "”", '"'}
LIST_JOINERS = {",", "и", "или", "а", "также"}
EDITIONS = {"Pro", "Max", "MAX", "Ultra", "Plus", "Lite", "Mini", "SE", "Play", "Air", "Neo", "Edge", "Fold", "Flip", "Elite",
            "Turbo", "Flash", "Nano", "Prime", "FE", "XL", "Slim"}
ORG_SUFFIXES = {"Electronics", "Corporation", "Corp", "Inc", "Group", "Holding", "Holdings", "Technologies",
                "Technology", "Labs", "Lab", "Research", "Capital", "Ventures", "Partners", "Semiconductor",
                "Motors", "Bank", "Foundation", "Systems", "Networks", "Consulting", "Media", "Energy", "AI",
                "Channel", "Radio", "TV", "Formula", "Airlines", "Airways"}  # "Channel 4" is no product
LATIN_WORD = re.compile(r"[A-Z][A-Za-z]*(?:[-'][A-Za-z]+)*|[A-Z]{2,}")
VERSION = re.compile(r"(?:\d{1,4}(?:\.\d{1,2})?|[A-Za-z]{0,3}\d{1,4}[A-Za-z]{0,3})")
CODE = re.compile(r"[A-Z][A-Za-z]{0,3}\d{1,4}[A-Za-z]{0,3}")  # "SU7", "W35", "EQ2"; not "x86"
YEAR = re.compile(r"(?:19|20)\d\d")
SITE = re.compile(r"[a-z0-9][a-z0-9-]*\.(?:ru|com|рф|net|org|io|ai|tech|su)", re.IGNORECASE)
ABBREVIATION = re.compile(r"[A-ZА-ЯЁ][A-ZА-ЯЁ0-9&]{1,7}")
NOT_AFTER_VERSION = {"%", "тыс", "млн", "млрд", "трлн", "$", "€", "₽"}


@dataclass(frozen=True)
class Word:
    """A token as the entity rules see it."""

    text: str
    lemma: str = ""
    pos: str = ""
    space: bool = True  # whitespace follows


# ---------------------------------------------------------------------------
# knowledge
# ---------------------------------------------------------------------------


@cache
def product_classes() -> dict[str, str]:
    """Lemma of a product class noun -> 'any' (any name follows) or 'version' (the name needs a version)."""
    return {row[0]: (row[1] if len(row) > 1 and row[1] else "any")
            for row in _rows(ENTITIES_DIR / "product_classes.tsv") if row[0] != "lemma"}


@cache
def known_organisations() -> dict[tuple[str, ...], str]:
    """Token tuples of the alias table's organisation names written in Latin letters or capitals -> ORG."""
    import razdel

    names = {}
    for name in _alias_names():
        if re.search(r"[A-Za-z]", name) or re.fullmatch(r"[А-ЯЁ0-9\- ]{2,}", name):
            names[tuple(t.text for t in razdel.tokenize(name))] = "ORG"
    return names


def _alias_names() -> list[str]:
    """Every name (canonical and aliases) of the alias table's organisations."""
    import csv

    with (ENTITIES_DIR / "aliases.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    names = []
    for row in rows:
        if (row.get("type") or "").strip() == "ORG":
            names += [n.strip() for n in [row["canonical"], *(row.get("aliases") or "").split("|")] if n.strip()]
    return names


def entry_type(name: str) -> str | None:
    from pipeline.entities import alias_key

    entry = aliases().get(alias_key(name))
    return entry.type if entry else None


# ---------------------------------------------------------------------------
# name shapes
# ---------------------------------------------------------------------------


def _latin(word: Word) -> bool:
    return bool(LATIN_WORD.fullmatch(word.text))


def _name_run(words: Sequence[Word], i: int) -> int:
    """The end of a Latin name starting at i: capitalised Latin words, codes, versions and editions, no
    punctuation in between ("FreeBuds SE 2", "Fraud Prevention", "SU7")."""
    j = i
    while j < len(words) and (_latin(words[j]) or CODE.fullmatch(words[j].text) or words[j].text in EDITIONS
                              or (j > i and VERSION.fullmatch(words[j].text) and not YEAR.fullmatch(words[j].text))):
        j += 1
        if not words[j - 1].space:
            break
    return j


def _quoted(words: Sequence[Word], i: int) -> tuple[int, int] | None:
    """«A B» at token i: (first, end) of the words inside the quotes."""
    if i >= len(words) or words[i].text not in QUOTES_OPEN:
        return None
    for j in range(i + 1, min(i + 8, len(words))):
        if words[j].text in QUOTES_CLOSE:
            return (i + 1, j) if j > i + 1 and words[i + 1].text[:1].isupper() else None
    return None


def _has_version(words: Sequence[Word], start: int, end: int) -> bool:
    return any(re.search(r"\d", w.text) for w in words[start:end])


def _versioned(words: Sequence[Word], i: int) -> int | None:
    """'Switch 2', 'Mate 60 Pro', 'Redmi Buds 6 Play', 'HOCO W35': capitalised Latin words, then a version, then
    editions. A known organisation alone before a number ("Nvidia 100 тыс.") is not a product."""
    if not _latin(words[i]) or words[i].text in EDITIONS or words[i].lemma.lower() in product_classes():
        return None  # "GPU A100": the class word is not part of the name
    j = i
    while j < len(words) and _latin(words[j]) and words[j].text not in EDITIONS and j - i < 3 and words[j].space:
        j += 1
    if j == i or j >= len(words):
        return None
    version = words[j].text
    if not (VERSION.fullmatch(version) and re.search(r"\d", version)) or YEAR.fullmatch(version):
        return None
    after = words[j + 1].text if j + 1 < len(words) else ""
    if after in NOT_AFTER_VERSION or after.lower().startswith(("тыс", "млн", "млрд", "трлн", "процент")):
        return None
    if j - i == 1 and (entry_type(words[i].text) == "ORG" or words[i].text in makers()) and not CODE.fullmatch(version):
        return None
    if any(w.text in ORG_SUFFIXES for w in words[i:j]):
        return None
    end = j + 1
    while end < len(words) and words[end].text in EDITIONS and words[end - 1].space:
        end += 1
    return end


# ---------------------------------------------------------------------------
# the rules
# ---------------------------------------------------------------------------


def _free(ents: Sequence[Ent], start: int, end: int) -> bool:
    """No entity overlaps [start, end)."""
    return not any(s < end and start < e for s, e, _ in ents)


def _place(ents: list[Ent], new: Ent, protected: set[str]) -> list[Ent]:
    """Add `new`, replacing the entities it overlaps unless one of them has a protected label."""
    start, end, _ = new
    overlapping = [x for x in ents if x[0] < end and start < x[1]]
    if any(x[2] in protected for x in overlapping):
        return ents
    return sorted([x for x in ents if x not in overlapping] + [new])


NOUN_ENDINGS = frozenset({"а", "у", "ом", "е", "ы", "ов", "ам", "ами", "ах", "и", "ей", "ям", "ями", "ях"})


def _stem_class(text: str, classes: dict[str, str]) -> str:
    """A class noun the lemmatizer does not know, by its stem ("маркетплейсах" -> "маркетплейс")."""
    for cut in (3, 2, 1):
        if len(text) > cut + 2 and text[-cut:] in NOUN_ENDINGS and text[:-cut] in classes:
            return text[:-cut]
    return text


def product_class_names(words: Sequence[Word], ents: list[Ent]) -> list[Ent]:
    """A name right after a product class noun is a PRODUCT ("мессенджерах Telegram и WhatsApp")."""
    classes, org_words = product_classes(), descriptors()
    for i, word in enumerate(words):
        need = classes.get(word.lemma.lower())
        if need is None and word.lemma.lower() == word.text.lower() and len(word.text) > 5:
            need = classes.get(_stem_class(word.text.lower(), classes))  # a form the lemmatizer does not know
        if need is None or (i > 0 and words[i - 1].lemma.lower() in org_words):
            continue  # "разработчик процессоров «Байкал Электроникс»": the name is the developer's
        k = i + 1
        gap = _lowercase_gap(words, k)
        if gap and _quoted(words, k + gap):
            k += gap  # "системы по управлению тендерами «Тендерплан»": a quoted name closes the class noun's phrase
        while True:
            found = _quoted(words, k)
            end_of = found[1] + 1 if found else None
            if found is None and k < len(words) and (_latin(words[k]) or CODE.fullmatch(words[k].text)):
                found = (k, _name_run(words, k))
                end_of = found[1]
            if found is None:
                break
            start, end = found
            name = " ".join(w.text for w in words[start:end])
            if (need == "any" or _has_version(words, start, end)) and entry_type(name) != "ORG" and name not in makers():
                ents = _place(ents, (start, end, "PRODUCT"), {"PRODUCT", "PER", "LOC"})
            if end_of < len(words) and words[end_of].text in LIST_JOINERS:
                k = end_of + 1  # "Telegram и WhatsApp"
                continue
            break
    return ents


def _lowercase_gap(words: Sequence[Word], k: int, limit: int = 4) -> int:
    """How many lower-case Cyrillic words (a phrase completing a noun) start at token k, up to `limit`."""
    n = 0
    while k + n < len(words) and n < limit and re.fullmatch(r"[а-яё-]+", words[k + n].text):
        n += 1
    return n


def versioned_names(words: Sequence[Word], ents: list[Ent]) -> list[Ent]:
    """'Switch 2', 'Huawei FreeBuds SE 2': a Latin name with a version is a PRODUCT; a lexicon product followed by
    a version grows to include it ("Colossus 2")."""
    i = 0
    while i < len(words):
        end = _versioned(words, i)
        if end is None:
            i += 1
            continue
        inside = [x for x in ents if x[0] < end and i < x[1]]
        if all(x[2] in {"ORG", "PRODUCT"} and x[0] >= i and x[1] <= end for x in inside):
            ents = sorted([x for x in ents if x not in inside] + [(i, end, "PRODUCT")])
        i = end
    return ents


def maker_names(words: Sequence[Word], ents: list[Ent]) -> list[Ent]:
    """'Kaspersky Fraud Prevention': a maker followed by capitalised Latin words (not an organisation's suffix)."""
    known = set(makers())
    for i, word in enumerate(words[:-1]):
        if word.text not in known or not word.space or not _latin(words[i + 1]) or words[i + 1].text in ORG_SUFFIXES:
            continue
        end = _name_run(words, i + 1)
        name = " ".join(w.text for w in words[i:end])
        if end > i + 1 and entry_type(name) is None and not any(w.text in ORG_SUFFIXES for w in words[i + 1:end]):
            ents = _place(ents, (i, end, "PRODUCT"), {"PRODUCT", "PER", "LOC"})
    return ents


def listed_codes(words: Sequence[Word], ents: list[Ent]) -> list[Ent]:
    """'HOCO W35 и EQ2': a model code joined to a PRODUCT by a list word is a PRODUCT too."""
    products = {(s, e) for s, e, label in ents if label == "PRODUCT"}
    for s, e in sorted(products):
        k = e
        while k + 1 < len(words) and words[k].text in LIST_JOINERS and CODE.fullmatch(words[k + 1].text):
            if _free(ents, k + 1, k + 2):
                ents = sorted(ents + [(k + 1, k + 2, "PRODUCT")])
            k += 2
    return ents


def organisation_names(words: Sequence[Word], ents: list[Ent]) -> list[Ent]:
    """'компания «Кей Поинт»', 'центром НАФИ', 'брендов: HOCO, JBL и Redmi': an organisation descriptor followed by
    a quoted name (possibly after the words completing it: "разработчик процессоров «Байкал Электроникс»"), a Latin
    name or an abbreviation (and the rest of its list after a colon)."""
    org_words = descriptors()
    for i, word in enumerate(words):
        if word.lemma.lower() not in org_words:
            continue
        k = i + 2 if i + 1 < len(words) and words[i + 1].text == ":" else i + 1
        gap = _lowercase_gap(words, k)
        if gap and _quoted(words, k + gap):
            k += gap  # "разработчика систем резервного копирования «Рубэкс»"
        while k < len(words):
            found = _quoted(words, k)
            end_of = found[1] + 1 if found else None
            if found is None and (_latin(words[k]) or ABBREVIATION.fullmatch(words[k].text)):
                found = (k, _name_run(words, k) if _latin(words[k]) else k + 1)
                end_of = found[1]
            if found is None or _has_version(words, *found):
                break
            if _free(ents, *found):
                ents = sorted(ents + [(found[0], found[1], "ORG")])
            if end_of < len(words) and words[end_of].text in LIST_JOINERS and words[i + 1].text == ":":
                k = end_of + 1
                continue
            break
    return ents


def known_names(words: Sequence[Word], ents: list[Ent]) -> list[Ent]:
    """Untagged occurrences of the alias table's organisations ("TSMC", "SK hynix") and site names ("hh.ru")."""
    gazetteer = known_organisations()
    longest = max((len(k) for k in gazetteer), default=0)
    i = 0
    while i < len(words):
        for n in range(min(longest, len(words) - i), 0, -1):
            key = tuple(w.text for w in words[i:i + n])
            if key in gazetteer and _free(ents, i, i + n) and _bounded(words, i, i + n):
                ents = sorted(ents + [(i, i + n, gazetteer[key])])
                i += n - 1
                break
        else:
            if SITE.fullmatch(words[i].text) and _free(ents, i, i + 1) and (i == 0 or words[i - 1].space):
                ents = sorted(ents + [(i, i + 1, "ORG")])
        i += 1
    return ents


def _bounded(words: Sequence[Word], start: int, end: int) -> bool:
    """Not glued to a word before or after ("SMIC" inside "SMICs", "X-energy")."""
    before_glued = start > 0 and not words[start - 1].space and words[start - 1].text not in QUOTES_OPEN | {"(", "/"}
    after_glued = end < len(words) and not words[end - 1].space and words[end].text not in QUOTES_CLOSE | {
        ")", ",", ".", ":", ";", "!", "?"}
    return not before_glued and not after_glued


def bracketed_abbreviations(words: Sequence[Word], ents: list[Ent]) -> list[Ent]:
    """'… исследований (НАФИ)', 'International Data Corporation (IDC)': an abbreviation in brackets right after a
    name is a mention of its own, with the name's label."""
    for s, e, label in list(ents):
        if label != "ORG" or e + 2 >= len(words):
            continue
        if words[e].text == "(" and ABBREVIATION.fullmatch(words[e + 1].text) and words[e + 2].text == ")":
            if _free(ents, e + 1, e + 2):
                ents = sorted(ents + [(e + 1, e + 2, label)])
    return ents


COURTS_AND_GOVERNMENTS = {"правительство", "суд", "администрация", "мэрия", "парламент", "прокуратура", "полиция"}
GOVERNMENT_BODIES = {"министерство", "ведомство", "департамент", "служба", "комитет", "управление", "агентство",
                     "бюро", "комиссия", "палата", "совет"}


def government_bodies(words: Sequence[Word], ents: list[Ent]) -> list[Ent]:
    """'Министерство торговли, промышленности и энергетики': a government body's name runs on over a list of
    lower-case words (NER stops at the comma), and takes the country abbreviation right after it.""" 
    for start, end, label in list(ents):
        if label != "ORG" or not any(w.lemma.lower() in GOVERNMENT_BODIES | COURTS_AND_GOVERNMENTS
                                     for w in words[start:end]):
            continue
        k = end
        if words[start].lemma.lower() in GOVERNMENT_BODIES:
            while k + 1 < len(words) and words[k].text in {",", "и"} and re.fullmatch(r"[а-яё-]+", words[k + 1].text):
                k += 2
                while k < len(words) and re.fullmatch(r"[а-яё-]+", words[k].text) and words[k].text != "и":
                    k += 1
        place = next((x for x in ents if x[0] == k and x[2] == "LOC"), None)
        if place is not None and words[k].text.isupper() and len(words[k].text) > 1:
            # "Министерство энергетики США", "Совет безопасности РФ": one body, flat and outermost as the guideline
            # says (factRuEval annotates the country apart: its ORG strict F1 loses 0.002 to this)
            k = place[1]
        if k > end:
            ents = sorted([x for x in ents if not (start <= x[0] and x[1] <= k)] + [(start, k, "ORG")])
    return ents


def editions_after(words: Sequence[Word], ents: list[Ent]) -> list[Ent]:
    """"Blackwell Ultra", "A19 Pro", "Snapdragon 8 Elite": edition words right after a product are part of it."""
    out = []
    for n, (start, end, label) in enumerate(ents):
        k = end
        while label == "PRODUCT" and k < len(words) and words[k].text in EDITIONS and words[k - 1].space:
            k += 1
        free = k == end or (n + 1 >= len(ents) or ents[n + 1][0] >= k)  # entities are sorted
        out.append((start, k, label) if free else (start, end, label))
    return out


RULES = (product_class_names, versioned_names, maker_names, known_names, organisation_names, listed_codes,
         bracketed_abbreviations, government_bodies, editions_after)


def apply_rules(words: Sequence[Word], ents: Sequence[Ent]) -> list[Ent]:
    """The entities after every rule, in order (each sees what the ones before it found)."""
    found = sorted(ents)
    for rule in RULES:
        found = rule(words, found)
    return found
