"""The NLP layer: a spaCy `Language` for Russian whose tokenizer and components wrap Natasha.

Why spaCy: it is the container every later stage plugs into. The pipeline is declared in
`models/nlp/config.cfg` (spaCy's config system), so stages are reordered, disabled or added without code;
rule components (EntityRuler/Matcher for products, amounts) run over the same Doc; `Doc`/`Span` give
offsets, sentences, morphology and the dependency tree in one object; `nlp.to_disk()` serialises the
pipeline and `spacy.load()` restores it once `pipeline.nlp` is imported (the factories are registered here).

Natasha supplies the models: razdel tokens and sentences, slovnet morphology, syntax and NER (weights ship
inside the pip packages: nothing is downloaded). spaCy's own Russian pymorphy3 lemmatizer (with a cache) fills `token.lemma_`
from Natasha's POS and features; `entity_normalizer` fills `span._.normal` with `pipeline.norm`.

Only `pipeline.extract` looks at spaCy objects; everything downstream gets plain records.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy
import razdel
import spacy
from spacy.attrs import DEP, HEAD, SENT_START
from spacy.lang.ru.lemmatizer import RussianLemmatizer
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans
from spacy.vocab import Vocab

from pipeline.config import NLP_CONFIG_PATH
from pipeline.entities import MentionView, descriptors, link, non_entity_rule, product_patterns
from pipeline.norm import NormToken, normalize_span, parse_word

Span.set_extension("normal", default=None, force=True)
Span.set_extension("alias", default=None, force=True)
Span.set_extension("canonical", default=None, force=True)

# ---------------------------------------------------------------------------
# Natasha models: loaded once per process
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class NatashaModels:
    morph: object
    syntax: object
    ner: object


@cache
def natasha_models() -> NatashaModels:
    """Natasha's news models (embedding shared by morph, syntax and NER); loaded once per process."""
    from natasha import NewsEmbedding, NewsMorphTagger, NewsNERTagger, NewsSyntaxParser

    embedding = NewsEmbedding()
    return NatashaModels(NewsMorphTagger(embedding), NewsSyntaxParser(embedding), NewsNERTagger(embedding))


# ---------------------------------------------------------------------------
# tokenizer: razdel tokens, text kept byte-for-byte (doc.text == input text)
# ---------------------------------------------------------------------------


# Latin letters and digits glued into one code: "H200", "NVL144", "910B", "GPT-4o", "DeepSeek-V3", "5G"
_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9.\-]*[A-Za-z0-9]")


def merge_codes(tokens: list[tuple[int, int]], text: str) -> list[tuple[int, int]]:
    """Join razdel tokens with no space between them when together they form a Latin code with a digit and a
    letter (razdel splits "H200" into "H" + "200", "Ascend 910B" into "910" + "B")."""
    merged: list[tuple[int, int]] = []
    for start, stop in tokens:
        if merged and merged[-1][1] == start:
            prev_start = merged[-1][0]
            candidate = text[prev_start:stop]
            if _CODE.fullmatch(candidate) and re.search(r"[A-Za-z]", candidate) and re.search(r"\d", candidate):
                merged[-1] = (prev_start, stop)
                continue
        merged.append((start, stop))
    return merged


