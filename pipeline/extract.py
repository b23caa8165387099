"""Articles in, records out: run the NLP pipeline and adapt spaCy objects to plain records.

No Prefect here: `process_articles` works the same inside a task and in a notebook.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable

from spacy.language import Language
from spacy.tokens import Doc

from pipeline.records import Article, ArticleResult, Mention, Reject


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
        )
        for span in doc.ents
    ]


def process_article(article: Article, nlp: Language) -> ArticleResult:
    """Everything the pipeline extracts from one cleaned article."""
    doc = nlp(article.text)
    return ArticleResult(article=article, mentions=adapt_mentions(doc, article.article_id))


def process_articles(articles: Iterable[Article], nlp: Language) -> tuple[list[ArticleResult], list[Reject]]:
    """Process a batch; an article the NLP layer fails on becomes a Reject and the batch goes on."""
    results: list[ArticleResult] = []
    rejects: list[Reject] = []
    for article in articles:
        try:
            results.append(process_article(article, nlp))
        except Exception as exc:  # noqa: BLE001 - one bad article must not sink the batch
            rejects.append(Reject(article.source_id, article.source_format, article.path, "nlp_error",
                                  f"{type(exc).__name__}: {exc}", article.line))
    return results, rejects
