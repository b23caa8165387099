"""The modality slot and negation: rumor (слухи, источники) > plan (планирует; a company's own future action) >
forecast (future tense, может, ожидают) > estimate (по оценкам, считают) > fact. Negation: "не" before the
predicate, or a cancelling predicate."""

from __future__ import annotations

from pipeline.claims.article import ArticleView
from pipeline.records import Mention

FUTURE_PLAN_VERBS = {"вложить", "потратить", "построить", "запустить", "направить", "выделить", "инвестировать",
                     "купить", "продать", "выпустить", "развернуть", "уволить", "ввести", "привлечь", "увеличить",
                     "сократить", "разместить", "вывести", "открыть", "удвоить", "расширить", "нарастить"}


def modality_of(view: ArticleView, sentence: list[int], predicate: int | None, subject_mention: Mention | None,
                hint: str) -> str:
    lemmas = {view.tokens[i].lemma for i in sentence}
    if lemmas & set(view.lex["rumor"]):
        return "rumor"
    pred = view.tokens[predicate] if predicate is not None else None
    future = pred is not None and (pred.tense == "Fut" or (pred.tense == "Pres" and pred.aspect == "Perf"))
    if lemmas & set(view.lex["plan"]) or (future and pred.lemma in FUTURE_PLAN_VERBS and subject_mention is not None):
        return "plan"
    if future or lemmas & set(view.lex["modal"]) or hint == "forecast":
        return "forecast"
    if hint == "estimate":
        return "estimate"
    return "fact"


def negated(view: ArticleView, predicate: int | None) -> bool:
    if predicate is None:
        return False
    return (predicate > 0 and view.tokens[predicate - 1].lower == "не") or view.tokens[predicate].lemma == "отменить"
