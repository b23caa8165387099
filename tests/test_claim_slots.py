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


# --- issue 25: mechanisms that carry beyond the sentences they were found on (our own sentences) ---------------


@pytest.mark.parametrize(
    "text, amount, subject_word",
    [
        # "на которые пришлось": the relative stands for the noun before it
        ("Главной мишенью стали банки, на которые пришлось 41% всех атак.", "41%", "банки"),
        # "на них приходится": a pronoun in the framed phrase is its antecedent
        ("Ядро клиентов — студенты вузов, на них приходится 28% заказов.", "28%", "студенты"),
        # "у X" right before the amount, list by list
        ("Прибыль снизилась у трёх банков: у «Альфы» на 6%, у «Беты» на 14%.", "14%", "Беты"),
        # "на долю X приходится": the party whose share it is
        ("На долю «Зетты» приходится до 38% всех заказов.", "до 38%", "Зетты"),
        # a gapped clause that names a time inherits the subject before it
        ("На 2026 г. запланированы расходы в размере 12 млрд руб., на 2027 г. — 14 млрд руб.", "14 млрд руб.",
         "расходы"),
        # an in-clause "X — N" names its subject
        ("Взнос за участие составит 3%, а залог для участия - 15%.", "15%", "залог"),
        # a sum after a count is about the counted thing
        ("В октябре продали 4,1 млн планшетов на сумму 90 млрд рублей.", "90 млрд рублей", "планшетов"),
        # a share opening a verbless clause is about its group
        ("Почти 12% всех обращений — это жалобы на связь.", "Почти 12%", "обращений"),
        # an amount compared in brackets is about the claim before it
        ("На банки пришлось 21% атак (по сравнению с 30% годом ранее).", "30%", "банки"),
        # a fine is about the party fined
        ("Суд оштрафовал компанию «Зетта» на 2 млн руб.", "2 млн руб.", "Зетта"),
        # an allocation with no subject is about its recipient
        ("Заводу было выделено 5 млрд руб. на модернизацию.", "5 млрд руб.", "Заводу"),
    ],
)
def test_subject_beyond_the_sentence(nlp, text, amount, subject_word):
    assert subject_word in (claim_at(nlp, text, amount).subject or ""), claim_at(nlp, text, amount)


@pytest.mark.parametrize(
    "text, amount, source_word",
    [
        # a document after an impersonal speech verb
        ("Расходы составят 40 млрд руб., говорится в пояснительной записке к бюджету.", "40 млрд руб.", "записке"),
        ("Число атак выросло на 15%, стало известно из отчёта компании «Зетта».", "15%", "Зетта"),
        # a closing speech verb covers its sentence, whoever spoke before
        ("Директор предупредил о рисках: акции упали на 9%, пишет «Бета».", "9%", "Бета"),
        # the next sentence that points back names the source; "со ссылкой на X" first
        ("Продажи упали на 11%. Об этом сообщила газета со ссылкой на ретейлеров.", "11%", "ретейлеров"),
        ("Выручка выросла на 8%. Такими данными поделился аналитик Олег Смирнов.", "8%", "Смирнов"),
        ("Доля расходов составила 26%. Такие оценки содержатся в обзоре агентства «Зетта».", "26%", "Зетта"),
        # "Из него следует": the document the sentence before named
        ("Журнал изучил доклад «Беты». Из него следует, что зарплаты выросли на 7%.", "7%", "Беты"),
        # inside a quotation the speaker named after it closes
        ("«Продажи выросли на 12%. Спрос остаётся высоким», — говорится в сообщении компании.", "12%",
         "сообщении"),
    ],
)
def test_source_beyond_the_phrase(nlp, text, amount, source_word):
    assert source_word in (claim_at(nlp, text, amount).source or ""), claim_at(nlp, text, amount)


@pytest.mark.parametrize(
    "text, amount",
    [
        # a noun's own "по данным" is no attribution
        ("Спрос на специалистов по данным вырос на 40%.", "40%"),
        # a speech verb inside a comparison speaks for the comparison, not for the claim
        ("Компания продала 120 тыс. машин — больше, чем прогнозировали аналитики.", "120 тыс. машин"),
        # "время ожидания" holds nobody's view
        ("Время ожидания доставки достигает 30 недель.", "30 недель"),
    ],
)
def test_no_source(nlp, text, amount):
    assert claim_at(nlp, text, amount).source is None, claim_at(nlp, text, amount)


