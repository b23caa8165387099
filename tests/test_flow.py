"""End-to-end: raw files -> Prefect flow -> Parquet tables, under a temporary Prefect server."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from helpers import RAW_DIR, write_ann_corpus
from pipeline.cli import main
from pipeline.flows import process_articles
from pipeline.schema import PARTITION
from pipeline.schema import PROCESS_TABLES as TABLES
from pipeline.store import dataset, delta_table, read, table_version

pytestmark = [pytest.mark.flow, pytest.mark.usefixtures("prefect_harness")]


def tables(out: Path) -> dict[str, pd.DataFrame]:
    return {name: read(out, name).to_pandas() for name in TABLES}


@pytest.fixture(scope="module")
def raw_run(tmp_path_factory, prefect_harness):
    out = tmp_path_factory.mktemp("processed")
    summary = process_articles(inputs=[str(RAW_DIR)], out_dir=str(out), batch_size=5)
    return out, summary


def test_raw_articles_land_with_dates_titles_and_clean_text(raw_run):
    out, summary = raw_run
    assert (summary["processed"], summary["rejected"], summary["skipped"]) == (12, 0, 0)
    articles = tables(out)["articles"].set_index("source_id")
    assert len(articles) == 12
    tsmc = articles.loc["001_tsmc_arizona.txt"]
    assert tsmc.published_at == date(2025, 10, 17)
    assert tsmc.title == "TSMC отчиталась о рекордной выручке и ускорит строительство заводов в Аризоне"
    assert tsmc.n_chars == len(tsmc.text)
    # the first line is already article text: it is the title, and stays in the text
    assert articles.loc["005_mistral_funding.txt"].title.startswith("Французский стартап Mistral AI привлёк €1,7 млрд")
    intel = articles.loc["012_intel_layoffs.txt"]
    assert intel.published_at is None or pd.isna(intel.published_at)
    assert "published_at unknown" in intel.warnings[0]
    for text in articles.text:
        assert "Источник изображения" not in text and "Если вы заметили ошибку" not in text
        assert not text.rstrip().endswith("Источник:")


def test_claims_join_back_to_the_mentions_of_their_subject_and_source(raw_run):
    out, _ = raw_run
    t = tables(out)
    mentions = t["mentions"].set_index("mention_id")
    for role in ("subject", "source"):
        named = t["claims"][t["claims"][f"{role}_entity_id"].notna()]
        assert len(named) > 5 and named[f"{role}_mention_id"].notna().all(), role
        joined = mentions.loc[named[f"{role}_mention_id"]]
        assert list(joined.entity_id) == list(named[f"{role}_entity_id"]), role
        assert list(joined.article_id) == list(named.article_id), role


def test_mentions_point_into_the_stored_text(raw_run):
    out, summary = raw_run
    t = tables(out)
    text = dict(zip(t["articles"].article_id, t["articles"].text))
    mentions = t["mentions"]
    assert len(mentions) == summary["mentions"] > 100
    assert mentions.mention_id.is_unique
    for row in mentions.itertuples():
        assert text[row.article_id][row.start:row.stop] == row.text
    rows = set(zip(mentions.text, mentions.type, mentions.normal))
    assert ("Сэма Альтмана", "PER", "Сэм Альтман") in rows
    assert ("Сбербанка", "ORG", "Сбербанк") in rows
    assert ("Санкт-Петербурге", "LOC", "Санкт-Петербург") in rows
    aliases = dict(zip(mentions.normal, mentions.alias))
    assert aliases["Си-Си Вэй"] == "C.C. Wei"


def test_golden_article_readable_rows(raw_run):
    """One article through the whole pipeline, compared with what a reader of it expects."""
    out, _ = raw_run
    t = tables(out)
    article_id = t["articles"].set_index("source_id").loc["006_samsung_hbm.txt"].article_id  # noqa: F841 (query)
    got = [tuple(r) for r in t["mentions"].query("article_id == @article_id")
           [["sent_index", "text", "type", "normal", "alias", "canonical"]].itertuples(index=False)]
    got = [tuple(None if pd.isna(v) else v for v in row) for row in got]
    assert got == [
        (0, "Samsung", "ORG", "Samsung", None, "Samsung"),  # the title is its own sentence
        (0, "HBM4", "PRODUCT", "HBM4", None, "HBM4"),
        (1, "Samsung Electronics", "ORG", "Samsung Electronics", None, "Samsung"),  # alias table
        (3, "Пак Сун Чхоль", "PER", "Пак Сун Чхоль", None, "Пак Сун Чхоль"),
        (3, "HBM4", "PRODUCT", "HBM4", None, "HBM4"),
        (3, "Nvidia Rubin", "PRODUCT", "Nvidia Rubin", None, "Rubin"),  # Natasha: ORG "Nvidia"; maker dropped
        (4, "TrendForce", "ORG", "TrendForce", None, "TrendForce"),
        (4, "Samsung", "ORG", "Samsung", None, "Samsung"),
        (4, "SK hynix", "ORG", "SK hynix", None, "SK hynix"),
        (5, "DDR5", "PRODUCT", "DDR5", None, "DDR5"),  # a memory generation is a product; "DRAM" is a class
        (6, "Samsung", "ORG", "Samsung", None, "Samsung"),
        (6, "Пхёнтхэке", "LOC", "Пхёнтхэк", None, "Пхёнтхэк"),
        (7, "Ли Джэ Ён", "PER", "Ли Джэ Ён", "Lee Jae-yong", "Ли Джэ Ён"),
        (7, "Nvidia", "ORG", "Nvidia", None, "Nvidia"),
        (7, "Дженсеном Хуангом", "PER", "Дженсен Хуанг", None, "Дженсен Хуанг"),
        (7, "Сеуле", "LOC", "Сеул", None, "Сеул"),
    ]
    amounts = [(a.text, a.kind, a.value_min, a.value_max, a.unit, a.qualifier)
               for a in t["amounts"].query("article_id == @article_id").itertuples()]
    assert amounts == [
        ("20,1 трлн вон", "money", 20.1e12, 20.1e12, "KRW", "none"),
        ("втрое", "multiplier", 3, 3, "times", "none"),
        ("54%", "percent", 54, 54, "percent", "none"),
        ("44 трлн вон", "money", 44e12, 44e12, "KRW", "none"),
        ("36%", "percent", 36, 36, "percent", "none"),
        ("32%", "percent", 32, 32, "percent", "none"),
        ("40–50%", "percent", 40, 50, "percent", "none"),
        ("примерно на 20%", "percent", 20, 20, "percent", "approx"),
    ]
    timexes = [(x.text, x.kind, str(x.start_date), str(x.end_date))
               for x in t["timex"].query("article_id == @article_id").itertuples()]
    assert timexes == [
        ("четвёртом квартале 2025 года", "date", "2025-10-01", "2025-12-31"),
        ("годичной давности", "date", "2024-10-01", "2024-12-31"),  # a year before the quarter it is compared with
        ("октябре–декабре", "interval", "2025-10-01", "2025-12-31"),
        ("за квартал", "interval", "2025-10-01", "2025-12-31"),
        ("первом квартале 2026 года", "date", "2026-01-01", "2026-03-31"),
        ("2026 году", "date", "2026-01-01", "2026-12-31"),
        ("понедельник", "date", "2026-01-26", "2026-01-26"),  # the article is from Thursday 29 January 2026
    ]


def test_tables_have_declared_schemas_and_read_in_duckdb(raw_run):
    out, _ = raw_run
    for name, table in TABLES.items():
        handle = delta_table(out, table)
        if handle is None:
            continue  # eval_metrics: written by `evaluate`
        files = handle.file_uris()
        if not files:  # an empty table (a clean run rejects nothing): its log alone carries the declared schema
            assert name == "rejects"
            assert handle.to_pyarrow_table().schema.remove_metadata().equals(table.schema.remove_metadata()), name
            continue
        for uri in files:  # the data files themselves carry the declared types (the partition is in the path)
            declared = pa.schema([f for f in table.schema if f.name != PARTITION])
            assert pq.read_schema(uri).remove_metadata().equals(declared.remove_metadata(), check_metadata=False), uri
    duckdb = pytest.importorskip("duckdb")
    with duckdb.connect() as con:
        con.register("mentions", dataset(out, "mentions"))
        [(count,)] = con.execute("SELECT count(*) FROM mentions WHERE type = 'PER'").fetchall()
    assert count > 10
    assert (out / "DATA_DICTIONARY.md").read_text(encoding="utf-8").startswith("# Data dictionary")


def test_rerun_is_identical_and_force_does_not_duplicate(raw_run, tmp_path):
    out, _ = raw_run
    copy = tmp_path / "copy"
    shutil.copytree(out, copy)
    before = {name: read(copy, name) for name in TABLES}
    versions = {name: table_version(copy, table) for name, table in TABLES.items()}
    summary = process_articles(inputs=[str(RAW_DIR)], out_dir=str(copy))
    assert (summary["processed"], summary["skipped"]) == (0, 12)
    for name in TABLES:
        assert read(copy, name).equals(before[name]), name
    assert {name: table_version(copy, table) for name, table in TABLES.items()} == versions  # nothing committed
    forced = process_articles(inputs=[str(RAW_DIR)], out_dir=str(copy), force=True)
    assert forced["processed"] == 12
    after = tables(copy)
    assert len(after["articles"]) == 12 and after["articles"].article_id.is_unique
    assert len(after["mentions"]) == len(before["mentions"]) and after["mentions"].mention_id.is_unique


def test_bad_inputs_are_rejected_and_the_batch_still_lands(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(RAW_DIR / "001_tsmc_arizona.txt", inbox)
    (inbox / "empty.txt").write_bytes(b"")
    (inbox / "spaces.txt").write_text("  \n\n \t", encoding="utf-8")
    (inbox / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00")
    (inbox / "legacy.txt").write_bytes(
        " date 2025-03-03 Сегодня 3 марта 2025\nСбербанк открыл офис в Казани\n\nГерман Греф рассказал об этом."
        .encode("cp1251"))
    (inbox / "gone.txt").symlink_to(inbox / "missing-target.txt")
    (inbox / "feed.jsonl").write_text("\n".join([
        json.dumps({"id": "ok-1", "published_at": "2025-02-01", "title": "МТС купила стартап",
                    "text": "Сделку в Москве закрыл Вячеслав Николаев."}, ensure_ascii=False),
        "{broken",
        json.dumps({"id": "no-text"}),
    ]), encoding="utf-8")
    out = tmp_path / "out"
    summary = process_articles(inputs=[str(inbox)], out_dir=str(out))
    t = tables(out)
    assert sorted(t["articles"].source_id) == ["001_tsmc_arizona.txt", "legacy.txt", "ok-1"]
    legacy = t["articles"].set_index("source_id").loc["legacy.txt"]
    assert legacy.encoding == "cp1251" and "re-decoded from cp1251" in list(legacy.warnings)
    assert legacy.published_at == date(2025, 3, 3)
    reasons = sorted(zip(t["rejects"].source_id, t["rejects"].reason))
    assert reasons == [("empty.txt", "empty"), ("feed.jsonl:2", "invalid_json"), ("gone.txt", "unreadable"),
                       ("image.txt", "binary"), ("no-text", "missing_text"), ("spaces.txt", "blank")]
    assert summary["rejected"] == 6
    assert set(t["mentions"].normal) >= {"Герман Греф", "Казань", "Вячеслав Николаев"}

    # fixing an input settles its reject; the rest stays
    (inbox / "empty.txt").write_text(" date 2025-03-04\nTSMC наняла 500 инженеров в Аризоне", encoding="utf-8")
    process_articles(inputs=[str(inbox)], out_dir=str(out))
    t = tables(out)
    assert "empty.txt" in set(t["articles"].source_id)
    assert "empty.txt" not in set(t["rejects"].source_id) and len(t["rejects"]) == 5


def test_changed_article_replaces_its_rows(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    article = inbox / "a.txt"
    article.write_text(" date 2025-01-01\nИнтервью\n\nГлава Intel Лип-Бу Тан посетил Тайвань.", encoding="utf-8")
    out = tmp_path / "out"
    process_articles(inputs=[str(inbox)], out_dir=str(out))
    old_id = tables(out)["articles"].article_id.item()
    article.write_text(" date 2025-01-01\nИнтервью\n\nГлава Nvidia Дженсен Хуанг посетил Японию.", encoding="utf-8")
    process_articles(inputs=[str(inbox)], out_dir=str(out))
    t = tables(out)
    assert len(t["articles"]) == 1 and t["articles"].article_id.item() != old_id
    assert set(t["mentions"].article_id) == {t["articles"].article_id.item()}
    assert "Япония" in set(t["mentions"].normal) and "Тайвань" not in set(t["mentions"].normal)


def test_cli_runs_the_flow_and_reports(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["run", str(RAW_DIR / "002_yandex_gpt.txt"), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "1 article processed" in printed and "articles processed" not in printed
    assert "review     " in printed and "{" not in printed  # a table, not a dict
    assert len(read(out, "articles").to_pandas()) == 1


@pytest.mark.parametrize(("argv", "message"), [
    (["reprocess", "--from", "2025-13-01"], "argument --from: '2025-13-01' is not a date: expected YYYY-MM-DD"),
    (["reprocess", "--bogus"], "pipeline reprocess: error: unrecognized arguments: --bogus"),
    (["run", "--batch", "x"], "pipeline run: error: argument --batch-size: 'x' is not a whole number"),
    (["ingest", "--batch-size", "0"], "pipeline ingest: error: argument --batch-size: 0 is less than 1"),
])
def test_cli_says_which_argument_is_wrong_in_the_subcommand_usage(argv, message, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert message in err and f"usage: pipeline {argv[0]}" in err


def test_cli_version_and_help_with_exit_codes(capsys):
    with pytest.raises(SystemExit):
        main(["--version"])
    assert capsys.readouterr().out.startswith("pipeline 0.")
    with pytest.raises(SystemExit):
        main(["reprocess", "--help"])
    shown = capsys.readouterr().out
    assert "exit codes: 0" in shown and "(default: 64)" in shown


def test_cli_missing_input_is_a_clear_error(tmp_path, capsys):
    assert main(["run", str(tmp_path / "nope"), "--out", str(tmp_path / "out")]) == 2
    assert "input path does not exist" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_evaluate_flow_writes_metrics_and_reports_unbuilt_stages(tmp_path):
    from pipeline.flows import evaluate

    rows = evaluate(split="dev", out_dir=str(tmp_path))
    metrics = read(tmp_path, "eval_metrics").to_pandas()
    assert len(metrics) == len(rows)
    assert set(metrics.dataset) == {"gold"} and set(metrics.split) == {"dev"}
    strict = metrics.query("task == 'entities' and type == 'ALL' and match == 'strict'").iloc[0]
    assert 0.5 < strict.f1 <= 1.0 and strict.support >= 200
    unbuilt = metrics.query("status == 'not_built'")
    assert unbuilt.empty  # every stage is built now
    value = metrics.query("task == 'amounts' and type == 'ALL' and match == 'value'").iloc[0]
    resolved = metrics.query("task == 'timex' and type == 'ALL' and match == 'resolved'").iloc[0]
    assert value.f1 > 0.8 and resolved.f1 > 0.8
    before = read(tmp_path, "eval_metrics")
    evaluate(split="dev", out_dir=str(tmp_path))  # re-run replaces, never duplicates; same metrics: same file
    assert len(read(tmp_path, "eval_metrics").to_pandas()) == len(rows)
    assert read(tmp_path, "eval_metrics").equals(before)


def test_evaluate_flow_on_an_ann_corpus_scores_every_task(tmp_path, capsys):
    corpus = write_ann_corpus(tmp_path / "mini")
    out = tmp_path / "out"
    assert main(["eval", "--corpus", "ann", str(corpus), "--out", str(out), "--errors", "amounts"]) == 0
    printed = capsys.readouterr().out
    assert "ann:mini / dev" in printed and "### disagreements: amounts" in printed
    metrics = read(out, "eval_metrics").to_pandas()
    assert set(metrics.dataset) == {"ann:mini"} and set(metrics.split) == {"dev"}
    assert {"entities", "amounts", "timex", "claims"} <= set(metrics.task)
    assert "PRODUCT" in set(metrics.query("task == 'entities'").type)  # all four entity types, unlike factRuEval
    value = metrics.query("task == 'amounts' and type == 'ALL' and match == 'value'").iloc[0]
    assert value.f1 == 1.0
    assert main(["eval", "--corpus", "ann", str(corpus), "--out", str(out), "--write-floor"]) == 2


@pytest.mark.parametrize(("step", "text"), [
    ((0, 4, 0, 256, 0.0), "batch 0 of 4: 0 of 256 articles, 0.0 articles/s, ETA –"),
    ((1, 4, 64, 256, 8.0), "batch 1 of 4: 64 of 256 articles, 8.0 articles/s, ETA 0:00:24"),
    ((1, 1, 1, 1, 2.0), "batch 1 of 1: 1 of 1 article, 0.5 articles/s, ETA 0:00:00"),
])
def test_progress_reads_as_batches_articles_rate_and_eta(step, text):
    from pipeline.progress import Step

    assert Step(*step).describe() == text


def test_a_run_reports_each_batch_to_progress_listeners(tmp_path):
    from pipeline.progress import subscribe

    steps = []
    stop = subscribe(steps.append)
    try:
        process_articles(inputs=[str(RAW_DIR)], out_dir=str(tmp_path), batch_size=4)
    finally:
        stop()
    assert [(s.batches_done, s.batches) for s in steps][-1][0] == steps[-1].batches > 1
    assert steps[-1].articles_done == steps[-1].articles == 12
    assert [s.articles_done for s in steps] == sorted(s.articles_done for s in steps)
