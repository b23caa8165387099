"""The entities table, kept in step with mentions incrementally.

Each entities commit records the mentions version it reflects (`mentions_version` in the commit's metadata).
To catch up, the data files that differ between that version and the current one are read (only their
`entity_id` column): those are the entities whose mentions were added or removed. Only they are recomputed
(from their mentions, wherever they are) and replaced in one commit. A run killed anywhere catches up on the
next commit; when the old version's files are gone (vacuumed) the table is rebuilt from all mentions.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from pipeline.schema import ARTICLES, ENTITIES, MENTIONS
from pipeline.store.tables import delta_table, last_commit_metadata, overwrite_table, read_table, replace_rows

SYNCED = "mentions_version"


def touched_entities(out_dir: Path, since: int) -> set[str] | None:
    """Entity ids with mentions added or removed after mentions version `since`; None when that cannot be told."""
    now = delta_table(out_dir, MENTIONS)
    try:
        then = delta_table(out_dir, MENTIONS, since)
    except Exception:  # noqa: BLE001 — a version whose log was cleaned up: fall back to a full rebuild
        return None
    if now is None or then is None:
        return None
    changed = set(now.file_uris()) ^ set(then.file_uris())
    touched: set[str] = set()
    for uri in changed:
        path = Path(uri.removeprefix("file://"))
        if not path.exists():
            return None
        touched.update(pq.read_table(path, columns=["entity_id"]).column("entity_id").to_pylist())
    return touched


def aggregate_entities(mentions: pa.Table, published: pa.Table) -> list[dict]:
    """One row per entity_id from mention rows (entity_id, type, canonical, normal, alias, article_id, in their
    stored order) and the articles' dates (article_id, published_at). Aggregated in Arrow: a table of a
    million mentions never becomes a million Python dicts."""
    if mentions.num_rows == 0:
        return []
    where = pc.index_in(mentions.column("article_id"), value_set=published.column("article_id"))
    dated = mentions.append_column("published_at", pc.take(published.column("published_at"), where))
    groups = dated.group_by("entity_id", use_threads=False).aggregate([
        ("canonical", "first"), ("type", "first"), ("entity_id", "count"), ("article_id", "count_distinct"),
        ("published_at", "min"), ("published_at", "max"), ("normal", "distinct"), ("alias", "distinct"),
    ])
    rows = []
    for g in groups.to_pylist():
        canonical = g["canonical_first"]
        aliases = {name for name in (*g["normal_distinct"], *g["alias_distinct"]) if name and name != canonical}
        rows.append({
            "entity_id": g["entity_id"], "canonical": canonical, "type": g["type_first"], "aliases": sorted(aliases),
            "n_mentions": g["entity_id_count"], "n_articles": g["article_id_count_distinct"],
            "first_seen": g["published_at_min"], "last_seen": g["published_at_max"],
        })
    return rows


def sync_entities(out_dir: Path) -> list[dict]:
    """Bring entities up to the current mentions (call under the output lock); returns the entities that did not
    exist before, most mentioned first."""
    out_dir = Path(out_dir)
    current = delta_table(out_dir, MENTIONS)
    if current is None:
        return []
    version = current.version()
    synced = last_commit_metadata(out_dir, ENTITIES, SYNCED)
    if synced is not None and int(synced) == version:
        return []
    touched = touched_entities(out_dir, int(synced)) if synced is not None else None
    columns = ["article_id", "entity_id", "type", "canonical", "normal", "alias"]
    mentions = read_table(out_dir, MENTIONS, columns=columns,
                          where={"entity_id": touched} if touched is not None else None)
    article_ids = pc.unique(mentions.column("article_id")).to_pylist()
    published = read_table(out_dir, ARTICLES, where={"article_id": article_ids}, columns=["article_id", "published_at"])
    rows = aggregate_entities(mentions, published)
    before = set(read_table(out_dir, ENTITIES, columns=["entity_id"],
                            where={"entity_id": touched} if touched is not None else None)
                 .column("entity_id").to_pylist())
    data = pa.Table.from_pylist(rows, schema=ENTITIES.schema)
    metadata = {SYNCED: str(version)}
    if touched is None:
        overwrite_table(out_dir, ENTITIES, data, metadata=metadata)
    else:
        replace_rows(out_dir, ENTITIES, data, {"entity_id": touched}, metadata=metadata)
    fresh = [r for r in rows if r["entity_id"] not in before]
    return sorted(fresh, key=lambda r: (-r["n_mentions"], r["entity_id"]))