@pytest.mark.parametrize(
    "text, amount, relation",
    [
        # sales: revenue in money, supply in units; the words after the amount decide first
        ("В июле продали 2 млн смартфонов на сумму 40 млрд рублей.", "40 млрд рублей", "revenue"),
        ("Падение продаж составило 20% в штуках и 15% в деньгах.", "15%", "revenue"),
        ("Падение продаж составило 20% в штуках и 15% в деньгах.", "20%", "supply"),
        ("Продажи ноутбуков сократились на 12%.", "12%", "supply"),
        # one item sold for a price is a price, a deal for a stake an investment
        ("Терминал продаётся за $300.", "$300", "price"),
        # a share of a group of people or organisations is other
        ("Повысить тарифы планируют 64% операторов.", "64%", "other"),
        # a share of spending is spending
        ("Доля расходов на ИТ достигнет 30% от всех затрат.", "30%", "spend"),
        # shares bought back are an investment
        ("Компания выкупила 300 тысяч акций.", "300 тысяч акций", "invest"),
        # salaries are prices
        ("Медианная зарплата программистов составила 190 тыс. руб.", "190 тыс. руб.", "price"),
        # a multiplier against a named party
        ("Zento продала в два раза больше роутеров, чем Samsung.", "в два раза", "other"),
        # a level with its change and no measure: the direction
        ("Число пользователей достигло 40 млн, что на 6% больше, чем год назад.", "40 млн", "growth"),
        # the value of goods sold is revenue
        ("Общая стоимость проданных наушников составила 82 млрд рублей.", "82 млрд рублей", "revenue"),
        # a share of blocked calls is no ban's extent
        ("Более трети заблокированных звонков пришлось на пенсионеров.", "Более трети", "other"),
    ],
)
def test_relation_beyond_the_word(nlp, text, amount, relation):
    assert claim_at(nlp, text, amount).relation == relation


@pytest.mark.parametrize(
    "text, amount, start, end",
    [
        # a gapped clause's own year
        ("На 2026 г. запланированы расходы в размере 12 млрд руб., на 2027 г. — 14 млрд руб.", "14 млрд руб.",
         "2027-01-01", "2027-12-31"),
        # the base a compared amount stands for
        ("Во втором квартале прибыль упала до 4 млрд руб. по сравнению с 9 млрд руб. годом ранее.", "9 млрд руб.",
         "2024-04-01", "2024-06-30"),
        # a "когда" clause takes the date before it
        ("Расходы вырастут по сравнению с 2025-м, когда планируется до 70 млрд руб.", "70 млрд руб.",
         "2025-01-01", "2025-12-31"),
        # never the date of an event after "после"
        ("Трафик снизился на 12% после выхода в конце октября новой версии.", "12%", "2025-11-20", "2025-11-20"),
        # never the date of a later clause with figures of its own
        ("Доля составила 34%, тогда как в предыдущем квартале эта доля составляла 13%.", "34%",
         "2025-11-20", "2025-11-20"),
    ],
)
def test_time_beyond_the_nearest(nlp, text, amount, start, end):
    claim = claim_at(nlp, text, amount)
    assert (str(claim.time_start), str(claim.time_end)) == (start, end), claim


@pytest.mark.parametrize(
    "text, amount, modality",
    [
        # "хотят повысить" plans
        ("Почти половина операторов хотят повысить цены на 7%.", "7%", "plan"),
        # an allocation with no one named is a plan
        ("На проект выделят 20 млрд рублей.", "20 млрд рублей", "plan"),
        # a buyback approved is a plan
        ("Совет директоров одобрил buyback до 2 млн акций.", "до 2 млн акций", "plan"),
        # a goal noun that only qualifies another noun plans nothing
        ("Основной целью атак стали банки, на которые пришлось 34% инцидентов.", "34%", "fact"),
        # a forecast about a period wholly past is no forecast
        ("Рост составит 8% — ниже уровня 2024 года (11%).", "11%", "fact"),
    ],
)
def test_modality_beyond_the_word(nlp, text, amount, modality):
    assert claim_at(nlp, text, amount).modality == modality, claim_at(nlp, text, amount)


