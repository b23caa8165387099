"""Writers at once and readers during writes: command-line runs in separate processes against the session's
Prefect server, on copies of one store. The result of writers at once must equal running them in turn, and a
reader must never see half of a run."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from helpers import RAW_DIR, ROOT
from pipeline.flows import ingest, process_articles, reprocess
from pipeline.schema import PROCESS_TABLES
from pipeline.store import read, snapshot

pytestmark = [pytest.mark.usefixtures("prefect_harness"), pytest.mark.processes]

RUN_COLUMNS = {"ingested_at", "run_id", "read_at", "rejected_at"}
FILES = sorted(RAW_DIR.glob("*.txt"))


def comparable(out: Path) -> dict[str, list]:
    snap = snapshot(out)
    tables = {}
    for name in PROCESS_TABLES:
        data = snap.read(name)
        tables[name] = data.drop_columns([c for c in data.column_names if c in RUN_COLUMNS]).to_pylist()
    return tables


def environment() -> dict[str, str]:
    from prefect.settings import PREFECT_API_URL

    return {**os.environ, "PREFECT_API_URL": PREFECT_API_URL.value(), "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}


def start(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "pipeline", *args], env=environment(), cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def finish(processes: list[subprocess.Popen]) -> None:
    outputs = [p.communicate(timeout=900)[0] for p in processes]
    assert [p.returncode for p in processes] == [0] * len(processes), "\n\n".join(o[-3000:] for o in outputs)


def refill(inbox: Path) -> None:
    """The inbox as it was: three new articles (an ingest moves what it read to inbox/done)."""
    shutil.rmtree(inbox, ignore_errors=True)
    inbox.mkdir()
    for path in FILES[6:9]:
        shutil.copy(path, inbox)


def edit(path: Path, day: str, extra: str) -> None:
    """A corrected article: a new date header and one more sentence."""
    _, _, body = path.read_text(encoding="utf-8").partition("\n")
    path.write_text(f" date {day}\n{body.rstrip()}\n\n{extra}\n", encoding="utf-8")


@pytest.fixture(scope="module")
def stores(tmp_path_factory, prefect_harness):
    """A stored base; the inputs edited since (two corrected articles); an inbox of three new ones; and what
    `run`, `reprocess --force` and `ingest` make of the base when run one after the other."""
    root = tmp_path_factory.mktemp("concurrent")
    inputs, inbox, base = root / "inputs", root / "inbox", root / "base"
    inputs.mkdir()
    for path in FILES[:6]:
        shutil.copy(path, inputs)
    refill(inbox)
    process_articles(inputs=[str(inputs)], out_dir=str(base), batch_size=2)
    first, second = sorted(inputs.iterdir())[:2]
    edit(first, "2025-12-01", "Позднее компания уточнила, что сумма сделки составила 7 млрд рублей.")
    edit(second, "2025-11-20", "По данным аналитиков, доля рынка выросла до 12%.")
    reference = root / "reference"
    shutil.copytree(base, reference)
    process_articles(inputs=[str(inputs)], out_dir=str(reference), batch_size=2)
    reprocess(force=True, out_dir=str(reference), batch_size=2)
    ingest(inbox=str(inbox), out_dir=str(reference), batch_size=2)
    return inputs, inbox, base, comparable(reference)


@pytest.mark.parametrize("trial", range(5))
def test_run_reprocess_and_ingest_at_once_equal_running_them_in_turn(stores, trial, tmp_path):
    inputs, inbox, base, expected = stores
    out = tmp_path / "out"
    shutil.copytree(base, out)
    refill(inbox)
    finish([start("run", str(inputs), "--out", str(out), "--batch-size", "2"),
            start("reprocess", "--force", "--out", str(out), "--batch-size", "2"),
            start("ingest", "--inbox", str(inbox), "--out", str(out), "--batch-size", "2")])
    got = comparable(out)
    assert len(got["articles"]) == 9  # one per source: 6 inputs (2 corrected) + 3 from the inbox
    for name in PROCESS_TABLES:
        assert got[name] == expected[name], name


def test_two_runs_reading_two_versions_of_one_page_keep_one(tmp_path):
    """Two exports carry the same URL with different texts; two runs at once store exactly one of them."""
    import json

    out = tmp_path / "out"
    texts = ["Компания «Северный Ветер» увеличила выручку на 14% до 9,5 млрд рублей в третьем квартале.",
             "Компания «Северный Ветер» увеличила выручку на 15% до 9,7 млрд рублей в третьем квартале."]
    exports = []
    for i, text in enumerate(texts):
        path = tmp_path / f"export-{i}.jsonl"
        path.write_text(json.dumps({"url": "https://news.example/veter", "published_at": "2025-10-20", "text": text},
                                   ensure_ascii=False) + "\n", encoding="utf-8")
        exports.append(path)
    finish([start("run", str(path), "--out", str(out)) for path in exports])
    articles = read(out, "articles").to_pandas()
    assert list(articles.source_key) == ["https://news.example/veter"]
    assert set(read(out, "mentions").to_pandas().article_id) == set(articles.article_id)


WRITER = """
import sys
from pathlib import Path
from pipeline.flows import process_articles

