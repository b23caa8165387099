"""The run as plain code: plan the inputs into staged batches, land each batch, maintain and publish the store.

    plan = plan_run(inputs, out, staging, ...)          # read, reject, skip what is stored, stage batches
    done = sum((land_batch(b, out, ...) for b in plan.batches), BatchOutcome())
    kept = maintain_store(out)                           # entities, compaction, publication
    summary = RunSummary.of(plan, done, ...)             # what the command prints and the flow returns

or all of it at once, without Prefect: `run_once(inputs, out)` (the benchmark and tests call it). The Prefect
flows in `pipeline.flows` wrap the same steps in tasks (a task runner for the batches, logs and artifacts in the UI).
No Prefect import here: the steps log to the logger they are given (a task passes Prefect's run logger).

Staging folder (one per run, `pipeline.staging.staging_folder`): the planned batches (`batch-NNNNNN.parquet`), the
sources read more than once (`superseded`) and, for an inbox, what each file gave (the ledger that
`settle_inbox` reads once the batches are committed). `Plan.staging` names the folder they are in.
"""

from __future__ import annotations

import logging
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from pipeline import outcome
from pipeline.ingest import build_article_safely, discover_inputs, read_inputs, repair_surrogates
from pipeline.memory import release_memory
from pipeline.records import Reject
from pipeline.schema import (AMOUNTS, ARTICLE_TABLES, ARTICLES, CLAIM_AMOUNTS, CLAIMS, ENTITIES, MENTIONS, REJECTS,
                             STAGES, TIMEX, render_data_dictionary)
from pipeline.inbox import SETTLED_FOLDERS, InboxFile, read_ledger, settle, write_ledger
from pipeline.staging import read_superseded, write_batch, write_superseded
from pipeline.store import (MonthBatcher, Planner, commit_batch, create_missing, maintain, merge_rejects, only_articles,
                            output_lock, publish, read_table, row_count, stale_amount_links, sync_entities, write_text)
from pipeline.store import decide_landing
from pipeline.store.legacy import prepare_store

LOG = logging.getLogger("pipeline.run")


@dataclass
class Plan:
    """What planning staged: batch files (paths, never rows) and the counts of what it read."""

    staging: str
    batches: list[str] = field(default_factory=list)
    articles_read: int = 0
    skipped: int = 0  # stored already (unchanged)
    to_process: int = 0
    rejects: list[dict] = field(default_factory=list)  # `reject_summary` of each input rejected while reading


@dataclass
class BatchOutcome:
    """What landing one batch (or, summed, many) did: counts, never rows (but the top claims for the report)."""

    processed: int = 0
    superseded: int = 0  # extracted, but a newer reading of their source landed meanwhile
    failed: list[dict] = field(default_factory=list)  # `reject_summary` of articles extraction failed on
    added: dict[str, int] = field(default_factory=dict)  # rows added per table
    top_claims: list[dict] = field(default_factory=list)

    @property
    def articles(self) -> int:
        return self.processed + self.superseded + len(self.failed)

    def __add__(self, other: BatchOutcome) -> BatchOutcome:
        added = dict(self.added)
        for name, n in other.added.items():
            added[name] = added.get(name, 0) + n
        return BatchOutcome(self.processed + other.processed, self.superseded + other.superseded,
                            self.failed + other.failed, added, self.top_claims + other.top_claims)


@dataclass
class Maintained:
    """What maintaining the store did: entities new to it (the first 50, and how many) and months compacted."""

    new_entities: list[dict]
    n_new_entities: int
    compacted: dict[str, int]


