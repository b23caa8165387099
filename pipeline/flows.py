"""Prefect 3 orchestration: read -> plan -> extract in batches -> merge into Parquet -> report.

Task bodies only call the pure functions in `pipeline.ingest`, `pipeline.extract` and `pipeline.store`; each
works unchanged without its decorator (tests call `task.fn(...)`). One task per *batch* of articles, never
per article or sentence: Prefect's and its UI's cost per task run is far above Natasha's per-article cost.
"""

from __future__ import annotations

import hashlib
import os
import time
import uuid
from collections.abc import Sequence
from dataclasses import asdict
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run
from prefect.task_runners import ThreadPoolTaskRunner

from pipeline.config import DEFAULT_BATCH_SIZE, INBOX_DIR, PROCESSED_DIR, RAW_DIR, pipeline_version
from pipeline.extract import process_articles as extract_articles
from pipeline.ingest import build_article_safely, discover_inputs, read_inputs, repair_surrogates
from pipeline.nlp import load_nlp
from pipeline.records import Article, ArticleResult, Reject
from pipeline.schema import (AMOUNTS, ARTICLES, CLAIM_AMOUNTS, CLAIMS, ENTITIES, MENTIONS, PROCESS_TABLES, REJECTS,
                             STAGE_TABLES, STAGES, TIMEX, Stage, render_data_dictionary)
from pipeline.store import (keep_run_metadata, merge_run, output_lock, plan_ingest, read_table,
                            select_articles, stage_closure, stale_amount_links, table_row_counts, write_text)

# ---------------------------------------------------------------------------
# record -> row (run-level columns are added here, at persistence time)
# ---------------------------------------------------------------------------


def article_row(article: Article, run_id: str, version: str, now: datetime) -> dict:
    row = asdict(article)
    row.update(warnings=list(article.warnings), n_chars=article.n_chars, content_hash=article.content_hash, ingested_at=now,
               pipeline_version=version, run_id=run_id)
    return row


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
    - `dask` — a temporary local Dask cluster; `dask:tcp://host:8786` — an existing cluster. Needs
      `pip install -e '.[dask]'` (prefect-dask); every Dask worker loads the NLP models once.
    """
    spec = os.environ.get("PIPELINE_TASK_RUNNER", "threads:1").strip()
    kind, _, arg = spec.partition(":")
    if kind == "threads":
        return ThreadPoolTaskRunner(max_workers=int(arg or 1))
    if kind == "dask":
        try:
            from prefect_dask import DaskTaskRunner
        except ImportError as exc:
            raise RuntimeError("PIPELINE_TASK_RUNNER=dask needs prefect-dask: pip install -e '.[dask]'") from exc
        return DaskTaskRunner(address=arg.lstrip(":") or None) if arg else DaskTaskRunner()
    raise ValueError(f"PIPELINE_TASK_RUNNER={spec!r}: expected threads[:N], dask or dask:ADDRESS")


# ---------------------------------------------------------------------------
# tasks
# ---------------------------------------------------------------------------


@task(name="read-inputs", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=2)
def read_inputs_task(inputs: list[str]) -> tuple[list[Article], list[Reject], set[tuple[str, int | None]]]:
    """Decode and clean every input unit; broken ones become Rejects (retried when the folder itself fails)."""
    logger = get_run_logger()
    articles, rejects, seen = [], [], set()
    for item in read_inputs(discover_inputs(inputs)):
        seen.add((item.path, item.line))
        result = build_article_safely(item) if not isinstance(item, Reject) else item
        if isinstance(result, Reject):
            logger.warning("rejected %s%s: %s (%s)", result.path, f":{result.line}" if result.line else "",
                           result.reason, result.detail)
            rejects.append(result)
        else:
            articles.append(result)
    logger.info("read %d articles, %d rejects from %d input path(s)", len(articles), len(rejects), len(inputs))
    return articles, rejects, seen


def batch_cache_key(context, parameters: dict) -> str:
    """Extraction is a pure function of the article texts (article_id hashes source + content) and the pipeline
    version (code + models/): the same batch under the same version is never extracted twice."""
    digest = hashlib.sha256("\n".join(a.article_id for a in parameters["articles"]).encode()).hexdigest()[:24]
    return f"extract-batch-{pipeline_version()}-{digest}"


@task(name="extract-batch", cache_key_fn=batch_cache_key, cache_expiration=timedelta(days=30), persist_result=True)
def extract_batch_task(articles: list[Article]) -> tuple[list[ArticleResult], list[Reject]]:
    """Run the NLP pipeline over one batch of articles."""
    results, rejects = extract_articles(articles, load_nlp())
    get_run_logger().info("batch of %d articles: %d mentions, %d amounts, %d time expressions, %d claims, %d failed",
                          len(articles), sum(len(r.mentions) for r in results), sum(len(r.amounts) for r in results),
                          sum(len(r.timexes) for r in results), sum(len(r.claims) for r in results), len(rejects))
    return results, rejects


@task(name="write-tables", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=2)
def write_tables_task(out_dir: str, replaced_ids: set[str], rows: dict[str, list[dict]], rejects: list[dict],
                      settled: set[tuple[str, int | None]], tables: list[str] | None = None) -> dict:
    """Merge the run's rows into the Parquet tables under an exclusive lock (retried on transient I/O errors).
    Returns the tables' row counts and the entities that did not exist before."""
    out = Path(out_dir)
    with output_lock(out):
        before = set(read_table(out, ENTITIES).column("entity_id").to_pylist())
        chosen = [PROCESS_TABLES[name] for name in tables] if tables is not None else None
        article_rows = rows.get(ARTICLES.name)
        if article_rows:  # read inside the lock: a concurrent run may have just written these articles
            rows = {**rows, ARTICLES.name: keep_run_metadata(read_table(out, ARTICLES), article_rows)}
        counts = merge_run(out, replaced_ids, rows, rejects, settled, chosen)
        write_text(out / "DATA_DICTIONARY.md", render_data_dictionary())
        entities = read_table(out, ENTITIES).select(["entity_id", "type", "canonical", "n_mentions"]).to_pylist()
    new_entities = sorted((e for e in entities if e["entity_id"] not in before), key=lambda e: -e["n_mentions"])
    return {"table_rows": counts, "new_entities": new_entities}


