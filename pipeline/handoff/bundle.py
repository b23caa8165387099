"""`python -m pipeline export OUT --to DIR`: the hand-off folder.

    DIR/README.md          dataset card: what, when, counts, version, evaluation, limitations, how to load
    DIR/datapackage.json   Frictionless Data Package: every table's Table Schema (types, descriptions, keys)
    DIR/news.duckdb        the tables and the views claims_full, entity_mentions_by_month
    DIR/tables/*.parquet   one Parquet file per table
    DIR.zip                the same, zipped (`--zip`)

Everything comes from one published snapshot of the store. The folder is built beside DIR and swapped in at the
end, so DIR is always a whole bundle (the previous one until the new one is complete). Exports of one DIR take
turns (`.DIR.lock` beside it), and each first removes what a killed export left beside DIR (`.DIR.partial-*`,
`.DIR.old-*`, a half-written zip), putting the previous bundle back if the kill came between the two renames."""

from __future__ import annotations

import glob
import json
import os
import shutil
from datetime import datetime, timezone
from pathlib import Path

import pyarrow.parquet as pq

from pipeline.handoff.card import render_card
from pipeline.handoff.datapackage import descriptor
from pipeline.handoff.duck import write_database
from pipeline.schema import EVAL_METRICS, PROCESS_TABLES, TABLES
from pipeline.store import snapshot
from pipeline.store.journal import file_lock

BUNDLED = [*PROCESS_TABLES, EVAL_METRICS.name]


class ExportError(Exception):
    """The bundle cannot be written (e.g. the target is a folder that is not a bundle)."""


def export_bundle(out_dir: Path | str, to_dir: Path | str, zip_archive: bool = False) -> dict:
    """Write the bundle of the store `out_dir` to `to_dir`; returns what was written."""
    out_dir, to_dir = Path(out_dir), Path(to_dir)
    if not (out_dir / "articles").is_dir():
        raise ExportError(f"{out_dir} holds no tables (run the pipeline first)")
    if to_dir.exists() and any(to_dir.iterdir()) and not (to_dir / "datapackage.json").is_file():
        raise ExportError(f"{to_dir} exists and is not a bundle: refusing to replace it")
    to_dir.parent.mkdir(parents=True, exist_ok=True)
    with file_lock(to_dir.parent / f".{to_dir.name}.lock"):
        clean_leftovers(to_dir)
        return _export(out_dir, to_dir, zip_archive)


def clean_leftovers(to_dir: Path) -> list[str]:
    """Remove what killed exports of `to_dir` left beside it (call under its lock); returns the names removed."""
    escaped = glob.escape(to_dir.name)
    olds = sorted(to_dir.parent.glob(f".{escaped}.old-*"), key=lambda p: p.stat().st_mtime)
    if not to_dir.exists() and olds:  # killed between moving the old bundle aside and moving the new one in
        os.replace(olds.pop(), to_dir)
    removed = []
    for pattern in (".{}.partial-*", ".{}.old-*", ".{}.zip-partial*"):
        for path in to_dir.parent.glob(pattern.format(escaped)):
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
            removed.append(path.name)
    return removed


def _export(out_dir: Path, to_dir: Path, zip_archive: bool) -> dict:
    snap = snapshot(out_dir)
    tables = {name: snap.read(name) for name in BUNDLED}
    if not tables[EVAL_METRICS.name].num_rows:
        tables.pop(EVAL_METRICS.name)
    created = datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    partial = to_dir.parent / f".{to_dir.name}.partial-{os.getpid()}"
    shutil.rmtree(partial, ignore_errors=True)
    (partial / "tables").mkdir(parents=True)
    try:
        paths = {}
        for name, data in tables.items():
            paths[name] = f"tables/{name}.parquet"
            pq.write_table(data, partial / paths[name], compression="zstd")
        write_database(partial / "news.duckdb", tables)
        versions = sorted(set(tables["articles"].column("pipeline_version").to_pylist()))
        package = descriptor([TABLES[n] for n in tables], paths, versions[-1] if versions else "0.0.0", created,
                             "Claims with amounts and dates from Russian tech news")
        (partial / "datapackage.json").write_text(json.dumps(package, ensure_ascii=False, indent=2) + "\n",
                                                  encoding="utf-8")
        eval_metrics = snap.read(EVAL_METRICS.name)
        card = render_card({n: t for n, t in tables.items() if n != EVAL_METRICS.name}, snap.versions, created,
                           str(out_dir), eval_metrics, {n: TABLES[n].description for n in tables})
        (partial / "README.md").write_text(card, encoding="utf-8")
        _swap_in(partial, to_dir)
    finally:
        shutil.rmtree(partial, ignore_errors=True)
    archive = None
    if zip_archive:
        made = shutil.make_archive(str(to_dir.parent / f".{to_dir.name}.zip-partial"), "zip", root_dir=to_dir)
        archive = to_dir.with_name(to_dir.name + ".zip")
        os.replace(made, archive)
    return {"bundle": str(to_dir), "zip": str(archive) if archive else None,
            "rows": {name: data.num_rows for name, data in tables.items()}, "created": created}


def _swap_in(partial: Path, to_dir: Path) -> None:
    old = to_dir.parent / f".{to_dir.name}.old-{os.getpid()}"
    if to_dir.exists():
        os.replace(to_dir, old)
    os.replace(partial, to_dir)
    shutil.rmtree(old, ignore_errors=True)
