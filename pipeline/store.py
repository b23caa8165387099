"""Parquet persistence: every write goes through `write_table` (declared schema, atomic temp + rename).

Tables are single Parquet files `<out>/<table>.parquet`. A run merges into them: the rows of the articles it
(re)processed replace their previous rows in every table, everything else is kept, so re-running on the same
input never duplicates rows. An exclusive file lock serialises writers on the same output folder.
"""

from __future__ import annotations

import fcntl
import os
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from pipeline.records import Article
from pipeline.schema import ARTICLE_TABLES, ARTICLES, ENTITIES, MENTIONS, REJECTS, STAGES, Table


class SchemaError(ValueError):
    """Rows do not fit a table's declared schema."""


def table_path(out_dir: Path, table: Table) -> Path:
    return Path(out_dir) / f"{table.name}.parquet"


def to_arrow(table: Table, rows: Iterable[Mapping] | pa.Table) -> pa.Table:
    """Rows as an Arrow table of exactly the declared schema; missing required values are an error."""
    if isinstance(rows, pa.Table):
        data = conform(rows, table)
    else:
        rows = list(rows)
        unknown = {key for row in rows for key in row} - set(table.column_names)
        if unknown:
            raise SchemaError(f"{table.name}: columns not in the schema: {sorted(unknown)}")
        try:
            data = pa.Table.from_pylist(rows, schema=table.schema)
        except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
            raise SchemaError(f"{table.name}: {exc}") from exc
    for column in table.columns:
        if not column.nullable and data.column(column.name).null_count:
            raise SchemaError(f"{table.name}.{column.name} must not be null")
    return data


def conform(data: pa.Table, table: Table) -> pa.Table:
    """Cast a stored table to the current schema (columns added since are filled with nulls)."""
    arrays = []
    for field in table.schema:
        if field.name in data.column_names:
            arrays.append(data.column(field.name).cast(field.type))
        else:
            arrays.append(pa.nulls(data.num_rows, field.type))
    return pa.Table.from_arrays(arrays, schema=table.schema)


def sort_rows(data: pa.Table, table: Table) -> pa.Table:
    if data.num_rows == 0:
        return data
    return data.sort_by([(name, "ascending") for name in table.key])


def write_table(out_dir: Path, table: Table, rows: Iterable[Mapping] | pa.Table) -> Path:
    """Write a whole table atomically: temp file in the same folder, fsync, rename over the old file."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    data = sort_rows(to_arrow(table, rows), table)
    target = table_path(out_dir, table)
    fd, tmp = tempfile.mkstemp(prefix=f".{table.name}.", suffix=".parquet.tmp", dir=out_dir)
    try:
        with os.fdopen(fd, "wb") as handle:
            pq.write_table(data, handle, compression="zstd")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def write_text(path: Path, content: str) -> None:
    """Atomic write of a small text file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(content)
    os.replace(tmp, path)


def table_row_counts(out_dir: Path) -> dict[str, int]:
    """Row counts of the stored article tables, entities and rejects (from Parquet metadata, no data read)."""
    counts = {}
    for table in (*ARTICLE_TABLES, ARTICLES, ENTITIES, REJECTS):
        path = table_path(out_dir, table)
        counts[table.name] = pq.ParquetFile(path).metadata.num_rows if path.exists() else 0
    return counts


def read_table(out_dir: Path, table: Table) -> pa.Table:
    """A stored table in the current schema; an empty one when it was never written."""
    path = table_path(out_dir, table)
    if not path.exists():
        return table.schema.empty_table()
    return conform(pq.read_table(path), table)


