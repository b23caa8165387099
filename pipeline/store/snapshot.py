"""What readers see: one published version of every table, consistent across tables.

Each table is its own Delta log, so reading the latest version of two tables while a run commits can pair the
new mentions with the old articles. A run therefore *publishes*: at its end, under the output lock, after the
entities caught up with the mentions, it writes `<out>/_manifest.json` — the version of every table — in one
atomic file replace. Readers go through a `Snapshot` of that manifest: every table at the version it names, so a
reader sees the state after one run or after the next, never half of one (0 mentions of a missing article,
0 claim links to a missing amount).

Before its first publication a store has no manifest. The first writer of a store (or of a store written before
manifests existed) therefore publishes what is there — possibly nothing — before it changes anything
(`pipeline.store.legacy.prepare_store`), so during a first run readers see empty tables, never a half batch. A
store without a manifest is one no writer of this version has touched: its latest versions are read (those an
unfinished batch left behind rolled back, as the next writer would), and only if no manifest appeared meanwhile.

    snap = snapshot("processed")
    articles, claims = snap.read("articles"), snap.read("claims")
    con = snap.duckdb()                      # every table as a DuckDB view of the same snapshot
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.dataset as ds

from pipeline.schema import TABLES, Table
from pipeline.store.journal import INTENT
from pipeline.store.tables import delta_table, files_dataset, read_table, table_version, write_text

MANIFEST = "_manifest.json"


def publish(out_dir: Path, tables: Iterable[Table] | None = None) -> dict[str, int]:
    """Make the current versions of `tables` (default: all) what readers see; other tables keep their published
    version. Call under the output lock, at a point where the tables are consistent. Writes nothing when the
    manifest already says so. Returns the published versions."""
    out_dir = Path(out_dir)
    versions = published_versions(out_dir)
    if versions is None:  # a store from before manifests: its readers saw the latest of every table until now
        versions, tables = {}, None
    for table in tables if tables is not None else TABLES.values():
        version = table_version(out_dir, table)
        if version is not None:
            versions[table.name] = version
    write_text(out_dir / MANIFEST, json.dumps({"versions": versions}, indent=2, sort_keys=True) + "\n")
    return versions


def published_versions(out_dir: Path) -> dict[str, int] | None:
    """The manifest's table versions; None when the store has no manifest."""
    path = Path(out_dir) / MANIFEST
    try:
        return {name: int(v) for name, v in json.loads(path.read_text(encoding="utf-8"))["versions"].items()}
    except FileNotFoundError:
        return None


@dataclass(frozen=True)
class Snapshot:
    """Every table of an output folder at one published version (`versions`; None: the latest of each)."""

    out_dir: Path
    versions: dict[str, int] | None

    def version(self, name: str) -> int | None:
        """The version of `name` this snapshot reads (-1: not published yet, read as empty)."""
        if name not in TABLES:
            raise KeyError(f"no table {name!r}; expected one of {sorted(TABLES)}")
        if self.versions is None:
            return None
        return self.versions.get(name, -1)

    def read(self, name: str) -> pa.Table:
        """The table in its declared schema, sorted by its key."""
        version = self.version(name)
        if version == -1:
            return TABLES[name].schema.empty_table()
        return read_table(self.out_dir, TABLES[name], version)

    def dataset(self, name: str) -> ds.Dataset:
        """The table as a pyarrow dataset (scanned lazily by DuckDB or polars, filters pushed down)."""
        version = self.version(name)
        handle = delta_table(self.out_dir, TABLES[name], version) if version != -1 else None
        if handle is None:
            return ds.dataset(TABLES[name].schema.empty_table())
        return files_dataset(handle, TABLES[name])

    def duckdb(self, connection=None):
        """A DuckDB connection (new, in memory, unless given) with a view per table of this snapshot."""
        import duckdb

        con = connection if connection is not None else duckdb.connect()
        for name in TABLES:
            con.register(name, self.dataset(name))
        return con


def snapshot(out_dir: Path | str) -> Snapshot:
    """The output folder's published snapshot (take one per analysis: two reads of one snapshot always agree)."""
    out_dir = Path(out_dir)
    while True:
        versions = published_versions(out_dir)
        if versions is not None:
            return Snapshot(out_dir, versions)
        found = unpublished_versions(out_dir)
        if published_versions(out_dir) is None:  # no writer published, hence none changed a table, while we looked
            return Snapshot(out_dir, found)


def unpublished_versions(out_dir: Path) -> dict[str, int]:
    """The versions of a store without a manifest: the latest of every table, except that the tables of a batch
    a writer left unfinished are read at the versions the batch started from (what recovery restores)."""
    versions = {t.name: v for t in TABLES.values() if (v := table_version(out_dir, t)) is not None}
    try:
        started = json.loads((out_dir / INTENT).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return versions
    for name, version in started.items():
        if version is None:
            versions.pop(name, None)
        else:
            versions[name] = int(version)
    return versions


def read(out_dir: Path | str, name: str, version: int | None = None) -> pa.Table:
    """One table as published (or at `version`): `read("processed", "claims").to_pandas()`. Reading several
    tables? Take one `snapshot` and read them from it."""
    if version is not None:
        return read_table(Path(out_dir), TABLES[name], version)
    return snapshot(out_dir).read(name)


def dataset(out_dir: Path | str, name: str, version: int | None = None) -> ds.Dataset:
    """One table as published (or at `version`) as a pyarrow dataset, for DuckDB or polars to scan lazily."""
    if version is not None:
        handle = delta_table(Path(out_dir), TABLES[name], version)
        return files_dataset(handle, TABLES[name]) if handle is not None else ds.dataset(TABLES[name].schema.empty_table())
    return snapshot(out_dir).dataset(name)
