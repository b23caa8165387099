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
from pipeline.claims.words import word_set
from pipeline.records import Amount

DIRECTIONS = {"growth", "decline"}
SPEC_UNITS = {"GHz", "MHz", "Gbit/s", "Mbit/s", "Tbit/s", "nm", "hour", "km", "TB", "GB", "t"}


def relation_of(view: ArticleView, subject: list[int], predicate: int | None, primary: Amount, modality: str,
                clause: int, previous: str | None = None, neighbour: str | None = None,
                amounts: list[Amount] | None = None) -> tuple[str, str]:
    """(relation, how it was decided). `previous` is the relation of the claim before this one in the paragraph,
    `neighbour` that of the claim before it in the same sentence when its primary amount is of the same kind (a
    list: "Lenovo (25% поставок), HP (около 20%)"; a gapped clause: "выросла на 9%, а в регионе — на 48%");
    `amounts` the claim's amounts (a level with its change: "123 млн, что на 6% больше" is growth)."""
    lex = view.lex
    clause_tokens = [i for i in view.clause_tokens[clause] if i not in view.attribution]
    clause_lemmas = {view.tokens[i].lemma.lower() for i in clause_tokens}
    banned = (clause_lemmas | {view.tokens[i].lemma.lower() for i in subject}) & set(lex["ban_word"])
    if banned and (primary.kind not in {"percent", "multiplier"} or (
            predicate is not None and view.tokens[predicate].lemma.lower() in lex["ban_word"])):
        return "ban", "ban"  # "заблокировал 15 тыс. сайтов"; "трети заблокированных звонков" is no ban's extent
    if predicate is not None and lex["relation"].get(view.tokens[predicate].lemma.lower()) == "lag":
        return "lag", "lag"  # "ускорители, отстающие от Rubin на два поколения": the gap, whatever lags
    first = view.token_at(primary.start)
    if neighbour and first and view.tokens[first - 1].lower == "против":
        return neighbour, "neighbour"  # "более трети рынка против 32,6 % у соперника": the same measure
    if primary.kind == "count" and primary.unit == "акция":
        return "invest", "unit"  # "выкупила 500 тысяч акций": a stake bought
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
    sales = _sales(view, subject, predicate, primary, clause_tokens)
    if sales:
        return sales, "sales"
    if primary.kind == "percent" and _group_share(view, primary):
        return "other", "group"  # "16% компаний", "96% операторов": a share of a group, not of a market
    found, own = _from_words(view, subject, predicate, primary, modality, clause_tokens)
    spent = _share_of_spending(view, subject)
    if found == "market_share" and spent:
        return spent, "word"  # "доля затрат на ИТ … достигнет 29%": a share of spending is spending
    if found == "market_share" and (primary.kind == "count" or not _party_share(view, subject)):
        found = "other"  # "доля россиян, столкнувшихся …", "доля 3-нм техпроцесса": no party's share of a market
    if found and not own and primary.kind == "count":
        found = None  # "Рынок характеризуется дисбалансом: … разместили 44 тыс. вакансий": not the count's measure
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
    if found:
        return found, "direction"
    direction = _direction(view, primary, amounts or [primary])
    return (direction, "direction") if direction else ("other", "none")


def _direction(view: ArticleView, primary: Amount, amounts: list[Amount]) -> str | None:
    """Nothing names a measure, but the claim is a change: "123 млн, что на 6% больше, чем год назад" (growth),
    "65 млн, что на 21% меньше" (decline), "более 20 тысяч новых пользователей" (growth)."""
    tokens = view.tokens
    if primary.kind == "count" and any(tokens[i].lemma == "новый" for i in view.span_tokens(primary.start, primary.stop)):
        return "growth"
    for a in amounts:
        last = view.token_at(a.stop - 1)
        if a.kind not in {"percent", "multiplier"} or last is None:
            continue
        for k in range(last + 1, min(last + 3, len(tokens))):
            if tokens[k].lower in {"больше", "выше"}:
                return "growth"
            if tokens[k].lower in {"меньше", "ниже"}:
                return "decline"
    return None


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
    if relation == "price" and any(view.tokens[c].dep == "nmod" and view.tokens[c].lemma in word_set("deal_noun")
                                   for c in view.children.get(i, [])):
        return "invest"  # "стоимость сделки", "сумма покупки": the value of a deal is an investment
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
    after = [i for i in view.sent_tokens[view.tokens[first].sent] if i > first]
    words = [view.tokens[i].lower for i in after]
    if any(a == "чем" and b == "у" for a, b in zip(words, words[1:])):
        return True
    # "продал в три раза больше электромобилей, чем Tesla": a named party right after "чем"
    return any(view.tokens[i].lower == "чем" and k + 1 < len(after)
               and view.mention_in([after[k + 1]], {"ORG", "PER", "PRODUCT", "LOC"}) is not None
               for k, i in enumerate(after))


