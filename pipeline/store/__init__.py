"""The store: Delta Lake tables under one output folder (`tables`), what a run does (`plan`), how a batch lands
(`commit`) and the entities kept in step with mentions (`entities`)."""

from pipeline.store.commit import (batch_tables, commit_batch, merge_rejects, month_of, replace_partition,
                                   stale_amount_links)
from pipeline.store.entities import sync_entities
from pipeline.store.plan import IngestPlan, MonthBatcher, Planner, plan_ingest, select_articles, stage_closure
from pipeline.store.tables import (SchemaError, dataset, delta_table, maintain, output_lock, read, read_table, replace_rows,
                                   row_count, table_path, table_version, to_arrow, write_text)

__all__ = ["IngestPlan", "MonthBatcher", "Planner", "SchemaError", "batch_tables", "commit_batch", "dataset", "delta_table", "maintain",
           "merge_rejects", "month_of", "output_lock", "plan_ingest", "read", "read_table", "replace_partition",
           "replace_rows", "row_count", "select_articles", "stage_closure", "stale_amount_links", "sync_entities",
           "table_path", "table_version", "to_arrow", "write_text"]
