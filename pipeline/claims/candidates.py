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
from pipeline.claims.words import KIND_PRIORITY
from pipeline.norm import parse_word
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
        if not claims_anything(view, amount):
            continue
        first = view.token_at(amount.start)
        clause = view.clause_of[first] if first is not None else -1
        opener = view.tokens[view.clause_tokens[clause][0]].lower if first is not None else ""
        clause_words = {w for i in view.clause_tokens[clause] for w in (view.tokens[i].lemma, view.tokens[i].lower)}
        if groups and view.is_change(amount) and opener in {"что", "чем", "это"} and (
                clause_words & set(view.lex["comparative"])):
            if _compares_in_time(view, clause) and _is_level_group(view, groups[-1]):
                groups[-1].amounts.append(amount)  # "$112,4 млрд: это на 61,1 % больше, чем годом ранее"
            else:
                groups[-1].comparison.append(amount)  # "что в десять раз меньше, чем у американских"
                groups[-1].comparison_text = view.phrase(view.clause_tokens[clause])
            continue
        if groups and (_continues(view, groups[-1], amount, clause) or _conversion(view, groups[-1], amount)):
            groups[-1].amounts.append(amount)
            continue
        groups.append(Group(clause, [amount]))
    return _merge_change_and_level(view, groups)


def claims_anything(view: ArticleView, amount: Amount) -> bool:
    """An amount that only describes a thing ("3-нм чипов", "20-летний договор", "реакторов по 1 ГВт каждый")
    makes no claim of its own; it can still join one."""
    first = view.token_at(amount.start)
    if first is None:
        return False
    tok = view.tokens[first]
    if "-" in tok.text and tok.text[:1].isdigit() and len(view.span_tokens(amount.start, amount.stop)) == 1:
        return False  # an adjective: "3-нм", "20-летний", "5-процентный"
    last = view.token_at(amount.stop - 1)
    before = view.tokens[first - 1].lower if first > 0 else ""
    after = view.tokens[last + 1].lower if last is not None and last + 1 < len(view.tokens) else ""
    return not (before == "по" and after in {"каждый", "каждая", "каждое", "каждому", "на"})


def _conversion(view: ArticleView, group: Group, amount: Amount) -> bool:
    """"4,7 трлн вон (3,4 млрд долларов США)", "20,6 млрд юаней (около $2,87 млрд)": a sum in another currency in
    brackets right after a sum is the same figure converted, not a claim of its own."""
    previous = group.amounts[-1]
    gap = view.text[previous.stop:amount.start].strip()
    return (previous.kind == amount.kind == "money" and previous.currency != amount.currency
            and gap in {"(", "(около", "(примерно", "(порядка", "(~", "(≈"})


def _continues(view: ArticleView, group: Group, amount: Amount, clause: int) -> bool:
    """The amount belongs to the claim before it: in its clause, a change and a level ("выросла на 41% до 452
    млрд"); in the next clause, the level after a change ("увеличилась на 32,8 % — до $76,3 млрд", "на 45% …, до
    836 тыс.") or a change in brackets right after a level ("130 млрд руб. (+33% год к году)")."""
    first = view.token_at(amount.start)
    before = view.tokens[first - 1].lower if first else ""
    previous = group.amounts[-1]
    if group.clause == clause:
        return joins(view, group.amounts, amount)
    if before == "до" and all(view.is_change(a) for a in group.amounts) and not view.is_change(amount):
        return True
    gap = view.text[previous.stop:amount.start]
    return view.is_change(amount) and gap.strip() in {"(", "(+", "(−"} and _is_level_group(view, group)


def _is_level_group(view: ArticleView, group: Group) -> bool:
    return sum(not view.is_change(a) for a in group.amounts) == 1 and not any(view.is_change(a) for a in group.amounts)


def _compares_in_time(view: ArticleView, clause: int) -> bool:
    """The clause compares with an earlier time ("чем годом ранее", "по сравнению с аналогичным периодом", "год к
    году"), not with another party."""
    members = list(view.clause_tokens[clause])
    following = view.clause_tokens.get(clause + 1, [])
    if following and view.tokens[following[0]].lower == "чем" and view.tokens[following[0]].sent == view.tokens[members[0]].sent:
        members += following  # "что на 6% больше, чем год назад": the base is in the next segment
    tokens = [view.tokens[i] for i in members]
    words = {t.lower for t in tokens}
    has_time = any(view.timex_at(t.start) is not None for t in tokens)
    return has_time or bool(words & {"ранее", "назад"}) or ("год" in words and "к" in words)