def _share_of_spending(view: ArticleView, subject: list[int]) -> str | None:
    """The relation of a spending measure a "доля" of the subject governs ("доля расходов на ИТ" → spend)."""
    for i in subject:
        if view.tokens[i].lemma != "доля":
            continue
        for c in view.children.get(i, []):
            relation = view.lex["relation"].get(view.tokens[c].lemma.lower())
            if view.tokens[c].dep == "nmod" and c > i and relation in {"spend", "invest"}:
                return relation
    return None


def _is_group(view: ArticleView, i: int) -> bool:
    """A noun that names people, organisations or cases (`group_noun`): shares of them are "other"."""
    tok = view.tokens[i]
    return tok.lemma in view.lex["group_noun"] or tok.lemma.split("-")[-1] in view.lex["group_noun"]


def _group_share(view: ArticleView, primary: Amount) -> bool:
    """"16% компаний", "96% операторов мобильной связи": a percent of a group of people, organisations or cases."""
    span = view.span_tokens(primary.start, primary.stop)
    k = span[-1] + 1 if span else len(view.tokens)
    while k < len(view.tokens) and view.tokens[k].pos in {"ADJ", "DET"} and view.tokens[k].case == "Gen":
        k += 1
    return k < len(view.tokens) and view.tokens[k].case == "Gen" and _is_group(view, k)


UNIT_PHRASES = {("в", "штуках"): "supply", ("по", "количеству"): "supply", ("в", "количественном"): "supply",
                ("в", "натуральном"): "supply", ("в", "штучном"): "supply", ("в", "деньгах"): "revenue",
                ("в", "денежном"): "revenue", ("в", "стоимостном"): "revenue", ("в", "рублях"): "revenue",
                ("в", "долларах"): "revenue", ("по", "стоимости"): "revenue"}


def _sales(view: ArticleView, subject: list[int], predicate: int | None, primary: Amount,
           clause_tokens: list[int]) -> str | None:
    """Sales of goods: in money they are revenue, in units supply ("продали 6,2 млн устройств на сумму 140 млрд
    рублей", "падение продаж составило почти 29% в штуках и 26% в деньгах", "продажи смартфонов сократились на
    20%"); the words right after the amount decide first, then the goods sold."""
    tokens, lex = view.tokens, view.lex
    span = view.span_tokens(primary.start, primary.stop)
    after = [tokens[k].lower for k in range(span[-1] + 1, min(span[-1] + 4, len(tokens)))] if span else []
    stated = next((UNIT_PHRASES[pair] for pair in zip(after, after[1:]) if pair in UNIT_PHRASES), None)
    words = [i for i in subject] + ([predicate] if predicate is not None else []) + clause_tokens
    sold = [i for i in words if tokens[i].lemma in lex["sales_word"]]
    if not sold:
        return None
    if stated and primary.kind in {"percent", "multiplier"}:
        return stated
    if primary.kind == "money":
        # a sum for goods counted before it ("633 605 смартфонов за 15,8 млрд руб.", "на сумму 140 млрд"), or the
        # sales themselves ("Продажи составили …"); one item "продаётся за $400" is a price, a deal "по покупке 51%
        # компании за 2,7 млрд" an investment
        first = view.token_at(primary.start)
        goods_before = any(a.kind == "count" and (a.unit or "") in lex["goods"] and a.stop <= primary.start
                           and view.token_at(a.start) is not None and first is not None
                           and tokens[view.token_at(a.start)].sent == tokens[first].sent for a in view.amounts)
        sum_of = first is not None and first > 0 and tokens[first - 1].lower == "сумму"
        heads = [i for i in subject if tokens[i].head not in subject]
        sales_subject = bool(heads) and tokens[heads[0]].lemma in lex["sales_word"] and tokens[heads[0]].pos == "NOUN"
        goods_sold = any(tokens[i].lemma in lex["goods"] for i in subject) and any(
            tokens[i].lemma in lex["sales_word"] for i in subject)  # "стоимость проданных наушников"
        if goods_before or sum_of or sales_subject or goods_sold:
            return "revenue"
        # "Терминал продаётся за $300": one thing sold for a sum is its price ("купит стартап за $1 млрд" is a deal)
        selling = any(tokens[i].lemma in {"продать", "продаваться", "продавать", "реализовать"} for i in sold)
        return "price" if selling and first is not None and first > 0 and tokens[first - 1].lower == "за" else None
    if primary.kind == "count":
        return "supply" if (primary.unit or "") in lex["goods"] else None
    if primary.kind in {"percent", "multiplier"}:
        goods = [k for i in sold for k in view.children.get(i, []) if tokens[k].dep == "nmod"
                 and tokens[k].lemma in lex["goods"]]
        return "supply" if goods else None
    return None


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
