"""Delta Lake tables: every write goes through the declared schema and lands as one atomic commit.

A table is a folder `<out>/<table>/` holding Parquet files and a `_delta_log/` (delta-rs, the `deltalake`
package). A commit adds the new files and removes the replaced ones in one step, so a reader or a killed writer
never sees half a write; rows of articles untouched by a run are never rewritten. Article tables are partitioned
by publication month (`published_month=YYYY-MM/`), so replacing an article's rows rewrites files of its months only.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
from deltalake import ColumnProperties, CommitProperties, DeltaTable, WriterProperties, write_deltalake
from deltalake.exceptions import TableNotFoundError

from pipeline.schema import PARTITION, Table

# long texts (an article's text, a claim's evidence) get no dictionary and no min/max statistics: a 20 MB article
# would otherwise be copied into the dictionary page and twice into the file footer
_LONG_TEXT = ColumnProperties(dictionary_enabled=False, statistics_enabled="NONE")
_LONG_TEXT_COLUMNS = {"articles": ("text",), "claims": ("evidence",)}
WRITER = WriterProperties(compression="ZSTD")


def _writer(table: Table) -> WriterProperties:
    columns = _LONG_TEXT_COLUMNS.get(table.name, ())
    if not columns:
        return WRITER
    return WriterProperties(compression="ZSTD", column_properties={c: _LONG_TEXT for c in columns})
STREAM_ROWS = 20_000  # rows per batch handed to delta-rs: a stream, not one table, halves the writer's peak memory
# fault injection for the kill-and-resume tests: "mentions:2" kills this process (SIGKILL, no clean-up) right
# after its 2nd commit to mentions
FAILPOINT = "PIPELINE_KILL_AFTER_COMMIT"
_commits: dict[str, int] = {}


def _committed(table: Table) -> None:
    spec = os.environ.get(FAILPOINT)
    if not spec:
        return
    _commits[table.name] = _commits.get(table.name, 0) + 1
    name, _, count = spec.partition(":")
    if name == table.name and _commits[table.name] == int(count or 1):
        import signal

        os.kill(os.getpid(), signal.SIGKILL)


class SchemaError(ValueError):
    """Rows do not fit a table's declared schema."""


def table_path(out_dir: Path, table: Table) -> Path:
    return Path(out_dir) / table.name


def delta_table(out_dir: Path, table: Table, version: int | None = None) -> DeltaTable | None:
    """The table's Delta handle (at `version`, default the latest); None when it was never written."""
    try:
        return DeltaTable(str(table_path(out_dir, table)), version=version)
    except TableNotFoundError:
        return None


def table_version(out_dir: Path, table: Table) -> int | None:
    handle = delta_table(out_dir, table)
    return handle.version() if handle is not None else None


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


def records_to_arrow(table: Table, records: Sequence, **constants) -> pa.Table:
    """Dataclass records (plus columns with one value for every row) as an Arrow table, built column by column:
    no dict per row, so a giant article's hundreds of thousands of records convert in bounded extra memory."""
    columns = {}
    for name in table.column_names:
        values = [constants[name]] * len(records) if name in constants else [getattr(r, name) for r in records]
        columns[name] = values
    try:
        data = pa.table(columns, schema=table.schema)
    except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
        raise SchemaError(f"{table.name}: {exc}") from exc
    return to_arrow(table, data)


def conform(data: pa.Table, table: Table, columns: Sequence[str] | None = None) -> pa.Table:
    """Cast stored rows to the current schema (columns added since are filled with nulls); `columns`: only these."""
    fields = [table.schema.field(name) for name in columns] if columns else list(table.schema)
    arrays = []
    for field in fields:
        if field.name in data.column_names:
            arrays.append(data.column(field.name).cast(field.type))
        else:
            arrays.append(pa.nulls(data.num_rows, field.type))
    return pa.Table.from_arrays(arrays, schema=pa.schema(fields, metadata=table.schema.metadata))


def sort_rows(data: pa.Table, table: Table) -> pa.Table:
    if data.num_rows == 0:
        return data
    return data.sort_by([(name, "ascending") for name in table.key])


