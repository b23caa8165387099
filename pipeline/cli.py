"""Command line: `python -m pipeline run INPUT... --out DIR`, `python -m pipeline schema`.

Exit codes: 0 the run finished (even if some inputs were rejected); 2 bad command line (e.g. a missing
input path); 1 the run itself failed.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

# No network here: Prefect must not try to send telemetry (set before Prefect is imported).
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

from pipeline.config import DEFAULT_BATCH_SIZE, PROCESSED_DIR, RAW_DIR  # noqa: E402


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="pipeline", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser("run", help="process articles into Parquet tables through the Prefect flow")
    run.add_argument("inputs", nargs="*", default=[str(RAW_DIR)], metavar="INPUT",
                     help=f".txt files, folders of them, or .jsonl files (default: {RAW_DIR})")
    run.add_argument("--out", default=str(PROCESSED_DIR), help=f"output folder (default: {PROCESSED_DIR})")
    run.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE, help="articles per Prefect task")
    run.add_argument("--force", action="store_true", help="reprocess articles already stored by this version")

    schema = commands.add_parser("schema", help="write the data dictionary generated from the table schemas")
    schema.add_argument("--out", default="-", help="file to write (default: stdout)")
    return parser


def print_summary(summary: dict) -> None:
    print(
        f"\n{summary['processed']} articles processed, {summary['skipped']} unchanged, "
        f"{summary['rejected']} rejected; {summary['mentions']} mentions; {summary['seconds']} s\n"
        f"tables in {summary['out_dir']}: "
        + ", ".join(f"{name} ({rows} rows)" for name, rows in summary["table_rows"].items())
    )


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "schema":
        from pipeline.schema import render_data_dictionary

        text = render_data_dictionary() + "\n"
        if args.out == "-":
            sys.stdout.write(text)
        else:
            Path(args.out).write_text(text, encoding="utf-8")
        return 0

    missing = [item for item in args.inputs if not Path(item).exists() and not Path(item).is_symlink()]
    if missing:
        print(f"pipeline: error: input path does not exist: {', '.join(missing)}", file=sys.stderr)
        return 2
    if args.batch_size < 1:
        print("pipeline: error: --batch-size must be at least 1", file=sys.stderr)
        return 2

    from pipeline.flows import process_articles

    try:
        summary = process_articles(inputs=[str(Path(p)) for p in args.inputs], out_dir=args.out,
                                   batch_size=args.batch_size, force=args.force)
    except Exception as exc:  # noqa: BLE001 - the run could not proceed: say why, exit non-zero
        print(f"pipeline: run failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    print_summary(summary)
    return 0
