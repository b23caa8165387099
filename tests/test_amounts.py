import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.amounts import find_amounts
from pipeline.lexicon import tokens_from_text


def amounts(text):
    return [(a.text, a.kind, a.value_min, a.value_max, a.unit, a.qualifier) for a in find_amounts(text)]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("гиганты потратили $57 млрд", ("$57 млрд", "money", 57e9, 57e9, "USD", "none")),
        ("потратили 57 млрд долларов", ("57 млрд долларов", "money", 57e9, 57e9, "USD", "none")),
        ("привлекла $5,5 млрд", ("$5,5 млрд", "money", 5.5e9, 5.5e9, "USD", "none")),
        ("составили 5,5 млрд $", ("5,5 млрд $", "money", 5.5e9, 5.5e9, "USD", "none")),
        ("раунд на 8,1 миллиона долларов", ("8,1 миллиона долларов", "money", 8.1e6, 8.1e6, "USD", "none")),
        ("получил €2 млн", ("€2 млн", "money", 2e6, 2e6, "EUR", "none")),
        ("получил 2 млн евро", ("2 млн евро", "money", 2e6, 2e6, "EUR", "none")),
        ("стоит 300 млн руб. в год", ("300 млн руб.", "money", 3e8, 3e8, "RUB", "none")),
        ("вложит 1,2 трлн рублей", ("1,2 трлн рублей", "money", 1.2e12, 1.2e12, "RUB", "none")),
        ("вложит ₽1,2 трлн", ("₽1,2 трлн", "money", 1.2e12, 1.2e12, "RUB", "none")),
        ("на сумму 408 тысяч долларов США", ("408 тысяч долларов США", "money", 408e3, 408e3, "USD", "none")),
        ("продаётся за $68 000 на рынке", ("$68 000", "money", 68e3, 68e3, "USD", "none")),
        ("выделит 45 трлн вон", ("45 трлн вон", "money", 45e12, 45e12, "KRW", "none")),
        ("субсидии в 10 млрд юаней", ("10 млрд юаней", "money", 1e10, 1e10, "CNY", "none")),
        ("фабрика стоимостью $10–12 млрд", ("$10–12 млрд", "money", 1e10, 1.2e10, "USD", "none")),
        ("обойдётся от 5 до 7 млрд рублей", ("от 5 до 7 млрд рублей", "money", 5e9, 7e9, "RUB", "none")),
        ("прибыль 452 млрд тайваньских долларов", ("452 млрд тайваньских долларов", "money", 452e9, 452e9, "TWD", "none")),
        ("выросла на 78%", ("78%", "percent", 78, 78, "percent", "none")),
        ("составит 20–25 % рынка", ("20–25 %", "percent", 20, 25, "percent", "none")),
        ("маржа 4–6%", ("4–6%", "percent", 4, 6, "percent", "none")),
        ("около 35% выручки", ("около 35%", "percent", 35, 35, "percent", "approx")),
        ("более 80% рынка", ("более 80%", "percent", 80, 80, "percent", "more_than")),
        ("почти 37% продаж", ("почти 37%", "percent", 37, 37, "percent", "less_than")),
        ("не менее 25% выручки", ("не менее 25%", "percent", 25, 25, "percent", "at_least")),
        ("упадут примерно на треть", ("примерно на треть", "percent", 33.33, 33.33, "percent", "approx")),
        ("в десять раз меньше", ("в десять раз", "multiplier", 10, 10, "times", "none")),
        ("в 1,5 раза больше", ("в 1,5 раза", "multiplier", 1.5, 1.5, "times", "none")),
        ("снизил цены вдвое", ("вдвое", "multiplier", 2, 2, "times", "none")),
        ("выросла втрое", ("втрое", "multiplier", 3, 3, "times", "none")),
        ("вырастут в 4,2 раза", ("в 4,2 раза", "multiplier", 4.2, 4.2, "times", "none")),
        ("сократилась почти в два раза", ("почти в два раза", "multiplier", 2, 2, "times", "less_than")),
        ("обучалась четыре месяца", ("четыре месяца", "duration", 4, 4, "month", "none")),
        ("измерялось как минимум семью месяцами", ("как минимум семью месяцами", "duration", 7, 7, "month", "at_least")),
        ("отстают от силы на четыре месяца", ("от силы на четыре месяца", "duration", 4, 4, "month", "at_most")),
        ("займёт два-три года", ("два-три года", "duration", 2, 3, "year", "none")),
        ("в течение двух месяцев", ("двух месяцев", "duration", 2, 2, "month", "none")),
        ("в течение полутора лет", ("полутора лет", "duration", 1.5, 1.5, "year", "none")),
        ("закупят 100 тыс. ускорителей", ("100 тыс. ускорителей", "count", 1e5, 1e5, "ускоритель", "none")),
        ("рассчитан на 120 тыс. стоек", ("120 тыс. стоек", "count", 1.2e5, 1.2e5, "стойка", "none")),
        ("используют более двухсот крупных компаний", ("более двухсот крупных компаний", "count", 200, 200, "компания", "more_than")),
        ("мощностью 40 МВт", ("40 МВт", "quantity", 40, 40, "MW", "none")),
        ("по технологии 5 нм", ("5 нм", "quantity", 5, 5, "nm", "none")),
        ("на частоте 3 ГГц", ("3 ГГц", "quantity", 3, 3, "GHz", "none")),
        ("выпуск 3-нм чипов", ("3-нм", "quantity", 3, 3, "nm", "none")),
        ("подписала 20-летний договор", ("20-летний", "duration", 20, 20, "year", "none")),
        ("может потратить до 160 млрд юаней", ("до 160 млрд юаней", "money", 160e9, 160e9, "CNY", "up_to")),
    ],
)
def test_amount_forms(text, expected):
    assert amounts(text) == [expected]


