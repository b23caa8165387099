from datetime import date, datetime, timezone

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipeline.records import Article
from pipeline.schema import ARTICLES, MENTIONS, REJECTS
from pipeline.store import SchemaError, merge_run, plan_ingest, read_table, table_path, write_table

NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)


def mention(article_id, start, type="ORG"):
    return {"article_id": article_id, "mention_id": f"{article_id}:{start}-{start + 3}", "sent_index": 0,
            "start": start, "stop": start + 3, "text": "abc", "type": type, "normal": "abc", "alias": None,
            "canonical": "abc", "entity_id": f"e-{type}"}


def article_row(article_id, source_id, version="v1"):
    return {"article_id": article_id, "source_id": source_id, "source_format": "txt", "path": source_id,
            "line": None, "url": None, "published_at": date(2026, 1, 1), "title": "t", "text": "t",
            "n_chars": 1, "encoding": "utf-8", "warnings": [], "ingested_at": NOW, "pipeline_version": version,
            "run_id": "r1"}


def reject_row(path, reason="empty", reject_id=None):
    return {"reject_id": reject_id or f"{path}-{reason}", "source_id": path, "source_format": "txt", "path": path,
            "line": None, "reason": reason, "detail": "d", "rejected_at": NOW, "pipeline_version": "v1", "run_id": "r1"}


def test_write_uses_declared_schema_and_sorts(tmp_path):
    write_table(tmp_path, MENTIONS, [mention("b", 5), mention("a", 9), mention("a", 1)])
    stored = pq.read_table(table_path(tmp_path, MENTIONS))
    assert stored.schema.equals(MENTIONS.schema, check_metadata=False)
    assert stored.schema.field("start").type == pa.int32()
    assert stored.schema.field("text").metadata[b"description"]
    assert [(r["article_id"], r["start"]) for r in stored.to_pylist()] == [("a", 1), ("a", 9), ("b", 5)]


def test_write_is_atomic_and_leaves_no_temp_files(tmp_path):
    write_table(tmp_path, MENTIONS, [mention("a", 1)])
    write_table(tmp_path, MENTIONS, [mention("a", 2)])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mentions.parquet"]


def test_failed_write_keeps_the_previous_file(tmp_path):
    write_table(tmp_path, MENTIONS, [mention("a", 1)])
    with pytest.raises(SchemaError):
        write_table(tmp_path, MENTIONS, [{**mention("a", 2), "type": None}])
    assert read_table(tmp_path, MENTIONS).num_rows == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mentions.parquet"]


def test_unknown_columns_are_an_error(tmp_path):
    with pytest.raises(SchemaError, match="not in the schema"):
        write_table(tmp_path, MENTIONS, [{**mention("a", 1), "extra": 1}])


def test_read_missing_table_is_empty_with_schema(tmp_path):
    empty = read_table(tmp_path, ARTICLES)
    assert empty.num_rows == 0 and empty.schema.equals(ARTICLES.schema)


def test_read_conforms_old_files_to_new_columns(tmp_path):
    old = pa.table({"article_id": ["a"], "mention_id": ["a:1-4"], "sent_index": pa.array([0], pa.int64()),
                    "start": [1], "stop": [4], "text": ["abc"], "type": ["ORG"], "normal": ["abc"]})
    pq.write_table(old, table_path(tmp_path, MENTIONS))
    stored = read_table(tmp_path, MENTIONS)
    assert stored.schema.equals(MENTIONS.schema)
    assert stored.column("alias").to_pylist() == [None]


def article(article_id, source_id):
    return Article(article_id, source_id, "txt", source_id, None, None, None, "t", "t", "utf-8")


def test_plan_skips_current_version_and_replaces_changed_sources():
    stored = pa.Table.from_pylist([article_row("a1", "a.txt"), article_row("b1", "b.txt", version="old")],
                                  schema=ARTICLES.schema)
    plan = plan_ingest(stored, [article("a1", "a.txt"), article("b1", "b.txt"), article("c2", "c.txt"),
                                article("c2", "c.txt")], "v1")
    assert [a.article_id for a in plan.skipped] == ["a1"]
    assert [a.article_id for a in plan.process] == ["b1", "c2"]  # the duplicate input is processed once
    changed = plan_ingest(stored, [article("a2", "a.txt")], "v1")
    assert changed.replaced_ids(["a2"]) == {"a1", "a2"}
    assert changed.replaced_ids([]) == set()  # the new version did not land: the old one stays
    forced = plan_ingest(stored, [article("a1", "a.txt")], "v1", force=True)
    assert [a.article_id for a in forced.process] == ["a1"]


def test_merge_replaces_rows_of_reprocessed_articles_only(tmp_path):
    merge_run(tmp_path, set(), {"articles": [article_row("a1", "a.txt"), article_row("b1", "b.txt")],
                                "mentions": [mention("a1", 1), mention("a1", 5), mention("b1", 1)]}, [], set())
    counts = merge_run(tmp_path, {"a1", "a2"}, {"articles": [article_row("a2", "a.txt")],
                                                "mentions": [mention("a2", 7)]}, [], set())
    assert counts == {"mentions": 2, "amounts": 0, "timex": 0, "claims": 0, "claim_amounts": 0, "articles": 2,
                      "entities": 1, "rejects": 0}
    assert sorted(read_table(tmp_path, ARTICLES).column("article_id").to_pylist()) == ["a2", "b1"]
    assert sorted(read_table(tmp_path, MENTIONS).column("mention_id").to_pylist()) == ["a2:7-10", "b1:1-4"]


def test_merge_keeps_first_reject_and_drops_settled_ones(tmp_path):
    first = reject_row("x.txt")
    merge_run(tmp_path, set(), {}, [first, reject_row("y.txt")], {("x.txt", None), ("y.txt", None)})
    again = {**first, "run_id": "r2"}
    merge_run(tmp_path, set(), {}, [again], {("x.txt", None), ("y.txt", None)})  # y.txt now parses
    stored = read_table(tmp_path, REJECTS).to_pylist()
    assert [(r["path"], r["run_id"]) for r in stored] == [("x.txt", "r1")]
