"""The relation slot: what is measured (`gold/GUIDELINES.md`), from the amount first, then the words.

1. A restriction in the clause (блокировка, запрет, санкции) → ban; a predicate of lagging (отставать, уступать)
   → lag.
2. The amount's own unit: a count of goods, devices, facilities or capacity ("консолей", "ускорителей",
   "дата-центров") and a quantity of power or compute ("МВт", "петафлопс") → supply; a count of anything else
   (people, companies, cases) is never a share of a market; a technical quantity (ГГц, Гбит/с, часы) → other
   unless a word says more.
3. A comparison of a multiplier with another party ("в 6,7 раз выше, чем у Nvidia") → other.
4. A share: a percent or fraction of a market measure ("25% поставок", "более трети мирового рынка", "более
   половины от общего объёма") → market_share; "в денежном выражении" → revenue, "в штучном выражении" → supply.
5. The `relation` words of `models/lexicon/claims.tsv`: the subject's, the nouns the amount hangs on, the
   predicate, the clause, the sentence before the amount (attribution phrases left out: "по оценкам" says who,
   not what); growth/decline only when nothing names a measure; "доля" is market_share only when a party's
   (or a market measure's) share is named — "доля россиян, столкнувшихся …" is other. Power a site consumes
   ("потребляет от 10 МВт до 1 ГВт") is other, not supply.
6. Nothing named: the relation of the previous claim in the paragraph ("… рост выручки. Micron прибавила 53,2 %
   до $10,65 млрд").
"""

from __future__ import annotations

from pipeline.claims.article import ArticleView
from pipeline.records import Amount

DIRECTIONS = {"growth", "decline"}
SPEC_UNITS = {"GHz", "MHz", "Gbit/s", "Mbit/s", "Tbit/s", "nm", "hour", "km", "TB", "GB", "t"}


def relation_of(view: ArticleView, subject: list[int], predicate: int | None, primary: Amount, modality: str,
                clause: int, previous: str | None = None, neighbour: str | None = None) -> tuple[str, str]:
    """(relation, how it was decided). `previous` is the relation of the claim before this one in the paragraph,
    `neighbour` that of the claim before it in the same sentence when its primary amount is of the same kind (a
    list: "Lenovo (25% поставок), HP (около 20%)"; a gapped clause: "выросла на 9%, а в регионе — на 48%")."""
    lex = view.lex
    clause_tokens = [i for i in view.clause_tokens[clause] if i not in view.attribution]
    clause_lemmas = {view.tokens[i].lemma.lower() for i in clause_tokens}
    if clause_lemmas & set(lex["ban_word"]):
        return "ban", "ban"
    if predicate is not None and lex["relation"].get(view.tokens[predicate].lemma.lower()) == "lag":
        return "lag", "lag"  # "ускорители, отстающие от Rubin на два поколения": the gap, whatever lags
    first = view.token_at(primary.start)
    if neighbour and first and view.tokens[first - 1].lower == "против":
        return neighbour, "neighbour"  # "более трети рынка против 32,6 % у соперника": the same measure
    if primary.kind == "count" and (primary.unit or "") in lex["goods"]:
        return "supply", "unit"
    if primary.kind == "quantity" and primary.unit in lex["capacity_unit"]:
        sentence = view.sent_tokens[view.tokens[clause_tokens[0]].sent] if clause_tokens else []
        consumed = {view.tokens[i].lemma.lower() for i in sentence} & set(lex["consumption_word"])
        return ("other" if consumed else "supply"), "unit"  # power a site uses is no capacity supplied
    if primary.kind == "multiplier" and _compared_with_party(view, primary):
        return "other", "comparison"
    share = _share(view, primary, clause_tokens)
    if share:
        return share, "share"
    found, own = _from_words(view, subject, predicate, primary, modality, clause_tokens)
    if found == "market_share" and (primary.kind == "count" or not _party_share(view, subject)):
        found = "other"  # "доля россиян, столкнувшихся …", "доля 3-нм техпроцесса": no party's share of a market
    if found and found not in DIRECTIONS and own:
        return found, "word"
    if neighbour and not (own and found):
        return neighbour, "neighbour"
    if found and found not in DIRECTIONS:
        return found, "word"
    if primary.kind == "quantity" and primary.unit in SPEC_UNITS:
        return "other", "unit"
    if previous and previous not in DIRECTIONS | {"other"} and primary.kind in {"money", "percent", "multiplier"}:
        return previous, "previous"
    return (found, "direction") if found else ("other", "none")


