from datetime import date, datetime, timedelta, timezone

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipeline.records import Article
from pipeline.schema import ARTICLES, ENTITIES, MENTIONS, PARTITION, REJECTS
from pipeline.store.entities import aggregate_entities
from pipeline.store import (MonthBatcher, Planner, SchemaError, all_or_nothing, commit_batch, decide_landing,
                            delta_table, maintain, merge_rejects, output_lock, plan_ingest, publish, read, read_table,
                            recover, replace_rows, snapshot, sync_entities, table_path, table_version, to_arrow)
from pipeline.store.journal import INTENT

NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)


def mention(article_id, start, type="ORG", entity="e", month="2026-01"):
    return {"article_id": article_id, "mention_id": f"{article_id}:{start}-{start + 3}", "sent_index": 0,
            "start": start, "stop": start + 3, "text": "abc", "type": type, "normal": "abc", "alias": None,
            "canonical": entity, "entity_id": f"{entity}-{type}", PARTITION: month}


def article_row(article_id, source_id, version="v1", published=date(2026, 1, 1), read_at=NOW):
    return {"article_id": article_id, "source_key": source_id, "version_hash": f"h-{article_id}", "read_at": read_at,
            "source_id": source_id, "source_format": "txt", "path": source_id,
            "line": None, "url": None, "published_at": published, "title": "t", "text": "t",
            "n_chars": 1, "encoding": "utf-8", "warnings": [], "ingested_at": NOW, "pipeline_version": version,
            "run_id": "r1", PARTITION: f"{published:%Y-%m}" if published else None}


def reject_row(path, reason="empty", reject_id=None):
    return {"reject_id": reject_id or f"{path}-{reason}", "source_key": path, "source_id": path, "source_format": "txt",
            "path": path,
            "line": None, "reason": reason, "detail": "d", "rejected_at": NOW, "pipeline_version": "v1", "run_id": "r1"}


def batch(articles, mentions):
    return {"articles": to_arrow(ARTICLES, articles), "mentions": to_arrow(MENTIONS, mentions)}


def test_commit_uses_declared_schema_partitions_by_month_and_sorts(tmp_path):
    commit_batch(tmp_path, batch([article_row("b", "b.txt"), article_row("a", "a.txt", published=date(2025, 12, 3))],
                                 [mention("b", 5), mention("a", 9, month="2025-12"), mention("a", 1, month="2025-12")]),
                 {"a", "b"})
    stored = read_table(tmp_path, MENTIONS)
    assert stored.schema.equals(MENTIONS.schema)
    assert [(r["article_id"], r["start"]) for r in stored.to_pylist()] == [("a", 1), ("a", 9), ("b", 5)]
    folders = sorted(p.name for p in table_path(tmp_path, MENTIONS).iterdir())
    assert folders == ["_delta_log", f"{PARTITION}=2025-12", f"{PARTITION}=2026-01"]
    for uri in delta_table(tmp_path, MENTIONS).file_uris():
        assert pq.read_schema(uri).field("start").type == pa.int32()


def test_a_failed_commit_changes_nothing(tmp_path):
    commit_batch(tmp_path, batch([article_row("a", "a.txt")], [mention("a", 1)]), {"a"})
    version = table_version(tmp_path, MENTIONS)
    with pytest.raises(SchemaError):
        commit_batch(tmp_path, batch([article_row("a", "a.txt")], [{**mention("a", 2), "type": None}]), {"a"})
    assert table_version(tmp_path, MENTIONS) == version
    assert read_table(tmp_path, MENTIONS).column("start").to_pylist() == [1]


def test_unknown_columns_are_an_error():
    with pytest.raises(SchemaError, match="not in the schema"):
        to_arrow(MENTIONS, [{**mention("a", 1), "extra": 1}])


def test_read_missing_table_is_empty_with_schema(tmp_path):
    empty = read_table(tmp_path, ARTICLES)
    assert empty.num_rows == 0 and empty.schema.equals(ARTICLES.schema)


