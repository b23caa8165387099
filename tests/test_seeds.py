"""The shared seed articles (third-party text: read at test time, never copied into the project)."""

from datetime import date

import pandas as pd
import pytest

from pipeline.flows import process_articles

pytestmark = [pytest.mark.flow, pytest.mark.usefixtures("prefect_harness")]


def test_seeds_through_the_flow(seeds_dir, tmp_path):
    summary = process_articles(inputs=[str(seeds_dir)], out_dir=str(tmp_path))
    assert (summary["processed"], summary["rejected"]) == (2, 0)
    articles = pd.read_parquet(tmp_path / "articles.parquet")
    assert sorted(articles.published_at) == [date(2025, 11, 28), date(2026, 1, 16)]
    mentions = pd.read_parquet(tmp_path / "mentions.parquet")
    normals = set(zip(mentions.normal, mentions.type))
    assert {("Дженсен Хуанг", "PER"), ("Nvidia", "ORG"), ("Китай", "LOC")} <= normals
    assert "ИЯ-отрасль" not in set(mentions.normal)
    assert ("ИИ-отрасль", "ORG") in normals  # still tagged ORG by Natasha, but no longer misnormalised
    assert ("Дональд Трамп", "Donald Trump") in set(zip(mentions.normal, mentions.alias))
    assert ("Дженсен Хуанг", "Jensen Huang") in set(zip(mentions.normal, mentions.alias))
    for text in articles.text:
        assert "Источник изображения" not in text and "CTRL+ENTER" not in text
