"""Where extraction runs: in the calling process, or in a pool of worker processes that load the models once.

Threads cannot use a second core (the GIL), and a Dask cluster started per run pays a Prefect server and a model
load per worker. A `ProcessPoolExecutor` of N workers, each loading Natasha/slovnet once at start, gives
real parallelism; the flow's tasks (threads reporting to the flow's own Prefect API) hand each worker a staged
batch's path and get the batch's rows back as Arrow tables. Records become Arrow rows piece by piece (a piece is
at most 20 000 characters), so even a giant article never holds all its records as Python objects at once.
Pure code: no Prefect here.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pyarrow as pa

from pipeline.records import ArticleResult, Reject

_pools: dict[int, ProcessPoolExecutor] = {}
_lock = threading.Lock()


@dataclass
class Extracted:
    """A staged batch after extraction: its rows per table, the articles that failed, and (article_id,
    source_key, read_at) of each article extracted (what `pipeline.store.decide_landing` decides from)."""

    tables: dict[str, pa.Table]
    rejects: list[Reject]
    extracted: list[tuple[str, str, datetime | None]]


def _warm() -> None:
    from pipeline.memory import limit_arenas
    from pipeline.nlp import load_nlp_and_models

    limit_arenas()
    load_nlp_and_models()


def extract_staged(batch: str, run_id: str, version: str, now: datetime, stages: Sequence[str]) -> Extracted:
    """A staged batch through the NLP pipeline, in this process. The tables of `stages` are returned, plus
    `amounts` always (a caller reprocessing claims alone needs them when stored amounts went stale)."""
    from pipeline.extract import article_pieces, nlp_reject
    from pipeline.nlp import load_nlp
    from pipeline.schema import STAGES
    from pipeline.staging import read_batch
    from pipeline.store.commit import batch_tables

    articles = read_batch(Path(batch))
    wanted = [s for s in STAGES if s in stages or s == "amounts"]
    nlp = load_nlp()
    parts: dict[str, list[pa.Table]] = {}
    landed, rejects = [], []
    for article in articles:
        try:
            pieces = [batch_tables([piece], run_id, version, now, wanted, articles=False)
                      for piece in article_pieces(article, nlp)]
        except Exception as exc:  # noqa: BLE001 - one bad article must not sink the batch
            rejects.append(nlp_reject(article, exc))
            continue
        landed.append(article)
        for piece in pieces:
            for name, table in piece.items():
                parts.setdefault(name, []).append(table)
    tables = {name: pa.concat_tables(chunks) for name, chunks in parts.items()}
    if set(stages) == set(STAGES):  # the articles rows (every stage ran)
        tables["articles"] = batch_tables([ArticleResult(a) for a in landed], run_id, version, now)["articles"]
    for name, table in batch_tables([], run_id, version, now, wanted, articles=False).items():
        tables.setdefault(name, table)  # an empty batch still names its tables
    return Extracted(tables, rejects, [(a.article_id, a.source_key, a.read_at) for a in landed])


def pool(processes: int) -> ProcessPoolExecutor:
    """The process-wide pool of `processes` workers (started once, models loaded in each at start)."""
    with _lock:
        if processes not in _pools:
            # one BLAS thread per worker: OpenBLAS would give each process both cores (+16% speed for +60% CPU on
            # this pipeline), and N processes x N threads thrash. Spawned workers inherit this environment; the
            # calling process's numpy is already loaded and keeps its threads.
            for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
                os.environ[name] = "1"
            context = multiprocessing.get_context("spawn")  # never fork a process that runs threads
            _pools[processes] = ProcessPoolExecutor(processes, mp_context=context, initializer=_warm)
        return _pools[processes]


def extract(batch: str, run_id: str, version: str, now: datetime, stages: Sequence[str],
            processes: int = 0) -> Extracted:
    """Extract a staged batch: in this process (`processes` 0) or in the pool of that many workers."""
    if processes <= 0:
        return extract_staged(batch, run_id, version, now, stages)
    return pool(processes).submit(extract_staged, batch, run_id, version, now, list(stages)).result()


def shutdown() -> None:
    with _lock:
        for executor in _pools.values():
            executor.shutdown(wait=True, cancel_futures=True)
        _pools.clear()
