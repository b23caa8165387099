"""A Frictionless Data Package descriptor (https://specs.frictionlessdata.io/data-package/) generated from the
table schemas in `pipeline.schema`: field types, descriptions, required fields, primary and foreign keys."""

from __future__ import annotations

import pyarrow as pa

from pipeline.schema import Table

PARQUET = "application/vnd.apache.parquet"


_TYPES = [(pa.types.is_string, "string"), (pa.types.is_integer, "integer"), (pa.types.is_floating, "number"),
          (pa.types.is_boolean, "boolean"), (pa.types.is_date, "date"), (pa.types.is_timestamp, "datetime"),
          (pa.types.is_list, "array")]


def field_type(kind: pa.DataType) -> str:
    """The Table Schema type of an Arrow type."""
    for test, name in _TYPES:
        if test(kind):
            return name
    raise ValueError(f"no Table Schema type for {kind}")


def table_schema(table: Table, unique: set[str]) -> dict:
    fields = []
    for column in table.columns:
        field = {"name": column.name, "type": field_type(column.type), "description": column.description}
        constraints = {}
        if not column.nullable:
            constraints["required"] = True
        if column.name in unique:
            constraints["unique"] = True
        if constraints:
            field["constraints"] = constraints
        fields.append(field)
    schema = {"fields": fields, "primaryKey": list(table.key)}
    if table.references:
        schema["foreignKeys"] = [{"fields": column, "reference": {"resource": target, "fields": field}}
                                 for column, target, field in table.references]
    return schema


def descriptor(tables: list[Table], paths: dict[str, str], version: str, created: str, title: str) -> dict:
    """The package of `tables` stored at `paths` (relative to the descriptor). Columns another table refers to
    that are not their table's whole primary key are declared unique (mention_id, amount_id, claim_id)."""
    names = {t.name for t in tables}
    unique: dict[str, set[str]] = {}
    for table in tables:
        for _, target, field in table.references:
            unique.setdefault(target, set()).add(field)
    resources = []
    for table in tables:
        schema_ = table_schema(table, {f for f in unique.get(table.name, ()) if [f] != list(table.key)})
        schema_["foreignKeys"] = [k for k in schema_.get("foreignKeys", []) if k["reference"]["resource"] in names]
        if not schema_["foreignKeys"]:
            schema_.pop("foreignKeys")
        resources.append({"name": table.name, "path": paths[table.name], "format": "parquet", "mediatype": PARQUET,
                          "description": table.description, "schema": schema_})
    return {"name": "ru-technews-claims", "title": title, "version": version, "created": created,
            "licenses": [{"name": "other-closed", "title": "The articles' texts belong to their publishers"}],
            "resources": resources}
