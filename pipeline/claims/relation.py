"""The relation slot: what is measured (`relation` rows of `models/lexicon/claims.tsv`): the subject's words,
then the nouns the amount hangs on, then the predicate, then the rest of the clause; growth/decline only when
nothing names a measure."""

from __future__ import annotations

from pipeline.claims.article import ArticleView
from pipeline.records import Amount


def relation_of(view: ArticleView, subject: list[int], predicate: int | None, primary: Amount, modality: str,
                clause: int) -> str:
    relations = view.lex["relation"]
    chain, k = [], view.token_at(primary.start)
    while k is not None and k >= 0 and len(chain) < 6 and k != predicate:
        chain.append(k)
        k = view.tokens[k].head
    direction = None
    for group in (subject, chain, [predicate] if predicate is not None else [], view.clause_tokens[clause]):
        for i in group:
            lemma = view.tokens[i].lemma.lower()
            relation = relations.get(lemma)
            if relation in {"growth", "decline"}:
                direction = direction or relation
            elif relation:
                if relation == "revenue" and lemma == "рынок" and modality == "forecast":
                    return "forecast"
                return relation
    return direction or "other"