@dataclass
class RunSummary:
    """One run, as the command prints it, the flow returns it and the run's artifact shows it (`to_dict`)."""

    run_id: str
    out_dir: str
    pipeline_version: str
    articles_read: int = 0
    processed: int = 0
    skipped: int = 0
    superseded: int = 0
    rejected: int = 0
    mentions: int = 0
    amounts: int = 0
    timexes: int = 0
    claims: int = 0
    new_entities: int = 0
    table_rows: dict[str, int] = field(default_factory=dict)
    compacted: dict[str, int] = field(default_factory=dict)
    review: str | None = None
    seconds: float | None = None
    inbox_settled: dict | None = None  # an inbox run: files moved to done/ and rejected/

    @classmethod
    def of(cls, plan: Plan, done: BatchOutcome, run_id: str, out_dir: str, version: str) -> RunSummary:
        return cls(run_id=run_id, out_dir=out_dir, pipeline_version=version, articles_read=plan.articles_read,
                   processed=done.processed, skipped=plan.skipped,
                   superseded=plan.articles_read - plan.skipped - plan.to_process + done.superseded,
                   rejected=len(plan.rejects) + len(done.failed), **added_counts(done))

    def maintained(self, kept: Maintained, out_dir: Path) -> None:
        self.new_entities, self.compacted = kept.n_new_entities, kept.compacted
        self.table_rows = table_row_counts(out_dir)

    def to_dict(self) -> dict:
        """The summary's fields in order, without the optional ones this run has no value for."""
        row = asdict(self)
        return {key: value for key, value in row.items() if not (key in self.OPTIONAL and value is None)}

    OPTIONAL = ("inbox_settled",)


@dataclass
class ReprocessSummary(RunSummary):
    """A `reprocess` run: what was selected among the stored articles, by which stages, and, for a dry run, what
    would be reprocessed."""

    selected: int = 0
    stages: str = ""
    dry_run: bool = False
    would_process: list[str] | None = None

    OPTIONAL = ("inbox_settled", "would_process", "articles_read")

    def __post_init__(self) -> None:
        self.articles_read = None  # type: ignore[assignment]  # reprocessing reads the store, not inputs


def added_counts(done: BatchOutcome) -> dict[str, int]:
    """The summary's row counts of what the batches added."""
    return {"mentions": done.added.get(MENTIONS.name, 0), "amounts": done.added.get(AMOUNTS.name, 0),
            "timexes": done.added.get(TIMEX.name, 0), "claims": done.added.get(CLAIMS.name, 0)}


def reject_row(reject: Reject, run_id: str, version: str, now: datetime) -> dict:
    """A reject record as a row of the `rejects` table (run-level columns added at persistence time)."""
    row = {key: repair_surrogates(value)[0] if isinstance(value, str) else value
           for key, value in asdict(reject).items()}
    return {**row, "reject_id": reject.reject_id, "rejected_at": now, "pipeline_version": version, "run_id": run_id}


def reject_summary(reject: Reject) -> dict:
    """A reject as the run's report lists it."""
    return {"path": repair_surrogates(reject.path)[0], "line": reject.line, "reason": reject.reason,
            "detail": repair_surrogates(reject.detail)[0]}


@dataclass
class Selection:
    """The stored articles a `reprocess` chose: how many matched, the ids to redo, their staged batches, and for a
    dry run (no batches) one line per article instead."""

    selected: int
    todo: list[str]
    batches: list[str]
    listing: list[str]


def select_run(out_dir: str, staging: str, article_ids: list[str] | None, published_from, published_to,
               force: bool, version: str, batch_size: int) -> Selection:
    """Stage the stored articles selected (all, unless `force`, but those already at the current version);
    `batch_size` 0: list them, stage nothing."""
    from pipeline.store import select_articles

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
    return Selection(len(selected), [a.article_id for a in todo], batches, listing)


def table_row_counts(out_dir: Path) -> dict[str, int]:
    return {t.name: row_count(out_dir, t) for t in (ARTICLES, *ARTICLE_TABLES, ENTITIES, REJECTS)}