def test_read_conforms_old_files_to_new_columns(tmp_path):
    from deltalake import write_deltalake

    old = pa.table({"article_id": ["a"], "mention_id": ["a:1-4"], "sent_index": pa.array([0], pa.int64()),
                    "start": [1], "stop": [4], "text": ["abc"], "type": ["ORG"], "normal": ["abc"]})
    write_deltalake(str(table_path(tmp_path, MENTIONS)), old)
    stored = read_table(tmp_path, MENTIONS)
    assert stored.schema.equals(MENTIONS.schema)
    assert stored.column("alias").to_pylist() == [None]


def article(article_id, source_key):
    return Article(article_id, source_key, "txt", source_key, None, None, None, "t", "t", "utf-8",
                   source_key=source_key, version_hash=f"h-{article_id}")


def test_plan_skips_current_version_and_counts_a_source_once():
    stored = pa.Table.from_pylist([article_row("a1", "a.txt"), article_row("b1", "b.txt", version="old")],
                                  schema=ARTICLES.schema)
    process, skipped = plan_ingest(stored, [article("a1", "a.txt"), article("b1", "b.txt"), article("c2", "c.txt"),
                                            article("c2", "c.txt")], "v1")
    assert [a.article_id for a in skipped] == ["a1", "c2"]  # stored by this version; read twice
    assert [a.article_id for a in process] == ["b1", "c2"]
    process, _ = plan_ingest(stored, [article("b1", "b.txt")], "v1", any_version=True)
    assert process == []  # the incremental ingest: stored by any version
    process, _ = plan_ingest(stored, [article("a1", "a.txt")], "v1", force=True)
    assert [a.article_id for a in process] == ["a1"]


@pytest.mark.parametrize(("readings", "stored", "extracted"), [
    (["x1"], [], ["x1"]),                      # a new source
    (["x1", "x2"], [], ["x2"]),                # read twice in one run: its last reading
    (["x1", "x2", "x1"], [], ["x1"]),          # ... even when the last reading is the first version again
    (["x2", "x1"], ["x1"], []),                # the last reading is the stored version: nothing to extract
    (["x1", "x2"], ["x2"], []),
])
def test_plan_keeps_the_last_reading_of_a_source(readings, stored, extracted):
    table = pa.Table.from_pylist([article_row(a, "x.jsonl#id=1") for a in stored], schema=ARTICLES.schema)
    planner = Planner(table, "v1")
    staged = [a for a in readings if planner.decide(article(a, "x.jsonl#id=1"))]
    assert [a for a in staged if a not in planner.superseded] == extracted


T0 = NOW
T1, T2 = NOW + timedelta(seconds=1), NOW + timedelta(seconds=2)


@pytest.mark.parametrize(("stored", "candidates", "landing", "replaced"), [
    ([], [("a1", "a", T1)], {"a1"}, set()),                                   # new source
    ([("a1", "a", T1)], [("a2", "a", T2)], {"a2"}, {"a1"}),                   # newer reading replaces
    ([("a2", "a", T2)], [("a1", "a", T1)], set(), set()),                     # older reading never comes back
    ([("a1", "a", T1)], [("a1", "a", T2)], {"a1"}, {"a1"}),                   # the stored version re-extracted
    ([("a2", "a", T2)], [("a1", "a", T0)], set(), set()),                     # reprocess of a replaced version
    ([("a1", "a", T1), ("b1", "b", T1)], [("a2", "a", T2), ("a3", "a", T0)], {"a2"}, {"a1"}),  # batch: later wins
    ([("a1", "a", T1), ("a0", "a", T0)], [("a2", "a", T2)], {"a2"}, {"a0", "a1"}),  # duplicates of a legacy store go
])
def test_decide_landing_keeps_the_reading_made_last(tmp_path, stored, candidates, landing, replaced):
    if stored:
        commit_batch(tmp_path, {"articles": to_arrow(ARTICLES, [article_row(a, k, read_at=t) for a, k, t in stored])},
                     {a for a, _, _ in stored})
    assert decide_landing(tmp_path, candidates) == (landing, replaced)


