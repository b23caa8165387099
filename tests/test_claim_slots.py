"""One table per claim slot: (sentence of our own, expected slot), through the whole pipeline."""

from datetime import date

import pytest

from pipeline.extract import process_article
from pipeline.records import Article

PUBLISHED = date(2025, 11, 20)


def claims_of(nlp, text):
    article = Article("a", "a.txt", "txt", "a.txt", None, None, PUBLISHED, "t", text, "utf-8")
    return process_article(article, nlp).claims


def claim_at(nlp, text, amount):
    """The claim whose primary amount starts where `amount` first occurs in the text."""
    start = text.find(amount)
    for claim in claims_of(nlp, text):
        if claim.claim_id.rsplit(":c", 1)[1].startswith(f"{start}-"):
            return claim
    raise AssertionError(f"no claim with primary amount {amount!r}")


# --- candidates: which amounts make one claim -----------------------------------------------------------------


@pytest.mark.parametrize(
    "text, primaries",
    [
        # the level after a change, across a comma or a dash, is one claim with it
        ("Выручка холдинга увеличилась на 18%, до 52 млрд руб.", ["52 млрд руб."]),
        ("Отгрузки выросли на 7 % — до 3,1 млн штук.", ["3,1 млн штук"]),
        # a change in brackets right after a level joins it
        ("Продажи составили 64 млрд руб. (+12% за год).", ["64 млрд руб."]),
        # two changes in one clause are two claims
        ("Трафик вырос на 30% в столице и на 12% в регионах.", ["30%", "12%"]),
        # an amount that only describes a thing claims nothing
        ("Завод выпускает 5-нм чипы и продал их на $2 млрд.", ["$2 млрд"]),
    ],
)
def test_candidates(nlp, text, primaries):
    got = []
    for c in claims_of(nlp, text):
        start, stop = (int(x) for x in c.claim_id.rsplit(":c", 1)[1].split("-"))
        got.append(text[start:stop])
    assert got == primaries


# --- subject ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, amount, subject_word, entity",
    [
        # an amount in brackets belongs to the name before them
        ("Первое место занимает Zento (31% продаж), за ней идут Borka (18%) и Apple (12%).", "18%", "Borka", None),
        # "у X" next to the amount names whose figure it is
        ("Выручка Зетты выросла на 5%, у «Борки» — на 11%.", "11%", "Борки", None),
        # an impersonal sentence is about what it counts
        ("Было собрано около 12 тысяч заявок.", "около 12 тысяч заявок", "заявок", None),
        # the group a share is of
        ("Две трети опрошенных компаний внедрили облачные сервисы.", "Две трети", "компаний", None),
        # a relative pronoun stands for the noun it follows
        ("Аналитики дали прогноз, который составил 40 млрд руб.", "40 млрд руб.", "прогноз", None),
        # the object of a speech verb is the claim, its subject the source
        ("«Альфа» отметила рост продаж ноутбуков на 9%.", "9%", "продаж", None),
        # a participle is about the noun it describes, even when the parser hangs it elsewhere
        ("Глава компании заявил, что эти модели, отстающие от лидеров на два поколения, дешевле.", "два поколения",
         "модели", None),
        # a gerund shares the subject of its verb
        ("Компания Zento вышла в прибыль, продав за квартал 120 тыс. роутеров.", "120 тыс. роутеров", "Zento", "Zento"),
        # a change noun with a measure in the genitive is what the amount is about
        ("Спросу помогло увеличение поставок смартфонов на 12 %.", "12 %", "поставок", None),
        # a time is never the subject: the verb's recipient is
        ("Второй квартал принёс компании Zento прибыль в размере 40 млн руб.", "40 млн руб.", "Zento", "Zento"),
        # a verbless tail with an amount continues its own clause, not the speech verb after it
        ("Число жалоб сократилось на 30%, до 12 тыс., подсчитали в Росреестре.", "12 тыс.", "жалоб", None),
        # the level after a dash is about the subject of the clause before it
        ("Самый быстрый рост показала Индия — плюс 41 % за год.", "41 %", "Индия", None),
    ],
)
def test_subject(nlp, text, amount, subject_word, entity):
    claim = claim_at(nlp, text, amount)
    assert subject_word in (claim.subject or ""), claim
    if entity:
        assert claim.subject_entity == entity


# --- source ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, amount, source_word",
    [
        ("Согласно данным агентства Росстат, цены выросли на 8%.", "8%", "Росстат"),
        ("Со слов директора Ивана Петрова, завод выпустил 3 тыс. станков.", "3 тыс. станков", "Петрова"),
        ("По подсчётам аналитиков, рынок вырос на 15%.", "15%", "аналитиков"),
        ("В Сбербанке отметили рост выдач на 12%.", "12%", "Сбербанке"),
        ("Выручка компании составила 5 млрд руб. Об этом сообщил её директор Олег Сидоров.", "5 млрд руб.", "Сидоров"),
        ("Потери составили 2 млрд руб., следует из данных ЦБ.", "2 млрд руб.", "ЦБ"),
    ],
)
def test_source(nlp, text, amount, source_word):
    claim = claim_at(nlp, text, amount)
    assert source_word in (claim.source or ""), claim


def test_an_attribution_inside_a_clause_ends_with_its_phrase(nlp):
    text = "Мобильный трафик по данным оператора Zento в среднем по стране вырос на 14% за месяц."
    claim = claim_at(nlp, text, "14%")
    assert claim.source == "оператора Zento" and claim.relation == "growth"


def test_a_speakers_title_runs_across_a_dash_to_the_name(nlp):
    text = "Рынок вырос на 9%, заявил министр – глава ведомства Иван Петров в интервью."
    claim = claim_at(nlp, text, "9%")
    assert claim.source_entity == "Иван Петров", claim


