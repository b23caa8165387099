"""Claims: who says what amount about whom, and when — from the parse, the mentions, amounts and dates.

    pipeline/claims/article.py     the article as the claim modules see it (clauses, attribution phrases, mentions)
    pipeline/claims/earlier.py     what a claim takes from the claims before it (passed along; the view never changes)
    pipeline/claims/candidates.py  amounts grouped into claims, the primary amount, the predicate, the object
    pipeline/claims/subject.py     who or what the amount is about, and its entity
    pipeline/claims/source.py      who says it
    pipeline/claims/time.py        when
    pipeline/claims/relation.py    what is measured
    pipeline/claims/modality.py    fact, estimate, forecast, plan or rumor; negation
    pipeline/claims/chooser.py     a learned chooser among the parse's subject candidates (the rules' choice one of them)
    pipeline/claims/confidence.py  the probability that every slot is right (a small trained logistic model)
    pipeline/claims/build.py       one `Claim` record (and its amount links) per candidate

Words come from `models/lexicon/claims.tsv`. Pure: tokens and records in, records out.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from pipeline.claims.article import ArticleView
from pipeline.claims.build import build_claims
from pipeline.lexicon import Tok
from pipeline.records import Amount, Claim, ClaimAmount, Mention, Timex

__all__ = ["extract_claims"]


def extract_claims(text: str, tokens: Sequence[Tok], mentions: Sequence[Mention], amounts: Sequence[Amount],
                   timexes: Sequence[Timex], published_at: date | None, article_id: str,
                   features: list | None = None) -> tuple[list[Claim], list[ClaimAmount]]:
    """Claims and their amount links for one article (`features` receives each claim's `ClaimTrace`)."""
    if not amounts:
        return [], []
    return build_claims(ArticleView(text, tokens, mentions, amounts, timexes, published_at, article_id), features)
