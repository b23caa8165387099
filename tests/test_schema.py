from pathlib import Path

import pytest

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


def test_fact_tables_take_their_columns_from_the_records():
    from dataclasses import dataclass
    from datetime import date

    import pyarrow as pa

    from pipeline.schema import record_columns

    @dataclass(frozen=True)
    class Sample:
        name: str
        day: date | None
        count: int

    columns = record_columns(Sample, (("count", "How many."), ("name", "Its name."), ("day", "When.")))
    assert [(c.name, c.type, c.nullable) for c in columns] == [
        ("count", pa.int32(), False), ("name", pa.string(), False), ("day", pa.date32(), True)]
    with pytest.raises(TypeError, match="not the described columns"):
        record_columns(Sample, (("name", "Its name."), ("day", "When.")))  # a field without its column