class _Reading:
    """Planning's running state: each input unit read is rejected, skipped (stored already) or batched."""

    def __init__(self, planner: Planner, batch_size: int, staging: Path, log):
        self.planner, self.batcher, self.staging, self.log = planner, MonthBatcher(batch_size), staging, log
        self.plan = Plan(str(staging))
        self.rejects: list[Reject] = []
        self.settled: set[str] = set()  # inputs whose earlier reject this run's reading replaces
        self.staged: set[str] = set()

    def take(self, item, entry: InboxFile | None) -> None:
        self.settled.add(item.source_key if isinstance(item, Reject) else item.unit_key)
        result = build_article_safely(item) if not isinstance(item, Reject) else item
        if isinstance(result, Reject):
            self.log.warning("rejected %s%s: %s (%s)", result.path, f":{result.line}" if result.line else "",
                             result.reason, result.detail)
            self.rejects.append(result)
            if entry is not None:
                entry.rejects.append((result.line, result.reason, result.detail))
            return
        if entry is not None:
            entry.articles.append(result.article_id)
        self.settled.add(result.source_key)
        self.plan.articles_read += 1
        if not self.planner.decide(result):
            self.plan.skipped += 1
            return
        for batch in self.batcher.add(result):
            self.stage(batch)

    def stage(self, batch: list) -> None:
        path = self.staging / f"batch-{len(self.plan.batches):06d}.parquet"
        self.plan.batches.append(str(write_batch(path, batch)))
        self.staged.update(a.article_id for a in batch)

    def finish(self) -> Plan:
        for batch in self.batcher.flush():
            self.stage(batch)
        superseded = len(self.planner.superseded & self.staged)
        self.plan.to_process = self.plan.articles_read - self.plan.skipped - superseded
        self.plan.rejects = [reject_summary(r) for r in self.rejects]
        return self.plan


def plan_run(inputs: list[str], out_dir: str, staging: str, batch_size: int, force: bool, any_version: bool,
             run_id: str, version: str, now: datetime, from_inbox: bool = False, feeds: list[str] | None = None,
             local_feeds: list[str] | None = None, log=LOG) -> Plan:
    """Read every input unit (broken ones become rejects, committed here), skip what is stored, and stage the
    rest in batches of `batch_size` under `staging`. Reading an inbox (`from_inbox`), its `done/` and `rejected/`
    folders are not read, and what each file gave is kept for settling it. Feeds that are local files are read only when
    `local_feeds` is None or lists them. `any_version`: an article stored by any pipeline version is skipped."""
    out = Path(out_dir)
    with output_lock(out):
        migrated = prepare_store(out)
    if migrated:
        log.warning("brought tables written by an earlier version up to date: %s", ", ".join(migrated))
    planner = Planner(read_table(out, ARTICLES, columns=["source_key", "version_hash", "pipeline_version"]),
                      version, force, any_version)
    reading, ledger = _Reading(planner, batch_size, Path(staging), log), []
    for path in discover_inputs(inputs, skip=SETTLED_FOLDERS if from_inbox else ()):
        entry = InboxFile.seen(path)
        for item in read_inputs([path]):
            reading.take(item, entry)
        if from_inbox:
            ledger.append(entry)
    if feeds:
        _read_feeds(reading, feeds, local_feeds, log)
    plan = reading.finish()
    write_superseded(Path(staging), planner.superseded)
    if from_inbox:
        write_ledger(Path(staging), ledger)
    with output_lock(out):
        stored_inputs = set(read_table(out, REJECTS, columns=["source_key"]).column("source_key").to_pylist())
        if reading.rejects or reading.settled & stored_inputs:
            merge_rejects(out, [reject_row(r, run_id, version, now) for r in reading.rejects], reading.settled)
    log.info("read %d articles (%d unchanged, skipped; %d superseded by a later reading of their source), "
             "%d rejects; %d to process in %d batches", plan.articles_read, plan.skipped,
             plan.articles_read - plan.skipped - plan.to_process, len(plan.rejects), plan.to_process,
             len(plan.batches))
    return plan


def _read_feeds(reading: _Reading, feeds: list[str], local_feeds: list[str] | None, log) -> None:
    from pipeline.feeds import feed_key, read_feeds

    feed_keys = {feed_key(f) for f in feeds}
    reading.settled.update(feed_keys)  # a feed read again drops its earlier reject unless it fails again
    pages = failed = 0
    for item in read_feeds(feeds, set(reading.planner.sources), local=local_feeds):
        if not isinstance(item, Reject):
            pages += 1
        elif item.source_key not in feed_keys:  # a page's reject, not the feed's own
            failed += 1
        reading.take(item, None)
    log.info("feeds: %d new page(s) fetched, %d failed, from %d feed(s)", pages, failed, len(feeds))


