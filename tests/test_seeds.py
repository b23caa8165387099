"""The shared seed articles (third-party text: read at test time, never copied into the project)."""

from datetime import date

import pytest

from pipeline.flows import process_articles
from pipeline.store import read

pytestmark = [pytest.mark.flow, pytest.mark.usefixtures("prefect_harness")]


def test_seeds_through_the_flow(seeds_dir, tmp_path):
    summary = process_articles(inputs=[str(seeds_dir)], out_dir=str(tmp_path))
    assert (summary["processed"], summary["rejected"]) == (2, 0)
    articles = read(tmp_path, "articles").to_pandas()
    assert sorted(articles.published_at) == [date(2025, 11, 28), date(2026, 1, 16)]
    mentions = read(tmp_path, "mentions").to_pandas()
    normals = set(zip(mentions.normal, mentions.type))
    assert {("Дженсен Хуанг", "PER"), ("Nvidia", "ORG"), ("Китай", "LOC")} <= normals
    assert "ИЯ-отрасль" not in set(mentions.normal)
    assert not any(n.startswith("ИИ-") for n in mentions.normal)  # "ИИ-отрасли" is not a name: dropped
    assert ("Дональд Трамп", "Donald Trump") in set(zip(mentions.normal, mentions.alias))
    assert ("Дженсен Хуанг", "Jensen Huang") in set(zip(mentions.normal, mentions.alias))
    for text in articles.text:
        assert "Источник изображения" not in text and "CTRL+ENTER" not in text


def test_seed_amounts_and_dates(seeds_dir, tmp_path):
    process_articles(inputs=[str(seeds_dir)], out_dir=str(tmp_path))
    articles = read(tmp_path, "articles").to_pandas().set_index("published_at")
    amounts = read(tmp_path, "amounts").to_pandas()
    timex = read(tmp_path, "timex").to_pandas()
    first = articles.loc[date(2026, 1, 16)].article_id
    second = articles.loc[date(2025, 11, 28)].article_id

    rows = {(a.text, a.kind, a.value, a.unit, a.qualifier)
            for a in amounts.query("article_id == @first").itertuples()}
    assert ("$57 млрд", "money", 57e9, "USD", "none") in rows
    assert ("в десять раз", "multiplier", 10.0, "times", "none") in rows
    assert ("от силы на четыре месяца", "duration", 4.0, "month", "at_most") in rows
    assert ("как минимум семью месяцами", "duration", 7.0, "month", "at_least") in rows

    def spans(article_id):
        return {(t.text, str(t.start_date), str(t.end_date)) for t in timex.query("article_id == @article_id").itertuples()}

    assert ("прошлом году", "2025-01-01", "2025-12-31") in spans(first)
    assert ("прошлом месяце", "2025-12-01", "2025-12-31") in spans(first)
    assert ("апреле", "2025-04-01", "2025-04-30") in spans(second)
    assert ("мае", "2025-05-01", "2025-05-31") in spans(second)


def test_seed_entities_are_canonical(seeds_dir, tmp_path):
    process_articles(inputs=[str(seeds_dir)], out_dir=str(tmp_path))
    mentions = read(tmp_path, "mentions").to_pandas()
    ids = mentions.groupby("text").entity_id.first()
    assert ids["КНР"] == ids["Китай"] == ids["Китае"]
    types = dict(zip(mentions.text, mentions.type))
    assert types["Rubin"] == types["Blackwell"] == "PRODUCT"
    assert "ЦОД" not in set(mentions.text)
    assert ids["Дональд Трамп"] == ids["Дональдом Трампом"]
    entities = read(tmp_path, "entities").to_pandas().set_index("entity_id")
    trump = entities.loc[ids["Дональд Трамп"]]
    assert trump.canonical == "Дональд Трамп" and "Donald Trump" in list(trump.aliases)
    assert trump.n_articles == 2 and trump.n_mentions == 2
    china = entities.loc[ids["КНР"]]
    assert (china.canonical, china.type, str(china.first_seen), str(china.last_seen)) == \
        ("Китай", "LOC", "2025-11-28", "2026-01-16")


def test_seed_claims(seeds_dir, tmp_path):
    process_articles(inputs=[str(seeds_dir)], out_dir=str(tmp_path))
    claims = read(tmp_path, "claims").to_pandas()
    articles = read(tmp_path, "articles").to_pandas().set_index("article_id")
    spend = claims.query("value == 57e9").iloc[0]
    assert (spend.unit, spend.source_entity, str(spend.time_start), str(spend.time_end)) == \
        ("USD", "UBS", "2025-01-01", "2025-12-31")
    assert "интернет-гиганты" in spend.subject and spend.comparison_multiplier == 10.0
    lag = claims.query("value == 4.0 and unit == 'month'").iloc[0]
    assert (lag.qualifier, lag.relation, lag.source_entity) == ("at_most", "lag", "Epoch AI")
    hopper = claims.query("unit == 'поколение'").iloc[0]  # the H200 (Hopper) lag behind Rubin: about the accelerators
    assert hopper.relation == "lag" and "ускорители" in hopper.subject and "Rubin" not in hopper.subject
    for claim in claims.itertuples():  # the evidence reads back from the article
        assert articles.loc[claim.article_id].text[claim.evidence_start:claim.evidence_stop] == claim.evidence
    links = read(tmp_path, "claim_amounts").to_pandas()
    assert set(links.claim_id) == set(claims.claim_id)
    assert set(links.query("role == 'comparison'").claim_id) >= {spend.claim_id}
