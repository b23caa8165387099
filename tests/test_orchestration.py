"""Scheduled ingestion and re-runs: incremental ingest, reprocess by ids / dates / stages, two runs at once,
missed scheduled runs, the task-runner hook. Flows run against the session's temporary Prefect server."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from uuid import uuid4

import pytest

from pipeline.flows import configured_task_runner, worker_processes, ingest, reprocess
from pipeline.schema import PROCESS_TABLES
from pipeline.serve import PendingRun, missed_runs_to_skip
from pipeline.store import read, read_table, select_articles, stage_closure, table_version

ROOT = Path(__file__).resolve().parent.parent
RAW_DIR = ROOT / "raw"
ARTICLE_FILES = ["001_tsmc_arizona.txt", "002_yandex_gpt.txt", "006_samsung_hbm.txt"]


def snapshot(out: Path) -> dict:
    return {name: read(out, name) for name in PROCESS_TABLES if (out / name).exists()}


def assert_same(before: dict, after: dict) -> None:
    assert before.keys() == after.keys()
    for name in before:
        assert after[name].equals(before[name]), name


def no_orphans(out: Path) -> None:
    """Every article-table row belongs to a stored article, ids are unique, claim links resolve."""
    articles = set(read(out, "articles").to_pandas().article_id)
    assert read(out, "articles").to_pandas().article_id.is_unique
    for name, key in [("mentions", "mention_id"), ("amounts", "amount_id"), ("timex", "timex_id"), ("claims", "claim_id")]:
        frame = read(out, name).to_pandas()
        assert set(frame.article_id) <= articles, name
        assert frame[key].is_unique, name
    links = read(out, "claim_amounts").to_pandas()
    assert set(links.amount_id) <= set(read(out, "amounts").to_pandas().amount_id)
    assert set(links.claim_id) <= set(read(out, "claims").to_pandas().claim_id)
    claims, mentions = read(out, "claims").to_pandas(), read(out, "mentions").to_pandas().set_index("mention_id")
    for role in ("subject", "source"):  # a claim's subject and source join back to the mention they name
        named = claims.dropna(subset=[f"{role}_mention_id"])
        assert set(named[f"{role}_mention_id"]) <= set(mentions.index), role
        assert (mentions.loc[named[f"{role}_mention_id"], "entity_id"].to_numpy()
                == named[f"{role}_entity_id"].to_numpy()).all(), role


@pytest.fixture
def inbox(tmp_path) -> Path:
    folder = tmp_path / "inbox"
    folder.mkdir()
    for name in ARTICLE_FILES[:2]:
        shutil.copy(RAW_DIR / name, folder)
    return folder


# --- pure parts ------------------------------------------------------------------------------------------


def test_missed_runs_keep_only_the_latest_and_never_a_manual_one():
    now = datetime(2026, 5, 1, 12, 0, tzinfo=timezone.utc)
    runs = [PendingRun(uuid4(), now - timedelta(minutes=m), auto) for m, auto in
            [(60, True), (45, True), (30, False), (15, True), (0, True)]]
    skipped = missed_runs_to_skip(runs, now)
    assert skipped == [runs[0].id, runs[1].id]  # the 15-minutes-late run still runs; the manual one is kept
    assert missed_runs_to_skip(runs[-1:], now) == [] and missed_runs_to_skip([], now) == []


def test_stage_closure():
    assert stage_closure(["claims"]) == ["claims"]
    assert stage_closure(["amounts"]) == ["amounts", "claims"]
    assert stage_closure(["timex", "entities"]) == ["entities", "timex", "claims"]
    with pytest.raises(ValueError, match="unknown stages"):
        stage_closure(["mentions"])


def test_task_runner_from_the_environment(monkeypatch):
    monkeypatch.setenv("PIPELINE_TASK_RUNNER", "threads:3")
    assert configured_task_runner()._max_workers == 3
    monkeypatch.setenv("PIPELINE_TASK_RUNNER", "processes:2")
    assert configured_task_runner()._max_workers == 2 and worker_processes() == 2
    monkeypatch.setenv("PIPELINE_TASK_RUNNER", "forks")
    with pytest.raises(ValueError, match="threads"):
        configured_task_runner()
    monkeypatch.setenv("PIPELINE_TASK_RUNNER", "dask")
    try:
        import prefect_dask  # noqa: F401
    except ImportError:
        with pytest.raises(RuntimeError, match="prefect-dask"):
            configured_task_runner()
    else:
        assert type(configured_task_runner()).__name__ == "DaskTaskRunner"


# --- flows -----------------------------------------------------------------------------------------------

pytestmark_flow = pytest.mark.usefixtures("prefect_harness")


@pytestmark_flow
def test_ingest_is_incremental_and_settles_its_inbox(inbox, tmp_path):
    out = tmp_path / "out"
    (inbox / "broken.txt").write_bytes(b"\x00\x01" * 50)
    (inbox / "feed.jsonl").write_text('{"id": "1", "text": "Компания «Кедр» получила заказ на 1,2 млрд рублей."}\n'
                                      "{not json\n", encoding="utf-8")
    first = ingest(inbox=str(inbox), out_dir=str(out))
    assert (first["processed"], first["skipped"], first["rejected"]) == (3, 0, 2)
    assert first["inbox_settled"] == {"done": 3, "rejected": 1}
    assert sorted(p.name for p in inbox.iterdir()) == ["done", "rejected"]
    assert sorted(p.name for p in (inbox / "done").iterdir()) == sorted(ARTICLE_FILES[:2] + ["feed.jsonl",
                                                                                            "feed.jsonl.rejects.txt"])
    assert "line 2: invalid_json" in (inbox / "done" / "feed.jsonl.rejects.txt").read_text(encoding="utf-8")
    assert (inbox / "rejected" / "broken.txt.reason.txt").read_text(encoding="utf-8").startswith("binary: ")
    before = snapshot(out)
    again = ingest(inbox=str(inbox), out_dir=str(out))  # the next scheduled run: nothing to read, nothing to warn
    assert (again["articles_read"], again["rejected"], again["inbox_settled"]) == (0, 0, {})
    assert_same(before, snapshot(out))
    shutil.copy(RAW_DIR / ARTICLE_FILES[2], inbox)
    shutil.copy(RAW_DIR / ARTICLE_FILES[0], inbox)  # dropped again: the same source, already stored
    third = ingest(inbox=str(inbox), out_dir=str(out))
    assert (third["processed"], third["skipped"]) == (1, 1)
    assert (inbox / "done" / "001_tsmc_arizona.2.txt").is_file()  # an earlier file of that name is kept
    articles = read(out, "articles").to_pandas()
    assert len(articles) == 4 and articles.content_hash.str.len().eq(64).all()
    no_orphans(out)


def test_a_file_written_to_since_it_was_read_stays_in_the_inbox(tmp_path):
    from pipeline.inbox import InboxFile, settle

    path = tmp_path / "feed.jsonl"
    path.write_text("{}\n", encoding="utf-8")
    seen = InboxFile.seen(path)
    seen.articles.append("a1")
    with open(path, "a", encoding="utf-8") as handle:
        handle.write('{"text": "ещё одна строка"}\n')
    assert settle(tmp_path, [seen], stored={"a1"}, superseded=set()) == {"left": 1}
    assert path.is_file() and not (tmp_path / "done").exists()


@pytestmark_flow
def test_ingest_of_a_missing_inbox_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="inbox folder does not exist"):
        ingest(inbox=str(tmp_path / "nope"), out_dir=str(tmp_path / "out"))


@pytestmark_flow
def test_reprocess_selects_replaces_and_is_idempotent(inbox, tmp_path):
    out = tmp_path / "out"
    ingest(inbox=str(inbox), out_dir=str(out))
    stored = read_table(out, PROCESS_TABLES["articles"])
    dates = dict(zip(stored.column("source_id").to_pylist(), stored.column("published_at").to_pylist()))
    ids = dict(zip(stored.column("source_id").to_pylist(), stored.column("article_id").to_pylist()))
    before = snapshot(out)

    # already at the current version: nothing to do; a dry run writes nothing
    assert reprocess(out_dir=str(out))["processed"] == 0
    dry = reprocess(out_dir=str(out), force=True, dry_run=True)
    assert dry["processed"] == 0 and len(dry["would_process"]) == len(ids)
    titles = dict(zip(stored.column("article_id").to_pylist(), stored.column("title").to_pylist()))
    days = dict(zip(stored.column("article_id").to_pylist(), stored.column("published_at").to_pylist()))
    for article_id in ids.values():  # each line: date, title, id
        assert f"{days[article_id] or 'undated'}  {titles[article_id]}  ({article_id})" in dry["would_process"]
    assert_same(before, snapshot(out))

    # a forced re-run of everything leaves byte-identical tables (same version, same rows, same run metadata)
    forced = reprocess(out_dir=str(out), force=True)
    assert forced["processed"] == 2
    assert_same(before, snapshot(out))

    # by date range, one stage: only that article's claims are replaced
    day = dates["001_tsmc_arizona.txt"]
    versions = {name: table_version(out, PROCESS_TABLES[name]) for name in ("articles", "mentions", "amounts", "timex")}
    one = reprocess(published_from=day, published_to=day, stages=["claims"], force=True, out_dir=str(out))
    assert (one["selected"], one["processed"], one["stages"]) == (1, 1, "claims")
    assert (one["mentions"], one["amounts"], one["timexes"]) == (0, 0, 0) and one["claims"] > 0
    assert {name: table_version(out, PROCESS_TABLES[name]) for name in versions} == versions  # not touched
    assert_same(before, snapshot(out))
    no_orphans(out)

    # by id; an unknown id or an inverted range is an error, not a silent no-op
    assert reprocess(article_ids=[ids["002_yandex_gpt.txt"]], force=True, out_dir=str(out))["processed"] == 1
    with pytest.raises(ValueError, match="not in the articles table"):
        reprocess(article_ids=["0000"], out_dir=str(out))
    with pytest.raises(ValueError, match="after"):
        reprocess(published_from=date(2026, 1, 2), published_to=date(2026, 1, 1), out_dir=str(out))


def test_select_articles_by_date_leaves_undated_articles_out(tmp_path):
    from pipeline.ingest import build_article
    from pipeline.records import ArticleResult, RawDocument
    from pipeline.schema import ARTICLES
    from pipeline.store import to_arrow
    from pipeline.store.commit import article_row

    now = datetime(2026, 1, 1, tzinfo=timezone.utc)
    docs = [RawDocument(f"{i}.txt", "txt", f"{i}.txt", f"Заголовок {i}\n\nТекст {i}.", "utf-8", published_at=d,
                        header_in_text=False) for i, d in enumerate([date(2025, 1, 5), date(2025, 3, 1), None])]
    table = to_arrow(ARTICLES, [article_row(ArticleResult(build_article(d)), "r", "v", now) for d in docs])
    picked = select_articles(table, published_from=date(2025, 1, 1), published_to=date(2025, 1, 31))
    assert [a.source_id for a in picked] == ["0.txt"]
    assert len(select_articles(table)) == 3
    assert [a.source_id for a in select_articles(table, published_from=date(2025, 2, 1))] == ["1.txt"]


@pytestmark_flow
def test_two_ingest_runs_at_once_never_duplicate_rows(inbox, tmp_path):
    """A scheduled run and a manual one over the same inbox, in two processes against one Prefect server."""
    from prefect.settings import PREFECT_API_URL

    shutil.copy(RAW_DIR / ARTICLE_FILES[2], inbox)
    pristine = shutil.copytree(inbox, tmp_path / "pristine")  # the runs move what they read to inbox/done
    out = tmp_path / "out"
    env = {**os.environ, "PREFECT_API_URL": PREFECT_API_URL.value(), "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    code = ("import sys; from pipeline.flows import ingest; "
            "s = ingest(inbox=sys.argv[1], out_dir=sys.argv[2]); print('PROCESSED', s['processed'])")
    runs = [subprocess.Popen([sys.executable, "-c", code, str(inbox), str(out)], env=env, cwd=ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) for _ in range(2)]
    outputs = [run.communicate(timeout=600)[0] for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    processed = [int(line.split()[1]) for o in outputs for line in o.splitlines() if line.startswith("PROCESSED")]
    assert len(processed) == 2 and max(processed) == 3  # whichever planned first processed all three
    articles = read(out, "articles").to_pandas()
    assert len(articles) == 3 and articles.article_id.is_unique
    no_orphans(out)
    assert sorted(p.name for p in (inbox / "done").iterdir()) == sorted(ARTICLE_FILES)
    alone = tmp_path / "alone"
    ingest(inbox=str(pristine), out_dir=str(alone))
    for name in ("mentions", "amounts", "timex", "claims", "claim_amounts", "entities"):
        assert len(read(out, name).to_pandas()) == len(read(alone, name).to_pandas()), name


@pytestmark_flow
def test_the_store_is_the_cache(inbox, tmp_path, monkeypatch):
    """An article stored by this pipeline version is never extracted again: no batch is even staged. `force`
    extracts again, and so does a new pipeline version."""
    import pipeline.flows.articles as flows
    import pipeline.workers as workers

    out = str(tmp_path / "a")
    first = flows.process_articles(inputs=[str(inbox)], out_dir=out)
    before = snapshot(tmp_path / "a")

    def must_not_run(*args, **kwargs):
        raise AssertionError("extraction ran although the articles are stored")

    monkeypatch.setattr(workers, "extract", must_not_run)  # what every batch's extraction calls
    second = flows.process_articles(inputs=[str(inbox)], out_dir=out)
    assert (first["processed"], second["processed"], second["skipped"]) == (2, 0, 2)
    assert_same(before, snapshot(tmp_path / "a"))
    with pytest.raises(AssertionError, match="extraction ran"):
        flows.process_articles(inputs=[str(inbox)], out_dir=out, force=True)
    monkeypatch.setattr(flows, "pipeline_version", lambda: "0.0.0+other")
    with pytest.raises(AssertionError, match="extraction ran"):
        flows.process_articles(inputs=[str(inbox)], out_dir=out)


@pytestmark_flow
def test_the_forms_refuse_a_typo_and_an_invalid_date_at_submission(tmp_path):
    """The deployments' parameter schemas are enforced by the server: a bad value never starts a run."""
    import asyncio

    from prefect.client.orchestration import get_client
    from prefect.exceptions import PrefectHTTPStatusError

    from pipeline.serve import build_deployments

    async def submit(deployments: dict, name: str, parameters: dict):
        async with get_client() as client:
            return await client.create_flow_run_from_deployment(deployments[name], parameters=parameters)

    ids = {d.name: d.apply() for d in build_deployments(str(tmp_path / "inbox"), str(tmp_path / "out"), "0 3 * * *")}
    for name, parameters in [("evaluate", {"split": "dve"}), ("evaluate", {"corpus": "news_real"}),
                             ("reprocess", {"published_from": "2025-13-01"}), ("reprocess", {"stages": ["claim"]})]:
        with pytest.raises(PrefectHTTPStatusError, match="409|422"):
            asyncio.run(submit(ids, name, parameters))
    run = asyncio.run(submit(ids, "evaluate", {"split": "test", "corpus": None}))
    assert run.parameters["split"] == "test"
