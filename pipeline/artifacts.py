"""What a run leaves in the Prefect UI: a Markdown artifact of its summary (numbers, new entities, top new claims)
and a table artifact of its rejects."""

from __future__ import annotations

from pathlib import Path

from prefect.artifacts import create_markdown_artifact, create_table_artifact

from pipeline.review.pages import time_text, value_text


def publish_report(summary: dict, rejects: list[dict], new_entities: list[dict], claims: list[dict],
                   title: str = "process_articles") -> None:
    """A markdown artifact (numbers, new entities, top new claims) and a table artifact of the run's rejects."""
    lines = [f"# {title}", "", "| metric | value |", "| --- | --- |"]
    lines += [f"| {key} | {value} |" for key, value in summary.items()
              if key not in {"table_rows", "would_process", "compacted"}]
    lines += [f"| rows in {name} | {count} |" for name, count in summary.get("table_rows", {}).items()]
    if summary.get("would_process"):
        lines += ["", "## Would reprocess", ""] + [f"- {_cell(line)}" for line in summary["would_process"]]
    if new_entities:
        lines += ["", f"## New entities ({len(new_entities)})", "", "| entity | type | mentions |", "| --- | --- | --- |"]
        lines += [f"| {e['canonical']} | {e['type']} | {e['n_mentions']} |" for e in new_entities[:20]]
    if claims:
        top = sorted(claims, key=lambda c: (-(c["confidence"] or 0), c["claim_id"]))[:10]
        lines += ["", "## Top new claims", "", "| subject | relation | value | time | source | modality |",
                  "| --- | --- | --- | --- | --- | --- |"]
        lines += [f"| {_cell(c['subject'])} | {c['relation']} | {_cell(value_text(c))} | "
                  f"{time_text(c['time_start'], c['time_end'])} | {_cell(c['source'])} | {c['modality']} |" for c in top]
    out = summary.get("out_dir")
    if out:
        review = summary.get("review")
        lines += ["", f"Tables: `{Path(out).resolve()}`"
                  + (f" · review: [{Path(review).resolve()}]({Path(review).resolve().as_uri()})" if review else "")]
    key = title.split()[0].replace("_", "-")
    create_markdown_artifact("\n".join(lines), key=f"{key}-summary", description="Run summary")
    if rejects:
        create_table_artifact(rejects[:1000], key=f"{key}-rejects", description="Inputs rejected by this run")


def _cell(value) -> str:
    return "" if value is None else str(value).replace("|", "\\|").replace("\n", " ")
