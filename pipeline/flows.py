"""Prefect 3 orchestration: read -> plan -> extract in batches -> merge into Parquet -> report.

Task bodies only call the pure functions in `pipeline.ingest`, `pipeline.extract` and `pipeline.store`; each
works unchanged without its decorator (tests call `task.fn(...)`). One task per *batch* of articles, never
per article or sentence: Prefect's and its UI's cost per task run is far above Natasha's per-article cost.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import asdict
from datetime import datetime, timezone
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run

from pipeline.config import DEFAULT_BATCH_SIZE, PROCESSED_DIR, RAW_DIR, pipeline_version
from pipeline.extract import process_articles as extract_articles
from pipeline.ingest import build_article, discover_inputs, read_inputs
from pipeline.nlp import load_nlp
from pipeline.records import Article, ArticleResult, Reject
from pipeline.schema import AMOUNTS, ARTICLES, CLAIM_AMOUNTS, CLAIMS, MENTIONS, TIMEX, render_data_dictionary
from pipeline.store import merge_run, output_lock, plan_ingest, read_table, write_text

# ---------------------------------------------------------------------------
# record -> row (run-level columns are added here, at persistence time)
# ---------------------------------------------------------------------------


def article_row(article: Article, run_id: str, version: str, now: datetime) -> dict:
    row = asdict(article)
    row.update(warnings=list(article.warnings), n_chars=article.n_chars, ingested_at=now,
               pipeline_version=version, run_id=run_id)
    return row


def reject_row(reject: Reject, run_id: str, version: str, now: datetime) -> dict:
    return {**asdict(reject), "reject_id": reject.reject_id, "rejected_at": now,
            "pipeline_version": version, "run_id": run_id}


def current_run_id() -> str:
    return str(flow_run.get_id() or uuid.uuid4())


# ---------------------------------------------------------------------------
# tasks
# ---------------------------------------------------------------------------


@task(name="read-inputs", cache_policy=NO_CACHE)
def read_inputs_task(inputs: list[str]) -> tuple[list[Article], list[Reject], set[tuple[str, int | None]]]:
    """Decode and clean every input unit; broken ones become Rejects."""
    logger = get_run_logger()
    articles, rejects, seen = [], [], set()
    for item in read_inputs(discover_inputs(inputs)):
        seen.add((item.path, item.line))
        result = build_article(item) if not isinstance(item, Reject) else item
        if isinstance(result, Reject):
            logger.warning("rejected %s%s: %s (%s)", result.path, f":{result.line}" if result.line else "",
                           result.reason, result.detail)
            rejects.append(result)
        else:
            articles.append(result)
    logger.info("read %d articles, %d rejects from %d input path(s)", len(articles), len(rejects), len(inputs))
    return articles, rejects, seen


@task(name="extract-batch", cache_policy=NO_CACHE)
def extract_batch_task(articles: list[Article]) -> tuple[list[ArticleResult], list[Reject]]:
    """Run the NLP pipeline over one batch of articles."""
    results, rejects = extract_articles(articles, load_nlp())
    get_run_logger().info("batch of %d articles: %d mentions, %d amounts, %d time expressions, %d failed",
                          len(articles), sum(len(r.mentions) for r in results), sum(len(r.amounts) for r in results),
                          sum(len(r.timexes) for r in results), len(rejects))
    return results, rejects


@task(name="write-tables", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=2)
def write_tables_task(out_dir: str, replaced_ids: set[str], rows: dict[str, list[dict]], rejects: list[dict],
                      settled: set[tuple[str, int | None]]) -> dict[str, int]:
    """Merge the run's rows into the Parquet tables under an exclusive lock (retried on transient I/O errors)."""
    with output_lock(Path(out_dir)):
        counts = merge_run(Path(out_dir), replaced_ids, rows, rejects, settled)
        write_text(Path(out_dir) / "DATA_DICTIONARY.md", render_data_dictionary())
    return counts


# ---------------------------------------------------------------------------
# flow
# ---------------------------------------------------------------------------


def batched(items: list, size: int) -> list[list]:
    return [items[i:i + size] for i in range(0, len(items), max(size, 1))]


