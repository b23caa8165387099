"""What a run does: which articles to process, which stored rows each replaces, which stored articles to
reprocess. Pure functions over Arrow tables read from the store."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

import pyarrow as pa

from pipeline.records import Article
from pipeline.schema import STAGES


class Planner:
    """Decides article by article (inputs are streamed, never all in memory) whether to extract it: not when
    this version of its source is stored by this pipeline version (with `any_version`: stored at all — the
    incremental ingest) or was already seen in this run. Which stored rows an article replaces is decided when it
    commits (`pipeline.store.commit.settle`), from the store as it is then.

    A source read twice in one run (a JSONL id on two lines, one URL in two files) counts once: its last reading.
    The earlier ones are `superseded` (the caller drops them from what it staged)."""

    def __init__(self, stored: pa.Table, version: str, force: bool = False, any_version: bool = False):
        rows = stored.select(["source_key", "version_hash", "pipeline_version"]).to_pylist()
        self.current = {(r["source_key"], r["version_hash"]) for r in rows
                        if any_version or r["pipeline_version"] == version}
        self.sources = {r["source_key"] for r in rows}  # every stored source (feeds skip their stored URLs)
        self.force = force
        self.seen: set[tuple[str, str]] = set()
        self.latest: dict[str, str] = {}  # source_key -> article_id of its last reading in this run
        self.superseded: set[str] = set()

    def decide(self, article: Article) -> bool:
        """Whether to extract the article."""
        previous = self.latest.get(article.source_key)
        if previous is not None and previous != article.article_id:
            self.superseded.add(previous)
        self.latest[article.source_key] = article.article_id
        self.superseded.discard(article.article_id)
        version = (article.source_key, article.version_hash)
        skip = version in self.seen or (version in self.current and not self.force)
        self.seen.add(version)
        return not skip


class MonthBatcher:
    """Groups a stream of articles into batches of one publication month each.

    Every commit adds a file per month partition its rows touch: batches cut in input order spread over many
    months (a backfill of two years put each batch in 24 partitions) and leave the partitions thousands of small
    files and the log a long list, slowing every later commit of the run. Batching by month keeps a commit to one
    partition per table (the months' remainders, packed together at the end, to a few). Pending articles are held
    per month until a batch is full; when they hold more than `max_pending_chars` of text, the largest month goes
    out early, so memory stays bounded whatever the input."""

    def __init__(self, batch_size: int, max_pending_chars: int = 32_000_000):
        self.batch_size = max(batch_size, 1)
        self.max_pending_chars = max_pending_chars
        self.pending: dict[str | None, list] = {}
        self.chars = 0

    def add(self, article: Article, *extra) -> list[list]:
        """Queue an article (with anything to carry along with it); returns the batches now complete."""
        month = f"{article.published_at:%Y-%m}" if article.published_at else None
        group = self.pending.setdefault(month, [])
        group.append((article, *extra) if extra else article)
        self.chars += len(article.text)
        ready = []
        if len(group) >= self.batch_size:
            ready.append(self._take(month))
        while self.chars > self.max_pending_chars and self.pending:
            ready.append(self._take(max(self.pending, key=lambda m: sum(_chars(i) for i in self.pending[m]))))
        return ready

    def flush(self) -> list[list]:
        """What is left, oldest month first (undated last), packed into batches of up to `batch_size`: a month's
        remainder shares a batch with the next months' rather than making a batch of its own (a run of twelve
        articles from twelve months is one batch, not twelve)."""
        batches: list[list] = []
        for month in sorted(self.pending, key=lambda m: (m is None, m or "")):
            for item in self._take(month):
                if not batches or len(batches[-1]) >= self.batch_size:
                    batches.append([])
                batches[-1].append(item)
        return batches

    def _take(self, month: str | None) -> list:
        group = self.pending.pop(month)
        self.chars -= sum(_chars(item) for item in group)
        return group


def _chars(item) -> int:
    return len((item[0] if isinstance(item, tuple) else item).text)


def plan_ingest(stored: pa.Table, articles: list, version: str, force: bool = False,
                any_version: bool = False) -> tuple[list, list]:
    """The whole plan of a list of articles (see `Planner`): (to extract, skipped); superseded ones are left out
    of both."""
    planner = Planner(stored, version, force, any_version)
    process, skipped = [], []
    for article in articles:
        (process if planner.decide(article) else skipped).append(article)
    return ([a for a in process if a.article_id not in planner.superseded],
            [a for a in skipped if a.article_id not in planner.superseded])


def select_articles(stored: pa.Table, article_ids: Sequence[str] | None = None, published_from: date | None = None,
                    published_to: date | None = None) -> list[Article]:
    """Stored articles by id and/or publication date range (inclusive; an article without a date is only
    selected by id or when no range is given). Unknown ids are an error: a typo must not pass silently."""
    rows = stored.to_pylist()
    if article_ids:
        known = {r["article_id"] for r in rows}
        unknown = sorted(set(article_ids) - known)
        if unknown:
            raise ValueError(f"article ids not in the articles table: {', '.join(unknown)}")
        rows = [r for r in rows if r["article_id"] in set(article_ids)]
    if published_from and published_to and published_from > published_to:
        raise ValueError(f"published_from {published_from} is after published_to {published_to}")
    if published_from or published_to:
        rows = [r for r in rows if r["published_at"] is not None
                and (published_from is None or r["published_at"] >= published_from)
                and (published_to is None or r["published_at"] <= published_to)]
    fields = Article.__dataclass_fields__
    return [Article(**{k: (tuple(v) if k == "warnings" else v) for k, v in r.items() if k in fields})
            for r in sorted(rows, key=lambda r: r["article_id"])]


def stage_closure(stages: Iterable[str]) -> list[str]:
    """The stages to re-run, in pipeline order: a stage claims are built from brings claims along."""
    chosen = set(stages)
    unknown = chosen - set(STAGES)
    if unknown:
        raise ValueError(f"unknown stages {sorted(unknown)}; expected some of {list(STAGES)}")
    if chosen & {"entities", "amounts", "timex"}:
        chosen.add("claims")
    return [s for s in STAGES if s in chosen]
