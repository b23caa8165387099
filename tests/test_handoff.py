"""The analysts' bundle: written from a run of the sample articles, opened the ways analysts open it."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from helpers import RAW_DIR
from pipeline.flows import export, process_articles
from pipeline.handoff.bundle import ExportError, export_bundle
from pipeline.schema import TABLES

pytestmark = pytest.mark.usefixtures("prefect_harness")


@pytest.fixture(scope="module")
def bundle(tmp_path_factory, prefect_harness) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("handoff")
    process_articles(inputs=[str(RAW_DIR)], out_dir=str(root / "out"))
    written = export(out_dir=str(root / "out"), to_dir=str(root / "bundle"), zip_archive=True)
    assert written["rows"]["articles"] == 12
    return root / "out", root / "bundle"


def test_the_bundle_holds_tables_database_package_and_card(bundle):
    _, folder = bundle
    assert sorted(p.name for p in folder.iterdir()) == ["README.md", "datapackage.json", "news.duckdb", "tables"]
    assert sorted(p.stem for p in (folder / "tables").iterdir()) == sorted(
        ["articles", "mentions", "amounts", "timex", "claims", "claim_amounts", "entities", "rejects"])
    with zipfile.ZipFile(folder.with_name("bundle.zip")) as archive:
        assert {"README.md", "datapackage.json", "news.duckdb", "tables/claims.parquet"} <= set(archive.namelist())


def test_duckdb_opens_the_views_with_dates_as_dates(bundle):
    import duckdb

    _, folder = bundle
    con = duckdb.connect(str(folder / "news.duckdb"), read_only=True)
    rows = con.execute("SELECT article_title, published_at, subject_canonical, relation, value, time_start "
                       "FROM claims_full LIMIT 5").fetchall()
    assert len(rows) == 5 and all(row[0] for row in rows)
    types = dict(con.execute("SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = 'claims_full'")
                 .fetchall())
    assert types["published_at"] == types["time_start"] == "DATE"
    assert con.execute("SELECT count(*) FROM claims_full").fetchone() == con.execute(
        "SELECT count(*) FROM claims").fetchone()  # every claim has its article
    top = con.execute("SELECT canonical, sum(articles) FROM entity_mentions_by_month GROUP BY canonical "
                      "ORDER BY 2 DESC LIMIT 1").fetchone()
    assert top[1] >= 2
    comment = con.execute("SELECT comment FROM duckdb_columns() WHERE table_name = 'claims' "
                          "AND column_name = 'subject_mention_id'").fetchone()[0]
    assert "mentions.mention_id" in comment
    assert con.execute("SELECT comment FROM duckdb_views() WHERE view_name = 'claims_full'").fetchone()[0]


def test_pandas_and_polars_read_dates_as_dates(bundle):
    import pandas as pd
    import polars as pl

    _, folder = bundle
    claims = pd.read_parquet(folder / "tables" / "claims.parquet", dtype_backend="pyarrow")
    assert claims.time_start.dt.year.dropna().min() >= 2000  # the `.dt` accessor works on the dates
    frame = pl.read_parquet(folder / "tables" / "articles.parquet")
    assert frame.schema["published_at"] == pl.Date


def test_datapackage_validates_with_frictionless(bundle):
    from frictionless import Package, validate

    _, folder = bundle
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    assert Package.validate_descriptor(descriptor).valid
    claims = next(r for r in descriptor["resources"] if r["name"] == "claims")
    assert claims["schema"]["primaryKey"] == list(TABLES["claims"].key)
    assert {"fields": "subject_mention_id", "reference": {"resource": "mentions", "fields": "mention_id"}} \
        in claims["schema"]["foreignKeys"]
    report = validate(str(folder / "datapackage.json"))
    errors = {(task.name, error.type, getattr(error, "field_name", None)) for task in report.tasks for error in task.errors}
    # frictionless reads Parquet through pandas: a nullable integer arrives as a float (NaN) and a list as a NumPy
    # array, which its type check rejects; everything else — required fields, primary and foreign keys — holds
    assert errors <= {("articles", "type-error", "line"), ("articles", "type-error", "warnings"),
                      ("entities", "type-error", "aliases")}


def test_the_card_says_what_when_how_good_and_how_to_load(bundle):
    _, folder = bundle
    card = (folder / "README.md").read_text(encoding="utf-8")
    assert "12 Russian tech-news articles" in card and "| `claims` | 86 |" in card
    assert "## How good it is" in card and "claim subject" in card
    assert "## Known limitations" in card and "coreference" in card
    assert 'dtype_backend="pyarrow"' in card and "claims_full" in card


def test_export_replaces_a_bundle_and_refuses_other_folders(bundle, tmp_path):
    out, folder = bundle
    export_bundle(out, folder)  # again: replaced as a whole
    assert (folder / "datapackage.json").is_file()
    assert [p.name for p in folder.parent.glob(".bundle.*")] == [".bundle.lock"]
    (tmp_path / "notes.txt").write_text("мои заметки", encoding="utf-8")
    with pytest.raises(ExportError, match="not a bundle"):
        export_bundle(out, tmp_path)
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "мои заметки"
    with pytest.raises(ExportError, match="no tables"):
        export_bundle(tmp_path / "nothing", tmp_path / "b")


def test_an_export_cleans_what_killed_exports_left(bundle, tmp_path):
    out, _ = bundle
    target = tmp_path / "bundle"
    export_bundle(out, target)
    for leftover in (".bundle.partial-123/tables", ".bundle.old-456/tables"):
        (tmp_path / leftover).mkdir(parents=True)
    (tmp_path / ".bundle.zip-partial.zip").write_bytes(b"PK")
    export_bundle(out, target)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".bundle.lock", "bundle"]

    # killed between moving the old bundle aside and moving the new one in: the old one comes back first
    target.rename(tmp_path / ".bundle.old-789")
    (tmp_path / ".bundle.partial-789").mkdir()
    export_bundle(out, target)
    assert (target / "datapackage.json").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == [".bundle.lock", "bundle"]


def test_report_writes_only_into_a_folder_of_its_own(bundle, tmp_path):
    from pipeline.cli import main

    out, _ = bundle
    mine = tmp_path / "documents"
    (mine / "articles").mkdir(parents=True)
    files = {"notes.txt": "мои заметки", "index.html": "<h1>моя страница</h1>", "articles/old.html": "<p>моё</p>",
             "articles-2.html": "<p>тоже моё</p>"}
    for name, text in files.items():
        (mine / name).write_text(text, encoding="utf-8")
    assert main(["report", str(out), "--to", str(mine)]) == 2
    assert {str(p.relative_to(mine)) for p in mine.rglob("*") if p.is_file()} == set(files)  # nothing added either
    assert all((mine / name).read_text(encoding="utf-8") == text for name, text in files.items())

    site = tmp_path / "site"
    assert main(["report", str(out), "--to", str(site)]) == 0
    assert (site / ".review-site").is_file() and (site / "index.html").is_file()
    (site / "articles" / "notes.txt").write_text("заметка рядом со страницами", encoding="utf-8")
    assert main(["report", str(out), "--to", str(site)]) == 0  # its own folder: brought up to date
    assert (site / "articles" / "notes.txt").is_file()  # not a page of the site: left alone
