"""One extraction batch lands as one set of commits, all or nothing.

Per batch, under the output lock: first `decide_landing` decides, from the store as it is at that moment, which of the
batch's articles land and which stored articles they replace (one stored version per source: the one read last).
Then the article tables (mentions, amounts, timex, claims, claim_amounts), each one commit that removes the rows
of the batch's articles and of the stored articles they replace and adds the new rows; `articles` last. The
commits run inside `pipeline.store.journal.all_or_nothing`: a kill half-way is rolled back by the next writer.
`entities` follows the mentions once per run (`pipeline.store.entities.sync_entities`), before the run publishes
its tables to readers (`pipeline.store.snapshot`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict
from datetime import date, datetime, timezone
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from pipeline.records import ArticleResult
from pipeline.schema import (AMOUNTS, ARTICLE_TABLES, ARTICLES, CLAIM_AMOUNTS, CLAIMS, MENTIONS, PARTITION, REJECTS,
                             STAGE_TABLES, STAGES, TIMEX, Table)
from pipeline.store.journal import all_or_nothing
from pipeline.store.tables import overwrite_table, read_table, records_to_arrow, replace_rows, sort_rows, to_arrow

RECORDS = {MENTIONS.name: "mentions", AMOUNTS.name: "amounts", TIMEX.name: "timexes", CLAIMS.name: "claims",
           CLAIM_AMOUNTS.name: "claim_amounts"}
RUN_COLUMNS = ("ingested_at", "run_id")


def month_of(day: date | None) -> str | None:
    return f"{day.year:04d}-{day.month:02d}" if day is not None else None


def article_row(result: ArticleResult, run_id: str, version: str, now: datetime) -> dict:
    article = result.article
    row = asdict(article)
    row.update(warnings=list(article.warnings), n_chars=article.n_chars, content_hash=article.content_hash,
               read_at=article.read_at or now, ingested_at=now, pipeline_version=version, run_id=run_id,
               published_month=month_of(article.published_at))
    return row


def batch_tables(results: Sequence[ArticleResult], run_id: str, version: str, now: datetime,
                 stages: Sequence[str] = STAGES, articles: bool = True) -> dict[str, pa.Table]:
    """The batch's rows of every table its stages write (`articles` only when every stage ran and `articles`)."""
    tables: dict[str, pa.Table] = {}
    if articles and set(stages) == set(STAGES):
        tables[ARTICLES.name] = to_arrow(ARTICLES, [article_row(r, run_id, version, now) for r in results])
    for stage in stages:
        for table in STAGE_TABLES[stage]:
            parts = [records_to_arrow(table, getattr(r, RECORDS[table.name]),
                                      published_month=month_of(r.article.published_at)) for r in results]
            tables[table.name] = pa.concat_tables(parts) if parts else table.schema.empty_table()
    return tables


def keep_run_metadata(stored: pa.Table, articles: pa.Table) -> pa.Table:
    """An article re-processed by the same pipeline version keeps its stored `ingested_at` and `run_id`, and a
    version read again keeps its first `read_at`: a re-run on the same input leaves every row as it was."""
    if stored.num_rows == 0 or articles.num_rows == 0:
        return articles
    rows_before = stored.select(["article_id", "pipeline_version", "read_at", *RUN_COLUMNS]).to_pylist()
    previous = {(r["article_id"], r["pipeline_version"]): r for r in rows_before}
    first_read = {r["article_id"]: r["read_at"] for r in rows_before if r["read_at"] is not None}
    rows = articles.to_pylist()
    for row in rows:
        before = previous.get((row["article_id"], row["pipeline_version"]))
        if before:
            row.update({c: before[c] for c in RUN_COLUMNS})
        row["read_at"] = first_read.get(row["article_id"], row["read_at"])
    return to_arrow(ARTICLES, rows)


_NEVER = datetime.min.replace(tzinfo=timezone.utc)


def decide_landing(out_dir: Path, candidates: Iterable[tuple[str, str, datetime | None]]) -> tuple[set[str], set[str]]:
    """Which of a batch's articles land, decided from the store as it is now (call under the output lock).

    `candidates`: (article_id, source_key, read_at) of each article the batch extracted. Per source the version
    read last wins: a candidate lands unless the store (or the batch) holds another version of its source read
    later; a candidate whose version is stored lands too (it re-extracts that version). A landing article
    replaces every stored article of its source. Returns (landing article ids, stored article ids replaced).
    So a re-extraction of a version someone replaced meanwhile, or an older reading committed after a newer one,
    never brings the old version back."""
    best: dict[str, tuple[datetime, str]] = {}
    for article_id, key, read_at in candidates:
        mine = (read_at or _NEVER, article_id)
        if key not in best or mine > best[key]:
            best[key] = mine
    if not best:
        return set(), set()
    stored = read_table(out_dir, ARTICLES, where={"source_key": best}, columns=["article_id", "source_key", "read_at"])
    held: dict[str, list[tuple[datetime, str]]] = {}
    for row in stored.to_pylist():
        held.setdefault(row["source_key"], []).append((row["read_at"] or _NEVER, row["article_id"]))
    landing, replaced = set(), set()
    for key, (read_at, article_id) in best.items():
        versions = held.get(key, [])
        if article_id not in {a for _, a in versions} and any(r > read_at for r, _ in versions):
            continue  # the store holds a newer reading of this source
        landing.add(article_id)
        replaced.update(a for _, a in versions)
    return landing, replaced


