"""The run as plain code (`pipeline.run`): its typed results, and `run_once` storing exactly what the Prefect flow
stores (the flow only wraps the same steps in tasks)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pipeline.config import RAW_DIR
from pipeline.run import BatchOutcome, Plan, ReprocessSummary, RunSummary, run_once
from pipeline.schema import PROCESS_TABLES
from pipeline.store import read

RUN_COLUMNS = {"run_id", "ingested_at", "read_at", "rejected_at"}  # when and by which run, not what


def test_batch_outcomes_add_up():
    one = BatchOutcome(2, 0, [], {"mentions": 5, "claims": 1}, [{"claim_id": "a"}])
    two = BatchOutcome(1, 1, [{"path": "x.txt", "line": None, "reason": "nlp_error", "detail": ""}],
                       {"mentions": 3, "amounts": 2}, [])
    total = sum([one, two], BatchOutcome())
    assert (total.processed, total.superseded, len(total.failed), total.articles) == (3, 1, 1, 5)
    assert total.added == {"mentions": 8, "claims": 1, "amounts": 2}
    assert one.added == {"mentions": 5, "claims": 1}  # adding never changes an operand


@pytest.mark.parametrize("read_, skipped, to_process, batch_superseded, expected_superseded", [
    (10, 4, 6, 0, 0),
    (10, 4, 5, 0, 1),   # one source read twice in the run: its earlier reading is superseded at planning
    (10, 4, 6, 2, 2),   # two extracted articles lost to a newer reading that landed meanwhile
])
def test_the_summary_counts_superseded_readings_once(read_, skipped, to_process, batch_superseded,
                                                      expected_superseded):
    plan = Plan("staging", [], read_, skipped, to_process, [{"path": "bad.txt"}])
    done = BatchOutcome(to_process - batch_superseded, batch_superseded, [], {"claims": 7, "timex": 3}, [])
    summary = RunSummary.of(plan, done, "run", "out", "v1")
    assert (summary.superseded, summary.rejected, summary.claims, summary.timexes) == (expected_superseded, 1, 7, 3)
    assert "inbox_settled" not in summary.to_dict()
    assert list(summary.to_dict())[:4] == ["run_id", "out_dir", "pipeline_version", "articles_read"]


def test_a_reprocess_summary_has_no_inputs_read_and_lists_only_on_a_dry_run():
    summary = ReprocessSummary(run_id="r", out_dir="o", pipeline_version="v", selected=3, skipped=3, stages="claims")
    row = summary.to_dict()
    assert "articles_read" not in row and "would_process" not in row
    assert (row["selected"], row["stages"], row["dry_run"]) == (3, "claims", False)
    summary.would_process = []
    assert summary.to_dict()["would_process"] == []


def _content(out: Path) -> dict:
    tables = {}
    for name in PROCESS_TABLES:
        if (out / name).exists():
            table = read(out, name)
            tables[name] = table.drop([c for c in table.column_names if c in RUN_COLUMNS])
    return tables


@pytest.mark.usefixtures("prefect_harness")
def test_run_once_stores_what_the_flow_stores(tmp_path):
    from pipeline.flows import process_articles

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for path in sorted(RAW_DIR.glob("*.txt"))[:3]:
        shutil.copy(path, inbox)
    (inbox / "broken.txt").write_bytes(b"\x00\x01binary")
    direct = run_once([str(inbox)], str(tmp_path / "direct"), batch_size=2)
    flowed = process_articles(inputs=[str(inbox)], out_dir=str(tmp_path / "flow"), batch_size=2)
    assert (direct.processed, direct.rejected) == (3, 1)
    assert {k: v for k, v in direct.to_dict().items() if k not in {"run_id", "out_dir", "seconds", "review"}} == \
        {k: v for k, v in flowed.items() if k not in {"run_id", "out_dir", "seconds", "review"}}
    a, b = _content(tmp_path / "direct"), _content(tmp_path / "flow")
    assert a.keys() == b.keys()
    for name in a:
        assert a[name].equals(b[name]), name
    again = run_once([str(inbox)], str(tmp_path / "direct"), batch_size=2)
    assert (again.processed, again.skipped) == (0, 3)


def test_a_clean_run_leaves_every_table_openable_rejects_included(tmp_path):
    """Nothing rejected: the rejects table exists, empty, so `deltalake` and polars open it like any other; the
    next run with nothing new creates nothing again."""
    import deltalake
    import polars

    from pipeline.schema import REJECTS, TABLES

    inputs = tmp_path / "inputs"
    inputs.mkdir()
    shutil.copy(sorted(RAW_DIR.glob("*.txt"))[0], inputs)
    out = tmp_path / "out"
    run_once([str(inputs)], str(out), batch_size=5, review=False)
    rejects = deltalake.DeltaTable(str(out / REJECTS.name))
    assert rejects.to_pyarrow_table().num_rows == 0
    assert polars.read_delta(str(out / REJECTS.name)).columns == REJECTS.column_names
    versions = {name: deltalake.DeltaTable(str(out / name)).version() for name in TABLES if (out / name).exists()}
    assert {"articles", "mentions", "amounts", "timex", "claims", "claim_amounts", "entities", "rejects"} <= set(versions)
    run_once([str(inputs)], str(out), batch_size=5, review=False)
    assert {name: deltalake.DeltaTable(str(out / name)).version() for name in versions} == versions