def _merge_change_and_level(view: ArticleView, groups: list[Group]) -> list[Group]:
    """A change-only claim and a level-only claim in neighbouring clauses of one sentence are one claim when the
    second clause has no subject of its own, does not contrast ("а …") and names no other time: "показала рост на
    62,8 %, в третьем квартале выручила $33 млн", "принесли $36,2 млрд, показав рост на 192,7 %"."""
    merged: list[Group] = []
    for group in groups:
        previous = merged[-1] if merged else None
        if (previous is not None and group.clause == previous.clause + 1 and not previous.comparison
                and not group.comparison and not view.has_own_subject(group.clause)
                and view.tokens[view.clause_tokens[group.clause][0]].lower not in {"а", "но", "однако"}
                and not _own_times_differ(view, previous.clause, group.clause)
                and ((_is_change_group(view, previous) and _is_level_group(view, group))
                     or (_is_level_group(view, previous) and _is_change_group(view, group)))):
            previous.amounts += group.amounts
            continue
        merged.append(group)
    return merged


def _own_times_differ(view: ArticleView, first: int, second: int) -> bool:
    """Both clauses name a time of their own, and not the same one ("в прошлом году …, в этом году …")."""
    def times(clause: int) -> set[tuple]:
        return {(t.start_date, t.end_date) for i in view.clause_tokens[clause]
                if (t := view.timex_at(view.tokens[i].start)) is not None and t.kind != "duration"}
    a, b = times(first), times(second)
    return bool(a) and bool(b) and not a & b


def _is_change_group(view: ArticleView, group: Group) -> bool:
    return all(view.is_change(a) for a in group.amounts)


def joins(view: ArticleView, group: list[Amount], amount: Amount) -> bool:
    """In one clause, a change and a level belong to one claim ("выросла на 41% до 452 млрд"), and so do the two
    ends of "с 13% до 5%"; two levels do not, nor two changes ("на 66% в Москве и на 41,5% в регионах")."""
    kinds = [a.kind for a in group] + [amount.kind]
    levels = [a for a in [*group, amount] if not view.is_change(a)]
    if len(levels) == 1 and len(kinds) == 2:
        return True
    if len(levels) <= 1 and len(kinds) - len(levels) >= 1 and len(kinds) > 2:
        return True
    first = view.token_at(amount.start)
    return (len(kinds) == 2 and kinds[0] == kinds[1] == "percent" and first is not None
            and view.tokens[first - 1].lower == "до")


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
        copula = tokens[k].pos == "ADJ" and _short_adjective(tokens[k].lower) and any(
            tokens[c].dep in {"nsubj", "nsubj:pass"} for c in view.children.get(k, []))
        if (tokens[k].pos in {"VERB", "AUX"} or copula) and k not in inside:  # "Показатель … равен 0,23"
            if not clause_verbs and k > top and tokens[k].dep.startswith("acl"):
                break  # a verbless clause continues the verb before it, not a relative clause after it
            # an arc leaving the amount's clause is usually a parser slip when the clause has its own verb
            if view.clause_of[k] == clause or not clause_verbs:
                return k
            break
        k, steps = tokens[k].head, steps + 1
    verbs = clause_verbs
    if not verbs:
        verbs = [i for i in view.sent_tokens[tokens[top].sent] if tokens[i].pos == "VERB"]
        earlier = [i for i in verbs if i < top and not tokens[i].dep.startswith("acl")]
        if earlier:
            return earlier[-1]
    # an amount mostly follows its verb ("оценивают расходы … в 330 млрд и считают, что …")
    return min(verbs, key=lambda i: (i > top, abs(i - top))) if verbs else None


def _short_adjective(word: str) -> bool:
    """"равен", "равна": a short adjective is a predicate of its own (not a comparative like "выше")."""
    return any(p.tag.POS == "ADJS" for p in parse_word(word)[:2])


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