# ---------------------------------------------------------------------------
# flows
# ---------------------------------------------------------------------------


def stored_reject_inputs(out_dir: Path) -> set[tuple[str, int | None]]:
    rejects = read_table(out_dir, REJECTS).select(["path", "line"]).to_pylist()
    return {(r["path"], r["line"]) for r in rejects}


def batched(items: list, size: int) -> list[list]:
    return [items[i:i + size] for i in range(0, len(items), max(size, 1))]


def extract_all(articles: list[Article], batch_size: int, refresh: bool) -> tuple[list[ArticleResult], list[Reject]]:
    """Submit one extraction task per batch to the flow's task runner and gather them in order."""
    task_ = extract_batch_task.with_options(refresh_cache=True) if refresh else extract_batch_task
    futures = [task_.submit(batch) for batch in batched(articles, batch_size)]
    results: list[ArticleResult] = []
    rejects: list[Reject] = []
    for future in futures:
        batch_results, batch_rejects = future.result()
        results += batch_results
        rejects += batch_rejects
    return results, rejects


def result_rows(results: list[ArticleResult], run_id: str, version: str, now: datetime,
                stages: Sequence[str] = STAGES) -> dict[str, list[dict]]:
    rows: dict[str, list[dict]] = {}
    if set(stages) == set(STAGES):
        rows[ARTICLES.name] = [article_row(r.article, run_id, version, now) for r in results]
    per_stage = {
        MENTIONS.name: lambda r: r.mentions, AMOUNTS.name: lambda r: r.amounts, TIMEX.name: lambda r: r.timexes,
        CLAIMS.name: lambda r: r.claims, CLAIM_AMOUNTS.name: lambda r: r.claim_amounts,
    }
    for stage in stages:
        for table in STAGE_TABLES[stage]:
            rows[table.name] = [asdict(x) for r in results for x in per_stage[table.name](r)]
    return rows