def read_table(out_dir: Path, table: Table, version: int | None = None, columns: Sequence[str] | None = None,
               where: Mapping[str, Iterable] | None = None) -> pa.Table:
    """A stored table (at `version`) in the current schema, sorted by its key; an empty one when never written.
    `columns` are the only ones read from disk (planning a run must not read every article's text); `where`
    keeps rows whose column is in the given values (partition values prune whole folders)."""
    handle = delta_table(out_dir, table, version)
    if handle is None:
        data = table.schema.empty_table()
    else:
        dataset = files_dataset(handle, table)
        wanted = list(columns) if columns else table.column_names
        present = [c for c in wanted if c in dataset.schema.names]
        data = conform(dataset.to_table(columns=present, filter=_expression(where or {})), table, wanted)
        keys = [k for k in table.key if k in wanted]
        if data.num_rows and keys:
            data = data.sort_by([(k, "ascending") for k in keys])
    return data.select(list(columns)) if columns else data


def _literal(value: str) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def predicate(where: Mapping[str, Iterable]) -> str:
    """SQL predicate for delta-rs: every column in its values (a None value matches nulls)."""
    parts = []
    for column, values in where.items():
        values = sorted(set(values), key=lambda v: (v is None, str(v)))
        named = [v for v in values if v is not None]
        options = [f"{column} IN ({', '.join(map(_literal, named))})"] if named else []
        if None in values:
            options.append(f"{column} IS NULL")
        parts.append("(" + " OR ".join(options) + ")" if options else "FALSE")
    return " AND ".join(parts)


def replace_rows(out_dir: Path, table: Table, data: pa.Table, where: Mapping[str, Iterable],
                 metadata: Mapping[str, str] | None = None) -> bool:
    """One commit: the stored rows matching `where` are replaced by `data` (whose rows must match it too).
    Nothing is committed when there is nothing to remove or add; returns whether a commit was made."""
    data = sort_rows(to_arrow(table, data), table)
    handle = delta_table(out_dir, table)
    properties = CommitProperties(custom_metadata=dict(metadata)) if metadata else None
    partition_by = [PARTITION] if PARTITION in table.column_names else None
    if handle is None:
        if data.num_rows == 0 and not metadata:
            return False
        write_deltalake(str(table_path(out_dir, table)), _stream(data), mode="append", partition_by=partition_by,
                        writer_properties=_writer(table), commit_properties=properties, configuration=_configuration(table))
        _committed(table)
        return True
    stored = _matches(handle, table, where)
    if data.num_rows == 0 and not metadata and not stored:
        return False
    if not stored:  # nothing to remove: a plain append, no scan of the partitions' files by the writer
        write_deltalake(handle, _stream(data), mode="append", partition_by=partition_by,
                        writer_properties=_writer(table), commit_properties=properties)
        _committed(table)
        return True
    write_deltalake(handle, _stream(data), mode="overwrite", predicate=predicate(where), partition_by=partition_by,
                    writer_properties=_writer(table), commit_properties=properties)
    _committed(table)
    return True


def files_dataset(handle: DeltaTable, table: Table) -> ds.Dataset:
    """The live files of a Delta table version as a plain pyarrow dataset (local files, hive partition folders).

    Not `DeltaTable.to_pyarrow_dataset()`: its file system handler leaves threads that abort the interpreter at
    exit about every other run ("terminate called without an active exception", delta-rs #2184); reading the
    files the log lists with pyarrow's own local file system gives the same rows and exits cleanly."""
    files = handle.file_uris()
    if not files:
        return ds.dataset([], schema=table.schema, format="parquet")
    partitioning = None
    if PARTITION in table.column_names:
        partitioning = ds.partitioning(pa.schema([(PARTITION, pa.string())]), flavor="hive")
    root = handle.table_uri.removeprefix("file://")
    return ds.dataset(files, format="parquet", partitioning=partitioning, partition_base_dir=root)


def _configuration(table: Table) -> dict[str, str]:
    """Table properties set at creation: file statistics (min/max per file, kept in the log for data skipping)
    only for the key columns, article and entity ids — never for long strings such as `articles.text`, whose
    values would otherwise be copied into the transaction log twice per file."""
    wanted = [*table.key, "article_id", "entity_id", "published_at"]
    columns = [c for c in dict.fromkeys(wanted) if c in table.column_names and c != PARTITION]
    return {"delta.dataSkippingStatsColumns": ",".join(columns)}


def _stream(data: pa.Table) -> pa.RecordBatchReader:
    return pa.RecordBatchReader.from_batches(data.schema, data.to_batches(max_chunksize=STREAM_ROWS))


