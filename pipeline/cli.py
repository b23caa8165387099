"""Command line: `python -m pipeline run INPUT... --out DIR`, `python -m pipeline schema`.

Exit codes: 0 the run finished (even if some inputs were rejected); 2 bad command line (e.g. a missing
input path); 1 the run itself failed.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from contextlib import contextmanager
from datetime import date
from pathlib import Path

# No network here: Prefect must not try to send telemetry (set before Prefect is imported).
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
# Prefect's temporary server can take 20+ s to start on a loaded machine; its default wait (20 s) would fail the
# run. Wait as long as `make serve` waits for its server (3 minutes); an operator's own value wins.
from pipeline.serve import SERVER_STARTUP_SECONDS  # noqa: E402 - no Prefect import there

os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", str(SERVER_STARTUP_SECONDS))

from pipeline.config import DEFAULT_BATCH_SIZE, PROCESSED_DIR, RAW_DIR  # noqa: E402
from pipeline.evaluate import TASKS as ERROR_TASKS  # noqa: E402
from pipeline.schema import STAGES  # noqa: E402


EXIT_CODES = ("exit codes: 0 the command finished (a run with rejected inputs included: they are rows in "
              "`rejects`); 2 a bad command line (an unknown flag, a date that is not YYYY-MM-DD, an input path that "
              "does not exist); 1 the run itself failed (the reason is printed)")


def iso_date(text: str) -> date:
    """An argparse type: a calendar date written YYYY-MM-DD, with a message that says so."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date: expected YYYY-MM-DD, e.g. 2025-10-01") from None