def ingest_articles(inputs: list[str], out_dir: str, batch_size: int, force: bool, any_version: bool) -> dict:
    """Read -> plan -> extract -> merge -> report: the body shared by `process_articles` and `ingest`."""
    started = time.perf_counter()
    logger = get_run_logger()
    run_id, version, now = current_run_id(), pipeline_version(), datetime.now(timezone.utc)

    articles, rejects, settled = read_inputs_task(inputs)
    plan = plan_ingest(read_table(Path(out_dir), ARTICLES), articles, version, force, any_version=any_version)
    logger.info("%d to process, %d unchanged (skipped), batch size %d", len(plan.process), len(plan.skipped), batch_size)
    results, failed = extract_all(plan.process, batch_size, refresh=force)
    rejects += failed
    replaced = plan.replaced_ids(r.article.article_id for r in results)
    rows = result_rows(results, run_id, version, now)
    if results or rejects or settled & stored_reject_inputs(Path(out_dir)):
        written = write_tables_task(out_dir, replaced, rows, [reject_row(r, run_id, version, now) for r in rejects],
                                    settled)
    else:  # nothing new (the usual scheduled run): leave the files untouched
        written = {"table_rows": table_row_counts(Path(out_dir)), "new_entities": []}
    summary = {
        "run_id": run_id, "out_dir": out_dir, "pipeline_version": version,
        "articles_read": len(articles), "processed": len(results), "skipped": len(plan.skipped),
        "rejected": len(rejects), "mentions": len(rows[MENTIONS.name]), "amounts": len(rows[AMOUNTS.name]),
        "timexes": len(rows[TIMEX.name]), "claims": len(rows[CLAIMS.name]), "new_entities": len(written["new_entities"]),
        "table_rows": written["table_rows"], "seconds": round(time.perf_counter() - started, 2),
    }
    logger.info("done: %s", summary)
    publish_report(summary, rejects, written["new_entities"], rows.get(CLAIMS.name, []))
    return summary


@flow(name="process_articles", task_runner=configured_task_runner())
def process_articles(
    inputs: list[str] | None = None,
    out_dir: str = str(PROCESSED_DIR),
    batch_size: int = DEFAULT_BATCH_SIZE,
    force: bool = False,
) -> dict:
    """Process raw articles (.txt files, folders of them, .jsonl files) into the Parquet tables in `out_dir`.

    Articles already stored by the same pipeline version are skipped unless `force`; a changed article
    replaces its previous rows. Returns a summary of the run.
    """
    return ingest_articles(inputs or [str(RAW_DIR)], out_dir, batch_size, force, any_version=False)


@flow(name="ingest", task_runner=configured_task_runner())
def ingest(inbox: str = str(INBOX_DIR), out_dir: str = str(PROCESSED_DIR), batch_size: int = DEFAULT_BATCH_SIZE) -> dict:
    """Pick up new and changed articles from the inbox folder (the scheduled deployment).

    Incremental: an article whose id (a hash of its source and cleaned text) is already stored is skipped, by
    whatever pipeline version it was processed; apply a new version to stored articles with `reprocess`.

    Args:
        inbox: Folder of .txt / .jsonl articles to pick up (read recursively).
        out_dir: Folder of the Parquet tables.
        batch_size: Articles per extraction task.
    """
    if not Path(inbox).is_dir():
        raise FileNotFoundError(f"inbox folder does not exist: {inbox}")
    return ingest_articles([inbox], out_dir, batch_size, force=False, any_version=True)


@task(name="select-articles", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=2)
def select_articles_task(out_dir: str, article_ids: list[str] | None, published_from: date | None,
                         published_to: date | None) -> tuple[list[Article], dict[str, str]]:
    """The stored articles selected, and the pipeline version each was stored by (one read of the table)."""
    stored = read_table(Path(out_dir), ARTICLES)
    versions = dict(zip(stored.column("article_id").to_pylist(), stored.column("pipeline_version").to_pylist()))
    return select_articles(stored, article_ids, published_from, published_to), versions