def _expression(where: Mapping[str, Iterable]) -> pc.Expression | None:
    """The Arrow filter of `where` (the same rows as `predicate(where)`)."""
    expression = None
    for column, values in where.items():
        values = list(values)
        condition = pc.field(column).isin(pa.array([v for v in values if v is not None], pa.string()))
        if None in values:
            condition = condition | pc.field(column).is_null()
        expression = condition if expression is None else expression & condition
    return expression


def _matches(handle: DeltaTable, table: Table, where: Mapping[str, Iterable]) -> bool:
    return files_dataset(handle, table).count_rows(filter=_expression(where)) > 0


def overwrite_table(out_dir: Path, table: Table, data: pa.Table, metadata: Mapping[str, str] | None = None) -> bool:
    """Replace the whole table in one commit, unless it already holds exactly these rows (and no `metadata`
    is to be recorded)."""
    data = sort_rows(to_arrow(table, data), table)
    handle = delta_table(out_dir, table)
    if not metadata and (read_table(out_dir, table).equals(data) if handle is not None else data.num_rows == 0):
        return False
    properties = CommitProperties(custom_metadata=dict(metadata)) if metadata else None
    write_deltalake(str(table_path(out_dir, table)) if handle is None else handle, _stream(data), mode="overwrite",
                    partition_by=[PARTITION] if PARTITION in table.column_names else None,
                    writer_properties=_writer(table), commit_properties=properties,
                    configuration=_configuration(table) if handle is None else None)
    _committed(table)
    return True


def create_missing(out_dir: Path, tables: Iterable[Table]) -> list[str]:
    """Create each table never written as an empty Delta table of its schema, so that every table of the store can
    be opened (`deltalake`, `polars.read_delta`, DuckDB `delta_scan`) even when a run had no row for it (a clean
    run has no rejects). Tables that exist are left alone (one look at each log folder: the check does not grow
    with the store); the names created are returned."""
    created = []
    for table in tables:
        log = table_path(out_dir, table) / "_delta_log"
        if not (log.is_dir() and next(log.iterdir(), None) is not None):
            write_deltalake(str(table_path(out_dir, table)), table.schema.empty_table(), mode="overwrite",
                            partition_by=[PARTITION] if PARTITION in table.column_names else None,
                            writer_properties=_writer(table), configuration=_configuration(table))
            _committed(table)
            created.append(table.name)
    return created


def row_count(out_dir: Path, table: Table) -> int:
    handle = delta_table(out_dir, table)
    return files_dataset(handle, table).count_rows() if handle is not None else 0


def last_commit_metadata(out_dir: Path, table: Table, key: str, within: int = 50) -> str | None:
    """A custom metadata value of the latest commit that carried `key`, looked for among the last `within`
    commits only (reading the whole history would grow with every batch ever committed)."""
    handle = delta_table(out_dir, table)
    if handle is None:
        return None
    for entry in handle.history(limit=within):
        if key in entry:
            return entry[key]
    return None


def maintain(out_dir: Path, table: Table, max_files: int = 16) -> list:
    """Compact each partition (month) whose small files piled up (each commit adds one per month it touches):
    old months are left alone, so an ingest of new articles never rewrites the archive. Then drop the files no
    version needs after the retention period (7 days: readers and exports of the last week keep working).
    Returns the partitions compacted."""
    handle = delta_table(out_dir, table)
    if handle is None:
        return []
    counts: dict = {}
    for uri in handle.file_uris():
        part = next((p.split("=", 1)[1] for p in uri.split("/") if p.startswith(f"{PARTITION}=")), None)
        counts[part] = counts.get(part, 0) + 1
    crowded = [part for part, n in counts.items() if n > max_files]
    for part in crowded:
        # the undated partition (`__HIVE_DEFAULT_PARTITION__`) cannot be named in a filter: compact everything
        filters = [(PARTITION, "=", part)] if part and not part.startswith("__HIVE") else None
        handle.optimize.compact(partition_filters=filters, writer_properties=_writer(table))
    if crowded:  # `full`: also files a killed write left behind, never referenced by any version
        handle.vacuum(dry_run=False, full=True)
    return crowded


def write_text(path: Path, content: str) -> bool:
    """Atomic write of a small text file (left untouched when it already holds `content`); returns whether it
    wrote."""
    if path.is_file() and path.stat().st_size == len(content.encode("utf-8")) \
            and path.read_text(encoding="utf-8") == content:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(content)
        os.chmod(tmp, 0o644)  # mkstemp's 0600 would hide the file from readers running as another user
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True