def positive_int(text: str) -> int:
    """An argparse type: a whole number of at least 1 (a batch size)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is less than 1")
    return value


def version_text() -> str:
    from pipeline import __version__
    from pipeline.config import pipeline_version

    return f"pipeline {__version__} (pipeline_version {pipeline_version()}: code + models fingerprint)"


def _add_run(commands) -> None:
    run = commands.add_parser("run", help="process articles into Parquet tables through the Prefect flow")
    run.add_argument("inputs", nargs="*", default=[str(RAW_DIR)], metavar="INPUT",
                     help=f".txt files, folders of them, or .jsonl files (default: {RAW_DIR})")
    run.add_argument("--out", default=str(PROCESSED_DIR), help=f"output folder (default: {PROCESSED_DIR})")
    run.add_argument("--batch-size", type=positive_int, default=DEFAULT_BATCH_SIZE,
                     help=f"articles per Prefect task (default: {DEFAULT_BATCH_SIZE})")
    run.add_argument("--force", action="store_true", help="reprocess articles already stored by this version")
    run.add_argument("--quiet", "-q", action="store_true", help="no log lines or progress bar: the summary only")


def _add_ingest(commands) -> None:
    ingest = commands.add_parser("ingest", help="pick up new and changed articles from the inbox (the scheduled "
                                 "`ingest` flow, run once now)")
    ingest.add_argument("--inbox", default=None, help="folder to read (default inbox/, or PIPELINE_INBOX)")
    ingest.add_argument("--out", default=str(PROCESSED_DIR), help=f"output folder (default: {PROCESSED_DIR})")
    ingest.add_argument("--batch-size", type=positive_int, default=DEFAULT_BATCH_SIZE,
                        help=f"articles per Prefect task (default: {DEFAULT_BATCH_SIZE})")
    ingest.add_argument("--quiet", "-q", action="store_true", help="no log lines or progress bar: the summary only")
    ingest.add_argument("--feed", action="append", default=[], metavar="URL",
                        help="an RSS/Atom feed (URL or file) to read too; repeatable")
    ingest.add_argument("--sources", default=None, metavar="FILE",
                        help="TOML file of [[feed]] entries (default sources.toml, or PIPELINE_SOURCES); '' for none")


def _add_report(commands) -> None:
    report = commands.add_parser("report", help="write (or bring up to date) the review site of a store")
    report.add_argument("store", nargs="?", default=str(PROCESSED_DIR), metavar="OUT",
                        help=f"output folder of a run (default: {PROCESSED_DIR})")
    report.add_argument("--to", default=None, metavar="DIR", help="site folder (default: OUT/review)")


def _add_export(commands) -> None:
    export = commands.add_parser("export", help="write the analysts' bundle of a store: Parquet tables, a DuckDB file "
                                 "with views, datapackage.json and a dataset card")
    export.add_argument("store", nargs="?", default=str(PROCESSED_DIR), metavar="OUT",
                        help=f"output folder of a run (default: {PROCESSED_DIR})")
    export.add_argument("--to", required=True, metavar="DIR", help="bundle folder to write")
    export.add_argument("--zip", action="store_true", help="also write DIR.zip")


def _add_eval(commands) -> None:
    evaluate = commands.add_parser("eval", help="score the pipeline on the gold set or a public corpus")
    evaluate.add_argument("--split", default="dev", choices=["dev", "test", "all"], help="gold split (default dev)")
    evaluate.add_argument("--corpus", nargs=2, metavar=("KIND", "PATH"),
                          help="a corpus instead of the gold set: `news-real DIR` or `ann DIR` (folders of .ann "
                               "sources in the gold format, every task scored; --split selects by their headers), "
                               "`factru DIR` or `brat DIR` (PER/ORG/LOC)")
    evaluate.add_argument("--out", default=str(PROCESSED_DIR), help="folder for the eval_metrics table")
    evaluate.add_argument("--baseline", action="store_true",
                          help="also run Natasha's MoneyExtractor and DatesExtractor on the gold split and compare")
    evaluate.add_argument("--write-floor", action="store_true",
                          help="write the metrics as the new regression floor (gold dev: gold/metrics.json; "
                               "a news-real corpus: gold/metrics.<folder>.<split>.json, e.g. "
                               "gold/metrics.news-real-2.test.json)")
    evaluate.add_argument("--errors", choices=ERROR_TASKS, metavar="TASK",
                          help="also list where the pipeline and the annotation disagree for TASK "
                               f"({', '.join(ERROR_TASKS)}); for error analysis on dev material only")


def _add_reprocess(commands) -> None:
    reprocess = commands.add_parser("reprocess", help="re-run extraction over stored articles (the `reprocess` flow)")
    reprocess.add_argument("--ids", nargs="+", metavar="ARTICLE_ID", help="articles to reprocess (default: all)")
    reprocess.add_argument("--from", dest="published_from", type=iso_date, metavar="YYYY-MM-DD",
                           help="first publication date (inclusive)")
    reprocess.add_argument("--to", dest="published_to", type=iso_date, metavar="YYYY-MM-DD",
                           help="last publication date (inclusive)")
    reprocess.add_argument("--stages", nargs="+", choices=list(STAGES), help="stages whose tables to replace (default all)")
    reprocess.add_argument("--force", action="store_true", help="also articles already at this pipeline version")
    reprocess.add_argument("--dry-run", action="store_true", help="only report what would be reprocessed")
    reprocess.add_argument("--out", default=str(PROCESSED_DIR), help=f"output folder (default: {PROCESSED_DIR})")
    reprocess.add_argument("--batch-size", type=positive_int, default=DEFAULT_BATCH_SIZE,
                           help=f"articles per Prefect task (default: {DEFAULT_BATCH_SIZE})")
    reprocess.add_argument("--quiet", "-q", action="store_true", help="no log lines or progress bar: the summary only")


def _add_serve(commands) -> None:
    serve = commands.add_parser("serve", help="serve the ingest/reprocess/evaluate deployments (starts a local "
                                "Prefect server when none is reachable)")
    serve.add_argument("--host", default="127.0.0.1", help="address of the local server (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=None, help="port of the local server (default 4200, or "
                       "PIPELINE_PREFECT_PORT)")
    serve.add_argument("--inbox", default=None, help="folder the scheduled ingest reads (default inbox/, or PIPELINE_INBOX)")
    serve.add_argument("--out", default=None, help=f"output folder (default: {PROCESSED_DIR})")
    serve.add_argument("--cron", default=None, help="ingest schedule (default '*/15 * * * *', or PIPELINE_INGEST_CRON)")
    serve.add_argument("--timezone", default="UTC", help="time zone of the cron schedule (default UTC)")
    serve.add_argument("--limit", type=int, default=2, help="flow runs executed at once (default 2)")


def _add_train_confidence(commands) -> None:
    confidence = commands.add_parser("train-confidence", help="fit the claim confidence model on the gold dev split "
                                     "(and .ann corpora) and write models/claims/confidence.json")
    confidence.add_argument("--corpus", nargs=2, action="append", default=[], metavar=("KIND", "PATH"),
                            help="also train on a corpus of .ann sources: `news-real DIR` or `ann DIR` (repeatable)")


def _add_train_chooser(commands) -> None:
    chooser = commands.add_parser("train-chooser", help="fit the subject chooser on development material (gold dev "
                                  "and the dev split of .ann corpora), report it against the rules by document-level "
                                  "cross-validation and write models/claims/subject.json")
    chooser.add_argument("--corpus", nargs=2, action="append", default=[], metavar=("KIND", "PATH"),
                         help="also train on the dev split of a corpus of .ann sources: `news-real DIR` (repeatable)")
    chooser.add_argument("--check", nargs=2, action="append", default=[], metavar=("KIND", "PATH"),
                         help="also score the fitted model against the rules on the test split of a corpus "
                              "(totals only, never trained on): `news-real DIR` (repeatable)")
    chooser.add_argument("--dry-run", action="store_true", help="report the cross-validation only; write nothing")
    chooser.add_argument("--slot", action="append", choices=["subject", "relation"],
                         help="train only this slot's chooser (repeatable; default both)")


def _add_gold(commands) -> None:
    gold = commands.add_parser("gold", help="build or check the gold set from gold/src/*.ann")
    gold.add_argument("action", choices=["build", "check", "stats"])


def _add_schema(commands) -> None:
    schema = commands.add_parser("schema", help="write the data dictionary generated from the table schemas")
    schema.add_argument("--out", default="-", help="file to write (default: stdout)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="pipeline", description=__doc__.splitlines()[0], epilog=EXIT_CODES)
    parser.add_argument("--version", action="version", version="%(prog)s", help="show the version and exit")
    commands = parser.add_subparsers(dest="command", required=True)
    _add = commands.add_parser

    def add_parser(name: str, **kwargs) -> argparse.ArgumentParser:  # every subcommand lists the exit codes too
        return _add(name, epilog=EXIT_CODES, **kwargs)

    commands.add_parser = add_parser  # type: ignore[method-assign]
    for add in (_add_run, _add_ingest, _add_report, _add_export, _add_eval, _add_reprocess, _add_serve,
                _add_train_confidence, _add_train_chooser, _add_gold, _add_schema):
        add(commands)  # one function per subcommand: its arguments, help and defaults
    return parser


@contextmanager
def progress_bar():
    """A progress bar (articles, articles/s, ETA) while a flow runs, on a terminal; elsewhere the flow's
    "batch k of N" log lines are the progress. Yields the function that removes it early."""
    if not sys.stdout.isatty() or os.environ.get("PREFECT_LOGGING_LEVEL") == "WARNING":
        yield lambda: None
        return
    from pipeline.progress import terminal_bar

    remove = terminal_bar()
    try:
        yield remove
    finally:
        remove()


LOST = ("pipeline: warning: Prefect's API at {url} stopped answering after the run committed and published its "
        "tables: the data is complete, but the run's state, logs and artifacts in Prefect are not final{review}")


def call_flow(call, show, stop_bar=lambda: None) -> dict:
    """Run `call()` (a flow) and return its summary. Once the run has published, losing Prefect's API ends the
    command at once: `show` the summary with a warning, exit 0 (Prefect's retries of its bookkeeping against a
    dead server would otherwise take minutes and end in a failure)."""
    from pipeline import outcome
    from pipeline.headstart import configured_api_url
    from pipeline.serve import server_healthy

    url = configured_api_url()  # inside `flow_environment`: the temporary server's, when it started one
    started = time.perf_counter()

    def alive() -> bool:
        return url is None or server_healthy(url, timeout=3)

    def lost(summary: dict) -> None:
        stop_bar()
        review = "" if summary.get("review") else " (the review site may be behind: `pipeline report`)"
        print("\n" + LOST.format(url=url, review=review), file=sys.stderr, flush=True)
        show({**summary, "seconds": summary.get("seconds") or round(time.perf_counter() - started, 2)})
        sys.stdout.flush()
        os._exit(0)  # nothing of the data is pending; Prefect's own shutdown would retry against the dead API

    with outcome.watch(alive, lost):
        try:
            return call()
        except Exception:
            summary = outcome.lost_after_publishing(alive)
            if summary is None:
                raise
            lost(summary)
            raise


def plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word if n == 1 else many or word + 's'}"


def print_summary(summary: dict) -> None:
    """The run's outcome as a small table people read."""
    rows = [("articles", f"{plural(summary['processed'], 'article')} processed, {summary['skipped']} unchanged"
             + (f", {summary['superseded']} superseded by a newer reading of their source" if summary.get("superseded")
                else "") + f", {plural(summary['rejected'], 'input')} rejected"),
            ("extracted", f"{plural(summary['mentions'], 'mention')}, {plural(summary['amounts'], 'amount')}, "
                          f"{plural(summary['timexes'], 'time expression')}, {plural(summary['claims'], 'claim')}"),
            ("time", f"{summary['seconds']} s")]
    if summary.get("inbox_settled"):
        moved = summary["inbox_settled"]
        rows.append(("inbox", f"{plural(moved.get('done', 0), 'file')} to done/, {moved.get('rejected', 0)} to "
                              "rejected/" + (f", {moved['left']} left (changed while read)" if moved.get("left") else "")))
    rows.append(("tables", f"{summary['out_dir']}: " + ", ".join(f"{name} {rows_}" for name, rows_ in
                                                                summary["table_rows"].items())))
    if summary.get("review"):
        rows.append(("review", summary["review"]))
    width = max(len(label) for label, _ in rows)
    print("\n" + "\n".join(f"{label:<{width}}  {text}" for label, text in rows))