def _from_words(view: ArticleView, subject: list[int], predicate: int | None, primary: Amount, modality: str,
                clause_tokens: list[int]) -> tuple[str | None, bool]:
    """The relation the words name, and whether the claim's own words (subject, the amount's heads, predicate,
    clause) named it rather than the sentence before the amount."""
    first = view.token_at(primary.start)
    chain, k = [], first
    while k is not None and k >= 0 and len(chain) < 6 and k != predicate:
        chain.append(k)
        k = view.tokens[k].head
    earlier = [i for i in view.sent_tokens[view.tokens[first].sent] if i < first] if first is not None else []
    own_groups = (_main_words(view, subject), chain, [predicate] if predicate is not None else [], clause_tokens)
    direction, own = None, False
    for group, is_own in [(g, True) for g in own_groups] + [(earlier[::-1], False)]:
        for i in group:
            if i in view.attribution:
                continue
            relation = _measured(view, i, clause_tokens)
            if relation in DIRECTIONS:
                direction, own = (direction, own) if direction else (relation, is_own)
            elif relation:
                if relation == "revenue" and view.tokens[i].lemma.lower() == "рынок" and modality == "forecast":
                    return "forecast", is_own
                return relation, is_own
    return direction, own


def _measured(view: ArticleView, i: int, clause_tokens: list[int]) -> str | None:
    """The relation token i names; a change names the measure in its genitive ("росте стоимости" → price)."""
    lemma = view.tokens[i].lemma.lower()
    relation = view.lex["relation"].get(lemma)
    if relation == "market_share" and lemma == "приходиться" and not _na_phrase(view, clause_tokens):
        return None  # "говорить не приходится": no "на долю X приходится"
    if relation in DIRECTIONS:
        for child in view.children.get(i, []):
            if view.tokens[child].dep == "nmod" and child > i:
                measure = view.lex["relation"].get(view.tokens[child].lemma.lower())
                if measure and measure not in DIRECTIONS:
                    return measure
    return relation


def _na_phrase(view: ArticleView, clause_tokens: list[int]) -> bool:
    """The clause has a "на"-phrase that is not an amount ("на долю Samsung", "на рынок США")."""
    amount_starts = {a.start for a in view.amounts}
    return any(view.tokens[i].lower == "на" and i + 1 < len(view.tokens) and view.tokens[i + 1].start not in amount_starts
               for i in clause_tokens)


def _main_words(view: ArticleView, subject: list[int]) -> list[int]:
    """The subject without its participle and relative clauses ("пользователь, совершавший покупки" → the
    user, not the purchases)."""
    inside = set(subject)
    out = []
    for i in subject:
        k, steps, nested = i, 0, False
        while k in inside and steps < 8:
            if view.tokens[k].dep.startswith("acl") and view.tokens[k].head in inside:
                nested = True
                break
            k, steps = view.tokens[k].head, steps + 1
        if not nested:
            out.append(i)
    return out


def _party_share(view: ArticleView, subject: list[int]) -> bool:
    """The subject names a party (a company, country, product) or a market measure whose share it is."""
    if view.mention_in(subject, {"ORG", "LOC", "PER", "PRODUCT"}) is not None:
        return True
    return any(view.tokens[i].lemma in view.lex["share_noun"] for i in subject) or not subject


def _compared_with_party(view: ArticleView, primary: Amount) -> bool:
    """"… в 6,7 раз выше, чем у Nvidia NVL144": a comparison with someone else after the amount in its sentence,
    not a change over time."""
    first = view.token_at(primary.start)
    if first is None:
        return False
    words = [view.tokens[i].lower for i in view.sent_tokens[view.tokens[first].sent] if i > first]
    return any(a == "чем" and b == "у" for a, b in zip(words, words[1:]))


def _share(view: ArticleView, primary: Amount, clause_tokens: list[int]) -> str | None:
    """A share of a market measure, or a value "в денежном/штучном выражении"."""
    tokens = view.tokens
    words = [tokens[i].lower for i in clause_tokens]
    for a, b in zip(words, words[1:]):
        if b == "выражении" and a in {"денежном", "стоимостном"}:
            return "revenue"
        if b == "выражении" and a in {"штучном", "натуральном"}:
            return "supply"
    if primary.kind != "percent":
        return None
    span = view.span_tokens(primary.start, primary.stop)
    k = span[-1] + 1 if span else len(tokens)
    while k < len(tokens) and tokens[k].pos in {"ADJ", "DET"} and tokens[k].case == "Gen":
        k += 1
    if k < len(tokens) and tokens[k].lemma in view.lex["share_noun"]:
        return "market_share"  # "25% поставок", "более трети мирового рынка"
    if k + 2 < len(tokens) and tokens[k].lower == "от" and tokens[k + 2].lemma in {"объём", "объем", "число", "количество"}:
        return "market_share"  # "более половины от общего объёма"
    return None