def only_articles(tables: Mapping[str, pa.Table], article_ids: set[str]) -> dict[str, pa.Table]:
    """The batch's rows of these articles only."""
    keep = pa.array(sorted(article_ids), pa.string())
    return {name: data.filter(pc.is_in(data.column("article_id"), value_set=keep)) if data.num_rows else data
            for name, data in tables.items()}


def commit_batch(out_dir: Path, tables: Mapping[str, pa.Table], replaced: Iterable[str]) -> dict[str, int]:
    """Commit one batch's tables (see the module doc); `replaced`: every stored article id whose rows go (the
    batch's own ids included). Call under `output_lock`. Returns the rows added per table."""
    out_dir = Path(out_dir)
    replaced = set(replaced)
    stored = read_table(out_dir, ARTICLES, where={"article_id": replaced},
                        columns=["article_id", "pipeline_version", "read_at", PARTITION, *RUN_COLUMNS])
    stored_months = set(stored.column(PARTITION).to_pylist())
    added = {}
    touched = [t for t in (*ARTICLE_TABLES, ARTICLES) if t.name in tables]
    with all_or_nothing(out_dir, touched):
        for table in touched:
            data = tables[table.name]
            if table is ARTICLES:
                data = keep_run_metadata(stored, data)
            months = stored_months | set(data.column(PARTITION).to_pylist())
            replace_rows(out_dir, table, data, {PARTITION: months, "article_id": replaced | _ids(data)})
            added[table.name] = data.num_rows
    return added


def _ids(data: pa.Table) -> set[str]:
    return set(pc.unique(data.column("article_id")).to_pylist()) if data.num_rows else set()


def stale_amount_links(out_dir: Path, claim_amounts: pa.Table) -> set[str]:
    """Articles whose fresh claim links (a batch's claim_amounts rows) name amount ids the stored amounts table
    does not have."""
    if claim_amounts.num_rows == 0:
        return set()
    ids = _ids(claim_amounts)
    stored = read_table(out_dir, AMOUNTS, where={"article_id": ids}, columns=["amount_id"]).column("amount_id")
    missing = pc.invert(pc.is_in(claim_amounts.column("amount_id"), value_set=stored))
    return set(pc.unique(claim_amounts.filter(missing).column("article_id")).to_pylist())


def merge_rejects(out_dir: Path, rejects: Sequence[Mapping], settled: Iterable[str] = frozenset()) -> int:
    """Add a run's rejects: a reject seen before keeps its first row (one row per reject_id, however often the
    run met it); a stored reject of an input unit this run read again (`settled`: source keys) goes unless it
    was rejected again. Commits only on a change."""
    settled = set(settled)
    stored = read_table(out_dir, REJECTS)
    unique = {row["reject_id"]: row for row in reversed(list(rejects))}  # the first row of each id
    new = to_arrow(REJECTS, list(unique.values()))
    new_ids = set(new.column("reject_id").to_pylist())
    existing = set(stored.column("reject_id").to_pylist())
    keep = [key not in settled or reject_id in new_ids
            for reject_id, key in zip(stored.column("reject_id").to_pylist(), stored.column("source_key").to_pylist())]
    kept = stored.filter(pa.array(keep, pa.bool_())) if stored.num_rows else stored
    fresh = new.filter(pc.invert(pc.is_in(new.column("reject_id"), pa.array(sorted(existing), pa.string()))))
    merged = pa.concat_tables([kept, fresh])
    overwrite_table(out_dir, REJECTS, merged)
    return merged.num_rows


def replace_partition(out_dir: Path, table: Table, rows: list[Mapping], where: Mapping[str, str],
                      run_columns: Sequence[str] = ()) -> bool:
    """Replace every stored row whose columns equal `where` (e.g. one dataset + split of eval_metrics) with
    `rows`. When the new rows equal the stored ones except for `run_columns`, nothing is committed."""
    new = to_arrow(table, rows)
    old = read_table(out_dir, table, where={k: [v] for k, v in where.items()})
    compare = [c for c in table.column_names if c not in run_columns]
    if old.num_rows and sort_rows(old, table).select(compare).equals(sort_rows(new, table).select(compare)):
        return False
    return replace_rows(out_dir, table, new, {k: [v] for k, v in where.items()})