def print_reprocess(summary: dict) -> None:
    if summary.get("dry_run"):
        listing = summary.get("would_process", [])
        print(f"\ndry run: {plural(summary['selected'], 'article')} selected, {len(listing)} would be reprocessed "
              f"(stages {summary['stages']}), {summary['skipped']} already at {summary['pipeline_version']}")
        print("\n".join(f"  {line}" for line in listing))
        return
    if summary["selected"] == summary["skipped"]:  # nothing to do: every selected article is at this version
        print(f"\n{plural(summary['selected'], 'article')} selected, all already at {summary['pipeline_version']}: "
              "nothing reprocessed (--force to redo them)")
        return
    print_summary({**summary, "superseded": summary.get("superseded", 0)})


def run_gold(action: str) -> int:
    from pipeline.gold import SPLITS, count_gold, load_gold, validate_split, write_gold

    if action == "build":
        built = write_gold()
        print("wrote " + ", ".join(f"gold/{split}.jsonl ({n} documents)" for split, n in built.items()))
        return 0
    if action == "check":
        problems = [p for split in SPLITS for p in validate_split(split)]
        print("\n".join(problems) if problems else "gold set is valid")
        return 1 if problems else 0
    for split in (*SPLITS, "all"):
        print(f"{split:>5}: {count_gold(load_gold(split))}")
    return 0


