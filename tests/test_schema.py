from pathlib import Path

from pipeline.ingest import REJECT_REASONS
from pipeline.schema import REJECTS, TABLES, render_data_dictionary

DICTIONARY = Path(__file__).resolve().parent.parent / "docs" / "DATA_DICTIONARY.md"


def test_every_column_is_described_and_keys_exist():
    for table in TABLES.values():
        assert table.description
        names = table.column_names
        assert len(names) == len(set(names)), table.name
        assert set(table.key) <= set(names)
        for column in table.columns:
            assert len(column.description) > 10, f"{table.name}.{column.name}"


def test_reject_reasons_are_documented_in_the_schema():
    reason = next(c for c in REJECTS.columns if c.name == "reason")
    for name in REJECT_REASONS:
        assert name in reason.description


def test_committed_data_dictionary_is_current():
    assert DICTIONARY.read_text(encoding="utf-8").strip() == render_data_dictionary().strip(), \
        "docs/DATA_DICTIONARY.md is stale: run `make schema`"