def test_target_after_a_change_verb_is_not_a_bound():
    assert amounts("Выручка выросла на 78% до $10,3 млрд.") == [
        ("78%", "percent", 78, 78, "percent", "none"),
        ("$10,3 млрд", "money", 10.3e9, 10.3e9, "USD", "none"),
    ]


def test_from_to_gives_two_amounts_the_second_inheriting_the_unit():
    assert amounts("доля упадёт с 95% до нуля") == [
        ("95%", "percent", 95, 95, "percent", "none"),
        ("нуля", "percent", 0, 0, "percent", "none"),
    ]


def test_elliptical_count_inherits_the_noun():
    found = amounts("к 100 тыс. ускорителей добавлены ещё 50 тыс., а всего будет 200 тыс.")
    assert [(a[0], a[4]) for a in found] == [("100 тыс. ускорителей", "ускоритель"), ("50 тыс.", "ускоритель"),
                                             ("200 тыс.", "ускоритель")]


# --- forms of real news (news-real): numbers, ranges, signs, fractions, units --------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        # ranges are one amount; what is written once is shared, units of one dimension are converted
        ("стоимость от $12,5 до $14 млрд", ("от $12,5 до $14 млрд", "money", 12.5e9, 14e9, "USD", "none")),
        ("компании с оборотом от 3 млрд до 9 млрд руб.", ("от 3 млрд до 9 млрд руб.", "money", 3e9, 9e9, "RUB", "none")),
        ("площадки потребляют от 20 МВт до 2 ГВт", ("от 20 МВт до 2 ГВт", "quantity", 20, 2000, "MW", "none")),
        ("доля от 15% до 25% выручки", ("от 15% до 25%", "percent", 15, 25, "percent", "none")),
        ("цена между $300 и $350 за штуку", ("между $300 и $350", "money", 300, 350, "USD", "none")),
        ("закупят от 2 до 3 млн модулей", ("от 2 до 3 млн модулей", "count", 2e6, 3e6, "модуль", "none")),
        ("займёт от трёх до пяти лет", ("от трёх до пяти лет", "duration", 3, 5, "year", "none")),
        ("зарплаты 70−90 тысяч рублей", ("70−90 тысяч рублей", "money", 70e3, 90e3, "RUB", "none")),
        # signs
        ("убыток составил минус 4,1 млрд руб.", ("минус 4,1 млрд руб.", "money", -4.1e9, -4.1e9, "RUB", "none")),
        ("продажи игр (+21% за год)", ("+21%", "percent", 21, 21, "percent", "none")),
        # qualifiers
        ("собрали чуть больше 15 миллионов зрителей",
         ("чуть больше 15 миллионов зрителей", "count", 15e6, 15e6, "зритель", "more_than")),
        ("маржа опустилась ниже 12%", ("ниже 12%", "percent", 12, 12, "percent", "less_than")),
        ("стало дешевле раза в три", ("раза в три", "multiplier", 3, 3, "times", "approx")),
        ("подорожали почти в три с половиной раза",
         ("почти в три с половиной раза", "multiplier", 3.5, 3.5, "times", "less_than")),
        # fractions
        ("более трети опрошенных", ("более трети", "percent", 33.33, 33.33, "percent", "more_than")),
        ("две трети заказов пришлись на Китай", ("две трети", "percent", 66.67, 66.67, "percent", "none")),
        ("на десятую часть сократился", ("десятую часть", "percent", 10, 10, "percent", "none")),
        # percentages written as adjectives
        ("показал 7-процентный рост", ("7-процентный", "percent", 7, 7, "percent", "none")),
        # units and currencies
        ("мощность 2,4 гигаватт", ("2,4 гигаватт", "quantity", 2.4, 2.4, "GW", "none")),
        ("выработка 3 ТВт·ч", ("3 ТВт·ч", "quantity", 3, 3, "TWh", "none")),
        ("штраф 40 млн шведских крон", ("40 млн шведских крон", "money", 40e6, 40e6, "SEK", "none")),
        ("выручка 900 млн индийских рупий", ("900 млн индийских рупий", "money", 900e6, 900e6, "INR", "none")),
        ("штраф 12 млн злотых", ("12 млн злотых", "money", 12e6, 12e6, "PLN", "none")),
        ("выручка 61 млрд крон", ("61 млрд крон", "money", 61e9, 61e9, "SEK", "none")),  # bare "крона": Swedish
        ("работа заняла 36 часов", ("36 часов", "quantity", 36, 36, "hour", "none")),
        # counted nouns: participles and hyphenated nouns, terms, singular number nouns
        ("отгрузили 42 млн выпущенных чипов", ("42 млн выпущенных чипов", "count", 42e6, 42e6, "чип", "none")),
        ("построят 12 дата-центров", ("12 дата-центров", "count", 12, 12, "дата-центр", "none")),
        ("проект даст 3 тысячи рабочих мест", ("3 тысячи рабочих мест", "count", 3e3, 3e3, "рабочее место", "none")),
        ("подключили более миллиона абонентов", ("более миллиона абонентов", "count", 1e6, 1e6, "абонент", "more_than")),
    ],
)
def test_real_news_forms(text, expected):
    assert amounts(text) == [expected]