@flow(name="process_articles")
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
    started = time.perf_counter()
    logger = get_run_logger()
    run_id, version, now = current_run_id(), pipeline_version(), datetime.now(timezone.utc)
    inputs = inputs or [str(RAW_DIR)]

    articles, rejects, settled = read_inputs_task(inputs)
    plan = plan_ingest(read_table(Path(out_dir), ARTICLES), articles, version, force)
    logger.info("%d to process, %d unchanged (skipped), batch size %d", len(plan.process), len(plan.skipped), batch_size)

    results: list[ArticleResult] = []
    for batch in batched(plan.process, batch_size):
        batch_results, batch_rejects = extract_batch_task(batch)
        results += batch_results
        rejects += batch_rejects
    replaced = plan.replaced_ids(r.article.article_id for r in results)

    rows = {
        ARTICLES.name: [article_row(r.article, run_id, version, now) for r in results],
        MENTIONS.name: [asdict(m) for r in results for m in r.mentions],
        AMOUNTS.name: [asdict(a) for r in results for a in r.amounts],
        TIMEX.name: [asdict(t) for r in results for t in r.timexes],
        CLAIMS.name: [asdict(c) for r in results for c in r.claims],
        CLAIM_AMOUNTS.name: [asdict(c) for r in results for c in r.claim_amounts],
    }
    counts = write_tables_task(out_dir, replaced, rows, [reject_row(r, run_id, version, now) for r in rejects], settled)

    summary = {
        "run_id": run_id,
        "out_dir": out_dir,
        "pipeline_version": version,
        "articles_read": len(articles),
        "processed": len(results),
        "skipped": len(plan.skipped),
        "rejected": len(rejects),
        "mentions": len(rows[MENTIONS.name]),
        "amounts": len(rows[AMOUNTS.name]),
        "timexes": len(rows[TIMEX.name]),
        "claims": len(rows[CLAIMS.name]),
        "table_rows": counts,
        "seconds": round(time.perf_counter() - started, 2),
    }
    logger.info("done: %s", summary)
    publish_report(summary, rejects)
    return summary


def publish_report(summary: dict, rejects: list[Reject]) -> None:
    """A markdown artifact with the run's numbers and a table artifact of its rejects (shown in the Prefect UI)."""
    lines = ["# process_articles", "", "| metric | value |", "| --- | --- |"]
    lines += [f"| {key} | {value} |" for key, value in summary.items() if key != "table_rows"]
    lines += [f"| rows in {name} | {count} |" for name, count in summary["table_rows"].items()]
    create_markdown_artifact("\n".join(lines), key="process-articles-summary", description="Run summary")
    if rejects:
        create_table_artifact([{"path": r.path, "line": r.line, "reason": r.reason, "detail": r.detail} for r in rejects],
                              key="process-articles-rejects", description="Inputs rejected by this run")


# ---------------------------------------------------------------------------
# evaluation
# ---------------------------------------------------------------------------


def metric_row(metric, dataset: str, split: str, run_id: str, version: str, now: datetime) -> dict:
    row = asdict(metric)
    row.update(run_id=run_id, dataset=dataset, split=split, pipeline_version=version, evaluated_at=now)
    return row


@task(name="load-evaluation-documents", cache_policy=NO_CACHE)
def load_documents_task(split: str, corpus: str | None, corpus_path: str | None) -> tuple[str, str, list]:
    """The documents to evaluate on: the gold split, or a public corpus folder."""
    from pipeline.corpora import load_brat, load_factru
    from pipeline.gold import load_gold

    if corpus is None:
        return "gold", split, load_gold(split)
    if corpus_path is None:
        raise ValueError(f"corpus {corpus!r} needs a path")
    folder = Path(corpus_path)
    if corpus == "factru":
        return "factru", folder.name, [d.as_gold() for d in load_factru(folder)]
    if corpus == "brat":
        return f"brat:{folder.name}", "all", [d.as_gold() for d in load_brat(folder)]
    raise ValueError(f"unknown corpus {corpus!r}; expected factru or brat")


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
    """Score the pipeline on the gold set (`split`: dev, test or all) or on a public corpus (`corpus`: factru
    or brat, with `corpus_path`); writes `eval_metrics.parquet` and a Markdown artifact; returns the rows."""
    from pipeline.evaluate import format_report, score_documents
    from pipeline.schema import EVAL_METRICS
    from pipeline.store import replace_partition

    logger = get_run_logger()
    run_id, version, now = current_run_id(), pipeline_version(), datetime.now(timezone.utc)
    dataset, split_name, docs = load_documents_task(split, corpus, corpus_path)
    predictions = []
    for batch in batched(docs, batch_size):
        predictions += predict_batch_task(batch)
    from pipeline.corpora import CORPUS_ENTITY_TYPES
    from pipeline.gold import ENTITY_TYPES

    types = ENTITY_TYPES if dataset == "gold" else CORPUS_ENTITY_TYPES
    metrics = score_documents(docs, predictions, token_level=True, entity_types=types)
    rows = [metric_row(m, dataset, split_name, run_id, version, now) for m in metrics]
    with output_lock(Path(out_dir)):
        replace_partition(Path(out_dir), EVAL_METRICS, rows, {"dataset": dataset, "split": split_name})
        write_text(Path(out_dir) / "DATA_DICTIONARY.md", render_data_dictionary())
    report = format_report(metrics, f"{dataset} / {split_name} ({len(docs)} documents, pipeline {version})")
    create_markdown_artifact(report, key="evaluation", description=f"Evaluation on {dataset}/{split_name}")
    logger.info("evaluated %d documents of %s/%s", len(docs), dataset, split_name)
    return rows
