"""The `evaluate` flow: score the pipeline on the gold set or a corpus, store the metrics, report them."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime, timezone
from pathlib import Path
from typing import Literal

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE

from pipeline.config import PROCESSED_DIR, pipeline_version
from pipeline.flows.runtime import current_run_id
from pipeline.nlp import load_nlp
from pipeline.schema import render_data_dictionary
from pipeline.store import output_lock, publish, write_text
from pipeline.store.legacy import prepare_store


def batched(items: list, size: int) -> list[list]:
    return [items[i:i + size] for i in range(0, len(items), max(size, 1))]


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