@pytest.mark.parametrize(
    "text, expected",
    [
        # a level after a change keeps its own unit; "до" after an amount or a change noun is a target
        ("прибыль выросла на 12%, до 4,5 млрд руб.", [("12%", "percent"), ("4,5 млрд руб.", "money")]),
        ("рост выручки на 8 % до $730 млн", [("8 %", "percent"), ("$730 млн", "money")]),
        # "с X до Y %": the unit written once belongs to both levels
        ("загрузка поднялась с 81,5 до 88,2 %", [("81,5", "percent"), ("88,2 %", "percent")]),
        # a number without a unit counts what the sentence's measure word governs
        ("число жалоб упало на 9% до 4100", [("9%", "percent"), ("4100", "count")]),
        ("количество собранных за месяц серверов выросло до 1,2 тыс. штук", [("1,2 тыс. штук", "count")]),
        # a bare decimal continuing a list after a counted amount
        ("у новичков — 11,4 отклика на место, у опытных — 6,2", [("11,4 отклика", "count"), ("6,2", "count")]),
    ],
)
def test_units_written_elsewhere(text, expected):
    assert [(a[0], a[1]) for a in amounts(text)] == expected


@pytest.mark.parametrize(
    "text, unit",
    [("число жалоб упало на 9% до 4100", "жалоба"), ("количество собранных за месяц серверов выросло до 1,2 тыс. штук", "сервер"),
     ("у новичков — 11,4 отклика на место, у опытных — 6,2", "отклик")],
)
def test_the_unit_comes_from_the_counted_thing(text, unit):
    assert amounts(text)[-1][4] == unit