@pytest.mark.parametrize(
    "text, amount, expected",
    [
        # (subject word, relation, source word or None, modality)
        ("Выручка TSMC в третьем квартале выросла на 41% и достигла $33,1 млрд, сообщила компания.", "$33,1 млрд",
         ("TSMC", "revenue", "компания", "fact")),
        ("По данным TrendForce, доля Samsung сократилась до 7,3%, тогда как у TSMC она выросла до 71%.", "71%",
         ("TSMC", "market_share", "TrendForce", "fact")),
        ("Еврокомиссия оштрафовала Apple на €500 млн за нарушение правил конкуренции.", "€500 млн",
         ("Apple", "other", None, "fact")),
        ("Регулятор выписал Meta штраф в размере €200 млн.", "€200 млн", ("Meta", "other", None, "fact")),
        ("Стартап Mistral AI привлёк €1,7 млрд в раунде, который возглавила ASML.", "€1,7 млрд",
         ("Mistral", "invest", None, "fact")),
        ("Xiaomi отгрузила 43 млн смартфонов, заняв третье место с долей 14%.", "14%",
         ("Xiaomi", "market_share", None, "fact")),
        ("Alphabet намерена потратить в 2025 году около $75 млрд на капитальные вложения.", "около $75 млрд",
         ("Alphabet", "spend", None, "plan")),
        ("Nvidia вложит в OpenAI до $100 млрд, говорится в совместном заявлении компаний.", "до $100 млрд",
         ("Nvidia", "invest", "заявлении", "plan")),
        ("Компания выпустит в следующем году 600 тыс. ускорителей, сообщает Reuters со ссылкой на источники.",
         "600 тыс. ускорителей", ("Компания", "supply", "Reuters", "rumor")),
        ("По данным Counterpoint, Apple поставила 58 млн iPhone, Samsung — 61 млн смартфонов.", "58 млн iPhone",
         ("Apple", "supply", "Counterpoint", "fact")),
        ("Инвестиции Oracle в дата-центры в Техасе оцениваются в $40 млрд.", "$40 млрд",
         ("Oracle", "invest", None, "estimate")),
        ("Поставки смартфонов за квартал выросли на 2,6% до 322 млн штук, подсчитали в IDC.", "322 млн штук",
         ("смартфонов", "supply", "IDC", None)),
    ],
)
def test_industry_news_claims(nlp, text, amount, expected):
    claim = claim_at(nlp, text, amount)
    subject_word, relation, source_word, modality = expected
    assert subject_word in (claim.subject or ""), claim
    assert claim.relation == relation, claim
    assert (source_word in (claim.source or "")) if source_word else claim.source is None, claim
    if modality:
        assert claim.modality == modality, claim


def test_classifier_takes_the_goods_a_sales_word_names(nlp):
    claim = claim_at(nlp, "Поставки смартфонов за квартал выросли на 2,6% до 322 млн штук.", "322 млн штук")
    assert claim.unit == "смартфон"


@pytest.mark.parametrize(
    "text, amount, expected",
    [
        # (subject word, source word or None, modality)
        ("Инвесторы ожидали выручку в $30 млрд, но компания заработала $33 млрд.", "$30 млрд",
         ("выручку", "Инвесторы", "estimate")),
        ("Инвесторы ожидали выручку в $30 млрд, но компания заработала $33 млрд.", "$33 млрд",
         ("компания", None, "fact")),
        ("Компания прогнозирует выручку в четвёртом квартале на уровне $54 млрд.", "$54 млрд",
         ("выручку", "Компания", "forecast")),
        ("Стоимость сделки может составить $5 млрд, пишет Bloomberg со ссылкой на собеседников.", "$5 млрд",
         ("сделки", "Bloomberg", "rumor")),
        ("Правительство выделит 10 млрд рублей на поддержку отрасли.", "10 млрд рублей",
         ("Правительство", None, "plan")),
        ("«Мы увеличим выпуск на 30%», — заявил генеральный директор Иван Петров.", "30%",
         ("Мы", "Петров", "plan")),
    ],
)
def test_expectations_and_commitments(nlp, text, amount, expected):
    claim = claim_at(nlp, text, amount)
    subject_word, source_word, modality = expected
    assert subject_word in (claim.subject or ""), claim
    assert (source_word in (claim.source or "")) if source_word else claim.source is None, claim
    assert claim.modality == modality, claim


@pytest.mark.parametrize(
    "text, amount, relation",
    [
        ("По слухам, Apple купит стартап за $1 млрд.", "$1 млрд", "invest"),  # a company bought: a deal
        ("Стоимость сделки может составить $5 млрд.", "$5 млрд", "invest"),   # the value of a deal
    ],
)
def test_deals_are_investments(nlp, text, amount, relation):
    assert claim_at(nlp, text, amount).relation == relation


def test_an_elided_period_takes_the_period_named_before(nlp):
    claim = claim_at(nlp, "В первом полугодии выручка выросла на 10%, а во втором — на 15%.", "15%")
    assert (str(claim.time_start), str(claim.time_end)) == ("2025-07-01", "2025-12-31")