@flow(name="reprocess", task_runner=configured_task_runner())
def reprocess(
    article_ids: list[str] | None = None,
    published_from: date | None = None,
    published_to: date | None = None,
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
        out_dir: Folder of the Parquet tables.
        batch_size: Articles per extraction task.
    """
    started = time.perf_counter()
    logger = get_run_logger()
    run_id, version, now = current_run_id(), pipeline_version(), datetime.now(timezone.utc)
    chosen = stage_closure(stages or list(STAGES))
    selected, stored_versions = select_articles_task(out_dir, article_ids, published_from, published_to)
    todo = [a for a in selected if force or stored_versions.get(a.article_id) != version]
    logger.info("%d articles selected, %d to reprocess (stages %s), %d already at version %s",
                len(selected), len(todo), ", ".join(chosen), len(selected) - len(todo), version)
    summary = {"run_id": run_id, "out_dir": out_dir, "pipeline_version": version, "selected": len(selected),
               "processed": 0, "skipped": len(selected) - len(todo), "rejected": 0, "stages": ",".join(chosen),
               "dry_run": dry_run}
    if dry_run or not todo:
        summary["would_process"] = [a.article_id for a in todo] if dry_run else []
        summary["seconds"] = round(time.perf_counter() - started, 2)
        publish_report(summary, [], [], [], title="reprocess (dry run)" if dry_run else "reprocess")
        return summary
    results, failed = extract_all(todo, batch_size, refresh=force)
    rows = result_rows(results, run_id, version, now, chosen)
    tables = [name for stage in chosen for name in (t.name for t in STAGE_TABLES[stage])]
    stale = stale_amount_links(read_table(Path(out_dir), AMOUNTS), results) if "amounts" not in chosen else set()
    if stale:
        logger.warning("claims of %d articles link amounts that changed since they were stored: amounts "
                       "replaced too", len(stale))
        rows[AMOUNTS.name] = [asdict(a) for r in results for a in r.amounts]
        tables.append(AMOUNTS.name)
    if ARTICLES.name in rows:
        tables.append(ARTICLES.name)
    landed = {r.article.article_id for r in results}
    written = write_tables_task(out_dir, landed, rows, [reject_row(r, run_id, version, now) for r in failed],
                                set(), tables)
    summary.update(processed=len(results), rejected=len(failed), mentions=len(rows.get(MENTIONS.name, [])),
                   amounts=len(rows.get(AMOUNTS.name, [])), timexes=len(rows.get(TIMEX.name, [])),
                   claims=len(rows.get(CLAIMS.name, [])), new_entities=len(written["new_entities"]),
                   table_rows=written["table_rows"], seconds=round(time.perf_counter() - started, 2))
    logger.info("done: %s", summary)
    publish_report(summary, failed, written["new_entities"], rows.get(CLAIMS.name, []), title="reprocess")
    return summary


def publish_report(summary: dict, rejects: list[Reject], new_entities: list[dict], claims: list[dict],
                   title: str = "process_articles") -> None:
    """A markdown artifact (numbers, new entities, top new claims) and a table artifact of the run's rejects."""
    lines = [f"# {title}", "", "| metric | value |", "| --- | --- |"]
    lines += [f"| {key} | {value} |" for key, value in summary.items() if key not in {"table_rows", "would_process"}]
    lines += [f"| rows in {name} | {count} |" for name, count in summary.get("table_rows", {}).items()]
    if summary.get("would_process"):
        lines += ["", "## Would reprocess", "", ", ".join(summary["would_process"])]
    if new_entities:
        lines += ["", f"## New entities ({len(new_entities)})", "", "| entity | type | mentions |", "| --- | --- | --- |"]
        lines += [f"| {e['canonical']} | {e['type']} | {e['n_mentions']} |" for e in new_entities[:20]]
    if claims:
        top = sorted(claims, key=lambda c: (-(c["confidence"] or 0), c["claim_id"]))[:10]
        lines += ["", "## Top new claims", "", "| subject | relation | value | unit | time | source | modality |",
                  "| --- | --- | --- | --- | --- | --- | --- |"]
        lines += [f"| {c['subject'] or ''} | {c['relation']} | {c['value'] if c['value'] is not None else ''} | "
                  f"{c['currency'] or c['unit'] or ''} | {c['time_start'] or ''} | {c['source'] or ''} | {c['modality']} |"
                  for c in top]
    key = title.split()[0].replace("_", "-")
    create_markdown_artifact("\n".join(lines), key=f"{key}-summary", description="Run summary")
    if rejects:
        create_table_artifact([{"path": r.path, "line": r.line, "reason": r.reason, "detail": r.detail} for r in rejects],
                              key=f"{key}-rejects", description="Inputs rejected by this run")


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
    split: str = "dev",
    out_dir: str = str(PROCESSED_DIR),
    corpus: str | None = None,
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
        replace_partition(Path(out_dir), EVAL_METRICS, rows, {"dataset": dataset, "split": split_name},
                          run_columns=("run_id", "evaluated_at"))
        write_text(Path(out_dir) / "DATA_DICTIONARY.md", render_data_dictionary())
    report = format_report(metrics, f"{dataset} / {split_name} ({len(docs)} documents, pipeline {version})")
    create_markdown_artifact(report, key="evaluation", description=f"Evaluation on {dataset}/{split_name}")
    logger.info("evaluated %d documents of %s/%s", len(docs), dataset, split_name)
    return rows
