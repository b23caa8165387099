"""The store: Delta Lake tables under one output folder (`tables`), what a run does (`plan`), how a batch lands
(`commit`, all or nothing: `journal`), the entities kept in step with mentions (`entities`) and what readers see
(`snapshot`: one published version of every table)."""

from pipeline.store.commit import (batch_tables, commit_batch, decide_landing, merge_rejects, month_of, only_articles,
                                   replace_partition, stale_amount_links)
from pipeline.store.entities import sync_entities
from pipeline.store.journal import all_or_nothing, output_lock, recover
from pipeline.store.plan import MonthBatcher, Planner, plan_ingest, select_articles, stage_closure
from pipeline.store.snapshot import Snapshot, dataset, publish, published_versions, read, snapshot
from pipeline.store.tables import (SchemaError, create_missing, delta_table, maintain, read_table, replace_rows,
                                   row_count, table_path, table_version, to_arrow, write_text)

__all__ = ["MonthBatcher", "Planner", "SchemaError", "Snapshot", "all_or_nothing", "batch_tables", "commit_batch",
           "create_missing", "dataset", "decide_landing", "delta_table", "maintain", "merge_rejects", "month_of", "only_articles", "output_lock",
           "plan_ingest", "publish", "published_versions", "read", "read_table", "recover", "replace_partition",
           "replace_rows", "row_count", "select_articles", "snapshot", "stage_closure",
           "stale_amount_links", "sync_entities", "table_path", "table_version", "to_arrow", "write_text"]