@contextmanager
def output_lock(out_dir: Path) -> Iterator[None]:
    """Exclusive lock on an output folder: two runs never interleave their read-merge-write."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    with open(out_dir / ".lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


# ---------------------------------------------------------------------------
# incremental merge
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class IngestPlan:
    """Which new articles to process, and which stored articles each one replaces when it lands."""

    process: list  # Articles to run through NLP
    skipped: list  # Articles already stored by the same pipeline version
    replaces: dict[str, set[str]]  # new article_id -> stored article_ids its rows replace (itself included)

    def replaced_ids(self, landed: Iterable[str]) -> set[str]:
        """Stored rows to drop for the articles that did land (a failed article keeps its old version)."""
        return set().union(*(self.replaces[article_id] for article_id in landed))


def plan_ingest(stored: pa.Table, articles: list, version: str, force: bool = False,
                any_version: bool = False) -> IngestPlan:
    """Skip articles already stored with this pipeline version (with `any_version`: stored at all — the
    incremental ingest); a changed text replaces its source's old rows."""
    stored_rows = stored.select(["article_id", "source_id", "pipeline_version"]).to_pylist()
    current = {row["article_id"] for row in stored_rows if any_version or row["pipeline_version"] == version}
    by_source: dict[str, set[str]] = {}
    for row in stored_rows:
        by_source.setdefault(row["source_id"], set()).add(row["article_id"])
    process, skipped, seen = [], [], set()
    for article in articles:
        if article.article_id in seen:
            continue
        seen.add(article.article_id)
        (skipped if article.article_id in current and not force else process).append(article)
    replaces = {a.article_id: {a.article_id} | by_source.get(a.source_id, set()) for a in process}
    return IngestPlan(process, skipped, replaces)


def keep_run_metadata(stored: pa.Table, rows: list[dict], columns: Sequence[str] = ("ingested_at", "run_id")) -> list[dict]:
    """An article re-processed by the same pipeline version keeps its stored `ingested_at` and `run_id`: a re-run
    on the same input leaves the tables byte-identical."""
    if not rows or stored.num_rows == 0:
        return rows
    previous = {(r["article_id"], r["pipeline_version"]): r
                for r in stored.select(["article_id", "pipeline_version", *columns]).to_pylist()}
    out = []
    for row in rows:
        before = previous.get((row["article_id"], row["pipeline_version"]))
        out.append({**row, **{c: before[c] for c in columns}} if before else row)
    return out


def select_articles(stored: pa.Table, article_ids: Sequence[str] | None = None, published_from: date | None = None,
                    published_to: date | None = None) -> list[Article]:
    """Stored articles by id and/or publication date range (inclusive; an article without a date is only
    selected by id or when no range is given). Unknown ids are an error: a typo must not pass silently."""
    rows = stored.to_pylist()
    if article_ids:
        known = {r["article_id"] for r in rows}
        unknown = sorted(set(article_ids) - known)
        if unknown:
            raise ValueError(f"article ids not in the articles table: {', '.join(unknown)}")
        rows = [r for r in rows if r["article_id"] in set(article_ids)]
    if published_from and published_to and published_from > published_to:
        raise ValueError(f"published_from {published_from} is after published_to {published_to}")
    if published_from or published_to:
        rows = [r for r in rows if r["published_at"] is not None
                and (published_from is None or r["published_at"] >= published_from)
                and (published_to is None or r["published_at"] <= published_to)]
    fields = Article.__dataclass_fields__
    return [Article(**{k: (tuple(v) if k == "warnings" else v) for k, v in r.items() if k in fields})
            for r in sorted(rows, key=lambda r: r["article_id"])]


def stage_closure(stages: Iterable[str]) -> list[str]:
    """The stages to re-run, in pipeline order: a stage claims are built from brings claims along."""
    chosen = set(stages)
    unknown = chosen - set(STAGES)
    if unknown:
        raise ValueError(f"unknown stages {sorted(unknown)}; expected some of {list(STAGES)}")
    if chosen & {"entities", "amounts", "timex"}:
        chosen.add("claims")
    return [s for s in STAGES if s in chosen]


def stale_amount_links(stored_amounts: pa.Table, results: Iterable) -> set[str]:
    """Articles whose fresh claims link amount ids the stored amounts table does not have."""
    stored = set(stored_amounts.select(["amount_id"]).column("amount_id").to_pylist())
    return {r.article.article_id for r in results if any(link.amount_id not in stored for link in r.claim_amounts)}


