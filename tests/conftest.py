"""Shared fixtures: heavy models load once per session; every test run gets its own PREFECT_HOME."""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from unittest import mock

# Before anything imports Prefect: no telemetry, and a private Prefect home (SQLite database, logs) per run.
os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
os.environ["PREFECT_HOME"] = tempfile.mkdtemp(prefix="pipeline-tests-prefect-")
os.environ.pop("PREFECT_API_URL", None)

import pytest  # noqa: E402

from helpers import CHROMIUM, SEEDS_DIR  # noqa: E402


@pytest.fixture(scope="session")
def nlp():
    from pipeline.nlp import load_nlp

    return load_nlp()


@pytest.fixture(scope="session")
def prefect_database(tmp_path_factory) -> Path:
    """A Prefect database with every migration applied, made once per test session and shared by the xdist
    workers (under a lock): a server started on a copy is up in ~4 s instead of ~9, most of a start on an empty
    database being its migrations. Tests of a first start (`test_headstart`) keep empty homes."""
    import prefect

    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # the session's folder, above each worker's own
    database = root / f"prefect-{prefect.__version__}.db"
    with open(f"{database}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if not database.exists():
            home = root / "prefect-database-home"
            subprocess.run([sys.executable, "-m", "prefect", "server", "database", "upgrade", "-y"], check=True,
                           capture_output=True, env={**os.environ, "PREFECT_HOME": str(home)})
            shutil.copy(home / "prefect.db", f"{database}.tmp")
            os.replace(f"{database}.tmp", database)
    return database


@pytest.fixture(scope="session")
def prefect_harness(prefect_database):
    """One temporary Prefect server (SQLite) for every flow test of the session, on a copy of the migrated
    database (the harness makes its database folder with `mkdtemp`; the copy is put there while it starts)."""
    import prefect.testing.utilities as harness

    def database_folder() -> str:
        folder = tempfile.mkdtemp(prefix="prefect-harness-")
        shutil.copy(prefect_database, Path(folder) / "prefect-test.db")
        return folder

    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    with contextlib.ExitStack() as running:
        with mock.patch.object(harness, "mkdtemp", database_folder):
            running.enter_context(harness.prefect_test_harness(server_startup_timeout=120))
        # no flow-run heartbeats against a server that ends with the session (they detect crashed runs): the
        # engine joins its heartbeat thread at every flow's end, up to a second each time
        running.enter_context(temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}))
        yield


@pytest.fixture
def seeds_dir() -> Path:
    if not SEEDS_DIR.is_dir():
        pytest.skip(f"{SEEDS_DIR} is absent (it is CI/developer material, not part of a user's clone)")
    return SEEDS_DIR


# --- a real browser (Debian's Chromium driven by playwright) ----------------------------------------------

@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        pytest.skip("no Chromium installed (apt-get install chromium)")
    playwright = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install playwright)")
    with playwright.sync_playwright() as driver:
        launched = driver.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield launched
        launched.close()


def pytest_collection_modifyitems(items):
    """Every test that runs through a Prefect flow (it uses the session's harness) is marked `flow`, so
    `pytest -m "not flow and not processes"` is the fast unit suite. The slowest kinds go first — tests that start
    processes or servers, then flow tests, then the rest — so that on several workers (`make test`, whose
    scheduler keeps this order) the long files start early and the short ones fill in at the end."""
    for item in items:
        if "prefect_harness" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.flow)

    def rank(item) -> int:
        if item.get_closest_marker("processes") or item.get_closest_marker("serve"):
            return 0
        return 1 if item.get_closest_marker("flow") else 2

    items.sort(key=rank)  # stable: collection order within a rank