class RazdelTokenizer:
    """Tokenize with razdel (Latin codes kept whole); extra whitespace becomes spaCy whitespace tokens so
    offsets never shift."""

    def __init__(self, vocab: Vocab):
        self.vocab = vocab

    def __call__(self, text: str) -> Doc:
        words: list[str] = []
        spaces: list[bool] = []

        def add_gap(gap: str) -> None:
            if words and gap.startswith(" "):  # one space after a token is spaCy's `whitespace_`
                spaces[-1] = True
                gap = gap[1:]
            if gap:  # any other whitespace is a token of its own
                words.append(gap)
                spaces.append(False)

        offset = 0
        for start, stop in merge_codes([(t.start, t.stop) for t in razdel.tokenize(text)], text):
            add_gap(text[offset:start])
            words.append(text[start:stop])
            spaces.append(False)
            offset = stop
        add_gap(text[offset:])
        return Doc(self.vocab, words=words, spaces=spaces)

    # stateless: serialisation only has to exist for nlp.to_disk()/spacy.load()
    def to_disk(self, path, **kwargs) -> None:
        Path(path).mkdir(parents=True, exist_ok=True)

    def from_disk(self, path, **kwargs) -> "RazdelTokenizer":
        return self

    def to_bytes(self, **kwargs) -> bytes:
        return b""

    def from_bytes(self, data: bytes, **kwargs) -> "RazdelTokenizer":
        return self


@spacy.registry.tokenizers("pipeline.razdel_tokenizer.v1")
def create_razdel_tokenizer():
    def make(nlp: Language) -> RazdelTokenizer:
        return RazdelTokenizer(nlp.vocab)

    return make


# ---------------------------------------------------------------------------
# components
# ---------------------------------------------------------------------------


# a blank line, or a newline before an upper-case letter or an opening symbol (quote, dash, bullet)
_BLOCK_BREAK = re.compile(r"\n(?:\s*\n|(?=\s*[^\s\w,;:)\]]|\s*[^\W\d_a-zа-яё]))")


def sentence_starts(text: str) -> set[int]:
    """Sentence start offsets: razdel's sentenize within blocks of text. A blank line always ends a sentence,
    and so does a line break before a line that does not continue in lower case (titles and list items carry
    no final period, and razdel alone would glue them to the next paragraph); hard-wrapped lines stay joined."""
    starts: set[int] = set()
    offset = 0
    for match in [*_BLOCK_BREAK.finditer(text), None]:
        end = match.start() if match else len(text)
        starts.update(offset + sent.start for sent in razdel.sentenize(text[offset:end]))
        offset = match.end() if match else len(text)
    return starts


@Language.component("razdel_sentencizer")
def razdel_sentencizer(doc: Doc) -> Doc:
    """Sentence starts from `sentence_starts` (whitespace tokens stay with the sentence before them)."""
    starts = sentence_starts(doc.text)
    # one array write: setting token.is_sent_start token by token re-checks the Doc's annotations each time
    values = [1 if t.i == 0 or (not t.is_space and t.idx in starts) else -1 for t in doc]
    if values:
        doc.from_array([SENT_START], numpy.array(values, dtype="int32").astype("uint64").reshape(len(values), 1))
    return doc


def sentence_words(doc: Doc) -> list[list[int]]:
    """Token indices of each sentence, whitespace tokens left out (what Natasha's models take)."""
    return [[t.i for t in sent if not t.is_space] for sent in doc.sents]


@Language.factory("natasha_morph")
def create_natasha_morph(nlp: Language, name: str):
    return NatashaMorph()


class NatashaMorph:
    """POS and morphological features from Natasha's slovnet morph tagger."""

    def __call__(self, doc: Doc) -> Doc:
        sents = [s for s in sentence_words(doc) if s]
        markups = natasha_models().morph.map([[doc[i].text for i in sent] for sent in sents])
        for sent, markup in zip(sents, markups):
            for index, tagged in zip(sent, markup.tokens):
                doc[index].pos_ = tagged.pos
                doc[index].set_morph(tagged.feats or None)
        for token in doc:
            if token.is_space:
                token.pos_ = "SPACE"
        return doc


@Language.factory("natasha_syntax")
def create_natasha_syntax(nlp: Language, name: str):
    return NatashaSyntax()


def repair_heads(heads: list[int]) -> list[int]:
    """Make sentence-local heads (-1 = root) a tree: one root, no cycles (slovnet decodes arcs greedily)."""
    heads = list(heads)
    roots = [i for i, h in enumerate(heads) if h < 0 or h >= len(heads) or h == i]
    root = roots[0] if roots else 0
    heads[root] = -1
    for i in roots[1:]:
        heads[i] = root
    for start in range(len(heads)):
        seen = set()
        node = start
        while heads[node] >= 0:
            if node in seen:  # a cycle: hang the node that closed it on the root
                heads[node] = root
                break
            seen.add(node)
            node = heads[node]
    return heads