@pytest.mark.parametrize(
    "text",
    ["на третьем месте по продажам", "заказы исчисляются тысячами штук", "миллионы пользователей",
     "сотни миллиардов рублей", "компанию создали с нуля", "за три года выручка удвоилась",
     "менее чем через пять лет", "итоги за десять летПродажи выросли", "в 1899 году открылся завод",
     "офис «Альфа 2000» в центре", "во второй половине года", "десятки тысяч человек",
     "пользователи в возрасте 60 лет", "зрители 18 лет и старше", "покупатели старше 35 лет"],
)
def test_not_amounts_in_real_news(text):
    assert amounts(text) == []


@pytest.mark.parametrize(
    "text",
    ["в 2024 году", "с 2026 по 2028 год", "16 января 2026 года", "ускорители H200 и 5G", "на конференции GTC 2025",
     "модель GPT-4.1 и YandexGPT 6", "первый квартал", "Один из операторов", "45 и 46"],
)
def test_the_scanner_finds_no_amount_in(text):
    assert amounts(text) == []


def test_spans_point_into_the_text():
    text = "Выручка TSMC составила $33,1 млрд, что на 41% больше; рост в 1,5 раза."
    for a in find_amounts(text):
        assert text[a.start:a.stop] == a.text


NOISE = st.lists(
    st.sampled_from(["в", "на", "до", "от", "с", "около", "более", "как", "минимум", "почти", "млрд", "млн", "тыс.",
                     "$", "€", "₽", "%", "2025", "году", "12,5", "40–42", "–", "-", "раз", "раза", "вдвое", "руб.",
                     "долларов", "США", "семью", "двухсот", "месяцами", "лет", "года", "3-нм", "H200", "5G", ",", ".",
                     "\n", "компаний", "ускорителей", "нуля", "треть", "за", "первые", "0", "000", "1 000"]),
    max_size=40,
).map(" ".join)


@settings(max_examples=200, deadline=2000)
@given(st.one_of(st.text(max_size=300), NOISE))
def test_scanner_is_total(text):
    """Any string: no exception, spans inside the text, ranges ordered (the scanner itself, no safety net)."""
    for a in find_amounts(text, tokens_from_text(text)):
        assert 0 <= a.start < a.stop <= len(text) and text[a.start:a.stop] == a.text
        assert a.value_min <= a.value_max


