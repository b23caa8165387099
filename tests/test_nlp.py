import razdel
import pytest
import spacy

from pipeline.extract import adapt_mentions, process_article, sentence_index
from pipeline.nlp import repair_heads

TEXT = (
    "Глава Nvidia Дженсен Хуанг (Jensen Huang) заявил, что спрос на H200 в Китае высок.\n\n"
    "Представители местной ИИ-отрасли не скрывают интереса.  Министр   торговли США Говард Лютник\n"
    "встретился с Дональдом Трампом."
)


@pytest.fixture(scope="module")
def doc(nlp):
    return nlp(TEXT)


def test_pipeline_is_declared_in_models_config(nlp):
    assert nlp.pipe_names == ["razdel_sentencizer", "natasha_morph", "natasha_syntax", "lemmatizer",
                              "natasha_ner", "product_ruler", "entity_rules", "entity_filter", "label_propagator",
                              "entity_normalizer", "canonical_linker"]


def test_tokenizer_keeps_text_and_offsets(doc):
    assert doc.text == TEXT
    words = [t.text for t in doc if not t.is_space]
    razdel_words = [t.text for t in razdel.tokenize(TEXT)]
    assert "H200" in words and ("H", "200") == tuple(razdel_words[13:15])  # codes are kept whole
    assert [w for w in words if w != "H200"] == [w for w in razdel_words if w not in {"H", "200"}]


@pytest.mark.parametrize(
    "text, words",
    [
        ("Nvidia H200 и Ascend 910B", ["Nvidia", "H200", "и", "Ascend", "910B"]),
        ("GPT-4o, DeepSeek-V3 и NVL144", ["GPT-4o", ",", "DeepSeek-V3", "и", "NVL144"]),
        ("сети 5G и 2-нм чипы за $33,1 млрд", ["сети", "5G", "и", "2-нм", "чипы", "за", "$", "33,1", "млрд"]),
        ("H 200", ["H", "200"]),
    ],
)
def test_latin_codes_are_one_token(nlp, text, words):
    assert [t.text for t in nlp.make_doc(text) if not t.is_space] == words


def test_sentences_are_razdel_sentences_within_paragraphs(doc):
    expected = [s.text for block in TEXT.split("\n\n") for s in razdel.sentenize(block)]
    assert [s.text.strip() for s in doc.sents] == expected  # the hard-wrapped line stays one sentence


def test_a_title_without_a_period_is_its_own_sentence(nlp):
    doc = nlp("Samsung вернула лидерство\n\nВыручка выросла на 54%. Прибыль тоже.")
    assert [s.text.strip() for s in doc.sents] == ["Samsung вернула лидерство", "Выручка выросла на 54%.", "Прибыль тоже."]


@pytest.mark.parametrize(
    "text, sentences",
    [
        ("Заголовок\nПервая фраза. Вторая.", ["Заголовок", "Первая фраза.", "Вторая."]),
        ("Глава компании\nзаявил о росте.", ["Глава компании\nзаявил о росте."]),
        ("Список:\n— первый пункт\n— второй пункт", ["Список:", "— первый пункт", "— второй пункт"]),
        ("Выручка выросла в\n2025 году.", ["Выручка выросла в\n2025 году."]),
    ],
)
def test_line_breaks_and_sentences(nlp, text, sentences):
    assert [s.text.strip() for s in nlp(text).sents] == sentences


def test_morphology_syntax_and_lemmas(doc):
    said = next(t for t in doc if t.text == "заявил")
    assert said.pos_ == "VERB" and said.lemma_ == "заявить"
    assert said.dep_ == "ROOT"
    hwang = next(t for t in doc if t.text == "Хуанг")
    assert hwang.morph.get("Case") == ["Nom"]
    for sent in doc.sents:  # every sentence is one tree
        assert sum(1 for t in sent if t.dep_ == "ROOT") == 1


def test_entities_normals_and_aliases(doc):
    ents = {(e.text, e.label_, e._.normal, e._.alias) for e in doc.ents}
    assert ("Дженсен Хуанг", "PER", "Дженсен Хуанг", "Jensen Huang") in ents
    assert ("Дональдом Трампом", "PER", "Дональд Трамп", None) in ents
    assert ("Китае", "LOC", "Китай", None) in ents
    assert all(e._.normal != "ИЯ-отрасль" for e in doc.ents)


def test_adapt_mentions_offsets_and_sentences(doc):
    mentions = adapt_mentions(doc, "a1")
    assert mentions, "expected entities"
    for m in mentions:
        assert TEXT[m.start:m.stop] == m.text
        assert m.mention_id == f"a1:{m.start}-{m.stop}"
    trump = next(m for m in mentions if m.normal == "Дональд Трамп")
    assert trump.sent_index == 2


def test_empty_text(nlp):
    assert list(nlp("").ents) == []


@pytest.mark.parametrize(
    "heads, expected",
    [
        ([1, -1, 1], [1, -1, 1]),  # already a tree
        ([-1, -1, 1], [-1, 0, 1]),  # two roots: the second hangs on the first
        ([1, 2, 0], [-1, 2, 0]),  # a cycle and no root: the first token becomes the root
        ([1, 0, -1], [2, 0, -1]),  # a cycle beside the root: the node closing it hangs on the root
    ],
)
def test_repair_heads(heads, expected):
    repaired = repair_heads(heads)
    assert repaired == expected
    for start in range(len(repaired)):  # every node reaches the root
        node, steps = start, 0
        while repaired[node] >= 0:
            node, steps = repaired[node], steps + 1
            assert steps <= len(repaired)


