"""Claim candidates: amounts grouped by clause, the primary amount of each group, and its predicate.

1. Amounts group by clause (clauses split at , ; : — and brackets). In one clause, a change and its level stay
   one claim ("выросла на 41% до 452 млрд", "упала с 13% до 5%"); two levels are two claims. A clause
   "что/чем/против … в N раз больше/меньше …" after a claim is that claim's comparison.
2. The primary amount is the level (money > count > quantity > duration > percent > multiplier); between equals,
   the target after "до".
3. The predicate is the verb the primary amount hangs on (Natasha's dependency heads), kept inside the amount's
   clause, else the clause's verb.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pipeline.claims.article import ArticleView
from pipeline.claims.words import CHANGE_KINDS, KIND_PRIORITY
from pipeline.records import Amount


@dataclass
class Group:
    clause: int
    amounts: list[Amount]
    comparison: list[Amount] = field(default_factory=list)
    comparison_text: str | None = None


def group_amounts(view: ArticleView, sentence_amounts: list[Amount]) -> list[Group]:
    """The claim candidates of one sentence."""
    groups: list[Group] = []
    for amount in sentence_amounts:
        first = view.token_at(amount.start)
        clause = view.clause_of[first] if first is not None else -1
        opener = view.tokens[view.clause_tokens[clause][0]].lower if first is not None else ""
        clause_words = {w for i in view.clause_tokens[clause] for w in (view.tokens[i].lemma, view.tokens[i].lower)}
        if (groups and amount.kind in CHANGE_KINDS and opener in {"что", "чем", "против"}
                and (clause_words & set(view.lex["comparative"]) or opener == "против")):
            groups[-1].comparison.append(amount)
            groups[-1].comparison_text = view.phrase(view.clause_tokens[clause])
            continue
        if groups and groups[-1].clause == clause and joins(groups[-1].amounts, amount):
            groups[-1].amounts.append(amount)
            continue
        groups.append(Group(clause, [amount]))
    return groups


def joins(group: list[Amount], amount: Amount) -> bool:
    """A change and a level, or "с X до Y", belong to one claim; two levels do not."""
    kinds = [a.kind for a in group] + [amount.kind]
    levels = [k for k in kinds if k not in CHANGE_KINDS]
    if len(levels) <= 1 and len(kinds) - len(levels) >= 1:
        return True
    return len(kinds) == 2 and kinds[0] == kinds[1] == "percent"


def primary_amount(view: ArticleView, amounts: list[Amount]) -> Amount:
    def key(a: Amount):
        first = view.token_at(a.start)
        before = view.tokens[first - 1].lower if first else ""
        return KIND_PRIORITY.get(a.kind, 9), 0 if before == "до" else 1, a.start
    return min(amounts, key=key)


def predicate_of(view: ArticleView, amount: Amount) -> int | None:
    """The verb the amount hangs on, inside its clause when the clause has a verb of its own."""
    tokens = view.tokens
    inside = view.span_tokens(amount.start, amount.stop)
    if not inside:
        return None
    top = next((i for i in inside if tokens[i].head not in inside), inside[0])
    clause = view.clause_of[top]
    clause_verbs = [i for i in view.clause_tokens[clause] if tokens[i].pos == "VERB"]
    k, steps = top, 0
    while k >= 0 and steps < 8:
        if tokens[k].pos in {"VERB", "AUX"} and k not in inside:
            # an arc leaving the amount's clause is usually a parser slip when the clause has its own verb
            if view.clause_of[k] == clause or not clause_verbs:
                return k
            break
        k, steps = tokens[k].head, steps + 1
    verbs = clause_verbs
    if not verbs:
        verbs = [i for i in view.sent_tokens[tokens[top].sent] if tokens[i].pos == "VERB"]
    # an amount mostly follows its verb ("оценивают расходы … в 330 млрд и считают, что …")
    return min(verbs, key=lambda i: (i > top, abs(i - top))) if verbs else None


def object_of(view: ArticleView, group: Group) -> str | None:
    """'на развитие вычислительной инфраструктуры': the "на"-phrase of the clause that is not an amount."""
    clause = group.clause
    amount_starts = {a.start for a in group.amounts + group.comparison}
    tokens = view.tokens
    for i in view.clause_tokens[clause]:
        tok = tokens[i]
        if tok.lower != "на" or i + 1 >= len(tokens):
            continue
        nxt = tokens[i + 1]
        if nxt.start in amount_starts or nxt.pos not in {"NOUN", "PROPN", "ADJ"}:
            continue
        end = i + 1
        while (end + 1 < len(tokens) and view.clause_of[end + 1] == clause
               and tokens[end + 1].start not in amount_starts and tokens[end + 1].pos in {"NOUN", "ADJ", "PROPN", "DET"}):
            end += 1
        return view.text[tok.start:tokens[end].stop]
    return None
