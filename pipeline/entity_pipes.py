"""The spaCy components that turn Natasha's NER output into entities analysts can count.

    product_ruler      PRODUCT names from `models/entities/` (spaCy's EntityRuler); they replace overlapping NER spans
    entity_rules       names NER misses or mislabels, by general rules (pipeline.entity_rules): product classes
                       ("мессенджер Telegram"), versioned names ("Switch 2"), organisation descriptors ("компания
                       «Кей Поинт»"), known organisations, site names ("hh.ru"), lists
    entity_filter      drops non-names ("ИИ-отрасли", "ЦОДов"), leading adjectives and descriptors, quotes
    label_propagator   one surface, one label per article (a name tagged once is tagged everywhere)
    entity_normalizer  `span._.normal`: the nominative form (pipeline.norm)
    canonical_linker   `span._.canonical`: alias table, product ids, surname -> full name (pipeline.entities)

Only this module and `pipeline.nlp` look at spaCy objects; the rules themselves work on plain records.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, Span

from pipeline.entities import MentionView, descriptors, link, makers, non_entity_rule, product_patterns
from pipeline.entity_rules import EDITIONS, GOVERNMENT_BODIES, Word, apply_rules, entry_type
from pipeline.norm import NormToken, normalize_span, parse_word

Span.set_extension("normal", default=None, force=True)
Span.set_extension("alias", default=None, force=True)
Span.set_extension("canonical", default=None, force=True)


@Language.factory("entity_normalizer")
def create_entity_normalizer(nlp: Language, name: str):
    return EntityNormalizer()


def adapt_norm_tokens(span: Span) -> list[NormToken]:
    """spaCy tokens of a span as library-free `NormToken`s (heads relative to the span)."""
    tokens = []
    for token in span:
        head = token.head.i - span.start if span.start <= token.head.i < span.end and token.head.i != token.i else None
        tokens.append(NormToken(token.text, token.pos_, token.morph.to_dict(), head, token.whitespace_))
    return tokens


class EntityNormalizer:
    """`span._.normal` for every entity: pymorphy3 nominative forms (see pipeline.norm)."""

    def __call__(self, doc: Doc) -> Doc:
        for span in doc.ents:
            span._.normal = normalize_span(adapt_norm_tokens(span), span.label_)
        return doc


@Language.factory("product_ruler")
def create_product_ruler(nlp: Language, name: str):
    return ProductRuler(nlp, name)


class ProductRuler:
    """PRODUCT mentions from `models/entities/` through spaCy's EntityRuler; they replace overlapping NER spans
    (Natasha tags "Rubin" or "Blackwell" as ORG, and splits "Nvidia H200" into ORG + nothing)."""

    def __init__(self, nlp: Language, name: str):
        from spacy.pipeline import EntityRuler

        self.ruler = EntityRuler(nlp, name=name, overwrite_ents=True)
        # the ruler matches token texts (ORTH): its phrase patterns need the tokenizer only. Without this it runs
        # every component before it (Natasha's morphology and syntax) over each of ~1,100 names, most of the time
        # a process spends loading the pipeline
        with nlp.select_pipes(disable=nlp.pipe_names):
            self.ruler.add_patterns(list(product_patterns()))

    def __call__(self, doc: Doc) -> Doc:
        return self.ruler(doc)

    # patterns come from models/ when the component is created; nothing to serialise
    def to_disk(self, path, **kwargs) -> None:
        Path(path).mkdir(parents=True, exist_ok=True)

    def from_disk(self, path, **kwargs) -> "ProductRuler":
        return self


def _adjective_only(token) -> bool:
    """A capitalised adjective ("Тайваньская", "Китайская") that is not part of a name."""
    parses = parse_word(token.text.lower())
    return token.pos_ == "ADJ" and bool(parses) and all(p.tag.POS in {"ADJF", "ADJS"} for p in parses[:2])


QUOTES = {"«", "»", '"', "„", "“", "”"}


def _trim(doc: Doc, span: Span, start: int, end: int) -> Span:
    """The same mention with new token bounds (its Latin alias kept)."""
    alias = span._.alias
    trimmed = Span(doc, start, end, label=span.label_)
    trimmed._.alias = alias
    return trimmed


def adapt_words(doc: Doc) -> list[Word]:
    """The Doc's tokens as `Word`s; a token before a whitespace token counts as followed by a space."""
    words = []
    for token in doc:
        spaced = bool(token.whitespace_) or (token.i + 1 < len(doc) and doc[token.i + 1].is_space)
        words.append(Word(token.text, token.lemma_, token.pos_, spaced))
    return words


@Language.component("entity_rules")
def entity_rules(doc: Doc) -> Doc:
    """Names the NER misses or mislabels (pipeline.entity_rules); mentions the rules leave as they were keep
    their alias and product id."""
    existing = {(span.start, span.end, span.label_): span for span in doc.ents}
    found = apply_rules(adapt_words(doc), list(existing))
    doc.ents = [existing.get(ent) or Span(doc, ent[0], ent[1], label=ent[2]) for ent in found]
    return doc


