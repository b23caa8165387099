import pytest

from pipeline.records import Article


def claims_of(nlp, text, published=None):
    from datetime import date

    from pipeline.extract import process_article

    article = Article("a", "a.txt", "txt", "a.txt", None, None, published or date(2025, 11, 28), "t", text, "utf-8")
    result = process_article(article, nlp)
    return result.claims, result


def test_change_and_level_are_one_claim_with_the_level_primary(nlp):
    claims, result = claims_of(nlp, "Чистая прибыль компании TSMC выросла на 39% до 452 млрд тайваньских долларов.")
    assert len(claims) == 1
    claim = claims[0]
    assert (claim.value, claim.currency, claim.relation) == (452e9, "TWD", "profit")
    assert len(result.claim_amounts) == 2 and result.claim_amounts[0].role == "primary"


def test_two_levels_in_two_clauses_are_two_claims(nlp):
    claims, _ = claims_of(nlp, "Доля Samsung выросла до 36%, тогда как доля SK hynix снизилась до 32%.")
    assert [(c.value, c.relation) for c in claims] == [(36.0, "market_share"), (32.0, "market_share")]
    assert [c.subject_entity for c in claims] == ["Samsung", "SK hynix"]


def test_attribution_time_and_modality(nlp):
    claims, _ = claims_of(nlp, "Аналитики Morgan Stanley ожидают, что в четвёртом квартале выручка TSMC составит 33 млрд долларов.")
    [claim] = claims
    assert claim.source_entity == "Morgan Stanley" and claim.modality == "forecast"
    assert (str(claim.time_start), str(claim.time_end), claim.time_source) == ("2025-10-01", "2025-12-31", "sentence")
    assert claim.relation == "revenue" and claim.subject_entity == "TSMC"


def test_plan_and_article_date(nlp):
    claims, _ = claims_of(nlp, "Сбербанк планирует потратить на развитие ИИ около 50 млрд рублей.")
    [claim] = claims
    assert (claim.modality, claim.relation, claim.qualifier, claim.time_source) == ("plan", "spend", "approx", "article")
    assert claim.object == "на развитие ИИ"


def test_rumor(nlp):
    claims, _ = claims_of(nlp, "По слухам, компания Xiaomi потратила на разработку чипа $1 млрд.")
    assert claims[0].modality == "rumor"


@pytest.mark.parametrize("text", ["Компания представила новую модель.", ""])
def test_no_amount_no_claim(nlp, text):
    claims, _ = claims_of(nlp, text)
    assert claims == []


@pytest.mark.parametrize(
    "text, subject_word, entity",
    [
        # an apposition between commas: the name before it is the subject
        ("Немецкая Siemens, крупнейший заказчик проекта, в марте вложила в стартап $2 млрд.", "Siemens", "Siemens"),
        # a parenthetical attribution is neither a clause break nor the subject
        ("Капитальные затраты оператора, по оценке аналитиков «Атона», составят 90 млрд рублей.", "затраты", None),
        # gapping: "а X — на N" takes X
        ("Выручка холдинга выросла на 12%, а показатель OIBDA — на 7%.", "OIBDA", None),
    ],
)
def test_subject_mechanisms(nlp, text, subject_word, entity):
    claims, _ = claims_of(nlp, text)
    claim = claims[-1]
    assert subject_word in (claim.subject or ""), claim
    if entity:
        assert claim.subject_entity == entity
    assert "Атона" not in (claim.subject or "")


def test_coordinated_predicate_inherits_the_subject(nlp):
    claims, _ = claims_of(nlp, "Продажи смартфонов в прошлом году составили 30 млн штук, а в этом году должны вырасти ещё в 1,2 раза.")
    assert [("Продажи" in (c.subject or "")) for c in claims] == [True, True]


def test_a_framed_verb_takes_the_measured_thing(nlp):
    claims, _ = claims_of(nlp, "Эксперты оценивают мировой рынок серверов в $300 млрд.")
    assert "рынок" in claims[0].subject
    claims, _ = claims_of(nlp, "На облачные сервисы пришлось 40% выручки Oracle.")
    assert "облачные сервисы" in claims[0].subject


def test_attribution_scope_and_inverted_speaker(nlp):
    # "по данным X" opening the sentence covers every clause
    claims, _ = claims_of(nlp, "По данным аналитиков Canalys, поставки ноутбуков выросли на 4%, а планшетов — на 2%.")
    assert [c.source_entity for c in claims] == ["Canalys", "Canalys"]
    # one inside a later clause covers only that clause
    claims, _ = claims_of(nlp, "Выручка Ozon выросла на 40%, а расходы, по словам финансового директора Игоря Петрова, "
                               "превысят 90 млрд рублей.")
    assert claims[0].source is None and claims[-1].source_entity == "Игорь Петров"
    # a speaker after "Как рассказал"
    claims, _ = claims_of(nlp, "Как рассказал на конференции директор по технологиям Павел Сидоров, модель обучали на 2 тыс. серверов.")
    assert claims[0].source_entity == "Павел Сидоров"
    # the subject of an estimate verb is the source, its object the subject
    claims, _ = claims_of(nlp, "Аналитики Gartner оценивают рынок облачных услуг в $700 млрд.")
    assert claims[0].source_entity == "Gartner" and "рынок" in claims[0].subject


def test_building_claims_leaves_the_article_view_as_it_was(nlp):
    """What a claim takes from the claims before it ("компания", "этот показатель", a gapped clause) is passed from
    claim to claim: building the claims of one view twice gives the same claims."""
    from datetime import date

    from pipeline.claims.article import ArticleView
    from pipeline.claims.build import build_claims
    from pipeline.extract import adapt_amounts, adapt_mentions, adapt_timexes, adapt_tokens, sentence_starts
    from pipeline.records import Article

    text = ("Компания потратила 2 млрд рублей на серверы. Выручка «Яндекса» в 2025 году выросла на 14% до 9,5 млрд "
            "рублей. Компания вложила 3 млрд рублей в центры обработки данных.")
    article = Article("a", "a.txt", "txt", "a.txt", None, None, date(2026, 1, 20), "t", text, "utf-8")
    doc = nlp(text)
    tokens, starts = adapt_tokens(doc), sentence_starts(doc)
    timexes = adapt_timexes(text, tokens, starts, article)
    view = ArticleView(text, tokens, adapt_mentions(doc, "a"), adapt_amounts(text, tokens, starts, "a"), timexes,
                       article.published_at, "a")
    first, second = build_claims(view), build_claims(view)
    assert first == second
    # the first "Компания" has nothing named before it; the second is the company named since
    assert [c.subject_entity for c in first[0]] == [None, "Яндекс", "Яндекс"]
