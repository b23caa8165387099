"""What analysts receive: a bundle folder (`bundle.export_bundle`) with the Parquet tables, a DuckDB database
with documented views, a Frictionless data package and a dataset card. Reads one published snapshot of the store,
so every file of a bundle describes the same state. No Prefect here."""

from pipeline.handoff.bundle import export_bundle

__all__ = ["export_bundle"]
