"""Stores written by earlier versions are brought up to date by the first writer that sees them (under the lock).

- The single-file layout (`<out>/<table>.parquet`): each file becomes a Delta table (article tables gain
  `published_month` from their article's date) and the old file moves to `<out>/.legacy-parquet/`, so nothing is
  lost and nothing is reprocessed.
- Columns declared since a table was created are added to its Delta schema (old rows read them as null).
- Rows stored before identities were written down (no `source_key`): the columns are added to the Delta tables
  and filled in from what the rows hold (`url`; else `path`, resolved from the current folder, relative to the
  input root; the JSONL `id` or line), `read_at` from `ingested_at`. Their `article_id` stays, so nothing else
  is rewritten.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.config import input_root
from pipeline.identity import file_key, line_key, record_key, url_key, version_hash
from pipeline.schema import ARTICLES, PARTITION, REJECTS, TABLES, Table
from pipeline.store.commit import month_of
from pipeline.store.snapshot import publish, published_versions
from pipeline.store.tables import conform, delta_table, overwrite_table, read_table, replace_rows, to_arrow

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
        data = with_identity(table, conform(data, table), input_root())
        if PARTITION in table.column_names:
            replace_rows(out_dir, table, data, {"article_id": []})
        else:
            overwrite_table(out_dir, table, data)
        path.replace(out_dir / LEGACY / path.name)
    return sorted(files)


IDENTITY_COLUMNS = {ARTICLES.name: ("source_key", "version_hash", "read_at"), REJECTS.name: ("source_key",)}


def migrate_identity(out_dir: Path, root: Path | None = None) -> list[str]:
    """Give rows stored before identities were written down their `source_key` (and, for articles,
    `version_hash` and `read_at`); returns the tables rewritten. Call under the output lock."""
    out_dir, root = Path(out_dir), Path(root) if root is not None else input_root()
    done = []
    for name in IDENTITY_COLUMNS:
        table = TABLES[name]
        if delta_table(out_dir, table) is None:
            continue
        data = read_table(out_dir, table)
        if not data.column("source_key").null_count:
            continue
        overwrite_table(out_dir, table, with_identity(table, data, root))
        done.append(name)
    return done


def with_identity(table: Table, data: pa.Table, root: Path) -> pa.Table:
    """Rows of `articles` or `rejects` with their identity columns filled where they are null."""
    if table.name not in IDENTITY_COLUMNS or not data.column("source_key").null_count:
        return data
    fill = _article_identity if table is ARTICLES else _reject_identity
    return to_arrow(table, [row if row["source_key"] is not None else fill(row, root) for row in data.to_pylist()])


def _file_key(row: dict, root: Path) -> str:
    return file_key(Path(row["path"]), root)


def _article_identity(row: dict, root: Path) -> dict:
    file = _file_key(row, root)
    if row["source_format"] == "jsonl" and row["line"] is not None:
        fallback = f"{Path(row['path']).name}:{row['line']}"
        own_id = row["source_id"] if row["source_id"] not in {fallback, (row["url"] or "").strip()} else None
        key = record_key(file, row["line"], own_id, row["url"])
    else:
        key = url_key(row["url"]) or file
    version = version_hash(row["text"], row["title"], row["published_at"], row["url"])
    return {**row, "source_key": key, "version_hash": version, "read_at": row["read_at"] or row["ingested_at"]}


def _reject_identity(row: dict, root: Path) -> dict:
    file = _file_key(row, root)
    return {**row, "source_key": line_key(file, row["line"]) if row["line"] is not None else file}


def prepare_store(out_dir: Path) -> list[str]:
    """Every migration a writer runs before it reads the store (under the output lock): returns what changed.

    A store without a manifest is published first, as it is (empty for a new store): from then on readers see
    only what writers publish, never the commits of a run under way (`pipeline.store.snapshot`)."""
    first = published_versions(out_dir) is None
    if first:
        publish(out_dir)
    converted = migrate_legacy(out_dir)
    widened = add_new_columns(out_dir)
    changed = converted + [f"{name} (new columns)" for name in widened] + migrate_identity(out_dir)
    if first and changed:  # an older store's rows, now in the current layout: what its readers saw before
        publish(out_dir)
    return changed


_DELTA_TYPES = {pa.string(): "string", pa.date32(): "date", pa.int32(): "integer", pa.int64(): "long",
                pa.float64(): "double", pa.bool_(): "boolean"}


def add_new_columns(out_dir: Path) -> list[str]:
    """Columns declared in `pipeline.schema` since a table was created are added to its Delta schema (nullable,
    a metadata-only commit; old rows read them as null), so writers of the new columns can append. Returns the
    tables changed."""
    from deltalake.schema import ArrayType, Field, PrimitiveType

    def delta_type(kind: pa.DataType):
        if pa.types.is_timestamp(kind):
            return PrimitiveType("timestamp")
        if pa.types.is_list(kind):
            return ArrayType(delta_type(kind.value_type), contains_null=True)
        return PrimitiveType(_DELTA_TYPES[kind])

    changed = []
    for table in TABLES.values():
        handle = delta_table(out_dir, table)
        if handle is None:
            continue
        present = {field.name for field in handle.schema().fields}
        missing = [c for c in table.columns if c.name not in present]
        if missing:
            handle.alter.add_columns([Field(c.name, delta_type(c.type), nullable=True) for c in missing])
            changed.append(table.name)
    return changed