def test_pipeline_serialises_and_reloads(nlp, tmp_path):
    nlp.to_disk(tmp_path / "nlp")
    reloaded = spacy.load(tmp_path / "nlp")
    assert reloaded.pipe_names == nlp.pipe_names
    assert [(e.text, e.label_, e._.normal) for e in reloaded(TEXT).ents] == \
           [(e.text, e.label_, e._.normal) for e in nlp(TEXT).ents]


@pytest.mark.parametrize("starts, offset, index", [([0, 10, 20], 0, 0), ([0, 10, 20], 15, 1), ([0, 10, 20], 25, 2)])
def test_sentence_index(starts, offset, index):
    assert sentence_index(starts, offset) == index


def test_process_article_returns_records_only(nlp):
    from pipeline.records import Article, Mention

    article = Article("x", "x.txt", "txt", "x.txt", None, None, None, "t", TEXT, "utf-8")
    result = process_article(article, nlp)
    assert all(type(m) is Mention for m in result.mentions)


def test_cached_lemmatizer_agrees_with_spacys(nlp, doc):
    from spacy.lang.ru.lemmatizer import RussianLemmatizer

    plain = RussianLemmatizer(nlp.vocab, None, mode="pymorphy3", overwrite=True)
    cached = nlp.get_pipe("lemmatizer")
    for token in doc:
        if not token.is_space:
            assert cached.pymorphy3_lemmatize(token) == plain.pymorphy3_lemmatize(token), token.text


def test_an_article_the_nlp_fails_on_becomes_a_reject(nlp):
    from pipeline.extract import process_articles
    from pipeline.records import Article

    def flaky(text):
        if "сломается" in text:
            raise RuntimeError("model exploded")
        return nlp(text)

    good = Article("g", "g.txt", "txt", "g.txt", None, None, None, "t", "Глава Intel посетил Москву.", "utf-8")
    bad = Article("b", "b.txt", "txt", "b.txt", None, None, None, "t", "Это сломается.", "utf-8")
    results, rejects = process_articles([bad, good], flaky)
    assert [r.article.article_id for r in results] == ["g"]
    assert [(r.source_id, r.reason, r.detail) for r in rejects] == [("b.txt", "nlp_error", "RuntimeError: model exploded")]


@pytest.mark.parametrize("text", ["\n\n  Глава Intel  посетил\n\nМоскву.  \n", "   ", "Слово"])
def test_leading_and_trailing_whitespace(nlp, text):
    doc = nlp(text)
    assert doc.text == text
    assert all(0 <= t.head.i < len(doc) for t in doc)


def test_characters_pymorphy3_cannot_name_do_not_sink_an_article(nlp):
    from pipeline.records import Article

    text = "Компания 𗀀 Intel выросла на 5% в 2025 году, заявил Лип-Бу Тан 𗀀."
    result = process_article(Article("u", "u.txt", "txt", "u.txt", None, None, None, "t", text, "utf-8"), nlp)
    assert [a.text for a in result.amounts] == ["5%"]
    assert [t.text for t in result.timexes] == ["2025 году"]


def test_a_staged_batch_becomes_arrow_rows_piece_by_piece(nlp, tmp_path, monkeypatch):
    """The worker's path: rows equal the whole-article records, a long article (several pieces) included, and an
    article the NLP fails on becomes a reject while the rest of the batch lands."""
    from datetime import datetime, timezone

    import pipeline.nlp
    from pipeline.extract import process_article
    from pipeline.pieces import PIECE_CHARS
    from pipeline.records import Article
    from pipeline.staging import write_batch
    from pipeline.workers import extract_staged

    def flaky(text):
        if "сломается" in text:
            raise RuntimeError("model exploded")
        return nlp(text)

    monkeypatch.setattr(pipeline.nlp, "load_nlp", lambda: flaky)
    paragraph = "Выручка Яндекса в 2025 году выросла на 30% до 1,1 трлн рублей, сообщила компания.\n\n"
    long = Article("l", "l.txt", "txt", "l.txt", None, None, None, "t", paragraph * (PIECE_CHARS // len(paragraph) * 2),
                   "utf-8", source_key="raw/l.txt", version_hash="h", read_at=datetime(2026, 1, 2, tzinfo=timezone.utc))
    bad = Article("b", "b.txt", "txt", "b.txt", None, None, None, "t", "Это сломается.", "utf-8")
    batch = write_batch(tmp_path / "batch.parquet", [bad, long])
    done = extract_staged(str(batch), "r", "v", datetime(2026, 1, 1, tzinfo=timezone.utc), ["entities", "amounts",
                                                                                            "timex", "claims"])
    whole = process_article(long, nlp)
    assert [(r.source_id, r.reason) for r in done.rejects] == [("b.txt", "nlp_error")]
    assert done.extracted == [("l", "raw/l.txt", datetime(2026, 1, 2, tzinfo=timezone.utc))]
    assert done.tables["articles"].column("article_id").to_pylist() == ["l"]
    assert done.tables["amounts"].column("amount_id").to_pylist() == [a.amount_id for a in whole.amounts]
    assert done.tables["claims"].column("claim_id").to_pylist() == [c.claim_id for c in whole.claims]
    assert done.tables["mentions"].num_rows == len(whole.mentions) > 0