def run_eval(args: argparse.Namespace) -> int:
    from pipeline.evaluate import Metric, floor_path, floor_values, format_report

    kind, path = args.corpus if args.corpus else (None, None)
    if path is not None and not Path(path).is_dir():
        print(f"pipeline: error: corpus folder does not exist: {path}", file=sys.stderr)
        return 2
    if args.write_floor and not (kind is None and args.split == "dev" or kind == "news-real" and args.split != "all"):
        print("pipeline: error: --write-floor records the gold dev split or one split of a news-real corpus",
              file=sys.stderr)
        return 2
    from pipeline.headstart import flow_environment

    try:
        with flow_environment():
            from pipeline.flows import evaluate

            rows = evaluate(split=args.split, out_dir=args.out, corpus=kind, corpus_path=path)
    except Exception as exc:  # noqa: BLE001 - say why the run could not proceed
        print(f"pipeline: evaluation failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    fields = set(Metric.__dataclass_fields__)
    metrics = [Metric(**{k: v for k, v in row.items() if k in fields}) for row in rows]
    dataset = rows[0]["dataset"]
    print()
    print(format_report(metrics, f"{dataset} / {rows[0]['split']}"))
    if args.baseline and kind is None:
        from pipeline.baseline import compare, format_comparison
        from pipeline.evaluate import predict
        from pipeline.gold import load_gold
        from pipeline.nlp import load_nlp

        docs = load_gold(args.split)
        print(f"\n### amounts and time expressions vs Natasha's extractors ({args.split})\n")
        print(format_comparison(compare(docs, predict(docs, load_nlp()))))
    if args.errors:
        from pipeline.corpora import load_eval_documents
        from pipeline.disagreements import list_disagreements
        from pipeline.evaluate import predict
        from pipeline.nlp import load_nlp

        _, _, docs = load_eval_documents(args.split, kind, path)
        print(f"\n### disagreements: {args.errors} ({dataset})\n")
        print("\n".join(list_disagreements(docs, predict(docs, load_nlp()), args.errors)) or "none")
    if args.write_floor:
        target = floor_path(dataset, rows[0]["split"])
        floor = {"dataset": dataset, "split": rows[0]["split"], "pipeline_version": rows[0]["pipeline_version"],
                 "metrics": floor_values(metrics)}
        target.write_text(json.dumps(floor, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        print(f"\nwrote the regression floor to {target}")
    return 0


def development_sources(corpora: list[list[str]]) -> dict:
    """Gold dev and the dev split of each .ann corpus, by dataset name: what training may see (never a test
    split: the gold test split and news-real-2's D are for reporting)."""
    from pipeline.corpora import ANN_CORPORA, load_eval_documents
    from pipeline.gold import load_gold

    sources = {"gold dev": load_gold("dev")}
    for kind, path in corpora:
        if kind not in ANN_CORPORA:
            raise ValueError(f"--corpus takes {' or '.join(ANN_CORPORA)} folders, not {kind!r}")
        dataset, _, docs = load_eval_documents("dev", kind, path)
        sources[dataset] = docs
    return sources


def training_sources(args: argparse.Namespace) -> dict | int:
    """The development sources a training command reads, or the exit code of why it cannot train."""
    from pipeline.corpora import CorpusError

    try:
        import sklearn  # noqa: F401  (a dev dependency: training only)
    except ImportError:
        print("pipeline: error: training needs scikit-learn: pip install -e '.[dev]'", file=sys.stderr)
        return 2
    try:
        return development_sources(args.corpus)
    except (CorpusError, ValueError) as exc:
        print(f"pipeline: error: {exc}", file=sys.stderr)
        return 2


def run_train_chooser(args: argparse.Namespace) -> int:
    sources = training_sources(args)
    if isinstance(sources, int):
        return sources
    from pipeline.chooser_training import SLOTS, claim_rows, cross_validate, train
    from pipeline.nlp import load_nlp

    nlp = load_nlp()
    if args.dry_run:
        rows = [r for name, docs in sources.items() for r in claim_rows(name, docs, nlp)]
        report = {slot: cross_validate([r for r in rows if r.slot == slot]) for slot in SLOTS}
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return 0
    from pipeline.corpora import load_eval_documents

    checks = {}
    for kind, path in args.check:
        dataset, _, docs = load_eval_documents("test", kind, path)
        checks[f"{dataset} test"] = docs
    written = train(sources, nlp, args.slot or SLOTS, checks)
    print(json.dumps({slot: {k: v for k, v in w.items() if k != "weights"} for slot, w in written.items()},
                     ensure_ascii=False, indent=2))
    return 0


def run_train_confidence(args: argparse.Namespace) -> int:
    sources = training_sources(args)
    if isinstance(sources, int):
        return sources
    from pipeline.confidence_training import train
    from pipeline.nlp import load_nlp

    written = train(sources, load_nlp())
    print(json.dumps({k: v for k, v in written.items() if k != "weights"}, ensure_ascii=False, indent=2))
    return 0


def run_ingest(args: argparse.Namespace) -> int:
    from pipeline.config import INBOX_DIR
    from pipeline.headstart import flow_environment

    inbox = Path(args.inbox or INBOX_DIR)
    if not inbox.is_dir():
        print(f"pipeline: error: inbox folder does not exist: {inbox}", file=sys.stderr)
        return 2
    try:
        with flow_environment(), progress_bar() as stop_bar:
            from pipeline.config import SOURCES_FILE
            from pipeline.flows import ingest

            summary = call_flow(lambda: ingest(inbox=str(inbox), out_dir=args.out, batch_size=args.batch_size,
                                               feeds=args.feed, sources=str(SOURCES_FILE) if args.sources is None
                                               else args.sources or None), print_summary, stop_bar)
    except Exception as exc:  # noqa: BLE001 - the run could not proceed: say why, exit non-zero
        print(f"pipeline: ingest failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    print_summary(summary)
    return 0


def parse(argv: list[str] | None) -> argparse.Namespace:
    """The command line; an unknown flag is reported with the usage of the subcommand it was given to."""
    parser = build_parser()
    for action in parser._actions:
        if isinstance(action, argparse._VersionAction):
            action.version = version_text()
    args, extra = parser.parse_known_args(argv)
    if extra:
        choices = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices
        choices[args.command].error(f"unrecognized arguments: {' '.join(extra)}")
    return args


def run_schema(args: argparse.Namespace) -> int:
    from pipeline.schema import render_data_dictionary

    text = render_data_dictionary() + "\n"
    if args.out == "-":
        sys.stdout.write(text)
    else:
        Path(args.out).write_text(text, encoding="utf-8")
    return 0


def run_serve(args: argparse.Namespace) -> int:
    from pipeline.headstart import PrefectHomeError, check_prefect_home
    from pipeline.serve import DEFAULT_CRON, DEFAULT_PORT, serve

    try:
        check_prefect_home()
    except PrefectHomeError as exc:
        print(f"pipeline: error: {exc}", file=sys.stderr)
        return 1
    return serve(host=args.host, port=args.port or DEFAULT_PORT, inbox=args.inbox, out_dir=args.out,
                 cron=args.cron or DEFAULT_CRON, timezone_name=args.timezone, limit=args.limit)


def run_reprocess(args: argparse.Namespace) -> int:
    from pipeline.headstart import flow_environment

    try:
        with flow_environment(load_models=not args.dry_run), progress_bar() as stop_bar:
            from pipeline.flows import reprocess

            summary = call_flow(lambda: reprocess(article_ids=args.ids, published_from=args.published_from,
                                                  published_to=args.published_to, stages=args.stages,
                                                  force=args.force, dry_run=args.dry_run, out_dir=args.out,
                                                  batch_size=args.batch_size), print_reprocess, stop_bar)
    except Exception as exc:  # noqa: BLE001 - say why the run could not proceed
        print(f"pipeline: reprocess failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    print_reprocess(summary)
    return 0


def run_report(args: argparse.Namespace) -> int:
    from pipeline.review import SiteError, write_review

    if not (Path(args.store) / "articles").is_dir():
        print(f"pipeline: error: {args.store} holds no tables (run the pipeline first)", file=sys.stderr)
        return 2
    try:
        site = write_review(args.store, args.to)
    except SiteError as exc:
        print(f"pipeline: error: {exc}", file=sys.stderr)
        return 2
    print(f"review site: {site['index']} ({site['articles']} article pages, {site['files']} files, "
          f"{site['bytes'] / 1e6:.1f} MB; {site['written']} written)")
    return 0


def run_export(args: argparse.Namespace) -> int:
    from pipeline.handoff.bundle import ExportError, export_bundle

    try:
        written = export_bundle(args.store, args.to, args.zip)
    except ExportError as exc:
        print(f"pipeline: error: {exc}", file=sys.stderr)
        return 2
    print(f"bundle written to {written['bundle']}" + (f" and {written['zip']}" if written["zip"] else "") + ": "
          + ", ".join(f"{name} ({rows} rows)" for name, rows in written["rows"].items()))
    return 0


def run_run(args: argparse.Namespace) -> int:
    missing = [item for item in args.inputs if not Path(item).exists() and not Path(item).is_symlink()]
    if missing:
        print(f"pipeline: error: input path does not exist: {', '.join(missing)}", file=sys.stderr)
        return 2

    from pipeline.headstart import flow_environment

    try:
        with flow_environment(), progress_bar() as stop_bar:  # the temporary server starts while the models load
            from pipeline.flows import process_articles

            summary = call_flow(lambda: process_articles(inputs=[str(Path(p)) for p in args.inputs],
                                                         out_dir=args.out, batch_size=args.batch_size,
                                                         force=args.force), print_summary, stop_bar)
    except Exception as exc:  # noqa: BLE001 - the run could not proceed: say why, exit non-zero
        print(f"pipeline: run failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    print_summary(summary)
    return 0


COMMANDS = {
    "run": run_run, "ingest": run_ingest, "reprocess": run_reprocess, "report": run_report, "export": run_export,
    "eval": run_eval, "serve": run_serve, "schema": run_schema, "gold": lambda args: run_gold(args.action),
    "train-confidence": run_train_confidence, "train-chooser": run_train_chooser,
}


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    if getattr(args, "quiet", False):  # before Prefect is imported: its console handler reads this once
        os.environ["PREFECT_LOGGING_LEVEL"] = "WARNING"
    return COMMANDS[args.command](args)
