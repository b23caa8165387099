"""The modality slot and negation.

Words count where they govern the claim: in its clause or on the path from its predicate up to the sentence's
root ("Компания планирует, что выручка составит …"), not anywhere in the sentence ("по текущим тарифным
планам" says nothing of the claim's own modality).

    rumor     слухи, источники, ссылаясь на свои источники
    estimate  an irrealis ("потребовались бы"); a predicate that estimates ("оценивались в $69,79 млрд"); an
              attribution that estimates ("по оценкам", "считают"); an expectation about a period now past
              ("ожидания аналитиков … составили $161,2 млн")
    plan      планирует, намерена, обещала, цель, намерение, "рассчитывает получить"; a company's own future
              action ("Сбербанк вложит")
    forecast  the future tense, может, должна, прогноз, ожидают
    fact      the rest; a result that beat a forecast ("превысило прогнозы") is a fact
Negation: "не" before the predicate, or a cancelling predicate.
"""

from __future__ import annotations

from pipeline.claims.article import ArticleView
from pipeline.claims.words import word_set
from pipeline.records import Mention


def governing(view: ArticleView, clause: int, predicate: int | None, qualifying: bool = False) -> list[int]:
    """The claim's clause (with the verbless "Прогноз на квартал —" it gaps from) and the verbs from its predicate
    up to the root, with their clauses' words; a noun that only qualifies another noun ("время ожидания", "целью
    атак") governs nothing (unless `qualifying`)."""
    tokens = set(view.clause_tokens[clause])
    before = view.clause_tokens.get(clause - 1, [])
    if (before and view.tokens[before[-1]].text in {"—", "–"} and not view.has_verb(before)
            and view.tokens[before[0]].sent == view.tokens[view.clause_tokens[clause][0]].sent):
        tokens |= set(before)
    k, steps = predicate, 0
    while k is not None and k >= 0 and steps < 10:
        tokens |= set(view.clause_tokens[view.clause_of[k]])
        k, steps = view.tokens[k].head, steps + 1
    return sorted(i for i in tokens if qualifying or not _qualifying_noun(view, i))


def _qualifying_noun(view: ArticleView, i: int) -> bool:
    """"время ожидания доставки", "Основной целью DDoS-атак стали …": a plan or forecast noun that is a genitive
    dependent, or a goal noun without a verb of its own to aim at."""
    tok = view.tokens[i]
    if tok.pos != "NOUN":
        return False
    if tok.dep == "nmod" and tok.case == "Gen":
        return True
    if tok.lemma in word_set("goal_noun"):
        children = view.children.get(i, [])
        dashed = i + 1 < len(view.tokens) and view.tokens[i + 1].text in {"—", "–", ":"}
        return not dashed and not any(view.tokens[c].pos == "VERB" for c in children)
    return False


def modality_of(view: ArticleView, sentence: list[int], predicate: int | None, subject_mention: Mention | None,
                hint: str, clause: int | None = None) -> str:
    words = governing(view, clause, predicate) if clause is not None else sentence
    every = governing(view, clause, predicate, qualifying=True) if clause is not None else sentence
    lemmas = {view.tokens[i].lemma.lower() for i in words}
    lemmas |= {view.tokens[i].lower for i in words}
    lex = view.lex
    if {w for i in every for w in (view.tokens[i].lemma.lower(), view.tokens[i].lower)} & set(lex["rumor"]):
        return "rumor"  # "По данным источника": a qualifying noun still says where it comes from
    if _cites_sources(view, sentence):
        return "rumor"  # "…, сообщает Reuters со ссылкой на источники"
    pred = view.tokens[predicate] if predicate is not None else None
    if pred is not None and hint == "fact" and lex["speech"].get(pred.lemma) in {"forecast", "estimate"}:
        hint = lex["speech"][pred.lemma]  # "Компания прогнозирует выручку …", "ожидали выручку в $30 млрд"
    future = pred is not None and (pred.tense == "Fut" or (pred.tense == "Pres" and pred.aspect == "Perf"))
    past = pred is not None and pred.tense == "Past"
    if clause is not None and "бы" in {view.tokens[i].lower for i in view.clause_tokens[clause]}:
        return "estimate"  # "потребовались бы 10 ядерных реакторов"
    plan = lemmas & set(lex["plan"])
    passive_future = predicate is not None and _passive(view, predicate)
    future = future or passive_future
    first_person = any(view.tokens[i].lower in {"мы", "я"} for i in words if view.tokens[i].dep.startswith("nsubj"))
    if plan or (future and pred.lemma in word_set("future_plan_verb") and (subject_mention is not None or passive_future
                                                                 or first_person)):
        return "plan"  # "Сбербанк вложит", "будут построены ещё три кампуса"
    if announced(view, predicate, words):
        return "plan"  # "объявила о строительстве фабрики стоимостью $10–12 млрд"
    modal = (lemmas & set(lex["modal"])) - _beaten(view, words)
    if hint == "forecast" and past:
        return "estimate"  # an expectation about a period now past
    if future or modal or hint == "forecast":
        return "forecast"
    if hint == "estimate" or (pred is not None and pred.lemma in word_set("estimating_verb")):
        return "estimate"  # "оценивается в $40 млрд"
    return "fact"