def land_batch(batch: str, out_dir: str, run_id: str, version: str, now: datetime, stages: list[str] | None = None,
               workers: int = 0, log=LOG) -> BatchOutcome:
    """Run the NLP pipeline over one staged batch (in one of `workers` processes, or here) and commit its rows
    (`pipeline.store.commit`): memory is bounded by the batch, and a crash loses at most the batches in flight."""
    from pipeline.workers import extract

    out = Path(out_dir)
    chosen = list(stages or STAGES)
    done = extract(batch, run_id, version, now, chosen, workers)
    failed = done.rejects
    with output_lock(out):
        landing, replaced = decide_landing(out, done.extracted)  # decided from the store as it is now, not at planning
        tables = only_articles(done.tables, landing)
        spare = {AMOUNTS.name: tables.pop(AMOUNTS.name)} if "amounts" not in chosen else {}
        if spare and stale_amount_links(out, tables[CLAIM_AMOUNTS.name]):
            log.warning("claims link amounts that changed since they were stored: amounts replaced too")
            tables.update(spare)
        added = commit_batch(out, tables, replaced | landing)
        if failed:
            merge_rejects(out, [reject_row(r, run_id, version, now) for r in failed])
    superseded = len(done.extracted) - len(landing)
    Path(batch).unlink(missing_ok=True)
    release_memory()
    if superseded:
        log.warning("%d articles not stored: a newer reading of their source landed meanwhile", superseded)
    log.info("batch of %d articles: %s added, %d failed", len(landing) + len(failed),
             ", ".join(f"{n} {name}" for name, n in added.items()), len(failed))
    claims = tables.get(CLAIMS.name)
    top = claims.sort_by([("confidence", "descending")]).slice(0, 10).to_pylist() if claims is not None else []
    return BatchOutcome(len(landing), superseded, [reject_summary(r) for r in failed], added, top)


def settle_inbox(inbox: str, out_dir: str, staging: str, log=LOG) -> dict:
    """Move each inbox file the run read, now that its rows are committed, to `done/` or `rejected/`."""
    files = read_ledger(Path(staging))
    ids = {a for f in files for a in f.articles}
    stored = set(read_table(Path(out_dir), ARTICLES, columns=["article_id"], where={"article_id": ids})
                 .column("article_id").to_pylist()) if ids else set()
    moved = settle(Path(inbox), files, stored, read_superseded(Path(staging)))
    if moved:
        log.info("inbox settled: %d file(s) to %s/done, %d to %s/rejected%s", moved["done"], inbox,
                 moved["rejected"], inbox,
                 f"; {moved['left']} changed since they were read, left for the next run" if moved["left"] else "")
    return dict(moved)


def maintain_store(out_dir: str) -> Maintained:
    """Bring entities up to the mentions (once per run: its cost grows with the store, not with the batches),
    compact months whose small files piled up, drop files no version needs after the retention period, and
    publish the tables to readers (`pipeline.store.snapshot`): one consistent version of every table."""
    out = Path(out_dir)
    with output_lock(out):
        new_entities = sync_entities(out)
        create_missing(out, (ARTICLES, *ARTICLE_TABLES, ENTITIES, REJECTS))  # every table opens, empty or not
        compacted = {t.name: maintain(out, t) for t in (ARTICLES, *ARTICLE_TABLES, ENTITIES)}
        write_text(out / "DATA_DICTIONARY.md", render_data_dictionary())
        publish(out)
    outcome.mark_published()
    release_memory()
    return Maintained(new_entities[:50], len(new_entities),
                      {name: parts for name, parts in compacted.items() if parts})


def run_once(inputs: list[str], out_dir: str, batch_size: int, force: bool = False, any_version: bool = False,
             run_id: str = "direct", review: bool = True, log=LOG) -> RunSummary:
    """The whole of `pipeline run` in this process, batch after batch, without Prefect."""
    from pipeline.config import pipeline_version
    from pipeline.staging import staging_folder

    started = time.perf_counter()
    version, now = pipeline_version(), datetime.now(timezone.utc)
    with staging_folder(Path(out_dir), run_id) as staging:
        plan = plan_run(inputs, out_dir, str(staging), batch_size, force, any_version, run_id, version, now, log=log)
        done = sum((land_batch(b, out_dir, run_id, version, now, log=log) for b in plan.batches), BatchOutcome())
    summary = RunSummary.of(plan, done, run_id, out_dir, version)
    summary.maintained(maintain_store(out_dir), Path(out_dir))
    if review:
        from pipeline.review import write_review

        summary.review = write_review(out_dir)["index"]
    summary.seconds = round(time.perf_counter() - started, 2)
    return summary
