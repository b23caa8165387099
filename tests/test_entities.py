import pytest

from pipeline.entities import (
    AliasError,
    MentionView,
    aliases,
    entity_id,
    link,
    load_aliases,
    non_entity_rule,
    product_canonical,
)


def test_alias_table_loads_and_no_alias_points_to_two_canonicals():
    table = aliases()  # load_aliases raises on a conflict
    assert table["кнр"].canonical == "Китай" and table["nvidia"].canonical == "Nvidia"
    assert len({(e.canonical, e.type) for e in table.values()}) > 20


def test_conflicting_alias_is_an_error(tmp_path):
    path = tmp_path / "aliases.csv"
    path.write_text("canonical,type,aliases\nКитай,LOC,КНР\nТайвань,LOC,КНР\n", encoding="utf-8")
    with pytest.raises(AliasError, match="already points to 'Китай'"):
        load_aliases(path)


@pytest.mark.parametrize(
    "text, rule",
    [("ИИ-отрасли", "abbreviation_compound"), ("ИТ-компании", "abbreviation_compound"), ("ЦОД", "common_noun_abbreviation"),
     ("Nvidia", None), ("Санкт-Петербург", None), ("РТК-ЦОД", None), ("МТС", None)],
)
def test_non_entity_rules(text, rule):
    assert non_entity_rule(text) == rule


def test_linking_within_an_article():
    mentions = [
        MentionView("PER", "Дженсен Хуанг", "Дженсен Хуанг", alias="Jensen Huang"),
        MentionView("PER", "Хуанга", "Хуанга"),
        MentionView("PER", "Си-Си Вэй", "Си-Си Вэй"),
        MentionView("PER", "Вэя", "Вэя"),
        MentionView("LOC", "КНР", "КНР"),
        MentionView("ORG", "NVIDIA", "NVIDIA"),
        MentionView("PRODUCT", "Nvidia H200", "Nvidia H200"),
        MentionView("PRODUCT", "Vera Rubin", "Vera Rubin", product_id="Rubin"),
        MentionView("ORG", "Samsung Electronics", "Samsung Electronics"),
    ]
    assert link(mentions) == [("PER", "Дженсен Хуанг"), ("PER", "Дженсен Хуанг"), ("PER", "Си-Си Вэй"),
                              ("PER", "Си-Си Вэй"), ("LOC", "Китай"), ("ORG", "Nvidia"), ("PRODUCT", "H200"),
                              ("PRODUCT", "Rubin"), ("ORG", "Samsung")]


def test_an_ambiguous_surname_stays_alone():
    mentions = [MentionView("PER", "Иван Петров", "Иван Петров"), MentionView("PER", "Олег Петров", "Олег Петров"),
                MentionView("PER", "Петров", "Петров")]
    assert link(mentions)[2] == ("PER", "Петров")


def test_entity_ids_are_stable_and_type_aware():
    assert entity_id("LOC", "Китай") == entity_id("LOC", "китай") == "e" + entity_id("LOC", "Китай")[1:]
    assert entity_id("LOC", "Китай") != entity_id("ORG", "Китай")
    assert product_canonical("NVIDIA H20") == "H20" and product_canonical("Windows 10") == "Windows 10"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("поставки ускорителей Nvidia H200 в Китай", [("Nvidia H200", "PRODUCT", "H200")]),
        ("перейти на Huawei Ascend 910C", [("Huawei Ascend 910C", "PRODUCT", "Ascend 910C")]),  # a version is its own product
        ("модель YandexGPT 6 и GigaChat 2 MAX", [("YandexGPT 6", "PRODUCT", "YandexGPT 6"), ("GigaChat 2 MAX", "PRODUCT", "GigaChat 2 MAX")]),
        ("ускорители Blackwell и Rubin", [("Blackwell", "PRODUCT", "Blackwell"), ("Rubin", "PRODUCT", "Rubin")]),
        ("модели Qwen и DeepSeek-V3", [("Qwen", "PRODUCT", "Qwen"), ("DeepSeek-V3", "PRODUCT", "DeepSeek-V3")]),
    ],
)
def test_products_in_text(nlp, text, expected):
    doc = nlp(text)
    assert [(e.text, e.label_, e._.canonical) for e in doc.ents if e.label_ == "PRODUCT"] == expected


def test_leading_adjective_before_a_latin_name_is_trimmed(nlp):
    doc = nlp("Китайская Huawei представила ускорители, а Тайваньская TSMC отчиталась.")
    names = [(e.text, e.label_) for e in doc.ents]
    assert ("Huawei", "ORG") in names and all(not t.startswith(("Китайская", "Тайваньская")) for t, _ in names)
