"""Kill -9 at several points of a run, run again: every table equals an uninterrupted run's, nothing left behind.

The kill comes from the store's fault-injection hook (`PIPELINE_KILL_AFTER_COMMIT=<table>:<n>`: SIGKILL right
after the n-th commit to that table), so each case stops at an exact, reproducible point between commits.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys

import pytest

from helpers import RAW_DIR
from pipeline.flows import process_articles
from pipeline.schema import PROCESS_TABLES
from pipeline.store import read
from pipeline.store.tables import FAILPOINT

pytestmark = pytest.mark.processes  # starts other processes

RUN_COLUMNS = {"ingested_at", "run_id", "rejected_at", "read_at"}
KILL_POINTS = [  # (where, whether the killed run's staged batches are still on disk)
    ("rejects:1", True),    # right after the read task committed the rejects, before any batch
    ("mentions:2", True),   # the second batch's mentions landed, its amounts, claims and articles did not
    ("articles:2", True),   # right after the second batch's articles commit
    ("articles:3", True),   # right after the last batch's articles commit, before the run's entities
    ("entities:1", False),  # right after the run's entities commit, before compaction and the report
]


@pytest.fixture(scope="module")
def inbox(tmp_path_factory):
    folder = tmp_path_factory.mktemp("inbox")
    for path in sorted(RAW_DIR.glob("*.txt"))[:9]:
        shutil.copy(path, folder / path.name)
    (folder / "empty.txt").write_bytes(b"")
    return folder


def comparable(out) -> dict[str, list]:
    tables = {}
    for name in PROCESS_TABLES:
        data = read(out, name)
        tables[name] = data.drop_columns([c for c in data.column_names if c in RUN_COLUMNS]).to_pylist()
    return tables


@pytest.fixture(scope="module")
def uninterrupted(inbox, tmp_path_factory, prefect_harness):
    out = tmp_path_factory.mktemp("reference")
    process_articles(inputs=[str(inbox)], out_dir=str(out), batch_size=3)
    return comparable(out)


@pytest.mark.parametrize(("point", "staged"), KILL_POINTS)
def test_a_killed_run_converges_on_the_next_run(point, staged, inbox, uninterrupted, tmp_path, prefect_harness):
    from prefect.settings import PREFECT_API_URL

    out = tmp_path / "out"
    env = {**os.environ, FAILPOINT: point, "PREFECT_API_URL": PREFECT_API_URL.value()}
    killed = subprocess.run([sys.executable, "-m", "pipeline", "run", str(inbox), "--out", str(out),
                             "--batch-size", "3"], env=env, capture_output=True, timeout=600)
    assert killed.returncode == -signal.SIGKILL, killed.stderr.decode()[-2000:]
    assert (out / ".staging").exists() == staged  # the killed run's batches are left for the next run to remove

    process_articles(inputs=[str(inbox)], out_dir=str(out), batch_size=3)
    after = comparable(out)
    for name, rows in uninterrupted.items():
        assert after[name] == rows, name
    leftovers = [p for p in out.rglob("*") if p.name.endswith(".tmp") or ".staging" in p.parts]
    assert leftovers == []
