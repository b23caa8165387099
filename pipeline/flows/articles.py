"""The flows that extract and store articles: `process_articles` (`pipeline run`), `ingest` (the schedule) and
`reprocess`. Each task body is one call of a step in `pipeline.run` (plain code, no Prefect); the flows add the task
runner for the batches, progress, logs and artifacts."""

from __future__ import annotations

import time
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Annotated

from pydantic import Field

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from pipeline import outcome
from pipeline.artifacts import publish_report
from pipeline.config import DEFAULT_BATCH_SIZE, INBOX_DIR, PROCESSED_DIR, RAW_DIR, SOURCES_FILE, pipeline_version
from pipeline.flows.runtime import configured_task_runner, current_run_id, worker_processes
from pipeline.progress import Step, notify
from pipeline.run import (BatchOutcome, Maintained, Plan, ReprocessSummary, RunSummary, Selection, added_counts,
                          land_batch, maintain_store, plan_run, select_run, settle_inbox)
from pipeline.schema import STAGES, Stage
from pipeline.staging import staging_folder
from pipeline.store import stage_closure

# A date parameter whose form refuses an impossible date at submission: the server checks the JSON schema's
# `pattern` (it does not check `format: date`), so `2025-13-01` never starts a run.
IsoDate = Annotated[date, Field(json_schema_extra={
    "pattern": r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$"})]

# ---------------------------------------------------------------------------
# tasks
# ---------------------------------------------------------------------------


@task(name="plan-batches", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=2)
def plan_batches_task(inputs: list[str], out_dir: str, staging: str, batch_size: int, force: bool, any_version: bool,
                      run_id: str, version: str, now: datetime, from_inbox: bool = False,
                      feeds: list[str] | None = None, local_feeds: list[str] | None = None) -> Plan:
    """Read, reject, skip what is stored and stage the rest in batches (`pipeline.run.plan_run`)."""
    return plan_run(inputs, out_dir, staging, batch_size, force, any_version, run_id, version, now,
                    from_inbox=from_inbox, feeds=feeds, local_feeds=local_feeds, log=get_run_logger())


@task(name="extract-batch", cache_policy=NO_CACHE)
def extract_batch_task(batch: str, out_dir: str, run_id: str, version: str, now: datetime,
                       stages: list[str] | None = None) -> BatchOutcome:
    """Extract one staged batch and commit its rows (`pipeline.run.land_batch`); counts come back, never rows."""
    return land_batch(batch, out_dir, run_id, version, now, stages, worker_processes(), log=get_run_logger())


@task(name="settle-inbox", cache_policy=NO_CACHE)
def settle_inbox_task(inbox: str, out_dir: str, staging: str) -> dict:
    """Move each inbox file the run read, now that its rows are committed, to `done/` or `rejected/`."""
    return settle_inbox(inbox, out_dir, staging, log=get_run_logger())


@task(name="write-review", cache_policy=NO_CACHE)
def review_task(out_dir: str) -> dict:
    """Bring the review site (`<out>/review/`) up to the published tables: only changed pages are written."""
    from pipeline.review import write_review

    return write_review(out_dir)


@task(name="maintain-tables", cache_policy=NO_CACHE)
def maintain_task(out_dir: str) -> Maintained:
    """Entities, compaction and publication, once per run (`pipeline.run.maintain_store`)."""
    return maintain_store(out_dir)


# ---------------------------------------------------------------------------
# flows
# ---------------------------------------------------------------------------


def run_batches(batches: list[str], out_dir: str, run_id: str, version: str, now: datetime,
                stages: list[str] | None = None, articles: int = 0) -> BatchOutcome:
    """Submit one extraction task per staged batch to the flow's task runner and sum their outcomes, logging
    "batch k of N" with articles/s and ETA as each one lands (and telling `pipeline.progress` listeners)."""
    started = time.perf_counter()
    futures = [extract_batch_task.submit(b, out_dir, run_id, version, now, stages) for b in batches]
    total = BatchOutcome()
    if futures:
        notify(Step(0, len(futures), 0, articles, 0.0))
    for k, future in enumerate(futures, 1):
        total += future.result()
        step = Step(k, len(futures), total.articles, max(articles, total.articles), time.perf_counter() - started)
        get_run_logger().info(step.describe())
        notify(step)
    return total


def finish_run(summary: RunSummary, started: float, rejects: list[dict], top_claims: list[dict],
               title: str) -> dict:
    """Maintain and publish the store, bring the review site up, report: the end of every extracting flow."""
    outcome.expect(summary.to_dict())
    kept = maintain_task(summary.out_dir)  # always: a killed run's last batches may still owe their entities
    summary.maintained(kept, Path(summary.out_dir))
    outcome.mark_published(**summary.to_dict())  # again here: on a Dask cluster the task ran in another process
    summary.review = review_task(summary.out_dir)["index"]
    summary.seconds = round(time.perf_counter() - started, 2)
    outcome.update(review=summary.review, seconds=summary.seconds)
    result = summary.to_dict()
    get_run_logger().info("done: %s", result)
    publish_report(result, rejects, kept.new_entities, top_claims, title=title)
    return result


def ingest_articles(inputs: list[str], out_dir: str, batch_size: int, force: bool, any_version: bool,
                    from_inbox: bool = False, feeds: list[str] | None = None, local_feeds: list[str] | None = None,
                    flow_title: str = "process_articles") -> dict:
    """Plan -> extract and commit batch by batch -> maintain -> report: the body of `process_articles` and
    `ingest`."""
    started = time.perf_counter()
    run_id, version, now = current_run_id(), pipeline_version(), datetime.now(timezone.utc)
    with staging_folder(Path(out_dir), run_id) as staging:
        plan = plan_batches_task(inputs, out_dir, str(staging), batch_size, force, any_version, run_id, version, now,
                                 from_inbox=from_inbox, feeds=feeds, local_feeds=local_feeds)
        done = run_batches(plan.batches, out_dir, run_id, version, now, articles=plan.to_process)
        moved = settle_inbox_task(inputs[0], out_dir, str(staging)) if from_inbox else None
    summary = RunSummary.of(plan, done, run_id, out_dir, version)
    summary.inbox_settled = moved
    return finish_run(summary, started, plan.rejects + done.failed, done.top_claims, flow_title)


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
    return ingest_articles([inbox], out_dir, batch_size, force=False, any_version=True, from_inbox=True,
                           feeds=every, local_feeds=local, flow_title="ingest")


@task(name="select-articles", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=2)
def select_articles_task(out_dir: str, staging: str, article_ids: list[str] | None, published_from: date | None,
                         published_to: date | None, force: bool, version: str, batch_size: int) -> Selection:
    """Stage the stored articles selected (`pipeline.run.select_run`)."""
    return select_run(out_dir, staging, article_ids, published_from, published_to, force, version, batch_size)


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
    run_id, version, now = current_run_id(), pipeline_version(), datetime.now(timezone.utc)
    chosen = stage_closure(stages or list(STAGES))
    with staging_folder(Path(out_dir), run_id) as staging:
        picked = select_articles_task(out_dir, str(staging), article_ids, published_from, published_to, force,
                                      version, 0 if dry_run else batch_size)
        get_run_logger().info("%d articles selected, %d to reprocess (stages %s), %d already at version %s",
                              picked.selected, len(picked.todo), ", ".join(chosen), picked.selected - len(picked.todo),
                              version)
        summary = ReprocessSummary(run_id=run_id, out_dir=out_dir, pipeline_version=version, selected=picked.selected,
                                   skipped=picked.selected - len(picked.todo), stages=",".join(chosen),
                                   dry_run=dry_run)
        if dry_run or not picked.todo:
            summary.would_process = picked.listing if dry_run else []
            summary.seconds = round(time.perf_counter() - started, 2)
            result = summary.to_dict()
            publish_report(result, [], [], [], title="reprocess (dry run)" if dry_run else "reprocess")
            return result
        done = run_batches(picked.batches, out_dir, run_id, version, now, chosen, articles=len(picked.todo))
    summary.processed, summary.superseded, summary.rejected = done.processed, done.superseded, len(done.failed)
    for name, n in added_counts(done).items():
        setattr(summary, name, n)
    return finish_run(summary, started, done.failed, done.top_claims, "reprocess")
