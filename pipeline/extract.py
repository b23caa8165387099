"""Articles in, records out: run the NLP pipeline and adapt spaCy objects to plain records.

No Prefect here: `process_articles` works the same inside a task and in a notebook.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator
from dataclasses import replace

from spacy.language import Language
from spacy.tokens import Doc

from pipeline.amounts import find_amounts
from pipeline.claims import extract_claims
from pipeline.entities import entity_id
from pipeline.lexicon import Tok
from pipeline.pieces import shift_result, split_pieces
from pipeline.records import Amount, Article, ArticleResult, Mention, Reject, Timex
from pipeline.timex import find_timexes


def sentence_starts(doc: Doc) -> list[int]:
    """Character offset where each sentence starts, in order."""
    return [sent.start_char for sent in doc.sents]


def sentence_index(starts: list[int], offset: int) -> int:
    """Index of the sentence containing a character offset."""
    return max(bisect.bisect_right(starts, offset) - 1, 0)


def adapt_mentions(doc: Doc, article_id: str) -> list[Mention]:
    """doc.ents as Mention records, ordered by position."""
    starts = sentence_starts(doc)
    return [
        Mention(
            article_id=article_id,
            mention_id=f"{article_id}:{span.start_char}-{span.end_char}",
            sent_index=sentence_index(starts, span.start_char),
            start=span.start_char,
            stop=span.end_char,
            text=span.text,
            type=span.label_,
            normal=span._.normal or span.text,
            alias=span._.alias,
            canonical=span._.canonical or span._.normal or span.text,
            entity_id=entity_id(span.label_, span._.canonical or span._.normal or span.text),
        )
        for span in doc.ents
    ]


def adapt_tokens(doc: Doc) -> list[Tok]:
    """The Doc's words (whitespace dropped) as rule-extractor tokens with lemma, POS, tense and head."""
    words = [t for t in doc if not t.is_space]
    position = {t.i: k for k, t in enumerate(words)}
    sent_of = {}
    for index, sent in enumerate(doc.sents):
        for t in sent:
            sent_of[t.i] = index
    tokens = []
    for t in words:
        morph = t.morph
        tense = (morph.get("Tense") or [""])[0] if t.pos_ in {"VERB", "AUX"} else ""
        aspect = (morph.get("Aspect") or [""])[0] if t.pos_ in {"VERB", "AUX"} else ""
        head = position.get(t.head.i, -1) if t.head.i != t.i else -1
        case = (morph.get("Case") or [""])[0]
        tokens.append(Tok(t.text, t.idx, t.idx + len(t.text), t.lemma_, t.pos_, tense, aspect, head, sent_of[t.i],
                          t.dep_, case))
    return tokens


def adapt_amounts(text: str, tokens: list[Tok], starts: list[int], article_id: str) -> list[Amount]:
    return [
        Amount.of(a, article_id, sentence_index(starts, a.start)) for a in find_amounts(text, tokens)
    ]


def outside_dates(amounts: list[Amount], timexes: list[Timex]) -> list[Amount]:
    """Amounts not inside a calendar expression: the day of "27 дек 2025" or "10 мая в 2023 году" is no count, and
    the length in "первых девяти месяцев 2025 года" no duration (a duration amount and its duration time expression
    coincide by design and both stay, and so does the length of "семью месяцами ранее")."""
    dated = sorted((t.start, t.stop, t.kind) for t in timexes if t.kind != "duration")
    starts = [d[0] for d in dated]

    def inside(a: Amount) -> bool:
        k = bisect.bisect_right(starts, a.start) - 1
        if k < 0 or not (dated[k][0] <= a.start and a.stop <= dated[k][1]):
            return False
        return a.kind != "duration" or dated[k][2] == "interval"  # "семью месяцами ранее" keeps its length
    return [a for a in amounts if not inside(a)]


def adapt_timexes(text: str, tokens: list[Tok], starts: list[int], article: Article) -> list[Timex]:
    anchor = article.published_at
    return [
        Timex.of(t, article.article_id, sentence_index(starts, t.start), anchor)
        for t in find_timexes(text, anchor, tokens)
    ]


def process_article(article: Article, nlp: Language, claim_features: list | None = None) -> ArticleResult:
    """Everything the pipeline extracts from one cleaned article (`claim_features` receives each claim's
    `ClaimTrace`: its confidence features and subject candidates, for training)."""
    merged = ArticleResult(article)
    for piece in article_pieces(article, nlp, claim_features):
        for name in ("mentions", "amounts", "timexes", "claims", "claim_amounts"):
            getattr(merged, name).extend(getattr(piece, name))
    return merged


def article_pieces(article: Article, nlp: Language, claim_features: list | None = None) -> Iterator[ArticleResult]:
    """The article's records piece by piece: a long article runs in pieces (`pipeline.pieces`) so memory and time
    per character stay flat, and a caller can store each piece's records compactly before the next one is made;
    offsets and sentence indices always point into the whole text."""
    pieces = split_pieces(article.text)
    if len(pieces) == 1:
        yield _process_text(article, nlp, claim_features)[0]
        return
    sentences = 0
    for start, stop in pieces:
        piece = replace(article, text=article.text[start:stop])
        result, n_sentences = _process_text(piece, nlp, claim_features)
        yield replace(shift_result(result, start, sentences), article=article)
        sentences += n_sentences


def _process_text(article: Article, nlp: Language, claim_features: list | None) -> tuple[ArticleResult, int]:
    doc = nlp(article.text)
    tokens = adapt_tokens(doc)
    starts = sentence_starts(doc)
    mentions = adapt_mentions(doc, article.article_id)
    timexes = adapt_timexes(article.text, tokens, starts, article)
    amounts = outside_dates(adapt_amounts(article.text, tokens, starts, article.article_id), timexes)
    claims, claim_amounts = extract_claims(article.text, tokens, mentions, amounts, timexes, article.published_at,
                                           article.article_id, claim_features)
    return ArticleResult(article, mentions, amounts, timexes, claims, claim_amounts), len(starts)


def process_articles(articles: Iterable[Article], nlp: Language) -> tuple[list[ArticleResult], list[Reject]]:
    """Process a batch; an article the NLP layer fails on becomes a Reject and the batch goes on."""
    results: list[ArticleResult] = []
    rejects: list[Reject] = []
    for article in articles:
        try:
            results.append(process_article(article, nlp))
        except Exception as exc:  # noqa: BLE001 - one bad article must not sink the batch
            rejects.append(nlp_reject(article, exc))
    return results, rejects


def nlp_reject(article: Article, exc: Exception) -> Reject:
    """The reject of an article the NLP layer failed on."""
    return Reject(article.source_id, article.source_format, article.path, "nlp_error", f"{type(exc).__name__}: {exc}",
                  article.line, article.source_key)
