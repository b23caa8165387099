"""Shared fixtures: heavy models load once per session; every test run gets its own PREFECT_HOME."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

# Before anything imports Prefect: no telemetry, and a private Prefect home (SQLite database, logs) per run.
os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
os.environ["PREFECT_HOME"] = tempfile.mkdtemp(prefix="pipeline-tests-prefect-")
os.environ.pop("PREFECT_API_URL", None)

import pytest  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
RAW_DIR = ROOT / "raw"
SHARED_DIR = ROOT.parent / "shared"
SEEDS_DIR = SHARED_DIR / "seeds"
FACTRU_DIR = SHARED_DIR / "corpora" / "factru-2016"
NEWS_REAL_DIR = SHARED_DIR / "corpora" / "news-real"

# A tiny .ann corpus in the gold format, written here (our own text): articles under texts/, sources under ann/,
# `article:` paths relative to the corpus root — the layout of news-real.
ANN_ARTICLE = (" date 2025-10-20\n"
               "Компания «Северный Ветер» в третьем квартале продала 120 тыс. смартфонов Breeze 5, сообщает Ведомости.\n\n"
               "Выручка выросла на 14% до 9,5 млрд руб.\n")
ANN_SOURCE = """article: texts/a1.txt
split: dev

E ORG | Северный Ветер
E PRODUCT | Breeze 5
E ORG | Ведомости
A count | 120 тыс. смартфонов | 120e3 | смартфон
A percent | 14% | 14 | percent
A money | 9,5 млрд руб. | 9.5e9 | RUB
T date | третьем квартале | 2025-07-01 | 2025-09-30 | quarter
C supply | 120 тыс. смартфонов | subject=Компания «Северный Ветер» ~ Северный Ветер | pred=продать | time=третьем квартале | source=Ведомости ~ Ведомости
C revenue | 9,5 млрд руб. + 14% | subject=Выручка | pred=вырасти
"""


def write_ann_corpus(root: Path, split: str = "dev") -> Path:
    (root / "texts").mkdir(parents=True, exist_ok=True)
    (root / "ann").mkdir(exist_ok=True)
    (root / "texts" / "a1.txt").write_text(ANN_ARTICLE, encoding="utf-8")
    (root / "ann" / "a1.ann").write_text(ANN_SOURCE.replace("split: dev", f"split: {split}"), encoding="utf-8")
    return root


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

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        pytest.skip("no Chromium installed (apt-get install chromium)")
    playwright = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install playwright)")
    with playwright.sync_playwright() as driver:
        launched = driver.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield launched
        launched.close()


def open_page(browser, path: Path):
    """The page at `path`, with what it logged and every request it made."""
    page = browser.new_page()
    problems, requests = [], []
    page.on("console", lambda m: problems.append(m.text) if m.type in {"error", "warning"} else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    return page, problems, requests
