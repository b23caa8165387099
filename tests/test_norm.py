import pytest

from pipeline.norm import NormToken, is_protected, normalize_span, normalize_word, restore_shape

T = NormToken
MASC_GEN = {"Case": "Gen", "Gender": "Masc", "Number": "Sing"}
MASC_INS = {"Case": "Ins", "Gender": "Masc", "Number": "Sing"}
FEM_INS = {"Case": "Ins", "Gender": "Fem", "Number": "Sing"}


@pytest.mark.parametrize(
    "tokens, type, expected",
    [
        ([T("ИИ-отрасли", "NOUN", {"Case": "Gen", "Gender": "Fem", "Number": "Sing"})], "ORG", "ИИ-отрасль"),
        ([T("Дональдом", "PROPN", MASC_INS), T("Трампом", "PROPN", MASC_INS)], "PER", "Дональд Трамп"),
        ([T("Дженсена", "PROPN", MASC_GEN), T("Хуанга", "PROPN", MASC_GEN)], "PER", "Дженсен Хуанг"),
        ([T("Анной", "PROPN", FEM_INS), T("Ивановой", "PROPN", FEM_INS)], "PER", "Анна Иванова"),
        ([T("Китае", "PROPN", {"Case": "Loc", "Gender": "Masc", "Number": "Sing"})], "LOC", "Китай"),
        ([T("КНР", "PROPN", {"Case": "Ins", "Gender": "Fem", "Number": "Sing"})], "LOC", "КНР"),
        ([T("Nvidia", "PROPN", {"Foreign": "Yes"})], "ORG", "Nvidia"),
        ([T("Санкт-Петербурге", "PROPN", {"Case": "Loc", "Gender": "Masc", "Number": "Sing"})], "LOC", "Санкт-Петербург"),
        ([T("Ростова-на-Дону", "PROPN", MASC_GEN)], "LOC", "Ростов-на-Дону"),
        ([T("Селектела", "PROPN", MASC_GEN)], "ORG", "Селектел"),  # no "ё" the source did not write
        # the head is inflected, its genitive dependents stay as written
        ([T("Министерства", "NOUN", {"Case": "Gen", "Gender": "Neut", "Number": "Sing"}),
          T("обороны", "NOUN", {"Case": "Gen", "Gender": "Fem", "Number": "Sing"}, head=0),
          T("США", "PROPN", {"Case": "Gen"}, head=1)], "ORG", "Министерство обороны США"),
        # agreeing adjectives follow their head
        ([T("Юго-Восточной", "ADJ", {"Case": "Loc", "Gender": "Fem", "Number": "Sing"}, head=1),
          T("Азии", "PROPN", {"Case": "Loc", "Gender": "Fem", "Number": "Sing"})], "LOC", "Юго-Восточная Азия"),
        # already nominative: left as written
        ([T("Сбербанк", "PROPN", {"Case": "Nom", "Gender": "Masc", "Number": "Sing"})], "ORG", "Сбербанк"),
    ],
)
def test_normalize_span(tokens, type, expected):
    assert normalize_span(tokens, type) == expected


@pytest.mark.parametrize("word, protected", [("ИИ", True), ("КНР", True), ("H200", True), ("Nvidia", True),
                                             ("5G", True), ("Китай", False), ("я", False), ("Я", False)])
def test_is_protected(word, protected):
    assert is_protected(word) is protected


def test_compound_with_latin_part_inflects_only_the_russian_word():
    token = T("AI-компании", "NOUN", {"Case": "Gen", "Gender": "Fem", "Number": "Sing"})
    assert normalize_word(token) == "AI-компания"


def test_unknown_pos_is_kept():
    assert normalize_word(T("«", "PUNCT", {})) == "«"


def test_spacing_inside_span_is_kept():
    tokens = [T("Си", "PROPN", {"Case": "Nom"}, space_after=""), T("-", "PUNCT", {}, space_after=""),
              T("Си", "PROPN", {"Case": "Nom"}, space_after=" "), T("Вэй", "PROPN", {"Case": "Nom"})]
    assert normalize_span(tokens, "PER") == "Си-Си Вэй"


@pytest.mark.parametrize("word, ref, expected", [("китай", "Китае", "Китай"), ("иванова", "ИВАНОВОЙ", "ИВАНОВА"),
                                                 ("санкт-петербург", "Санкт-Петербурге", "Санкт-Петербург")])
def test_restore_shape(word, ref, expected):
    assert restore_shape(word, ref) == expected
