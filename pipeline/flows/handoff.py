"""The `export` flow: the analysts' bundle of the published tables."""

from __future__ import annotations

from prefect import flow, get_run_logger
from prefect.artifacts import create_markdown_artifact

from pipeline.config import PROCESSED_DIR


@flow(name="export")
def export(out_dir: str = str(PROCESSED_DIR), to_dir: str = str(PROCESSED_DIR.parent / "bundle"),
           zip_archive: bool = False) -> dict:
    """Write the analysts' bundle of the published tables: Parquet files, a DuckDB database with the views
    claims_full and entity_mentions_by_month, a Frictionless datapackage.json and a dataset card (README.md).

    Args:
        out_dir: Folder of the Delta tables.
        to_dir: Bundle folder to write (replaced as a whole when it holds an earlier bundle).
        zip_archive: Also write `<to_dir>.zip`.
    """
    from pipeline.handoff import export_bundle

    written = export_bundle(out_dir, to_dir, zip_archive)
    zipped = f", zip: `{written['zip']}`" if written["zip"] else ""
    lines = ["# export", "", f"bundle: `{written['bundle']}`" + zipped,
             "", "| table | rows |", "| --- | --- |"] + [f"| {n} | {r} |" for n, r in written["rows"].items()]
    create_markdown_artifact("\n".join(lines), key="export-summary", description="Bundle written")
    get_run_logger().info("bundle written to %s", written["bundle"])
    return written