def test_an_attribution_can_lean_on_data(nlp):
    text = "Если опираться на данные агентства Zento, выручка отрасли выросла на 14%."
    assert "Zento" in (claim_at(nlp, text, "14%").source or "")


def test_company_stands_for_the_article_company_not_the_last_name(nlp):
    text = ("Стартап Zento открыл офис. Zento наняла инженеров, сообщил журнал Borka. "
            "Для этого компания потратила 40 млн руб.")
    assert claim_at(nlp, text, "40 млн руб.").subject_entity == "Zento"


def test_a_relative_is_never_a_speaker(nlp):
    claim = claim_at(nlp, "Выручка выросла до 3 млрд руб., что говорит о спросе.", "3 млрд руб.")
    assert claim.source is None


# --- time ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, amount, start, end",
    [
        # a comparison base is never the claim's time
        ("В третьем квартале 2025 года продажи выросли на 12% по сравнению с прошлым годом.", "12%",
         "2025-07-01", "2025-09-30"),
        ("Выручка выросла на 20% относительно летнего периода.", "20%", "2025-11-20", "2025-11-20"),
        # the claim's own clause first
        ("В 2024 году прибыль составила 3 млрд руб., а в 2025 году упала до 2 млрд руб.", "2 млрд руб.",
         "2025-01-01", "2025-12-31"),
    ],
)
def test_time(nlp, text, amount, start, end):
    claim = claim_at(nlp, text, amount)
    assert (str(claim.time_start), str(claim.time_end)) == (start, end)


def test_an_unresolvable_time_is_still_the_claims_time(nlp):
    claim = claim_at(nlp, "Игра за три месяца после выхода собрала 2 млн игроков.", "2 млн игроков")
    assert claim.time_source == "sentence" and claim.time_start is None


# --- relation --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, amount, relation",
    [
        ("Компания продала 12 млн смартфонов.", "12 млн смартфонов", "supply"),
        ("Новый кампус получит мощность 300 МВт.", "300 МВт", "supply"),
        ("Дата-центр потребляет 80 МВт.", "80 МВт", "other"),
        ("Регулятор заблокировал 15 тыс. сайтов.", "15 тыс. сайтов", "ban"),
        ("Лидер держит 34% поставок.", "34%", "market_share"),
        ("Доля пользователей старше 60 лет достигла 18%.", "18%", "other"),
        ("Чип в 3 раза быстрее, чем у конкурента.", "в 3 раза", "other"),
        ("Продажи в денежном выражении выросли на 20%.", "20%", "revenue"),
        ("Средний чек вырос на 6%.", "6%", "spend"),
        # a list neighbour without a measure of its own takes its neighbour's
        ("Первое место занимает Zento (31% поставок), за ней идут Borka (около 18%) и Quill (7%).", "7%",
         "market_share"),
        ("Регулятор заблокировал 9 тыс. номеров, а также 4,2 тыс. страниц в соцсетях.", "4,2 тыс.", "ban"),
        ("Аудитория сервиса выросла на 12%, а в столице этот показатель составил 30%.", "30%", "growth"),
        # "против N" compares the same measure
        ("Борка держит более четверти рынка против 21 % у Zento.", "21 %", "market_share"),
        # a change names its measure in the genitive; "не приходится" is no share
        ("О росте цен на 40 % говорить не приходится.", "40 %", "price"),
        # a participle in the subject does not name the measure
        ("Каждый клиент, оформивший подписку, потратил на сервис 2,4 тыс. руб.", "2,4 тыс. руб.", "spend"),
        ("Численность сотрудников отрасли выросла на 6%.", "6%", "supply"),
    ],
)
def test_relation(nlp, text, amount, relation):
    assert claim_at(nlp, text, amount).relation == relation


def test_relation_carries_over_within_a_paragraph(nlp):
    text = "Выручка лидера выросла на 10% до $5 млрд. Второй игрок прибавил 8% до $3 млрд."
    assert claim_at(nlp, text, "$3 млрд").relation == "revenue"


# --- modality --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, amount, modality",
    [
        ("Для этого потребовались бы 20 новых заводов.", "20 новых заводов", "estimate"),
        ("Будут построены ещё два завода общей мощностью 500 МВт.", "500 МВт", "plan"),
        ("Правительство утвердило программу поддержки объёмом 30 млрд руб.", "30 млрд руб.", "plan"),
        ("Выручка превысила прогнозы и составила 8 млрд руб.", "8 млрд руб.", "fact"),
        ("Компания планирует вложить 4 млрд руб. в новый завод.", "4 млрд руб.", "plan"),
        ("Рынок может вырасти до 90 млрд руб.", "90 млрд руб.", "forecast"),
        ("Новые площадки смогут выдать 2 ГВт мощности.", "2 ГВт", "forecast"),
        ("По тарифным планам абонентская плата составляет 600 руб.", "600 руб.", "fact"),
    ],
)
def test_modality(nlp, text, amount, modality):
    assert claim_at(nlp, text, amount).modality == modality


# --- confidence ------------------------------------------------------------------------------------------------


def test_confidence_is_a_probability_and_ranks_a_clear_claim_above_a_vague_one(nlp):
    clear = claim_at(nlp, "Выручка компании Zento в 2024 году составила 5 млрд руб., сообщил её директор.",
                     "5 млрд руб.")
    vague = claim_at(nlp, "Было собрано около 12 тысяч заявок, а также ещё 3 тыс. и 2 тыс. в других.",
                     "около 12 тысяч заявок")
    assert 0.0 <= vague.confidence <= 1.0 and 0.0 <= clear.confidence <= 1.0
    assert clear.confidence > vague.confidence
