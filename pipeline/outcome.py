"""What a run has made durable, so that losing Prefect afterwards does not turn a finished run into a failure.

A run's data lands in the store (committed batches, then one publication); Prefect only keeps its books (task
and flow states, logs, artifacts). The flows tell this module when a run has published, with its summary. The
command line then watches Prefect's API (`watch`): if the API stops answering after that point, the run is
over as far as the data goes, and the command ends with exit 0 and a warning instead of retrying its
bookkeeping against a dead server for minutes and exiting 1. Pure: no Prefect here.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_summary: dict | None = None
_published = False


def expect(summary: dict) -> None:
    """The summary the run will print, as far as it is known before the run publishes."""
    global _summary, _published
    with _lock:
        _summary, _published = dict(summary), False


def mark_published(**updates) -> None:
    """The run committed every batch and published its tables (called right after the publication)."""
    global _summary, _published
    with _lock:
        _summary = {**(_summary or {}), **updates}
        _published = True


def update(**fields) -> None:
    """More of the summary, known after the publication (the review site, the time)."""
    with _lock:
        if _summary is not None:
            _summary.update(fields)


def published() -> dict | None:
    """The summary of the run that published in this process since `reset`, if any."""
    with _lock:
        return dict(_summary) if _published and _summary is not None else None


def reset() -> None:
    global _summary, _published
    with _lock:
        _summary, _published = None, False


@contextmanager
def watch(alive: Callable[[], bool], on_lost: Callable[[dict], None], interval: float = 2.0,
          misses: int = 3) -> Iterator[None]:
    """While the block runs: once a run has published, check `alive()` every `interval` seconds; after `misses`
    failed checks in a row call `on_lost(summary)` (which ends the process: the block is stuck in Prefect's
    retries)."""
    reset()
    stop = threading.Event()

    def loop() -> None:
        failed = 0
        while not stop.wait(interval):
            summary = published()
            if summary is None:
                continue
            failed = 0 if alive() else failed + 1
            if failed >= misses and not stop.is_set():
                on_lost(summary)
                return

    thread = threading.Thread(target=loop, name="prefect-api-watch", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()


def lost_after_publishing(alive: Callable[[], bool], attempts: int = 2, pause: float = 1.0) -> dict | None:
    """The summary of a run that published when Prefect's API no longer answers (a run that failed because the
    API went away after its data landed), else None."""
    summary = published()
    if summary is None:
        return None
    for attempt in range(attempts):
        if alive():
            return None
        if attempt + 1 < attempts:
            time.sleep(pause)
    return summary
