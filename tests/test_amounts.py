import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.amounts import AmountScanner, find_amounts
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


@pytest.mark.parametrize(
    "text",
    ["в 2024 году", "с 2026 по 2028 год", "16 января 2026 года", "ускорители H200 и 5G", "на конференции GTC 2025",
     "модель GPT-4.1 и YandexGPT 6", "первый квартал", "Один из операторов", "45 и 46"],
)
def test_not_amounts(text):
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
    for a in AmountScanner(text, tokens_from_text(text)).scan():
        assert 0 <= a.start < a.stop <= len(text) and text[a.start:a.stop] == a.text
        assert a.value_min <= a.value_max