folder, out = Path(sys.argv[1]), sys.argv[2]
for round in range(4):
    for i in range(4):
        (folder / f"{i}.txt").write_text(
            f" date 2025-0{1 + (round + i) % 9}-15\\nКомпания «Северный Ветер {i}» в {round + 1} квартале увеличила "
            f"выручку на {10 + round}% до {round + 2} млрд рублей, сообщил директор Иван Петров.\\n", encoding="utf-8")
    process_articles(inputs=[str(folder)], out_dir=out, batch_size=1)
"""


def dangling(out: Path) -> tuple[tuple, int]:
    """(the snapshot's versions, how many references in it point at nothing)."""
    snap = snapshot(out)
    ids = {name: snap.read(name).to_pandas() for name in ("articles", "mentions", "amounts", "timex", "claims",
                                                          "claim_amounts", "entities")}
    articles = set(ids["articles"].article_id)
    missing = sum((~ids[name].article_id.isin(articles)).sum()
                  for name in ("mentions", "amounts", "timex", "claims", "claim_amounts"))
    missing += (~ids["claim_amounts"].amount_id.isin(set(ids["amounts"].amount_id))).sum()
    missing += (~ids["claim_amounts"].claim_id.isin(set(ids["claims"].claim_id))).sum()
    missing += (~ids["mentions"].entity_id.isin(set(ids["entities"].entity_id))).sum()
    missing += len(ids["articles"]) - ids["articles"].source_key.nunique()  # two versions of one source
    return tuple(sorted((snap.versions or {}).items())), int(missing)


def test_a_reader_during_writes_sees_whole_runs_only(tmp_path):
    folder, out = tmp_path / "in", tmp_path / "out"
    folder.mkdir()
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(folder), str(out)], env=environment(), cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    seen, reads, bad = set(), 0, 0
    while writer.poll() is None:
        if (out / "_manifest.json").exists():
            versions, missing = dangling(out)
            seen.add(versions)
            reads += 1
            bad += missing
        time.sleep(0.05)
    assert writer.returncode == 0, writer.communicate()[0][-3000:]
    versions, missing = dangling(out)
    seen.add(versions)
    assert bad + missing == 0
    assert reads >= 10 and len(seen) >= 3  # the reader kept reading while runs published


FIRST_RUN = """
import sys
from pipeline.flows import process_articles

process_articles(inputs=[sys.argv[1]], out_dir=sys.argv[2], batch_size=1)
"""


def test_readers_during_a_stores_first_runs_never_see_half_of_one(tmp_path):
    """A new store, two writers at once, a reader from the first moment (manifest or not): every read whole."""
    out = tmp_path / "out"
    halves = [tmp_path / "a", tmp_path / "b"]
    for i, folder in enumerate(halves):
        folder.mkdir()
        for path in FILES[i::2]:
            shutil.copy(path, folder)
    writers = [subprocess.Popen([sys.executable, "-c", FIRST_RUN, str(folder), str(out)], env=environment(), cwd=ROOT,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) for folder in halves]
    seen, reads, bad = set(), 0, 0
    while any(w.poll() is None for w in writers):
        versions, missing = dangling(out)
        seen.add(versions)
        reads += 1
        bad += missing
    outputs = [w.communicate()[0] for w in writers]
    assert [w.returncode for w in writers] == [0, 0], "\n\n".join(o[-3000:] for o in outputs)
    versions, missing = dangling(out)
    assert bad + missing == 0
    assert reads >= 20 and len(seen) >= 2 and len(snapshot(out).read("articles")) == len(FILES)
