"""Writers take turns, and a batch's commits to several tables land all together or not at all.

Each table is one Delta log, so a commit to one table is atomic, but a batch commits to six tables one after the
other. Before the first, `all_or_nothing` writes an intent file naming each table's version; after the last it
removes it. A writer killed in between leaves the intent behind, and the next writer to take the lock
(`output_lock`) restores every named table to its recorded version (a Delta `RESTORE`: a new commit, history
kept) before it reads anything, so no writer decides, and no run publishes, from half a batch. An exception
inside the block rolls back at once.
"""

from __future__ import annotations

import fcntl
import json
import shutil
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from pipeline.schema import TABLES, Table
from pipeline.store.tables import delta_table, table_path, table_version, write_text

INTENT = ".commit-intent.json"


@contextmanager
def output_lock(out_dir: Path) -> Iterator[None]:
    """Exclusive lock on an output folder: two writers never interleave their read-decide-commit. A batch a
    killed writer left half-committed is rolled back first (`recover`)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    with open(out_dir / ".lock", "a") as handle:  # never truncated: taking the lock writes nothing
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            recover(out_dir)
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextmanager
def folder_lock(folder: Path) -> Iterator[None]:
    """Exclusive lock on a folder of derived files (the review site): two runs never write it at once."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    with file_lock(folder / ".lock"):
        yield


@contextmanager
def file_lock(path: Path) -> Iterator[None]:
    """Exclusive lock held on the file `path` (created, never truncated) for the block's duration."""
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextmanager
def all_or_nothing(out_dir: Path, tables: Iterable[Table]) -> Iterator[None]:
    """Commits to `tables` inside the block land together: a kill or an exception before the block ends is
    rolled back to the versions the tables had when it began. Call under `output_lock`."""
    out_dir = Path(out_dir)
    intent = out_dir / INTENT
    write_text(intent, json.dumps({t.name: table_version(out_dir, t) for t in tables}, sort_keys=True))
    try:
        yield
    except BaseException:
        recover(out_dir)
        raise
    intent.unlink()


def recover(out_dir: Path) -> list[str]:
    """Roll back the tables a writer's unfinished `all_or_nothing` block committed to; returns their names."""
    intent = Path(out_dir) / INTENT
    if not intent.is_file():
        return []
    rolled = []
    for name, version in json.loads(intent.read_text(encoding="utf-8")).items():
        current = table_version(out_dir, TABLES[name])
        if current is None or current == version:
            continue
        if version is None:  # the table did not exist before the block: nothing of it was published
            shutil.rmtree(table_path(out_dir, TABLES[name]))
        else:
            delta_table(out_dir, TABLES[name]).restore(version)
        rolled.append(name)
    intent.unlink()
    return rolled
