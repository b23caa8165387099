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
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy
import razdel
import spacy
from spacy.attrs import DEP, HEAD, SENT_START
from spacy.lang.ru.lemmatizer import RussianLemmatizer
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import filter_spans
from spacy.vocab import Vocab

from pipeline import entity_pipes  # noqa: F401  (registers the entity components and the Span extensions)
from pipeline.config import NLP_CONFIG_PATH


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


# a site name: razdel splits "hh.ru" into "hh" + "." + "ru"
_SITE = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]*\.(?:ru|com|su|net|org|io|ai|tech|рф)", re.IGNORECASE)


def merge_codes(tokens: list[tuple[int, int]], text: str) -> list[tuple[int, int]]:
    """Join razdel tokens with no space between them when together they form a Latin code with a digit and a
    letter (razdel splits "H200" into "H" + "200", "Ascend 910B" into "910" + "B") or a site name ("hh.ru")."""
    merged: list[tuple[int, int]] = []
    for start, stop in tokens:
        if len(merged) > 1 and merged[-1][1] == start and merged[-2][1] == merged[-1][0]:
            if text[merged[-1][0]:merged[-1][1]] == "." and _SITE.fullmatch(text[merged[-2][0]:stop]):
                merged[-2:] = [(merged[-2][0], stop)]
                continue
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
        starts.update(offset + sent.start for sent in razdel.sentenize(text[offset:end])
                      if not _DATE_ABBREVIATION.search(text, max(0, offset + sent.start - 12), offset + sent.start)
                      or not text[offset + sent.start:offset + sent.start + 1].isdigit())
        offset = match.end() if match else len(text)
    return starts


# "5 сент. 2024 г.": an abbreviated month after a day does not end a sentence before the year
_DATE_ABBREVIATION = re.compile(r"\b\d{1,2}\s+(?:янв|февр?|мар|апр|июн|июл|авг|сент?|окт|нояб?|дек)\.\s*$", re.IGNORECASE)

MAX_SENTENCE_WORDS = 150  # longer runs are cut before the tagger and parser see them


@Language.component("razdel_sentencizer")
def razdel_sentencizer(doc: Doc) -> Doc:
    """Sentence starts from `sentence_starts` (whitespace tokens stay with the sentence before them)."""
    starts = sentence_starts(doc.text)
    # one array write: setting token.is_sent_start token by token re-checks the Doc's annotations each time
    values = [1 if t.i == 0 or (not t.is_space and t.idx in starts) else -1 for t in doc]
    words = 0
    for t in doc:  # a "sentence" of thousands of words (no punctuation) would cost the parser words² memory
        if values[t.i] == 1:
            words = 0
        if not t.is_space:
            words += 1
            if words > MAX_SENTENCE_WORDS:
                values[t.i], words = 1, 1
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
# "ICMR («ГФК-Русь": NER ran a name on into an unclosed bracket holding another name of the same organisation
_PAREN_OPEN = re.compile(r"^(?P<name>.*?\S)\s*\((?P<inner>[^()]*)$")
OPENING_QUOTES = " «\"“„"
CLOSING_QUOTES = " »\"”“"


@Language.factory("natasha_ner")
def create_natasha_ner(nlp: Language, name: str):
    return NatashaNER()


class NatashaNER:
    """PER/LOC/ORG spans from Natasha's NER; a trailing "(Latin Name)" or "(ABBR)" becomes `span._.alias`; a span
    run on into an unclosed bracket ("ICMR («ГФК-Русь") is two names."""

    def __call__(self, doc: Doc) -> Doc:
        full_text = doc.text  # Doc.text rebuilds the string on every access: read it once
        if not full_text.strip():
            return doc
        spans = []
        for found in natasha_models().ner(full_text).spans:
            text = full_text[found.start:found.stop]
            match = _PAREN_ALIAS.match(text)
            unclosed = None if match else _PAREN_OPEN.match(text)
            stop = found.start + len((match or unclosed)["name"]) if (match or unclosed) else found.stop
            span = doc.char_span(found.start, stop, label=found.type, alignment_mode="expand")
            if span is None or not span.text.strip():
                continue
            if match:
                span._.alias = match["alias"].strip()
            spans.append(span)
            if unclosed:
                inner = full_text[found.start + unclosed.start("inner"):found.stop]
                inner_start = found.start + unclosed.start("inner") + len(inner) - len(inner.lstrip(OPENING_QUOTES))
                inner_text = full_text[inner_start:found.stop].rstrip(CLOSING_QUOTES)
                if inner_text[:1].isupper():
                    second = doc.char_span(inner_start, inner_start + len(inner_text), label=found.type)
                    if second is not None:
                        spans.append(second)
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


def load_nlp_and_models() -> Language:
    """The pipeline with Natasha's weights in memory too (they load lazily, on the first text): for a process that
    loads while it waits anyway — the command line while Prefect's server starts, a worker before its first batch."""
    natasha_models()
    return load_nlp()
