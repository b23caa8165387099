"""Candidates for the relation slot: every relation class, with the evidence the claim's words give for it.

Each class of `gold/GUIDELINES.md` is a candidate of every claim. Its features say where a word naming that class
stands (the subject's head, the rest of the subject, the words the amount hangs on, the predicate, the clause,
the sentence before the amount, the claim before it in the paragraph or the sentence), what the amount is (its
kind, a unit of goods or capacity, a share of a group, a change and its direction) and whether the rules of
`pipeline.claims.relation` chose it and how. The features are the same for every class ("the subject's head names
this class"), so what a model learns from one class carries to the others; a few per-class priors (the class
with the amount's kind) complete them. `pipeline.claims.chooser` scores them with `models/claims/relation.json`.
"""

from __future__ import annotations

from pipeline.claims.article import ArticleView
from pipeline.claims.chooser import Candidate
from pipeline.claims.relation import SPEC_UNITS, _direction, _group_share, _measured, _sales, _share
from pipeline.records import Amount

RELATIONS = ("spend", "invest", "revenue", "profit", "price", "market_share", "growth", "decline", "lag",
             "forecast", "supply", "ban", "other")


def _named(view: ArticleView, indices: list[int], clause_tokens: list[int]) -> set[str]:
    return {r for i in indices if i not in view.attribution for r in [_measured(view, i, clause_tokens)] if r}


def relation_candidates(view: ArticleView, subject: list[int], predicate: int | None, primary: Amount, clause: int,
                        previous: str | None, neighbour: str | None, amounts: list[Amount], modality: str,
                        rule: str, rule_how: str) -> list[Candidate]:
    """One candidate per relation class (`Candidate.head` is the class's index in `RELATIONS`)."""
    tokens, lex = view.tokens, view.lex
    clause_tokens = [i for i in view.clause_tokens[clause] if i not in view.attribution]
    first = view.token_at(primary.start)
    heads = [i for i in subject if tokens[i].head not in subject]
    chain, k = [], first
    while k is not None and k >= 0 and len(chain) < 6 and k != predicate:
        chain.append(k)
        k = tokens[k].head
    earlier = [i for i in view.sent_tokens[tokens[first].sent] if i < first] if first is not None else []
    evidence = {
        "subject_head": _named(view, heads[:1], clause_tokens),
        "subject": _named(view, subject, clause_tokens),
        "amount_heads": _named(view, chain, clause_tokens),
        "predicate": _named(view, [predicate] if predicate is not None else [], clause_tokens),
        "clause": _named(view, clause_tokens, clause_tokens),
        "sentence_before": _named(view, earlier, clause_tokens),
    }
    unit = primary.unit or ""
    facts = {
        "goods": primary.kind == "count" and unit in lex["goods"],
        "capacity": primary.kind == "quantity" and unit in lex["capacity_unit"],
        "spec": primary.kind == "quantity" and unit in SPEC_UNITS,
        "group_share": primary.kind == "percent" and _group_share(view, primary),
        "banned": bool({tokens[i].lemma.lower() for i in clause_tokens + subject} & set(lex["ban_word"])),
    }
    share = _share(view, primary, clause_tokens)
    sales = _sales(view, subject, predicate, primary, clause_tokens)
    direction = _direction(view, primary, amounts)
    candidates = []
    for n, relation in enumerate(RELATIONS):
        f: dict[str, float] = {f"class={relation}": 1.0, f"class={relation}&kind={primary.kind}": 1.0}
        for where, named in evidence.items():
            if relation in named:
                f[f"named_by:{where}"] = 1.0
                f[f"named_by:{where}&class={relation}"] = 1.0
        for fact, present in facts.items():
            if present:
                f[f"{fact}&class={relation}"] = 1.0
        f["share_word"] = float(share == relation)
        f["sales"] = float(sales == relation)
        f["direction"] = float(direction == relation)
        f["previous"] = float(previous == relation)
        f["neighbour"] = float(neighbour == relation)
        f[f"modality={modality}&class={relation}"] = 1.0
        f["rule"] = float(rule == relation)
        if rule == relation:
            f[f"rule={rule_how}"] = 1.0
        candidates.append(Candidate(n, [], f, text=relation))
    return candidates
