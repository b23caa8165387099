"""The bundle's DuckDB database: every table (with its column descriptions as comments) and documented views."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from pipeline.schema import TABLES

VIEWS = {
    "claims_full": (
        "One row per claim with what an analyst reads it with: the article's title, date and URL, the subject's and "
        "the source's entity (canonical name and type).",
        """
        SELECT c.*, a.title AS article_title, a.published_at, a.url AS article_url, a.source_key,
               se.canonical AS subject_canonical, se.type AS subject_type,
               so.canonical AS source_canonical, so.type AS source_type
        FROM claims c
        JOIN articles a USING (article_id)
        LEFT JOIN entities se ON se.entity_id = c.subject_entity_id
        LEFT JOIN entities so ON so.entity_id = c.source_entity_id
        """,
    ),
    "entity_mentions_by_month": (
        "Per entity and publication month: mentions and distinct articles (months of undated articles are null).",
        """
        SELECT m.entity_id, e.canonical, e.type, m.published_month AS month,
               count(*) AS mentions, count(DISTINCT m.article_id) AS articles
        FROM mentions m JOIN entities e USING (entity_id)
        GROUP BY ALL
        """,
    ),
}


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def write_database(path: Path, tables: dict[str, pa.Table]) -> None:
    """A DuckDB file at `path` holding `tables` and the views of `VIEWS` (the views need claims, articles,
    mentions and entities)."""
    import duckdb

    con = duckdb.connect(str(path))
    try:
        for name, data in tables.items():
            con.register("incoming", data)
            con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM incoming')
            con.unregister("incoming")
            con.execute(f'COMMENT ON TABLE "{name}" IS {_quote(TABLES[name].description)}')
            for column in TABLES[name].columns:
                con.execute(f'COMMENT ON COLUMN "{name}"."{column.name}" IS {_quote(column.description)}')
        for name, (description, sql) in VIEWS.items():
            con.execute(f'CREATE VIEW "{name}" AS {sql}')
            con.execute(f'COMMENT ON VIEW "{name}" IS {_quote(description)}')
        con.execute("CHECKPOINT")
    finally:
        con.close()