class NatashaSyntax:
    """Dependency heads and relations from Natasha's slovnet syntax parser, as spaCy's HEAD/DEP."""

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc):
            return doc
        sents = [s for s in sentence_words(doc) if s]
        markups = natasha_models().syntax.map([[doc[i].text for i in sent] for sent in sents])
        heads = list(range(len(doc)))
        deps = ["dep"] * len(doc)
        for sent, markup in zip(sents, markups):
            local = [int(t.head_id) - 1 for t in markup.tokens]
            for index, head, tagged in zip(sent, repair_heads(local), markup.tokens):
                heads[index] = index if head < 0 else sent[head]
                deps[index] = "ROOT" if head < 0 else (tagged.rel or "dep")
        # whitespace hangs on the word before it (as spaCy's own parser does), or after it at the very start
        previous = first_word = next((t.i for t in doc if not t.is_space), None)
        for token in doc:
            if not token.is_space:
                previous = token.i
            elif first_word is not None:
                heads[token.i] = previous
        values = numpy.array(
            [[numpy.int64(h - i).astype(numpy.uint64), doc.vocab.strings.add(d)] for i, (h, d) in enumerate(zip(heads, deps))],
            dtype="uint64",
        ).reshape(len(doc), 2)
        doc.from_array([HEAD, DEP], values)
        return doc


# "Дженсен Хуанг (Jensen Huang)", "Мобильные ТелеСистемы (МТС)": the name, then a Latin name or an abbreviation
_PAREN_ALIAS = re.compile(r"^(?P<name>.*?\S)\s*\((?P<alias>[^()]*(?:[A-Za-z]|[А-ЯЁ]{2})[^()]*)\)$")


@Language.factory("natasha_ner")
def create_natasha_ner(nlp: Language, name: str):
    return NatashaNER()


class NatashaNER:
    """PER/LOC/ORG spans from Natasha's NER; a trailing "(Latin Name)" or "(ABBR)" becomes `span._.alias`."""

    def __call__(self, doc: Doc) -> Doc:
        full_text = doc.text  # Doc.text rebuilds the string on every access: read it once
        if not full_text.strip():
            return doc
        spans = []
        for found in natasha_models().ner(full_text).spans:
            text = full_text[found.start:found.stop]
            match = _PAREN_ALIAS.match(text)
            stop = found.start + len(match["name"]) if match else found.stop
            span = doc.char_span(found.start, stop, label=found.type, alignment_mode="expand")
            if span is None or not span.text.strip():
                continue
            if match:
                span._.alias = match["alias"].strip()
            spans.append(span)
        doc.ents = filter_spans(spans)
        return doc


class CachedRussianLemmatizer(RussianLemmatizer):
    """spaCy's Russian pymorphy3 lemmatizer with a cache: its lemma depends only on (text, POS, morph), but it
    re-parses and converts every analysis for every token (half the pipeline's time without the cache)."""

    max_cache = 500_000

    def pymorphy3_lemmatize(self, token) -> list[str]:
        key = (token.orth, token.pos, token.morph.key)
        lemmas = self.cache.get(key)
        if lemmas is None:
            if len(self.cache) >= self.max_cache:
                self.cache.clear()
            try:
                lemmas = super().pymorphy3_lemmatize(token)
            except (ValueError, KeyError):  # pymorphy3 raises on characters without a Unicode name
                lemmas = [token.text.lower()]
            self.cache[key] = lemmas
        return lemmas


