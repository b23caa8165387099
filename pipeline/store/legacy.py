"""Stores written before the Delta Lake layout (`<out>/<table>.parquet`, one file per table) are converted on
the first run that sees them: each file becomes a Delta table (article tables gain `published_month` from their
article's date) and the old file moves to `<out>/.legacy-parquet/`, so nothing is lost and nothing is reprocessed."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.schema import ARTICLES, PARTITION, TABLES
from pipeline.store.commit import month_of
from pipeline.store.tables import conform, delta_table, overwrite_table, replace_rows

LEGACY = ".legacy-parquet"


def migrate_legacy(out_dir: Path) -> list[str]:
    """Convert every `<table>.parquet` that has no Delta table yet (call under the output lock); returns the
    tables converted."""
    out_dir = Path(out_dir)
    files = {name: out_dir / f"{name}.parquet" for name in TABLES}
    files = {name: path for name, path in files.items() if path.is_file() and delta_table(out_dir, TABLES[name]) is None}
    if not files:
        return []
    months: dict[str, str | None] = {}
    articles_file = files.get(ARTICLES.name, out_dir / f"{ARTICLES.name}.parquet")
    if articles_file.is_file():
        stored = pq.read_table(articles_file, columns=["article_id", "published_at"]).to_pylist()
        months = {r["article_id"]: month_of(r["published_at"]) for r in stored}
    (out_dir / LEGACY).mkdir(exist_ok=True)
    for name, path in files.items():
        table = TABLES[name]
        data = pq.read_table(path)
        if PARTITION in table.column_names:
            month = pa.array([months.get(a) for a in data.column("article_id").to_pylist()], pa.string())
            data = data.append_column(PARTITION, month) if PARTITION not in data.column_names else data
            replace_rows(out_dir, table, conform(data, table), {"article_id": []})
        else:
            overwrite_table(out_dir, table, conform(data, table))
        path.replace(out_dir / LEGACY / path.name)
    return sorted(files)