def write_entities(out_dir: Path) -> int:
    """Rebuild the entities table from all stored mentions (derived data: always consistent with them)."""
    from pipeline.entities import aggregate_entities

    mentions = read_table(out_dir, MENTIONS).select(["article_id", "entity_id", "type", "canonical", "normal", "alias"])
    articles = read_table(out_dir, ARTICLES).select(["article_id", "published_at"]).to_pylist()
    rows = aggregate_entities(mentions.to_pylist(), {a["article_id"]: a["published_at"] for a in articles})
    write_table(out_dir, ENTITIES, rows)
    return len(rows)


def replace_partition(out_dir: Path, table: Table, rows: list[Mapping], where: Mapping[str, str],
                      run_columns: Sequence[str] = ()) -> int:
    """Replace every stored row whose columns equal `where` with `rows` (e.g. one dataset+split of
    eval_metrics); returns the table's row count. When the new rows equal the stored partition except for
    `run_columns` (run id, timestamp), nothing is written: a repeated run leaves the file identical."""
    stored = read_table(out_dir, table)
    kept = stored
    if stored.num_rows:
        mask = None
        for column, value in where.items():
            equal = pc.equal(stored.column(column), pa.scalar(value, pa.string()))
            mask = equal if mask is None else pc.and_(mask, equal)
        mask = pc.fill_null(mask, False)
        kept = stored.filter(pc.invert(mask))
        compare = [c for c in table.column_names if c not in run_columns]
        old = sort_rows(stored.filter(mask), table).select(compare)
        new = sort_rows(to_arrow(table, rows), table).select(compare)
        if old.num_rows and old.equals(new):
            return stored.num_rows
    merged = pa.concat_tables([kept, to_arrow(table, rows)])
    write_table(out_dir, table, merged)
    return merged.num_rows


def _drop(data: pa.Table, column: str, values: set[str]) -> pa.Table:
    if not values or data.num_rows == 0:
        return data
    return data.filter(pc.invert(pc.is_in(data.column(column), value_set=pa.array(sorted(values), pa.string()))))


def merge_run(
    out_dir: Path,
    replaced_ids: set[str],
    rows: Mapping[str, list[Mapping]],
    rejects: list[Mapping],
    settled_paths: set[tuple[str, int | None]],
    tables: Iterable[Table] | None = None,
) -> dict[str, int]:
    """Merge one run's rows into the stored tables; returns the row count of each table after the merge.

    Article tables first, `articles` last, so an interrupted run leaves no article row without its children
    (the next run reprocesses it). Rejects whose input now parses, or that were rejected again, are replaced.
    `tables` limits the merge to some article tables (a reprocess of some stages); default: all of them.
    """
    counts = {}
    chosen = {t.name for t in tables} if tables is not None else None
    for table in (*ARTICLE_TABLES, ARTICLES):
        if chosen is not None and table.name not in chosen:
            continue
        kept = _drop(read_table(out_dir, table), "article_id", replaced_ids)
        merged = pa.concat_tables([kept, to_arrow(table, rows.get(table.name, []))])
        write_table(out_dir, table, merged)
        counts[table.name] = merged.num_rows

    counts[ENTITIES.name] = write_entities(out_dir)

    stored = read_table(out_dir, REJECTS)
    new = to_arrow(REJECTS, rejects)
    new_ids = set(new.column("reject_id").to_pylist())
    existing_ids = set(stored.column("reject_id").to_pylist())
    keep_mask = [
        (path, line) not in settled_paths or reject_id in new_ids
        for reject_id, path, line in zip(stored.column("reject_id").to_pylist(),
                                         stored.column("path").to_pylist(), stored.column("line").to_pylist())
    ]
    kept = stored.filter(pa.array(keep_mask, pa.bool_())) if stored.num_rows else stored
    fresh = _drop(new, "reject_id", existing_ids)  # a reject seen before keeps its first row
    merged = pa.concat_tables([kept, fresh])
    write_table(out_dir, REJECTS, merged)
    counts[REJECTS.name] = merged.num_rows
    return counts
