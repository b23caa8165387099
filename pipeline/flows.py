"""Prefect 3 orchestration: read + plan -> extract and commit batch by batch -> maintain the tables -> report.

Task bodies only call the pure functions in `pipeline.ingest`, `pipeline.extract` and `pipeline.store`; each
works unchanged without its decorator (tests call `task.fn(...)`). One task per *batch* of articles, never
per article or sentence: Prefect's and its UI's cost per task run is far above Natasha's per-article cost.
"""

from __future__ import annotations

import os
import time
import uuid
from dataclasses import asdict
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run
from prefect.task_runners import ThreadPoolTaskRunner

from pipeline import outcome
from pipeline.config import DEFAULT_BATCH_SIZE, INBOX_DIR, PROCESSED_DIR, RAW_DIR, SOURCES_FILE, pipeline_version
from pipeline.ingest import build_article_safely, discover_inputs, read_inputs, repair_surrogates
from pipeline.memory import limit_arenas, release_memory
from pipeline.nlp import load_nlp
from pipeline.progress import Step, notify
from pipeline.records import Reject
from pipeline.review.pages import time_text, value_text
from pipeline.schema import (AMOUNTS, ARTICLE_TABLES, ARTICLES, CLAIM_AMOUNTS, CLAIMS, ENTITIES, MENTIONS, REJECTS, STAGES, TIMEX,
                             Stage, render_data_dictionary)
from pipeline.settle import SETTLED_FOLDERS, InboxFile, read_ledger, settle, write_ledger
from pipeline.staging import read_superseded, staging_folder, write_batch, write_superseded
from pipeline.store.legacy import prepare_store
from pipeline.store import (MonthBatcher, Planner, commit_batch, maintain, merge_rejects, only_articles, output_lock,
                            publish, read_table, row_count, select_articles, stage_closure, stale_amount_links,
                            sync_entities, write_text)
from pipeline.store import settle as settle_batch
from pipeline.workers import extract

limit_arenas()  # before the runs' threads exist: see pipeline.memory

