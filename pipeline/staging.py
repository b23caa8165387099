"""Batches handed from the planning task to the extraction tasks as files, not as task parameters.

Prefect walks every task parameter object by object (and would persist it), so a batch travels as the path of a
small Parquet file under `<out>/.staging/<run>/`: its articles (identity, version and read time included; what each
replaces is decided when it commits, see `pipeline.store.commit.settle`). Articles a later line of the same run
superseded are listed in `superseded.txt` beside the batches and dropped before extraction. A run holds a lock on its own staging folder; folders whose run is gone (killed) are removed by the
next run, so nothing is left behind.
"""

from __future__ import annotations

import fcntl
import shutil
from collections.abc import Iterable
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.records import Article

STAGING = ".staging"
_SCHEMA = pa.schema([
    ("article_id", pa.string()), ("source_id", pa.string()), ("source_format", pa.string()), ("path", pa.string()),
    ("line", pa.int64()), ("url", pa.string()), ("published_at", pa.date32()), ("title", pa.string()),
    ("text", pa.string()), ("encoding", pa.string()), ("warnings", pa.list_(pa.string())),
    ("source_key", pa.string()), ("version_hash", pa.string()), ("read_at", pa.timestamp("us", tz="UTC")),
])
SUPERSEDED = "superseded.txt"


def write_batch(path: Path, articles: Sequence[Article]) -> Path:
    rows = [{**asdict(a), "warnings": list(a.warnings)} for a in articles]
    tmp = path.with_suffix(".tmp")
    pq.write_table(pa.Table.from_pylist(rows, schema=_SCHEMA), tmp, use_dictionary=False, write_statistics=False)
    tmp.replace(path)
    return path


def write_superseded(folder: Path, article_ids: Iterable[str]) -> None:
    """The staged articles a later input unit of the same run superseded (same source, another version)."""
    ids = sorted(article_ids)
    if ids:
        tmp = Path(folder) / f".{SUPERSEDED}.tmp"
        tmp.write_text("\n".join(ids) + "\n", encoding="utf-8")
        tmp.replace(Path(folder) / SUPERSEDED)


def read_superseded(folder: Path) -> set[str]:
    listed = Path(folder) / SUPERSEDED
    return set(listed.read_text(encoding="utf-8").split()) if listed.is_file() else set()


def read_batch(path: Path) -> list[Article]:
    """A staged batch's articles, without those the run superseded."""
    superseded = read_superseded(Path(path).parent)
    return [Article(**{**row, "warnings": tuple(row["warnings"])}) for row in pq.read_table(path).to_pylist()
            if row["article_id"] not in superseded]


@contextmanager
def staging_folder(out_dir: Path, run_id: str) -> Iterator[Path]:
    """This run's staging folder (removed at the end); stale folders of killed runs are removed first."""
    root = Path(out_dir) / STAGING
    root.mkdir(parents=True, exist_ok=True)
    for lock in root.glob("*.lock"):
        _remove_if_dead(lock)
    folder = root / run_id
    folder.mkdir(exist_ok=True)
    with open(root / f"{run_id}.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield folder
        finally:
            shutil.rmtree(folder, ignore_errors=True)
            (root / f"{run_id}.lock").unlink(missing_ok=True)
            fcntl.flock(handle, fcntl.LOCK_UN)
            try:
                root.rmdir()  # only when no other run is staging
            except OSError:
                pass


def _remove_if_dead(lock: Path) -> None:
    try:
        handle = open(lock, "r+")
    except FileNotFoundError:
        return
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return  # its run is alive
        shutil.rmtree(lock.with_suffix(""), ignore_errors=True)
        lock.unlink(missing_ok=True)