def test_commit_replaces_rows_of_reprocessed_articles_only_even_across_months(tmp_path):
    commit_batch(tmp_path, batch([article_row("a1", "a.txt"), article_row("b1", "b.txt")],
                                 [mention("a1", 1), mention("a1", 5), mention("b1", 1)]), {"a1", "b1"})
    # a new version of a.txt, now dated a month earlier: its old rows in 2026-01 go, the new ones land in 2025-12
    commit_batch(tmp_path, batch([article_row("a2", "a.txt", published=date(2025, 12, 1))],
                                 [mention("a2", 7, month="2025-12")]), {"a1", "a2"})
    assert sorted(read_table(tmp_path, ARTICLES).column("article_id").to_pylist()) == ["a2", "b1"]
    assert sorted(read_table(tmp_path, MENTIONS).column("mention_id").to_pylist()) == ["a2:7-10", "b1:1-4"]


def test_commit_with_nothing_to_change_commits_nothing(tmp_path):
    commit_batch(tmp_path, batch([article_row("a", "a.txt")], [mention("a", 1)]), {"a"})
    version = table_version(tmp_path, MENTIONS)
    assert not replace_rows(tmp_path, MENTIONS, MENTIONS.schema.empty_table(), {"article_id": ["zzz"]})
    assert table_version(tmp_path, MENTIONS) == version


def test_undated_articles_live_in_their_own_partition(tmp_path):
    commit_batch(tmp_path, batch([article_row("a", "a.txt", published=None)], [mention("a", 1, month=None)]), {"a"})
    commit_batch(tmp_path, batch([article_row("a2", "a.txt", published=None)], [mention("a2", 3, month=None)]),
                 {"a", "a2"})
    assert read_table(tmp_path, MENTIONS).column("article_id").to_pylist() == ["a2"]


def test_entities_follow_mentions_incrementally(tmp_path):
    commit_batch(tmp_path, batch([article_row("a", "a.txt"), article_row("b", "b.txt", published=date(2026, 1, 9))],
                                 [mention("a", 1, entity="x"), mention("b", 1, entity="x"), mention("b", 5, entity="y")]),
                 {"a", "b"})
    assert sorted(e["entity_id"] for e in sync_entities(tmp_path)) == ["x-ORG", "y-ORG"]
    entities = {r["entity_id"]: r for r in read_table(tmp_path, ENTITIES).to_pylist()}
    assert (entities["x-ORG"]["n_articles"], entities["x-ORG"]["last_seen"]) == (2, date(2026, 1, 9))
    commit_batch(tmp_path, batch([article_row("b2", "b.txt")], [mention("b2", 2, entity="z")]), {"b", "b2"})
    commit_batch(tmp_path, batch([article_row("c", "c.txt")], [mention("c", 2, entity="x")]), {"c"})
    commit_batch(tmp_path, batch([article_row("c2", "c.txt")], [mention("c2", 2, entity="v")]), {"c", "c2"})
    assert [e["entity_id"] for e in sync_entities(tmp_path)] == ["v-ORG", "z-ORG"]  # three commits caught up at once
    entities = {r["entity_id"]: r for r in read_table(tmp_path, ENTITIES).to_pylist()}
    assert sorted(entities) == ["v-ORG", "x-ORG", "z-ORG"]  # y lost its only mention
    assert entities["x-ORG"]["n_articles"] == 1
    # the same as rebuilding from every mention
    mentions, articles = read_table(tmp_path, MENTIONS), read_table(tmp_path, ARTICLES)
    rebuilt = sorted(aggregate_entities(mentions, articles), key=lambda r: r["entity_id"])
    assert read_table(tmp_path, ENTITIES).to_pylist() == rebuilt