# A date parameter whose form refuses an impossible date at submission: the server checks the JSON schema's
# `pattern` (it does not check `format: date`), so `2025-13-01` never starts a run.
IsoDate = Annotated[date, Field(json_schema_extra={
    "pattern": r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$"})]

# ---------------------------------------------------------------------------
# record -> row (run-level columns are added here, at persistence time)
# ---------------------------------------------------------------------------


def reject_row(reject: Reject, run_id: str, version: str, now: datetime) -> dict:
    row = {key: repair_surrogates(value)[0] if isinstance(value, str) else value for key, value in asdict(reject).items()}
    return {**row, "reject_id": reject.reject_id, "rejected_at": now, "pipeline_version": version, "run_id": run_id}


def current_run_id() -> str:
    return str(flow_run.get_id() or uuid.uuid4())


# ---------------------------------------------------------------------------
# task runner (the scale-out hook)
# ---------------------------------------------------------------------------


def configured_task_runner():
    """The runner of the extraction batches, from `PIPELINE_TASK_RUNNER` (read when this module is imported, so
    served deployments and their flow-run processes agree):

    - `threads:N` (default `threads:1`): N batches at once in threads of the flow's process;
    - `processes:N`: N batches at once, each extracted in one of N worker processes that load the models once
      (`pipeline.workers`): the way to use more than one core on one machine;
    - `dask` — a temporary local Dask cluster; `dask:tcp://host:8786` — an existing cluster. Needs
      `pip install -e '.[dask]'` (prefect-dask); every Dask worker loads the NLP models once.
    """
    spec, kind, arg = _runner_spec()
    if kind in {"threads", "processes"}:
        return ThreadPoolTaskRunner(max_workers=int(arg or 1))
    if kind == "dask":
        try:
            from prefect_dask import DaskTaskRunner
        except ImportError as exc:
            raise RuntimeError("PIPELINE_TASK_RUNNER=dask needs prefect-dask: pip install -e '.[dask]'") from exc
        return DaskTaskRunner(address=arg.lstrip(":") or None) if arg else DaskTaskRunner()
    raise ValueError(f"PIPELINE_TASK_RUNNER={spec!r}: expected threads[:N], processes[:N], dask or dask:ADDRESS")


def _runner_spec() -> tuple[str, str, str]:
    spec = os.environ.get("PIPELINE_TASK_RUNNER", "threads:1").strip()
    kind, _, arg = spec.partition(":")
    return spec, kind, arg


def worker_processes() -> int:
    """Worker processes extraction runs in (`processes:N`); 0: in the task's own process."""
    _, kind, arg = _runner_spec()
    return int(arg or 1) if kind == "processes" else 0


# ---------------------------------------------------------------------------
# tasks
# ---------------------------------------------------------------------------


@task(name="plan-batches", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=2)
def plan_batches_task(inputs: list[str], out_dir: str, staging: str, batch_size: int, force: bool, any_version: bool,
                      run_id: str, version: str, now: datetime, inbox: bool = False,
                      feeds: list[str] | None = None, local_feeds: list[str] | None = None) -> dict:
    """Read every input unit (broken ones become rejects, committed here), skip what is stored, and stage the
    rest in batches of `batch_size` under `staging`. Returns the batches' paths and counts, never rows. For an
    `inbox`, its `done/` and `rejected/` folders are not read, and what each file gave is kept for settling it.
    Feeds that are local files are read only when `local_feeds` is None or lists them."""
    logger = get_run_logger()
    out = Path(out_dir)
    with output_lock(out):
        migrated = prepare_store(out)
    if migrated:
        logger.warning("brought tables written by an earlier version up to date: %s", ", ".join(migrated))
    planner = Planner(read_table(out, ARTICLES, columns=["source_key", "version_hash", "pipeline_version"]),
                      version, force, any_version)
    batcher = MonthBatcher(batch_size)
    batches, rejects, settled, staged = [], [], set(), set()
    read = skipped = 0

    def stage(batch: list) -> None:
        path = Path(staging) / f"batch-{len(batches):06d}.parquet"
        batches.append(str(write_batch(path, batch)))
        staged.update(a.article_id for a in batch)

    ledger = []

    def take(item, entry: InboxFile | None) -> None:
        nonlocal read, skipped
        settled.add(item.source_key if isinstance(item, Reject) else item.unit_key)
        result = build_article_safely(item) if not isinstance(item, Reject) else item
        if isinstance(result, Reject):
            logger.warning("rejected %s%s: %s (%s)", result.path, f":{result.line}" if result.line else "",
                           result.reason, result.detail)
            rejects.append(result)
            if entry is not None:
                entry.rejects.append((result.line, result.reason, result.detail))
            return
        if entry is not None:
            entry.articles.append(result.article_id)
        settled.add(result.source_key)
        read += 1
        if not planner.decide(result):
            skipped += 1
            return
        for batch in batcher.add(result):
            stage(batch)

    for path in discover_inputs(inputs, skip=SETTLED_FOLDERS if inbox else ()):
        entry = InboxFile.seen(path)
        for item in read_inputs([path]):
            take(item, entry)
        if inbox:
            ledger.append(entry)
    if feeds:
        from pipeline.feeds import feed_key, read_feeds

        feed_keys = {feed_key(f) for f in feeds}
        settled.update(feed_keys)  # a feed read again drops its earlier reject unless it fails again
        pages = failed = 0
        for item in read_feeds(feeds, set(planner.sources), local=local_feeds):
            if not isinstance(item, Reject):
                pages += 1
            elif item.source_key not in feed_keys:  # a page's reject, not the feed's own
                failed += 1
            take(item, None)
        logger.info("feeds: %d new page(s) fetched, %d failed, from %d feed(s)", pages, failed, len(feeds))
    for batch in batcher.flush():
        stage(batch)
    write_superseded(Path(staging), planner.superseded)
    if inbox:
        write_ledger(Path(staging), ledger)
    with output_lock(out):
        stored_inputs = set(read_table(out, REJECTS, columns=["source_key"]).column("source_key").to_pylist())
        if rejects or settled & stored_inputs:
            merge_rejects(out, [reject_row(r, run_id, version, now) for r in rejects], settled)
    superseded = len(planner.superseded & staged)
    to_process = read - skipped - superseded
    logger.info("read %d articles (%d unchanged, skipped; %d superseded by a later reading of their source), "
                "%d rejects; %d to process in %d batches", read, skipped, superseded, len(rejects), to_process,
                len(batches))
    return {"batches": batches, "articles_read": read, "skipped": skipped, "to_process": to_process,
            "rejects": [_reject_summary(r) for r in rejects]}


def _reject_summary(reject: Reject) -> dict:
    return {"path": repair_surrogates(reject.path)[0], "line": reject.line, "reason": reject.reason,
            "detail": repair_surrogates(reject.detail)[0]}


@task(name="extract-batch", cache_policy=NO_CACHE)
def extract_batch_task(batch: str, out_dir: str, run_id: str, version: str, now: datetime,
                       stages: list[str] | None = None) -> dict:
    """Run the NLP pipeline over one staged batch and commit its rows (`pipeline.store.commit`): memory is
    bounded by the batch, and a crash loses at most the batches in flight. Returns counts, never rows."""
    logger = get_run_logger()
    out = Path(out_dir)
    chosen = list(stages or STAGES)
    done = extract(batch, run_id, version, now, chosen, worker_processes())
    failed = done.rejects
    with output_lock(out):
        landing, replaced = settle_batch(out, done.extracted)  # decided from the store as it is now, not at planning
        tables = only_articles(done.tables, landing)
        spare = {AMOUNTS.name: tables.pop(AMOUNTS.name)} if "amounts" not in chosen else {}
        if spare and stale_amount_links(out, tables[CLAIM_AMOUNTS.name]):
            logger.warning("claims link amounts that changed since they were stored: amounts replaced too")
            tables.update(spare)
        added = commit_batch(out, tables, replaced | landing)
        if failed:
            merge_rejects(out, [reject_row(r, run_id, version, now) for r in failed])
    superseded = len(done.extracted) - len(landing)
    Path(batch).unlink(missing_ok=True)
    release_memory()
    if superseded:
        logger.warning("%d articles not stored: a newer reading of their source landed meanwhile", superseded)
    logger.info("batch of %d articles: %s added, %d failed", len(landing) + len(failed),
                ", ".join(f"{n} {name}" for name, n in added.items()), len(failed))
    claims = tables.get(CLAIMS.name)
    top = claims.sort_by([("confidence", "descending")]).slice(0, 10).to_pylist() if claims is not None else []
    return {"processed": len(landing), "superseded": superseded, "failed": [_reject_summary(r) for r in failed],
            "added": added, "top_claims": top}


@task(name="settle-inbox", cache_policy=NO_CACHE)
def settle_inbox_task(inbox: str, out_dir: str, staging: str) -> dict:
    """Move each inbox file the run read, now that its rows are committed, to `done/` or `rejected/`."""
    files = read_ledger(Path(staging))
    ids = {a for f in files for a in f.articles}
    stored = set(read_table(Path(out_dir), ARTICLES, columns=["article_id"], where={"article_id": ids})
                 .column("article_id").to_pylist()) if ids else set()
    moved = settle(Path(inbox), files, stored, read_superseded(Path(staging)))
    if moved:
        get_run_logger().info("inbox settled: %d file(s) to %s/done, %d to %s/rejected%s", moved["done"], inbox,
                              moved["rejected"], inbox,
                              f"; {moved['left']} changed since they were read, left for the next run"
                              if moved["left"] else "")
    return dict(moved)


@task(name="write-review", cache_policy=NO_CACHE)
def review_task(out_dir: str) -> dict:
    """Bring the review site (`<out>/review/`) up to the published tables: only changed pages are written."""
    from pipeline.review import write_review

    return write_review(out_dir)


@task(name="maintain-tables", cache_policy=NO_CACHE)
def maintain_task(out_dir: str) -> dict:
    """Bring entities up to the mentions (once per run: its cost grows with the store, not with the batches),
    compact months whose small files piled up, drop files no version needs after the retention period, and
    publish the tables to readers (`pipeline.store.snapshot`): one consistent version of every table."""
    out = Path(out_dir)
    with output_lock(out):
        new_entities = sync_entities(out)
        compacted = {t.name: maintain(out, t) for t in (ARTICLES, *ARTICLE_TABLES, ENTITIES)}
        write_text(out / "DATA_DICTIONARY.md", render_data_dictionary())
        publish(out)
    outcome.mark_published()
    release_memory()
    return {"new_entities": new_entities[:50], "n_new_entities": len(new_entities),
            "compacted": {name: parts for name, parts in compacted.items() if parts}}


# ---------------------------------------------------------------------------
# flows
# ---------------------------------------------------------------------------


def run_batches(batches: list[str], out_dir: str, run_id: str, version: str, now: datetime,
                stages: list[str] | None = None, articles: int = 0) -> dict:
    """Submit one extraction task per staged batch to the flow's task runner; gather their counts, logging
    "batch k of N" with articles/s and ETA as each one lands (and telling `pipeline.progress` listeners)."""
    started = time.perf_counter()
    futures = [extract_batch_task.submit(b, out_dir, run_id, version, now, stages) for b in batches]
    total = {"processed": 0, "superseded": 0, "failed": [], "added": {}, "top_claims": []}
    done_articles = 0
    if futures:
        notify(Step(0, len(futures), 0, articles, 0.0))
    for k, future in enumerate(futures, 1):
        part = future.result()
        done_articles += part["processed"] + part["superseded"] + len(part["failed"])
        step = Step(k, len(futures), done_articles, max(articles, done_articles), time.perf_counter() - started)
        get_run_logger().info(step.describe())
        notify(step)
        total["processed"] += part["processed"]
        total["superseded"] += part["superseded"]
        total["failed"] += part["failed"]
        total["top_claims"] += part["top_claims"]
        for name, n in part["added"].items():
            total["added"][name] = total["added"].get(name, 0) + n
    return total


def ingest_articles(inputs: list[str], out_dir: str, batch_size: int, force: bool, any_version: bool,
                    settle_inbox: bool = False, feeds: list[str] | None = None, local_feeds: list[str] | None = None,
                    flow_title: str = "process_articles") -> dict:
    """Read + plan -> extract and commit batch by batch -> maintain -> report: the body of `process_articles`
    and `ingest`."""
    started = time.perf_counter()
    logger = get_run_logger()
    run_id, version, now = current_run_id(), pipeline_version(), datetime.now(timezone.utc)
    with staging_folder(Path(out_dir), run_id) as staging:
        plan = plan_batches_task(inputs, out_dir, str(staging), batch_size, force, any_version, run_id, version, now,
                                 inbox=settle_inbox, feeds=feeds, local_feeds=local_feeds)
        done = run_batches(plan["batches"], out_dir, run_id, version, now, articles=plan["to_process"])
        moved = settle_inbox_task(inputs[0], out_dir, str(staging)) if settle_inbox else {}
    rejects = plan["rejects"] + done["failed"]
    summary = {
        "run_id": run_id, "out_dir": out_dir, "pipeline_version": version,
        "articles_read": plan["articles_read"], "processed": done["processed"], "skipped": plan["skipped"],
        "superseded": plan["articles_read"] - plan["skipped"] - plan["to_process"] + done["superseded"],
        "rejected": len(rejects), "mentions": done["added"].get(MENTIONS.name, 0),
        "amounts": done["added"].get(AMOUNTS.name, 0), "timexes": done["added"].get(TIMEX.name, 0),
        "claims": done["added"].get(CLAIMS.name, 0), "new_entities": 0, "table_rows": {}, "compacted": {},
        "review": None, "seconds": None,
    }
    if settle_inbox:
        summary["inbox_settled"] = moved
    outcome.expect(summary)
    maintained = maintain_task(out_dir)  # always: a killed run's last batches may still owe their entities
    summary.update(new_entities=maintained["n_new_entities"], table_rows=table_row_counts(Path(out_dir)),
                   compacted=maintained["compacted"])
    outcome.mark_published(**summary)  # again here: on a Dask cluster the task ran in another process
    review = review_task(out_dir)
    summary.update(review=review["index"], seconds=round(time.perf_counter() - started, 2))
    outcome.update(review=summary["review"], seconds=summary["seconds"])
    logger.info("done: %s", summary)
    publish_report(summary, rejects, maintained["new_entities"], done["top_claims"], title=flow_title)
    return summary


def table_row_counts(out_dir: Path) -> dict[str, int]:
    return {t.name: row_count(out_dir, t) for t in (ARTICLES, *ARTICLE_TABLES, ENTITIES, REJECTS)}


@flow(name="process_articles", task_runner=configured_task_runner())
def process_articles(
    inputs: list[str] | None = None,
    out_dir: str = str(PROCESSED_DIR),
    batch_size: int = DEFAULT_BATCH_SIZE,
    force: bool = False,
) -> dict:
    """Process raw articles (.txt files, folders of them, .jsonl files) into the Delta tables in `out_dir`.

    Articles already stored by the same pipeline version are skipped unless `force`; a changed article
    replaces its previous rows. Each batch is committed as it finishes. Returns a summary of the run.
    """
    return ingest_articles(inputs or [str(RAW_DIR)], out_dir, batch_size, force, any_version=False)


@flow(name="ingest", task_runner=configured_task_runner())
def ingest(inbox: str = str(INBOX_DIR), out_dir: str = str(PROCESSED_DIR), batch_size: int = DEFAULT_BATCH_SIZE,
           feeds: list[str] | None = None, sources: str | None = str(SOURCES_FILE)) -> dict:
    """Pick up new and changed articles from the inbox folder (the scheduled deployment).

    Incremental: an article whose version of its source is already stored is skipped, by whatever pipeline
    version it was processed; apply a new version to stored articles with `reprocess`. Each file read leaves the
    inbox once its rows are committed: to `done/`, or to `rejected/` with `<name>.reason.txt` beside it.

    Feeds (RSS/Atom URLs or files: `feeds`, plus the `[[feed]]` entries of the `sources` file) are read too: each
    new item's page is fetched and its text and date extracted (`pipeline.feeds`); URLs already stored are not
    fetched again.

    Args:
        inbox: Folder of .txt / .jsonl articles to pick up (read recursively).
        out_dir: Folder of the Delta tables.
        batch_size: Articles per extraction task.
        feeds: RSS/Atom feed URLs to read besides the sources file (local files only from the command line).
        sources: A TOML file of `[[feed]]` entries with a `url` each (default sources.toml); empty: none.
    """
    if not Path(inbox).is_dir():
        raise FileNotFoundError(f"inbox folder does not exist: {inbox}")
    from prefect.runtime import deployment

    from pipeline.feeds import is_local, load_sources

    listed = load_sources(Path(sources)) if sources else []
    every = list(dict.fromkeys([*listed, *(feeds or [])]))
    # a run of the served deployment takes its `feeds` from whoever fills in the form: a path there could read any
    # file of this machine into the store, so only the sources file may name local feeds
    local = [f for f in listed if is_local(f)] if deployment.get_id() else None
    return ingest_articles([inbox], out_dir, batch_size, force=False, any_version=True, settle_inbox=True,
                           feeds=every, local_feeds=local, flow_title="ingest")


@task(name="select-articles", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=2)
def select_articles_task(out_dir: str, staging: str, article_ids: list[str] | None, published_from: date | None,
                         published_to: date | None, force: bool, version: str, batch_size: int) -> dict:
    """Stage the stored articles selected (all, unless `force`, but those already at the current version)."""
    with output_lock(Path(out_dir)):
        prepare_store(Path(out_dir))
    stored = read_table(Path(out_dir), ARTICLES)
    versions = dict(zip(stored.column("article_id").to_pylist(), stored.column("pipeline_version").to_pylist()))
    selected = select_articles(stored, article_ids, published_from, published_to)
    todo = [a for a in selected if force or versions.get(a.article_id) != version]
    batcher = MonthBatcher(batch_size)
    grouped = [batch for article in todo for batch in batcher.add(article)] + batcher.flush()
    batches = [str(write_batch(Path(staging) / f"batch-{i:06d}.parquet", batch))
               for i, batch in enumerate(grouped)] if batch_size else []
    listing = [f"{a.published_at or 'undated'}  {a.title}  ({a.article_id})" for a in todo] if not batch_size else []
    return {"selected": len(selected), "todo": [a.article_id for a in todo], "batches": batches, "listing": listing}


def batched(items: list, size: int) -> list[list]:
    return [items[i:i + size] for i in range(0, len(items), max(size, 1))]


@flow(name="reprocess", task_runner=configured_task_runner())
def reprocess(
    article_ids: list[str] | None = None,
    published_from: IsoDate | None = None,
    published_to: IsoDate | None = None,
    stages: list[Stage] | None = None,
    force: bool = False,
    dry_run: bool = False,
    out_dir: str = str(PROCESSED_DIR),
    batch_size: int = DEFAULT_BATCH_SIZE,
) -> dict:
    """Re-run extraction over stored articles (their stored cleaned text) and replace their rows.

    Selection: `article_ids` and/or a publication-date range (ISO dates, inclusive); nothing given = every
    stored article. Articles already processed by the current pipeline version are skipped unless `force`.
    `stages` (entities, amounts, timex, claims; default all) limits which tables are replaced; a stage upstream
    of claims brings claims along. `dry_run` only reports what would be reprocessed.

    Args:
        article_ids: Article ids (articles.article_id) to reprocess; empty = select by date, or all.
        published_from: First publication date to include (ISO date, inclusive).
        published_to: Last publication date to include (ISO date, inclusive).
        stages: Stages whose tables are replaced: entities, amounts, timex, claims (default all).
        force: Also reprocess articles already processed by the current pipeline version.
        dry_run: Only report which articles would be reprocessed; write nothing.
        out_dir: Folder of the Delta tables.
        batch_size: Articles per extraction task.
    """
    started = time.perf_counter()
    logger = get_run_logger()
    run_id, version, now = current_run_id(), pipeline_version(), datetime.now(timezone.utc)
    chosen = stage_closure(stages or list(STAGES))
    with staging_folder(Path(out_dir), run_id) as staging:
        picked = select_articles_task(out_dir, str(staging), article_ids, published_from, published_to, force,
                                      version, 0 if dry_run else batch_size)
        todo = picked["todo"]
        logger.info("%d articles selected, %d to reprocess (stages %s), %d already at version %s",
                    picked["selected"], len(todo), ", ".join(chosen), picked["selected"] - len(todo), version)
        summary = {"run_id": run_id, "out_dir": out_dir, "pipeline_version": version, "selected": picked["selected"],
                   "processed": 0, "skipped": picked["selected"] - len(todo), "rejected": 0,
                   "stages": ",".join(chosen), "dry_run": dry_run}
        if dry_run or not todo:
            summary["would_process"] = picked["listing"] if dry_run else []
            summary["seconds"] = round(time.perf_counter() - started, 2)
            publish_report(summary, [], [], [], title="reprocess (dry run)" if dry_run else "reprocess")
            return summary
        done = run_batches(picked["batches"], out_dir, run_id, version, now, chosen, articles=len(todo))
    summary.update(processed=done["processed"], superseded=done["superseded"], rejected=len(done["failed"]),
                   mentions=done["added"].get(MENTIONS.name, 0), amounts=done["added"].get(AMOUNTS.name, 0),
                   timexes=done["added"].get(TIMEX.name, 0), claims=done["added"].get(CLAIMS.name, 0),
                   new_entities=0, table_rows={}, review=None, seconds=None)
    outcome.expect(summary)
    maintained = maintain_task(out_dir)
    summary.update(new_entities=maintained["n_new_entities"], table_rows=table_row_counts(Path(out_dir)))
    outcome.mark_published(**summary)
    review = review_task(out_dir)
    summary.update(review=review["index"], seconds=round(time.perf_counter() - started, 2))
    outcome.update(review=summary["review"], seconds=summary["seconds"])
    logger.info("done: %s", summary)
    publish_report(summary, done["failed"], maintained["new_entities"], done["top_claims"], title="reprocess")
    return summary


def publish_report(summary: dict, rejects: list[dict], new_entities: list[dict], claims: list[dict],
                   title: str = "process_articles") -> None:
    """A markdown artifact (numbers, new entities, top new claims) and a table artifact of the run's rejects."""
    lines = [f"# {title}", "", "| metric | value |", "| --- | --- |"]
    lines += [f"| {key} | {value} |" for key, value in summary.items()
              if key not in {"table_rows", "would_process", "compacted"}]
    lines += [f"| rows in {name} | {count} |" for name, count in summary.get("table_rows", {}).items()]
    if summary.get("would_process"):
        lines += ["", "## Would reprocess", ""] + [f"- {_cell(line)}" for line in summary["would_process"]]
    if new_entities:
        lines += ["", f"## New entities ({len(new_entities)})", "", "| entity | type | mentions |", "| --- | --- | --- |"]
        lines += [f"| {e['canonical']} | {e['type']} | {e['n_mentions']} |" for e in new_entities[:20]]
    if claims:
        top = sorted(claims, key=lambda c: (-(c["confidence"] or 0), c["claim_id"]))[:10]
        lines += ["", "## Top new claims", "", "| subject | relation | value | time | source | modality |",
                  "| --- | --- | --- | --- | --- | --- |"]
        lines += [f"| {_cell(c['subject'])} | {c['relation']} | {_cell(value_text(c))} | "
                  f"{time_text(c['time_start'], c['time_end'])} | {_cell(c['source'])} | {c['modality']} |" for c in top]
    out = summary.get("out_dir")
    if out:
        review = summary.get("review")
        lines += ["", f"Tables: `{Path(out).resolve()}`"
                  + (f" · review: [{Path(review).resolve()}]({Path(review).resolve().as_uri()})" if review else "")]
    key = title.split()[0].replace("_", "-")
    create_markdown_artifact("\n".join(lines), key=f"{key}-summary", description="Run summary")
    if rejects:
        create_table_artifact(rejects[:1000], key=f"{key}-rejects", description="Inputs rejected by this run")


def _cell(value) -> str:
    return "" if value is None else str(value).replace("|", "\\|").replace("\n", " ")


# ---------------------------------------------------------------------------
# evaluation
# ---------------------------------------------------------------------------


def metric_row(metric, dataset: str, split: str, run_id: str, version: str, now: datetime) -> dict:
    row = asdict(metric)
    row.update(run_id=run_id, dataset=dataset, split=split, pipeline_version=version, evaluated_at=now)
    return row


@task(name="load-evaluation-documents", cache_policy=NO_CACHE)
def load_documents_task(split: str, corpus: str | None, corpus_path: str | None) -> tuple[str, str, list]:
    """The documents to evaluate on: the gold split, or a corpus folder (see pipeline.corpora)."""
    from pipeline.corpora import load_eval_documents

    return load_eval_documents(split, corpus, corpus_path)


@task(name="score-batch", cache_policy=NO_CACHE)
def predict_batch_task(docs: list) -> list:
    """Run the pipeline's NLP over one batch of evaluation documents."""
    from pipeline.evaluate import predict

    return predict(docs, load_nlp())


@flow(name="evaluate")
def evaluate(
    split: Literal["dev", "test", "all"] = "dev",
    out_dir: str = str(PROCESSED_DIR),
    corpus: Literal["news-real", "ann", "factru", "brat"] | None = None,
    corpus_path: str | None = None,
    batch_size: int = 32,
) -> list[dict]:
    """Score the pipeline on the gold set (`split`: dev, test or all) or on a corpus folder (`corpus`: factru,
    brat, news-real or ann, with `corpus_path`); writes `eval_metrics.parquet` and a Markdown artifact; returns
    the rows."""
    from pipeline.evaluate import format_report, score_documents
    from pipeline.schema import EVAL_METRICS
    from pipeline.store import replace_partition

    logger = get_run_logger()
    run_id, version, now = current_run_id(), pipeline_version(), datetime.now(timezone.utc)
    dataset, split_name, docs = load_documents_task(split, corpus, corpus_path)
    predictions = []
    for batch in batched(docs, batch_size):
        predictions += predict_batch_task(batch)
    from pipeline.corpora import scored_entity_types

    metrics = score_documents(docs, predictions, token_level=True, entity_types=scored_entity_types(corpus))
    rows = [metric_row(m, dataset, split_name, run_id, version, now) for m in metrics]
    with output_lock(Path(out_dir)):
        prepare_store(Path(out_dir))
        replace_partition(Path(out_dir), EVAL_METRICS, rows, {"dataset": dataset, "split": split_name},
                          run_columns=("run_id", "evaluated_at"))
        write_text(Path(out_dir) / "DATA_DICTIONARY.md", render_data_dictionary())
        publish(Path(out_dir), [EVAL_METRICS])
    report = format_report(metrics, f"{dataset} / {split_name} ({len(docs)} documents, pipeline {version})")
    create_markdown_artifact(report, key="evaluation", description=f"Evaluation on {dataset}/{split_name}")
    logger.info("evaluated %d documents of %s/%s", len(docs), dataset, split_name)
    return rows


# ---------------------------------------------------------------------------
# hand-off
# ---------------------------------------------------------------------------


@flow(name="export")
def export(out_dir: str = str(PROCESSED_DIR), to_dir: str = str(PROCESSED_DIR.parent / "bundle"),
           zip_archive: bool = False) -> dict:
    """Write the analysts' bundle of the published tables: Parquet files, a DuckDB database with the views
    claims_full and entity_mentions_by_month, a Frictionless datapackage.json and a dataset card (README.md).

    Args:
        out_dir: Folder of the Delta tables.
        to_dir: Bundle folder to write (replaced as a whole when it holds an earlier bundle).
        zip_archive: Also write `<to_dir>.zip`.
    """
    from pipeline.handoff import export_bundle

    written = export_bundle(out_dir, to_dir, zip_archive)
    lines = ["# export", "", f"bundle: `{written['bundle']}`" + (f", zip: `{written['zip']}`" if written["zip"] else ""),
             "", "| table | rows |", "| --- | --- |"] + [f"| {n} | {r} |" for n, r in written["rows"].items()]
    create_markdown_artifact("\n".join(lines), key="export-summary", description="Bundle written")
    get_run_logger().info("bundle written to %s", written["bundle"])
    return written