@Language.factory(
    "pymorphy3_lemmatizer",
    default_config={"model": None, "mode": "pymorphy3", "overwrite": True, "scorer": {"@scorers": "spacy.lemmatizer_scorer.v1"}},
)
def create_pymorphy3_lemmatizer(nlp: Language, model, name: str, mode: str, overwrite: bool, scorer):
    return CachedRussianLemmatizer(nlp.vocab, model, name, mode=mode, overwrite=overwrite, scorer=scorer)


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


@Language.component("entity_filter")
def entity_filter(doc: Doc) -> Doc:
    """Drop mentions that are not names (pipeline.entities.non_entity_rule); cut a leading adjective before a
    Latin name ("Китайская Huawei" -> "Huawei"; a lone "Тайваньская" is dropped), a descriptor before a quoted or
    Latin name ("Завод «Микрон»" -> "Микрон") and surrounding quotes."""
    kept = []
    for span in doc.ents:
        if span.label_ != "PRODUCT" and non_entity_rule(span.text):
            continue
        if span.label_ != "PER" and _adjective_only(span[0]):
            if len(span) == 1:
                continue
            if re.match(r"[A-Za-z]", span[1].text):
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


@Language.component("label_propagator")
def label_propagator(doc: Doc) -> Doc:
    """One name, one label per article: an untagged repetition of a tagged name-like surface gets the label
    (Natasha tags "Mistral AI" in one sentence and misses it in another, or misses a name in a title)."""
    labels: dict[tuple[str, ...], set[str]] = defaultdict(set)
    for span in doc.ents:
        if span.label_ in {"ORG", "PER", "LOC"} and _name_like(span):
            labels[tuple(t.text for t in span)].add(span.label_)
    surfaces = {words: next(iter(found)) for words, found in labels.items() if len(found) == 1}
    if not surfaces:
        return doc
    taken = {i for span in doc.ents for i in range(span.start, span.end)}
    added, longest = [], max(len(w) for w in surfaces)
    i = 0
    while i < len(doc):
        for n in range(min(longest, len(doc) - i), 0, -1):
            words = tuple(t.text for t in doc[i:i + n])
            if words in surfaces and not taken & set(range(i, i + n)):
                before = doc[i - 1] if i else None
                after = doc[i + n] if i + n < len(doc) else None
                # a name glued into a longer capitalised or hyphenated word is not this name
                if not ((before is not None and not before.whitespace_ and before.text not in QUOTES | {"(", "/"})
                        or (after is not None and not doc[i + n - 1].whitespace_ and after.text == "-")):
                    added.append(Span(doc, i, i + n, label=surfaces[words]))
                    taken.update(range(i, i + n))
                    i += n - 1
                    break
        i += 1
    if added:
        doc.ents = sorted(list(doc.ents) + added, key=lambda s: s.start)
    return doc


@Language.component("canonical_linker")
def canonical_linker(doc: Doc) -> Doc:
    """`span._.canonical` for every entity (alias table, product ids, surname -> full name in the article); a
    type the alias table knows better replaces the NER's ("Вашингтон" stays LOC, an aliased ORG becomes ORG)."""
    ents = list(doc.ents)
    views = [MentionView(e.label_, e.text, e._.normal or e.text, e.ent_id_ or None, e._.alias) for e in ents]
    relabelled = []
    for span, (etype, canonical) in zip(ents, link(views)):
        if etype != span.label_:
            span = Span(doc, span.start, span.end, label=etype)
        span._.canonical = canonical
        relabelled.append(span)
    doc.ents = relabelled
    return doc


# ---------------------------------------------------------------------------
# assembly
# ---------------------------------------------------------------------------


def build_nlp(config_path: Path = NLP_CONFIG_PATH) -> Language:
    """The pipeline as declared in `models/nlp/config.cfg`."""
    config = spacy.util.load_config(config_path)
    return spacy.util.load_model_from_config(config, auto_fill=True, validate=True)


@cache
def load_nlp() -> Language:
    """The process-wide pipeline (Natasha's models load once, on first use)."""
    return build_nlp()
