"""One extraction batch lands as one set of commits, in an order every kill converges from.

Per batch, under the output lock: the article tables (mentions, amounts, timex, claims, claim_amounts) first,
each one commit that removes the rows of the batch's articles and of the stored articles they replace and adds
the new rows; `articles` last. An article is only "stored" once its `articles` row is committed, so a kill before
that leaves it to the next run, which replaces whatever part of it landed. `entities` follows the mentions once
per run (`pipeline.store.entities.sync_entities`, from the mentions versions it has not seen, so a killed run's
batches are caught up by the next run).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict
from datetime import date, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from pipeline.records import ArticleResult
from pipeline.schema import (AMOUNTS, ARTICLE_TABLES, ARTICLES, CLAIM_AMOUNTS, CLAIMS, MENTIONS, PARTITION, REJECTS,
                             STAGE_TABLES, STAGES, TIMEX, Table)
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
               ingested_at=now, pipeline_version=version, run_id=run_id, published_month=month_of(article.published_at))
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
    """An article re-processed by the same pipeline version keeps its stored `ingested_at` and `run_id`: a re-run
    on the same input leaves every row as it was."""
    if stored.num_rows == 0 or articles.num_rows == 0:
        return articles
    previous = {(r["article_id"], r["pipeline_version"]): r
                for r in stored.select(["article_id", "pipeline_version", *RUN_COLUMNS]).to_pylist()}
    rows = articles.to_pylist()
    for row in rows:
        before = previous.get((row["article_id"], row["pipeline_version"]))
        if before:
            row.update({c: before[c] for c in RUN_COLUMNS})
    return to_arrow(ARTICLES, rows)


def commit_batch(out_dir: Path, tables: Mapping[str, pa.Table], replaced: Iterable[str]) -> dict[str, int]:
    """Commit one batch's tables (see the module doc); `replaced`: every stored article id whose rows go (the
    batch's own ids included). Call under `output_lock`. Returns the rows added per table."""
    out_dir = Path(out_dir)
    replaced = set(replaced)
    stored = read_table(out_dir, ARTICLES, where={"article_id": replaced},
                        columns=["article_id", "pipeline_version", PARTITION, *RUN_COLUMNS])
    stored_months = set(stored.column(PARTITION).to_pylist())
    added = {}
    for table in (*ARTICLE_TABLES, ARTICLES):
        if table.name not in tables:
            continue
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


def merge_rejects(out_dir: Path, rejects: Sequence[Mapping], settled: set[tuple[str, int | None]] = frozenset()) -> int:
    """Add a run's rejects: a reject seen before keeps its first row; a stored reject of an input this run read
    again (`settled`: (path, line) pairs) goes unless it was rejected again. Commits only on a change."""
    stored = read_table(out_dir, REJECTS)
    new = to_arrow(REJECTS, rejects)
    new_ids = set(new.column("reject_id").to_pylist())
    existing = set(stored.column("reject_id").to_pylist())
    keep = [(path, line) not in settled or reject_id in new_ids
            for reject_id, path, line in zip(stored.column("reject_id").to_pylist(), stored.column("path").to_pylist(),
                                             stored.column("line").to_pylist())]
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
