"""Progress of a run: how many batches and articles are done, how fast, and when it will end.

The flows log "batch k of N" lines (Prefect's logs, and the console's when it is not a terminal) and tell any
listener subscribed here (the command line's progress bar on a terminal). Pure: no Prefect here.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True)
class Step:
    batches_done: int
    batches: int
    articles_done: int
    articles: int
    seconds: float

    @property
    def rate(self) -> float:
        """Articles per second so far."""
        return self.articles_done / self.seconds if self.seconds > 0 else 0.0

    @property
    def eta(self) -> float | None:
        """Seconds left at the rate so far; None before the first article."""
        return (self.articles - self.articles_done) / self.rate if self.rate > 0 else None

    def describe(self) -> str:
        eta = "–" if self.eta is None else str(timedelta(seconds=round(self.eta)))
        return (f"batch {self.batches_done} of {self.batches}: {self.articles_done} of {self.articles} "
                f"article{'s' if self.articles != 1 else ''}, {self.rate:.1f} articles/s, ETA {eta}")


Listener = Callable[[Step], None]
_listeners: list[Listener] = []
_lock = threading.Lock()


def subscribe(listener: Listener) -> Callable[[], None]:
    """Call `listener` with every step of every run in this process; returns the function that stops it."""
    with _lock:
        _listeners.append(listener)

    def unsubscribe() -> None:
        with _lock:
            if listener in _listeners:
                _listeners.remove(listener)

    return unsubscribe


def notify(step: Step) -> None:
    with _lock:
        listeners = list(_listeners)
    for listener in listeners:
        listener(step)


def terminal_bar() -> Callable[[], None]:
    """A rich progress bar (articles, articles/s, ETA) on the terminal for the runs of this process; returns the
    function that removes it."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    bar = Progress(TextColumn("[bold]articles"), BarColumn(), MofNCompleteColumn(),
                   TextColumn("{task.fields[rate]:.1f}/s"), TimeRemainingColumn(), transient=True)
    task = None

    def show(step: Step) -> None:
        nonlocal task
        if task is None:
            bar.start()
            task = bar.add_task("articles", total=step.articles, rate=0.0)
        bar.update(task, completed=step.articles_done, total=step.articles, rate=step.rate)

    unsubscribe = subscribe(show)

    def remove() -> None:
        unsubscribe()
        bar.stop()

    return remove
