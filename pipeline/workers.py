"""Where extraction runs: in the calling process, or in a pool of worker processes that load the models once.

Threads cannot use a second core (the GIL), and a Dask cluster started per run pays a Prefect server and a model
load per worker. A `ProcessPoolExecutor` of N workers, each loading Natasha/slovnet once at start, gives
real parallelism; the flow's tasks (threads reporting to the flow's own Prefect API) hand each worker a staged
batch's path and get the batch's records back. Pure code: no Prefect here.
"""

from __future__ import annotations

import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from pipeline.records import ArticleResult, Reject

_pools: dict[int, ProcessPoolExecutor] = {}
_lock = threading.Lock()


def _warm() -> None:
    from pipeline.nlp import load_nlp

    load_nlp()


def extract_staged(batch: str) -> tuple[list[ArticleResult], list[Reject], dict[str, set[str]]]:
    """A staged batch through the NLP pipeline, in this process."""
    from pipeline.extract import process_articles
    from pipeline.nlp import load_nlp
    from pipeline.staging import read_batch

    articles, replaces = read_batch(Path(batch))
    results, rejects = process_articles(articles, load_nlp())
    return results, rejects, replaces


def pool(processes: int) -> ProcessPoolExecutor:
    """The process-wide pool of `processes` workers (started once, models loaded in each at start)."""
    with _lock:
        if processes not in _pools:
            context = multiprocessing.get_context("spawn")  # never fork a process that runs threads
            _pools[processes] = ProcessPoolExecutor(processes, mp_context=context, initializer=_warm)
        return _pools[processes]


def extract(batch: str, processes: int = 0) -> tuple[list[ArticleResult], list[Reject], dict[str, set[str]]]:
    """Extract a staged batch: in this process (`processes` 0) or in the pool of that many workers."""
    if processes <= 0:
        return extract_staged(batch)
    return pool(processes).submit(extract_staged, batch).result()


def shutdown() -> None:
    with _lock:
        for executor in _pools.values():
            executor.shutdown(wait=True, cancel_futures=True)
        _pools.clear()