def _cites_sources(view: ArticleView, sentence: list[int]) -> bool:
    """The sentence's attribution rests on unnamed sources: "со ссылкой на (свои) источники", "ссылаясь на
    источники"."""
    tokens = view.tokens
    for i in sentence:
        if tokens[i].lower in {"ссылкой", "ссылаясь"} and i + 1 < len(tokens) and tokens[i + 1].lower == "на":
            for k in range(i + 2, min(i + 5, len(tokens))):
                if tokens[k].lemma in view.lex["rumor"] or tokens[k].lemma in {"собеседник", "инсайдер"}:
                    return True
    return False


def _passive(view: ArticleView, predicate: int) -> bool:
    """"будут построены": a future passive of a plan verb needs no named agent."""
    return any(view.tokens[c].lower in word_set("future_auxiliary") for c in view.children.get(predicate, []))


def announced(view: ArticleView, predicate: int | None, words: list[int]) -> bool:
    """The claim is an action or programme an announcement or approval verb has as its object ("объявило о
    субсидиях в размере …", "утвердило программу поддержки объёмом …")."""
    lex = view.lex
    verbs = [i for i in words if view.tokens[i].lemma in lex["announce"]]
    if not verbs:
        return False
    return any(view.tokens[i].lemma in lex["action_noun"] and view.tokens[i].head in verbs for i in words)


def planned_money(modality: str, relation: str, predicate_future: bool, words_say_forecast: bool,
                  subject_mention: Mention | None, impersonal: bool = False, institution: bool = False) -> str:
    """A named party's own future spending or investment stated as a fact is a plan ("Samsung вложит в линию 60
    трлн вон"), and so is an allocation with no one named ("На нацпроект выделят полтриллиона рублей"); a
    market's ("расходы банков вырастут") or one with "может", "должен" or an expectation stays a forecast."""
    if (modality == "forecast" and relation in {"spend", "invest"} and predicate_future and not words_say_forecast
            and (impersonal or institution or subject_mention is not None and subject_mention.type in {"ORG", "PER"})):
        return "plan"
    return modality


def modality_in_time(modality: str, start, end, time_source: str, published, forecast_words: bool) -> str:
    """The claim's own time and its modality agree: a figure about a period wholly before publication is no
    forecast (an expectation about it is an estimate), one about a period wholly after it is no fact."""
    if time_source != "sentence" or published is None or start is None or end is None:
        return modality
    if modality == "forecast" and end < published:
        return "estimate" if forecast_words else "fact"
    if modality == "fact" and start > published:
        return "forecast"
    return modality


def _beaten(view: ArticleView, words: list[int]) -> set[str]:
    """Forecast words that are the object of a verb of exceeding ("превысило прогнозы аналитиков")."""
    beaten = set()
    for i in words:
        head = view.tokens[i].head
        if head >= 0 and view.tokens[head].lemma in word_set("beating_verb"):
            beaten |= {view.tokens[i].lemma.lower(), view.tokens[i].lower}
    return beaten


def negated(view: ArticleView, predicate: int | None) -> bool:
    if predicate is None:
        return False
    return (predicate > 0 and view.tokens[predicate - 1].lower == "не") or view.tokens[predicate].lemma == "отменить"