def test_entities_catch_up_after_a_kill_between_commits(tmp_path):
    commit_batch(tmp_path, batch([article_row("a", "a.txt")], [mention("a", 1, entity="x")]), {"a"})
    sync_entities(tmp_path)
    # as if killed right after a mentions commit: entities were not synced
    replace_rows(tmp_path, MENTIONS, to_arrow(MENTIONS, [mention("a", 4, entity="w")]),
                 {PARTITION: ["2026-01"], "article_id": ["a"]})
    assert [e["entity_id"] for e in sync_entities(tmp_path)] == ["w-ORG"]
    assert read_table(tmp_path, ENTITIES).column("entity_id").to_pylist() == ["w-ORG"]
    assert sync_entities(tmp_path) == []  # in step: nothing to do, nothing committed


def test_maintain_compacts_crowded_months_only(tmp_path):
    for i in range(5):
        commit_batch(tmp_path, batch([article_row(f"a{i}", f"a{i}.txt")], [mention(f"a{i}", 1)]), {f"a{i}"})
    commit_batch(tmp_path, batch([article_row("old", "old.txt", published=date(2024, 5, 1))],
                                 [mention("old", 1, month="2024-05")]), {"old"})
    rows = read_table(tmp_path, MENTIONS)
    assert maintain(tmp_path, MENTIONS, max_files=3) == ["2026-01"]
    files = delta_table(tmp_path, MENTIONS).file_uris()
    assert sum(f"{PARTITION}=2026-01" in f for f in files) == 1
    assert read_table(tmp_path, MENTIONS).equals(rows)


def test_rejects_keep_the_first_row_and_drop_settled_ones(tmp_path):
    first = reject_row("x.txt")
    merge_rejects(tmp_path, [first, reject_row("y.txt")], {"x.txt", "y.txt"})
    again = {**first, "run_id": "r2"}
    merge_rejects(tmp_path, [again], {"x.txt", "y.txt"})  # y.txt now parses
    stored = read_table(tmp_path, REJECTS).to_pylist()
    assert [(r["path"], r["run_id"]) for r in stored] == [("x.txt", "r1")]
    version = table_version(tmp_path, REJECTS)
    merge_rejects(tmp_path, [again], {("x.txt", None)})
    assert table_version(tmp_path, REJECTS) == version  # no change, no commit


def test_single_file_parquet_stores_are_converted_once(tmp_path):
    from pipeline.store.legacy import LEGACY, migrate_legacy

    old_articles = pa.Table.from_pylist([article_row("a", "a.txt", published=date(2025, 11, 2))], schema=ARTICLES.schema)
    pq.write_table(old_articles.drop_columns([PARTITION]), tmp_path / "articles.parquet")
    old_mentions = to_arrow(MENTIONS, [mention("a", 1, month=None)]).drop_columns([PARTITION])
    pq.write_table(old_mentions, tmp_path / "mentions.parquet")
    assert migrate_legacy(tmp_path) == ["articles", "mentions"]
    assert read_table(tmp_path, MENTIONS).column(PARTITION).to_pylist() == ["2025-11"]
    assert read_table(tmp_path, ARTICLES).column("article_id").to_pylist() == ["a"]
    assert sorted(p.name for p in (tmp_path / LEGACY).iterdir()) == ["articles.parquet", "mentions.parquet"]
    assert not list(tmp_path.glob("*.parquet"))
    assert migrate_legacy(tmp_path) == []


