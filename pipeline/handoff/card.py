"""The bundle's dataset card (`README.md`): what is in it, from which version, how good it is, what it gets
wrong, and how to load it."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping

import pyarrow as pa
import pyarrow.compute as pc

from pipeline.config import GOLD_DIR, ROOT

SHOWN = [  # (metric key, label): F1 for spans, accuracy for claim slots
    ("claims/ALL/evidence+amount", "claims found (F1)"),
    ("claims/ALL/slot:subject", "claim subject"), ("claims/ALL/slot:relation", "claim relation"),
    ("claims/ALL/slot:time", "claim time"), ("claims/ALL/slot:source", "claim source"),
    ("claims/ALL/slot:modality", "claim modality"),
    ("entities/ALL/strict", "entities (F1)"), ("amounts/ALL/strict", "amounts (F1)"),
    ("timex/ALL/resolved", "time expressions resolved (F1)"),
]
DATASETS = {"gold": "our gold set, dev split (written with the rules: flattering)",
            "news-real": "news-real: 32 real third-party articles (the honest measure)"}


def evaluation(eval_metrics: pa.Table, version: str) -> list[tuple[str, str, dict[str, float]]]:
    """(dataset, where the numbers come from, metric -> value) for gold dev and news-real: this store's own
    evaluation of `version` when it has one, else the regression floor committed with the code."""
    found = []
    rows = [r for r in eval_metrics.to_pylist() if r["pipeline_version"] == version]
    for dataset in DATASETS:
        mine = {f"{r['task']}/{r['type']}/{r['match']}": r["f1"] if r["f1"] is not None else r["accuracy"]
                for r in rows if r["dataset"] == dataset and r["split"] == "dev"}
        if mine:
            found.append((dataset, f"evaluated in this store ({version})", mine))
            continue
        floor = GOLD_DIR / ("metrics.json" if dataset == "gold" else f"metrics.{dataset}.json")
        if floor.is_file():
            found.append((dataset, f"regression floor committed with the code ({floor.name})",
                          json.loads(floor.read_text(encoding="utf-8"))["metrics"]))
    return found


def known_limitations() -> str:
    """The README's "Known limitations" section (one source of truth)."""
    readme = ROOT / "README.md"
    if readme.is_file():
        text = readme.read_text(encoding="utf-8")
        start = text.find("## Known limitations")
        if start >= 0:
            body = text[start:].split("\n", 1)[1]
            end = body.find("\n## ")
            return (body if end < 0 else body[:end]).strip()
    return "See the project's README, section Known limitations."


def _fmt(value) -> str:
    return "–" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:.3f}"


def render_card(tables: Mapping[str, pa.Table], versions: Mapping[str, int] | None, created: str,
                source: str, eval_metrics: pa.Table, descriptions: Mapping[str, str]) -> str:
    articles = tables["articles"]
    dates = articles.column("published_at")
    pipeline_versions = sorted(set(articles.column("pipeline_version").to_pylist()))
    version = pipeline_versions[-1] if pipeline_versions else "(no articles)"
    first, last = (pc.min(dates).as_py(), pc.max(dates).as_py()) if articles.num_rows else (None, None)
    lines = [
        "# Russian tech-news claims: dataset card", "",
        f"Exported {created} from `{source}`"
        + (f" (published table versions: {', '.join(f'{k} {v}' for k, v in sorted(versions.items()))})."
           if versions else " (a store without a manifest: the latest version of each table)."),
        "",
        "## What is in it", "",
        f"Claims — who or what, how much, when, according to whom — extracted from {articles.num_rows} Russian "
        f"tech-news articles published {first or '?'} to {last or '?'} ({dates.null_count} undated), with the "
        f"entities, amounts and time expressions they are built from. Extracted by pipeline version "
        f"{', '.join(pipeline_versions) or '–'} (Natasha + pymorphy3 inside spaCy, rules in the project's "
        "`models/`).", "",
        "| table | rows | what |", "| --- | --- | --- |",
    ]
    lines += [f"| `{name}` | {data.num_rows} | {descriptions[name]} |" for name, data in tables.items()]
    lines += ["", "Columns, keys and foreign keys: `datapackage.json` (Frictionless Table Schema) and the comments "
              "in `news.duckdb` (`SELECT * FROM duckdb_columns()`).", "",
              "## How good it is", ""]
    figures = evaluation(eval_metrics, version)
    if figures:
        lines += ["| metric | " + " | ".join(DATASETS[d] for d, _, _ in figures) + " |",
                  "| --- |" + " --- |" * len(figures)]
        for key, label in SHOWN:
            lines.append(f"| {label} | " + " | ".join(_fmt(m.get(key)) for _, _, m in figures) + " |")
        lines += [""] + [f"- {DATASETS[d]}: {where}." for d, where, _ in figures]
        lines += ["", "Spans score F1; claim slots score the share of found claims whose slot is right. "
                  "`claims.confidence` ranks claims (filter with e.g. `confidence >= 0.5`); it is not calibrated "
                  "per row."]
    else:
        lines.append("Not evaluated: run `python -m pipeline eval` on the store.")
    lines += ["", "## Known limitations", "", known_limitations(), "",
              "## How to load", "",
              "Dates are Arrow `date32` in the Parquet files: DuckDB and polars read them as dates; pandas reads "
              "them as dates with `dtype_backend=\"pyarrow\"` (without it they are Python objects).", "",
              "```python", "import pandas as pd",
              'claims = pd.read_parquet("tables/claims.parquet", dtype_backend="pyarrow")',
              "claims.groupby(claims.time_start.dt.year).size()", "",
              "import polars as pl", 'claims = pl.read_parquet("tables/claims.parquet")', "",
              "import duckdb", 'con = duckdb.connect("news.duckdb", read_only=True)',
              'con.sql("SELECT subject_canonical, relation, value, currency, time_start FROM claims_full '
              'WHERE currency = \'RUB\' ORDER BY value DESC LIMIT 10").show()', "```", "",
              "Views in `news.duckdb`: `claims_full` (claims + article title, date, URL + subject and source "
              "entities) and `entity_mentions_by_month` (mentions and articles per entity and month).", "",
              "Offsets (`start`, `stop`, `evidence_start`, `evidence_stop`) index `articles.text`; "
              "`claims.subject_mention_id` / `source_mention_id` join to `mentions.mention_id`.", ""]
    return "\n".join(lines)