# --- forms every Russian money and number parser is expected to know (our own sentences) ---------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("штраф составил 3 250 118,50 рубля", ("3 250 118,50 рубля", "money", 3250118.5, 3250118.5, "RUB", "none")),
        ("выручка 5,4 млн.руб. за год", ("5,4 млн.руб.", "money", 5.4e6, 5.4e6, "RUB", "none")),
        ("задаток 1 500 (одна тысяча пятьсот) рублей внесён",
         ("1 500 (одна тысяча пятьсот) рублей", "money", 1500, 1500, "RUB", "none")),
        ("цена 12 рублей 50 копеек за штуку", ("12 рублей 50 копеек", "money", 12.5, 12.5, "RUB", "none")),
        ("тариф 3 руб. 20 коп. за минуту", ("3 руб. 20 коп.", "money", 3.2, 3.2, "RUB", "none")),
        ("стоит 99 центов", ("99 центов", "money", 0.99, 0.99, "USD", "none")),
        ("программа на полтриллиона рублей", ("полтриллиона рублей", "money", 5e11, 5e11, "RUB", "none")),
        ("потратят полмиллиарда долларов", ("полмиллиарда долларов", "money", 5e8, 5e8, "USD", "none")),
        ("составит больше половины триллиона рублей",
         ("больше половины триллиона рублей", "money", 5e11, 5e11, "RUB", "more_than")),
        ("стоимость от 3 до 4,5 млн руб.", ("от 3 до 4,5 млн руб.", "money", 3e6, 4.5e6, "RUB", "none")),
        ("число упало от 2 млн до 800 тыс. человек",
         ("от 2 млн до 800 тыс. человек", "count", 8e5, 2e6, "человек", "none")),
        ("продано 1,2 млн единиц техники", ("1,2 млн единиц техники", "count", 1.2e6, 1.2e6, "техника", "none")),
        ("ввели 300 тыс. единиц новой техники", ("300 тыс. единиц новой техники", "count", 3e5, 3e5, "техника", "none")),
        ("доля выросла на 2 п. п.", ("2 п. п.", "count", 2, 2, "процентный пункт", "none")),
        ("доля выросла на 1,5 п.п.", ("1,5 п.п.", "count", 1.5, 1.5, "процентный пункт", "none")),
        ("доля выросла на 3 процентных пункта", ("3 процентных пункта", "count", 3, 3, "процентный пункт", "none")),
        ("прибыль: –29,8% за год", ("–29,8%", "percent", -29.8, -29.8, "percent", "none")),
        ("затраты снизили «Альфа» (–12%) и «Бета»", ("–12%", "percent", -12, -12, "percent", "none")),
        ("проект займёт полгода", ("полгода", "duration", 0.5, 0.5, "year", "none")),
        ("проект длился 2 года 3 месяца", ("2 года 3 месяца", "duration", 27, 27, "month", "none")),
        ("построили 800 базовых станций", ("800 базовых станций", "count", 800, 800, "базовая станция", "none")),
    ],
)
def test_money_and_number_forms(text, expected):
    assert amounts(text)[0] == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        # the scale or currency written once on the upper bound of a from-to applies to the lower one too
        ("выручка выросла с $4,2 до $5,1 млрд", [4.2e9, 5.1e9]),
        ("выручка выросла с 4,2 до 5,1 млрд долларов", [4.2e9, 5.1e9]),
        ("продажи выросли с 53,6 до 65,9 млн копий", [53.6e6, 65.9e6]),
        ("число выросло с 800 до 1,2 тыс. штук", [1.2e3]),  # 800 thousand would be ten times the target: as written
    ],
)
def test_from_to_shares_the_scale(text, expected):
    assert [a[2] for a in amounts(text) if a[1] != "percent"][-len(expected):] == expected


@pytest.mark.parametrize(
    "text",
    [
        "по ч. 2 ст. 19.7 КоАП",                 # legal article numbers
        "штраф по статье 13.41 КоАП",
        "компания заняла пятое место",            # ordinals
        "в 2023 году открыли офис",               # years
        "Ядро аудитории — люди 35-44 лет",        # the age of a group of people
        "опубликовано 27 дек 2025",               # a date with an abbreviated month (no count of "дек")
        "МОСКВА, 6 ноя - ПРАЙМ.",
        "за полгода выручка выросла",             # a period after "за" is a time expression
    ],
)
def test_the_pipeline_keeps_no_amount_in(text, nlp):
    from datetime import date

    from pipeline.extract import process_article
    from pipeline.records import Article

    result = process_article(Article("a", "a", "gold", "a", None, None, date(2025, 11, 28), text, text, "utf-8"), nlp)
    assert [a.text for a in result.amounts] == []


def test_word_sets_come_from_the_lexicon_files(tmp_path):
    from pipeline.lexicon import load_lexicon

    path = tmp_path / "words.tsv"
    path.write_text("# a comment\ncategory\tform\tvalue\ngoverning\tОколо\ngoverning\tпочти\nvague\tнескольк\n"
                    "vague\tпар\n", encoding="utf-8")
    lex = load_lexicon(path)
    assert lex.words("governing") == {"около", "почти"}  # lower case, as `Tok.lower` is tested against them
    assert lex.prefixes("vague") == ("нескольк", "пар") and "пару".startswith(lex.prefixes("vague"))
    assert lex.words("missing") == frozenset()