def test_fresh_claim_links_to_amounts_not_stored_are_found(tmp_path):
    from pipeline.schema import AMOUNTS, CLAIM_AMOUNTS
    from pipeline.store import stale_amount_links

    def amount(article_id, start):
        return {"article_id": article_id, "amount_id": f"{article_id}:a{start}-{start + 2}", "sent_index": 0,
                "start": start, "stop": start + 2, "text": "5%", "kind": "percent", "value": 5.0, "value_min": 5.0,
                "value_max": 5.0, "unit": "%", "currency": None, "qualifier": "none", "scale_word": None,
                PARTITION: "2026-01"}

    def link(article_id, amount_id):
        return {"claim_id": f"{article_id}:c1", "amount_id": amount_id, "article_id": article_id, "rank": 0,
                "role": "primary", PARTITION: "2026-01"}

    commit_batch(tmp_path, {"articles": to_arrow(ARTICLES, [article_row("a", "a.txt"), article_row("b", "b.txt")]),
                            "amounts": to_arrow(AMOUNTS, [amount("a", 3), amount("b", 3)])}, {"a", "b"})
    fresh = to_arrow(CLAIM_AMOUNTS, [link("a", "a:a3-5"), link("b", "b:a9-11")])  # b's amount moved
    assert stale_amount_links(tmp_path, fresh) == {"b"}
    assert stale_amount_links(tmp_path, CLAIM_AMOUNTS.schema.empty_table()) == set()


def _dated(article_id: str, day: date | None, text: str = "Текст статьи.") -> Article:
    return Article(article_id, article_id, "txt", f"{article_id}.txt", None, None, day, "", text, "utf-8")


@pytest.mark.parametrize("days, size, expected", [
    # input order alternates months; full batches come out one month each
    ([date(2024, 1, 5), date(2024, 2, 5), date(2024, 1, 6), date(2024, 2, 6)], 2, [["a0", "a2"], ["a1", "a3"]]),
    # remainders are packed oldest month first, undated last
    ([date(2024, 3, 1), None, date(2024, 1, 1)], 5, [["a2", "a0", "a1"]]),
    ([date(2024, 3, 1), None, date(2024, 1, 1), date(2024, 1, 2)], 2, [["a2", "a3"], ["a0", "a1"]]),
    ([date(2024, 1, d) for d in range(1, 6)], 2, [["a0", "a1"], ["a2", "a3"], ["a4"]]),
    ([date(2024, 2, 1), date(2024, 1, 1), date(2024, 2, 2), date(2024, 1, 2), date(2024, 2, 3)], 3,
     [["a0", "a2", "a4"], ["a1", "a3"]]),
])
def test_batches_hold_one_publication_month(days, size, expected):
    batcher = MonthBatcher(size)
    batches = [b for i, day in enumerate(days) for b in batcher.add(_dated(f"a{i}", day))] + batcher.flush()
    assert [[a.article_id for a in batch] for batch in batches] == expected


def test_batches_go_out_early_when_pending_text_is_large():
    batcher = MonthBatcher(100, max_pending_chars=25)
    assert batcher.add(_dated("a", date(2024, 1, 1), "x" * 10), {"a"}) == []
    assert batcher.add(_dated("b", date(2024, 2, 1), "y" * 5), {"b"}) == []
    early = batcher.add(_dated("c", date(2024, 1, 2), "z" * 12), {"c"})  # 27 chars pending: January goes
    assert [[(a.article_id, r) for a, r in batch] for batch in early] == [[("a", {"a"}), ("c", {"c"})]]
    assert [[a.article_id for a, _ in batch] for batch in batcher.flush()] == [["b"]]
    assert batcher.chars == 0


def test_a_batch_that_fails_half_way_is_rolled_back_at_once(tmp_path, monkeypatch):
    import pipeline.store.commit as commit

    commit_batch(tmp_path, batch([article_row("a", "a.txt")], [mention("a", 1)]), {"a"})
    before = {t.name: read_table(tmp_path, t) for t in (ARTICLES, MENTIONS)}
    real = commit.replace_rows

    def disk_full_at_articles(out_dir, table, *args, **kwargs):
        if table is ARTICLES:
            raise OSError("No space left on device")
        return real(out_dir, table, *args, **kwargs)

    monkeypatch.setattr(commit, "replace_rows", disk_full_at_articles)
    with pytest.raises(OSError):
        commit_batch(tmp_path, batch([article_row("b", "b.txt")], [mention("b", 2)]), {"b"})
    assert {t.name: read_table(tmp_path, t) for t in (ARTICLES, MENTIONS)} == before
    assert not (tmp_path / INTENT).exists()