GLUED = re.compile(r"[а-яё]{4,}[А-ЯЁ][а-яё]{2,}")


@Language.component("entity_filter")
def entity_filter(doc: Doc) -> Doc:
    """Drop mentions that are not names (pipeline.entities.non_entity_rule); cut a leading adjective before a
    Latin name ("Китайская Huawei" -> "Huawei"; a lone "Тайваньская" is dropped, and a lone place adjective that
    modifies a noun, "Кипрское правительство", while "на Тверской" stays), a descriptor before a quoted or Latin
    name ("Завод «Микрон»" -> "Микрон") and surrounding quotes."""
    kept = []
    for span in doc.ents:
        if span.label_ != "PRODUCT" and non_entity_rule(span.text):
            continue
        breaks = [t.i for t in span if t.is_space and "\n" in t.text]
        if breaks:  # "МТС\n\n©", "ТАСС\n\nМОСКВА": a name never runs over a line break
            if breaks[0] == span.start:
                continue
            span = _trim(doc, span, span.start, breaks[0])
        if span.label_ == "PER" and GLUED.search(span.text):
            continue  # "сентябряЭксперты": two words glued by a lost line break, no person
        if span.label_ != "PER" and _adjective_only(span[0]):
            if len(span) == 1 and (span.label_ != "LOC" or span[0].dep_ == "amod"):
                continue  # "Тайваньская TSMC", "Кипрское правительство"; a place named by an adjective stays ("на Тверской")
            if len(span) > 1 and re.match(r"[A-Za-z]", span[1].text):
                span = _trim(doc, span, span.start + 1, span.end)
        # "Завод «Микрон»", "Холдинг VK": a descriptor before a quoted or Latin name is not part of the name
        if (span.label_ == "ORG" and len(span) > 1 and span[0].lemma_.lower() in descriptors()
                and (span[1].text in QUOTES or re.match(r"[A-Za-z]", span[1].text))):
            span = _trim(doc, span, span.start + 1, span.end)
        start, end = span.start, span.end
        while end - start > 1 and doc[start].text in QUOTES:
            start += 1
        while end - start > 1 and doc[end - 1].text in QUOTES:
            end -= 1
        if (start, end) != (span.start, span.end):
            span = _trim(doc, span, start, end)
        kept.append(span)
    doc.ents = kept
    return doc


def _name_like(tokens) -> bool:
    """Every word of the surface starts with a capital letter or a digit, and one is Latin or all-caps: the
    surfaces whose repeated occurrence is the same name ("Mistral AI", "VK", "МТС"), not an inflected word."""
    words = [t.text for t in tokens if t.text not in QUOTES]
    if not words or not all(w[0].isupper() or w[0].isdigit() for w in words):
        return False
    return any(re.search(r"[A-Za-z]", w) or (len(w) > 1 and w.isupper()) for w in words)


def _quoted(doc: Doc, start: int, end: int) -> bool:
    return start > 0 and end < len(doc) and doc[start - 1].text in QUOTES and doc[end].text in QUOTES


def _introduced(doc: Doc, quote: int) -> bool:
    """The quote at `quote` follows an organisation descriptor ("компания «Кей Поинт»")."""
    return quote > 0 and doc[quote - 1].lemma_.lower() in descriptors()


def _family(span: Span) -> tuple[str, ...] | None:
    """A versioned product's name without its version number ("Switch 2" -> "Switch", "Redmi Buds 6 Play" ->
    "Redmi Buds"); None when nothing is left, when the version is a model code ("HOCO W35": HOCO is the brand) or
    when what is left is a maker or a known organisation."""
    words = [t.text for t in span]
    cut = len(words)
    while cut > 1 and words[cut - 1] in EDITIONS:
        cut -= 1
    if cut > 1 and re.fullmatch(r"\d+(?:\.\d+)?", words[cut - 1]):
        cut -= 1
    family = tuple(words[:cut])
    if cut == len(words) or not re.search(r"[A-Za-z]", family[0]):
        return None
    name = " ".join(family)
    return None if name in makers() or entry_type(name) is not None else family


def _surfaces(doc: Doc) -> dict[tuple[str, ...], tuple[str, bool]]:
    """Surfaces to propagate -> (label, only between quotes): name-like surfaces with one label in the article,
    a quoted name an organisation descriptor introduced ("компания «Кей Поинт»"; only to other quoted
    occurrences) and the family name of a versioned product."""
    labels: dict[tuple[str, ...], set[str]] = defaultdict(set)
    quoted_only: dict[tuple[str, ...], bool] = {}
    for span in doc.ents:
        words = tuple(t.text for t in span)
        if _name_like(span):
            labels[words].add(span.label_)
            quoted_only[words] = False
        elif span.label_ == "ORG" and _quoted(doc, span.start, span.end) and _introduced(doc, span.start - 1):
            labels[words].add(span.label_)
            quoted_only.setdefault(words, True)
        family = _family(span) if span.label_ == "PRODUCT" else None
        if family:
            labels[family].add("PRODUCT")
            quoted_only[family] = False
    return {words: (next(iter(found)), quoted_only[words]) for words, found in labels.items() if len(found) == 1}


