"""Shared fixtures: heavy models load once per session; every test run gets its own PREFECT_HOME."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

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
def prefect_harness():
    """One temporary Prefect server (SQLite) for every flow test of the session."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
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