def test_a_batch_a_killed_writer_left_half_committed_is_rolled_back_by_the_next_writer(tmp_path):
    commit_batch(tmp_path, batch([article_row("a", "a.txt")], [mention("a", 1)]), {"a"})
    before = read_table(tmp_path, MENTIONS)
    block = all_or_nothing(tmp_path, [MENTIONS, ARTICLES])
    block.__enter__()  # the writer dies inside the block: its exit never runs
    replace_rows(tmp_path, MENTIONS, to_arrow(MENTIONS, [mention("b", 2)]), {"article_id": ["b"]})
    assert read_table(tmp_path, MENTIONS).num_rows == 2 and (tmp_path / INTENT).exists()
    with output_lock(tmp_path):  # the next writer
        assert read_table(tmp_path, MENTIONS).equals(before)
    assert not (tmp_path / INTENT).exists()


def test_a_table_the_killed_batch_created_is_removed(tmp_path):
    block = all_or_nothing(tmp_path, [MENTIONS, ARTICLES])
    block.__enter__()
    replace_rows(tmp_path, MENTIONS, to_arrow(MENTIONS, [mention("b", 2)]), {"article_id": ["b"]})
    assert recover(tmp_path) == ["mentions"]
    assert delta_table(tmp_path, MENTIONS) is None


def test_readers_see_the_published_versions_only(tmp_path):
    commit_batch(tmp_path, batch([article_row("a", "a.txt")], [mention("a", 1)]), {"a"})
    assert snapshot(tmp_path).versions["articles"] == 0 and read(tmp_path, "articles").num_rows == 1  # no manifest
    publish(tmp_path)
    commit_batch(tmp_path, batch([article_row("b", "b.txt")], [mention("b", 2)]), {"b"})
    snap = snapshot(tmp_path)
    assert snap.read("articles").column("article_id").to_pylist() == ["a"]
    assert snap.read("entities").num_rows == 0  # never published: empty, not the latest
    assert read_table(tmp_path, ARTICLES).num_rows == 2  # the writers' view: the latest
    con = snap.duckdb()
    assert con.execute("SELECT count(*) FROM mentions JOIN articles USING (article_id)").fetchone() == (1,)
    publish(tmp_path)
    assert snapshot(tmp_path).read("articles").num_rows == 2


def test_a_store_without_a_manifest_is_read_without_the_half_batch_a_writer_left(tmp_path):
    commit_batch(tmp_path, batch([article_row("a", "a.txt")], [mention("a", 1)]), {"a"})
    block = all_or_nothing(tmp_path, [MENTIONS, ARTICLES])
    block.__enter__()  # a writer of the batch dies after its mentions: no manifest anywhere yet
    replace_rows(tmp_path, MENTIONS, to_arrow(MENTIONS, [mention("b", 2)]), {"article_id": ["b"]})
    snap = snapshot(tmp_path)
    assert snap.versions == {"articles": 0, "mentions": 0}
    assert snap.read("mentions").column("article_id").to_pylist() == ["a"]


def test_the_first_writer_publishes_before_it_changes_anything(tmp_path):
    from pipeline.store.legacy import prepare_store

    with output_lock(tmp_path):
        assert prepare_store(tmp_path) == []
    assert snapshot(tmp_path).versions == {}  # a new store: published empty
    commit_batch(tmp_path, batch([article_row("a", "a.txt")], [mention("a", 1)]), {"a"})
    assert snapshot(tmp_path).read("articles").num_rows == 0  # the run under way is not seen
    publish(tmp_path)
    assert snapshot(tmp_path).read("mentions").num_rows == 1


def test_the_first_publication_of_an_older_store_shows_every_table(tmp_path):
    from pipeline.schema import EVAL_METRICS

    commit_batch(tmp_path, batch([article_row("a", "a.txt")], [mention("a", 1)]), {"a"})
    publish(tmp_path, [EVAL_METRICS])  # e.g. `pipeline eval` is the first writer after an upgrade
    assert snapshot(tmp_path).read("mentions").num_rows == 1