def _propagate(doc: Doc) -> bool:
    surfaces = _surfaces(doc)
    if not surfaces:
        return False
    taken = {i for span in doc.ents for i in range(span.start, span.end)}
    added, longest = [], max(len(w) for w in surfaces)
    i = 0
    while i < len(doc):
        for n in range(min(longest, len(doc) - i), 0, -1):
            words = tuple(t.text for t in doc[i:i + n])
            if words in surfaces and not taken & set(range(i, i + n)):
                label, quoted_only = surfaces[words]
                before = doc[i - 1] if i else None
                after = doc[i + n] if i + n < len(doc) else None
                # a name glued into a longer capitalised or hyphenated word is not this name
                glued = ((before is not None and not before.whitespace_ and before.text not in QUOTES | {"(", "/"})
                         or (after is not None and not doc[i + n - 1].whitespace_ and after.text == "-"))
                if not glued and (not quoted_only or _quoted(doc, i, i + n)):
                    added.append(Span(doc, i, i + n, label=label))
                    taken.update(range(i, i + n))
                    i += n - 1
                    break
        i += 1
    if added:
        doc.ents = sorted(list(doc.ents) + added, key=lambda s: s.start)
    return bool(added)


LIST_NAME = re.compile(r"[A-Z][A-Za-z]+|[A-Z]{2,}")


def _complete_lists(doc: Doc) -> bool:
    """'HOCO, JBL и Redmi': in a list of single capitalised Latin names, the untagged ones take the label of the
    tagged ones when those all have one label (ORG or PRODUCT)."""
    labels = {span.start: span.label_ for span in doc.ents if len(span) == 1}
    inside = {t.i for span in doc.ents for t in span}
    added, i = [], 0
    while i < len(doc):
        if not LIST_NAME.fullmatch(doc[i].text):
            i += 1
            continue
        items = [i]
        while items[-1] + 2 < len(doc) and doc[items[-1] + 1].text in {",", "и", "или"} and LIST_NAME.fullmatch(
                doc[items[-1] + 2].text):
            items.append(items[-1] + 2)
        found = {labels[k] for k in items if k in labels}
        if any(k in inside and k not in labels for k in items):
            found = set()  # "Memphis Light, Gas and Water": an item inside a longer name is no list item
        if len(items) > 1 and len(found) == 1 and found <= {"ORG", "PRODUCT"}:
            label = next(iter(found))
            added += [Span(doc, k, k + 1, label=label) for k in items if k not in inside]
        i = items[-1] + 1
    if added:
        doc.ents = sorted(list(doc.ents) + added, key=lambda s: s.start)
    return bool(added)


@Language.component("label_propagator")
def label_propagator(doc: Doc) -> Doc:
    """One name, one label per article: an untagged repetition of a tagged name-like surface gets the label
    (Natasha tags "Mistral AI" in one sentence and misses it in another, or misses a name in a title); a quoted
    name repeats between quotes; a versioned product's family name is that product ("Switch 2" … "первая
    Switch"); a list of Latin names shares its one label ("HOCO, JBL и Redmi")."""
    _complete_lists(doc)
    if _propagate(doc):
        _complete_lists(doc)
    return doc


@Language.component("canonical_linker")
def canonical_linker(doc: Doc) -> Doc:
    """`span._.canonical` for every entity (alias table, product ids, surname -> full name in the article); a
    type the alias table knows better replaces the NER's ("Вашингтон" stays LOC, an aliased ORG becomes ORG)."""
    ents = list(doc.ents)
    views = [MentionView(e.label_, e.text, e._.normal or e.text, e.ent_id_ or None, e._.alias) for e in ents]
    relabelled = []
    for k, (span, (etype, canonical)) in enumerate(zip(ents, link(views))):
        if etype != span.label_:
            span = Span(doc, span.start, span.end, label=etype)
        country = ents[k + 1] if k + 1 < len(ents) else None
        if (etype == "ORG" and canonical == (span._.normal or span.text) and country is not None
                and country.label_ == "LOC" and country.start == span.end and span[0].lemma_.lower() in GOVERNMENT_BODIES):
            canonical = f"{canonical} {country.text}"  # "Министерство энергетики" + "США": the body of that country
        span._.canonical = canonical
        relabelled.append(span)
    doc.ents = relabelled
    return doc
