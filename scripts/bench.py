"""Speed and memory of the pipeline, checked against targets. `make bench`.

Two measurements:
1. the NLP layer in-process: characters per second over the sample articles (repeated to a fixed volume),
   with the time of each spaCy component, so a slow stage is visible;
2. a whole `python -m pipeline run` in a subprocess (Prefect's embedded server included): wall time and
   peak resident memory of the process tree, sampled with psutil.
Targets live here, not in unit tests. Exit code 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import psutil
import pyarrow as pa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGETS = {
    "nlp_chars_per_second": 20_000,  # Natasha NER alone runs ~95k chars/s on one core; morph+syntax cost more
    "run_seconds": 60.0,  # `make run` on raw/, Prefect's temporary server start included
    "run_peak_rss_mb": 2_000.0,
    "long_article_chars_per_second": 15_000,  # one ~47k-char article: per-article cost must stay linear
    "megabyte_cost_ratio": 1.2,  # seconds per character of a 1 MB article / of the ~3 KB sample articles
    "giant_peak_rss_mb": 1_500.0,
    "incremental_write_share": 0.01,  # `--incremental`: bytes an ingest of 10 articles writes / the store's bytes
    "incremental_time_ratio": 1.3,  # its wall time at 100 000 stored articles / at 10 000
    "two_worker_speedup": 1.7,  # `--parallel N`: one worker's wall time / two workers' (on 2 idle cores)
    "volume_peak_rss_mb": 1_200.0,
    "prefect_share": 0.5,  # of `pipeline run`'s wall time on raw/ with Prefect's database ready: well under half  # `--volume N`: peak RSS (process tree) of a run of N/10 and of N articles
    "review_seconds": 120.0,  # the review site of 10 000 articles, written from nothing
    "review_mb_per_article": 0.02,  # its size on disk per article (the texts themselves are most of it)
    "review_again_seconds": 60.0,  # the same site brought up to date when nothing changed (writes nothing)
    "load_cpu_seconds": 2.0,  # CPU of a new process until it can process a text: imports, pipeline, Natasha's weights
}


def bench_nlp(min_chars: int) -> dict:
    from pipeline.amounts import find_amounts
    from pipeline.claims import extract_claims
    from pipeline.extract import adapt_amounts, adapt_mentions, adapt_tokens, adapt_timexes
    from pipeline.extract import sentence_starts as doc_sentence_starts
    from pipeline.ingest import build_article, discover_inputs, read_inputs
    from pipeline.nlp import load_nlp
    from pipeline.timex import find_timexes

    texts = [a.text for a in map(build_article, read_inputs(discover_inputs([ROOT / "raw"]))) if hasattr(a, "text")]
    nlp = load_nlp()
    nlp(texts[0])  # warm up: models load lazily
    per_component = {"tokenizer": 0.0, **{name: 0.0 for name in nlp.pipe_names}, "amounts": 0.0, "timex": 0.0,
                     "claims": 0.0}
    articles = [a for a in map(build_article, read_inputs(discover_inputs([ROOT / "raw"]))) if hasattr(a, "text")]
    chars = 0
    started = time.perf_counter()
    while chars < min_chars:
        for text in texts:
            t = time.perf_counter()
            doc = nlp.make_doc(text)
            per_component["tokenizer"] += time.perf_counter() - t
            for name, proc in nlp.pipeline:
                t = time.perf_counter()
                doc = proc(doc)
                per_component[name] += time.perf_counter() - t
            tokens = adapt_tokens(doc)
            t = time.perf_counter()
            find_amounts(text, tokens)
            per_component["amounts"] += time.perf_counter() - t
            t = time.perf_counter()
            find_timexes(text, None, tokens)
            per_component["timex"] += time.perf_counter() - t
            article = next(a for a in articles if a.text == text)
            starts = doc_sentence_starts(doc)
            mentions = adapt_mentions(doc, "b")
            amounts = adapt_amounts(text, tokens, starts, "b")
            timexes = adapt_timexes(text, tokens, starts, article)
            t = time.perf_counter()
            extract_claims(text, tokens, mentions, amounts, timexes, article.published_at, "b")
            per_component["claims"] += time.perf_counter() - t
            chars += len(text)
    elapsed = time.perf_counter() - started
    return {"chars": chars, "seconds": elapsed, "chars_per_second": chars / elapsed, "components": per_component}


def bench_load() -> dict:
    """CPU seconds a new interpreter spends until it can process a text: imports, the pipeline, Natasha's weights
    (median of three). Every command-line run, worker process and flow-run process pays it."""
    code = ("import time; t = time.process_time(); from pipeline.nlp import load_nlp_and_models; "
            "load_nlp_and_models(); print(time.process_time() - t)")
    runs = sorted(float(subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, capture_output=True,
                                       text=True).stdout.split()[-1]) for _ in range(3))
    return {"cpu_seconds": runs[1]}


def bench_long_article(copies: int = 4) -> dict:
    """All of raw/ joined into one article, processed whole (catches work that grows with article length)."""
    from pipeline.extract import process_article
    from pipeline.ingest import build_article, discover_inputs, read_inputs
    from pipeline.nlp import load_nlp
    from pipeline.records import Article

    texts = [a.text for a in map(build_article, read_inputs(discover_inputs([ROOT / "raw"]))) if hasattr(a, "text")]
    text = "\n\n".join(texts * copies)
    article = Article("long", "long", "txt", "long", None, None, None, "long", text, "utf-8")
    nlp = load_nlp()
    started = time.perf_counter()
    process_article(article, nlp)
    seconds = time.perf_counter() - started
    return {"chars": len(text), "seconds": seconds, "chars_per_second": len(text) / seconds}


def _raw_articles():
    from pipeline.ingest import build_article, discover_inputs, read_inputs

    return [a for a in map(build_article, read_inputs(discover_inputs([ROOT / "raw"]))) if hasattr(a, "text")]


def bench_scaling(megabytes: float = 1.0) -> dict:
    """Seconds per character of the sample articles one by one (~3 KB each) and of one article of `megabytes`
    made of them: long articles run in pieces, so the ratio stays near 1."""
    from dataclasses import replace

    from pipeline.extract import process_article
    from pipeline.nlp import load_nlp

    nlp = load_nlp()
    articles = _raw_articles()
    process_article(articles[0], nlp)  # warm up
    started = time.perf_counter()
    for article in articles:
        process_article(article, nlp)
    small = (time.perf_counter() - started) / sum(len(a.text) for a in articles)
    text = "\n\n".join(a.text for a in articles)
    text = "\n\n".join([text] * (int(megabytes * 1_000_000) // len(text) + 1))
    started = time.perf_counter()
    process_article(replace(articles[0], text=text), nlp)
    big = (time.perf_counter() - started) / len(text)
    return {"small_chars": sum(len(a.text) for a in articles) // len(articles), "big_chars": len(text),
            "small_us_per_char": small * 1e6, "big_us_per_char": big * 1e6, "ratio": big / small}


def write_giant(path: Path, megabytes: float) -> int:
    """One `.txt` article of `megabytes` MB of UTF-8 (the sample articles' bodies repeated under one date header),
    as a user would drop it into the inbox; returns its length in characters."""
    articles = _raw_articles()
    body = "\n\n".join(a.text for a in articles)
    copies = int(megabytes * 1_000_000) // len(body.encode("utf-8")) + 1
    text = f" date {articles[0].published_at}\n" + "\n\n".join([body] * copies) + "\n"
    path.write_text(text, encoding="utf-8")
    return len(text)


def bench_giant(megabytes: float) -> dict:
    """A whole `python -m pipeline run` on one giant article: it must land (not be rejected) with bounded memory."""
    from pipeline.schema import ARTICLES, CLAIMS, REJECTS
    from pipeline.store import row_count

    with tempfile.TemporaryDirectory() as work:
        inbox, out = Path(work) / "inbox", Path(work) / "out"
        inbox.mkdir()
        chars = write_giant(inbox / "giant.txt", megabytes)
        run = _measure_run([str(inbox)], out)
        articles, rejects, claims = (row_count(out, t) for t in (ARTICLES, REJECTS, CLAIMS))
    if articles != 1 or rejects:
        raise SystemExit(f"the giant article did not land: {articles} articles, {rejects} rejects")
    return {**run, "chars": chars, "claims": claims}


def synthetic_store(out: Path, seed: Path, n_articles: int, chunk: int = 500) -> None:
    """A store of `n_articles` made from the rows of `seed` (a store of raw/): each copy gets new ids and one of
    36 publication months, written in large appends, then compacted; entities rebuilt. No NLP: seconds, not hours."""
    import numpy as np
    import pyarrow.compute as pc
    from deltalake import write_deltalake

    from pipeline.schema import ARTICLE_TABLES, ARTICLES, PARTITION, render_data_dictionary
    from pipeline.store import delta_table, publish, read_table, sync_entities, write_text

    months = [f"{2023 + i // 12}-{i % 12 + 1:02d}" for i in range(36)]
    base = {t.name: read_table(seed, t) for t in (*ARTICLE_TABLES, ARTICLES)}
    copies = n_articles // base["articles"].num_rows + 1
    id_columns = ("article_id", "source_id", "source_key", "mention_id", "amount_id", "timex_id", "claim_id")
    for first in range(0, copies, chunk):
        ks = range(first, min(first + chunk, copies))
        for table in (*ARTICLE_TABLES, ARTICLES):
            rows = base[table.name]
            data = pa.concat_tables([rows] * len(ks))
            which = np.repeat(np.array(list(ks)), rows.num_rows)
            suffix = pa.array([f"~{k}" for k in which], pa.string())
            for name in id_columns:
                if name in data.column_names:
                    data = data.set_column(data.schema.get_field_index(name), name,
                                           pc.binary_join_element_wise(data.column(name), suffix, ""))
            month = pa.array([months[k % 36] for k in which], pa.string())
            data = data.set_column(data.schema.get_field_index(PARTITION), PARTITION, month)
            if table is ARTICLES:
                days = pa.array([date(int(m[:4]), int(m[5:]), 15) for m in month.to_pylist()], pa.date32())
                data = data.set_column(data.schema.get_field_index("published_at"), "published_at", days)
                # each copy's words in its own order: the store compresses like distinct articles, not like copies
                texts = [_shuffled(text, k) for text, k in zip(data.column("text").to_pylist(), which)]
                data = data.set_column(data.schema.get_field_index("text"), "text", pa.array(texts, pa.string()))
            write_deltalake(str(out / table.name), data, mode="append", partition_by=[PARTITION])
    for table in (*ARTICLE_TABLES, ARTICLES):
        delta_table(out, table).optimize.compact()
        delta_table(out, table).vacuum(retention_hours=0, enforce_retention_duration=False, dry_run=False)
    sync_entities(out)
    write_text(out / "DATA_DICTIONARY.md", render_data_dictionary())  # as every run leaves it
    publish(out)


def _shuffled(text: str, seed: int) -> str:
    import random

    words = text.split(" ")
    random.Random(int(seed)).shuffle(words)
    return " ".join(words)


def _files(folder: Path) -> dict[Path, int]:
    return {p: p.stat().st_size for p in folder.rglob("*") if p.is_file()}


def bench_incremental(sizes: tuple[int, ...] = (10_000, 100_000), new: int = 10) -> list[dict]:
    """Add `new` articles to stores of each size: wall time of the whole run and the share of the store's bytes
    it wrote."""
    results = []
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        seed, inbox = work / "seed", work / "inbox"
        inbox.mkdir()
        _measure_run([str(ROOT / "raw")], seed)
        for day, path in enumerate(sorted((ROOT / "raw").glob("*.txt"))[:new], start=1):
            # a day's ingest: new articles dated within one month (the stored ones span 36 months)
            body = path.read_text(encoding="utf-8").split("\n", 1)[1]
            (inbox / path.name).write_text(f" date 2026-11-{day:02d}\n{body}", encoding="utf-8")
        for size in sizes:
            store = work / f"store-{size}"
            synthetic_store(store, seed, size)
            before = _files(store)
            run = _measure_run([str(inbox)], store)
            after = _files(store)
            changed = {p: n for p, n in after.items() if p not in before or before[p] != n}
            written = sum(changed.values())
            if os.environ.get("BENCH_SHOW_WRITES"):
                for p, n in sorted(changed.items(), key=lambda x: -x[1])[:15]:
                    print(f"  {n:>9,} {p.relative_to(store)}")
            results.append({"stored": size, "seconds": run["seconds"], "written_bytes": written,
                            "store_bytes": sum(before.values()), "share": written / sum(before.values())})
            shutil.rmtree(store)
    return results


def bench_review(n_articles: int = 10_000) -> dict:
    """The review site of a store of `n_articles` (synthetic, see `synthetic_store`): written from nothing, then
    again with nothing changed; wall time, peak RSS of this process, files and bytes."""
    from pipeline.review import write_review

    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        _measure_run([str(ROOT / "raw")], work / "seed")
        synthetic_store(work / "store", work / "seed", n_articles)
        started = time.perf_counter()
        first = write_review(work / "store")
        seconds = time.perf_counter() - started
        started = time.perf_counter()
        again = write_review(work / "store")
        again_seconds = time.perf_counter() - started
    return {**first, "seconds": seconds, "again_seconds": again_seconds, "again_written": again["written"],
            "peak_rss_mb": psutil.Process().memory_info().rss / 2**20}


def synthetic_inbox(folder: Path, n_articles: int, months: int = 24) -> Path:
    """`n_articles` distinct articles of ~3 000 characters (the issue's corpora were ~2 500), each made of three
    sample articles' texts under a publication date spread over `months` months, so batches land in many month
    partitions as a real archive's would."""
    import re

    folder.mkdir(parents=True, exist_ok=True)
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "raw").glob("*.txt"))]
    for i in range(n_articles):
        first, second, third = (texts[(i + k) % len(texts)] for k in range(3))
        day = date(2024 + (i % months) // 12, (i % months) % 12 + 1, 1 + i % 28).isoformat()
        first = re.sub(r"\d{4}-\d{2}-\d{2}", day, first, count=1)
        body = "\n\n".join([first, second.split("\n", 1)[1], third.split("\n", 1)[1], f"Выпуск {i}."])
        (folder / f"{i:06d}.txt").write_text(body, encoding="utf-8")
    return folder


def bench_parallel(n_articles: int = 200) -> dict:
    """One worker process against two on the same `n_articles` synthetic articles (`synthetic_inbox`)."""
    results = {}
    with tempfile.TemporaryDirectory() as work:
        inbox = synthetic_inbox(Path(work) / "inbox", n_articles)
        for workers in (1, 2):
            os.environ["PIPELINE_TASK_RUNNER"] = f"processes:{workers}"
            try:
                results[workers] = _measure_run([str(inbox)], Path(work) / f"out-{workers}")
            finally:
                os.environ.pop("PIPELINE_TASK_RUNNER", None)
    return {"articles": n_articles, "one": results[1], "two": results[2],
            "speedup": results[1]["seconds"] / results[2]["seconds"]}


def bench_volume(n_articles: int) -> list[dict]:
    """Peak memory of whole runs of a tenth of `n_articles` and of all of them (default runner, fresh store): the
    peak must stay under the target whatever the run's size."""
    results = []
    with tempfile.TemporaryDirectory() as work:
        for n in (max(n_articles // 10, 1), n_articles):
            inbox = synthetic_inbox(Path(work) / f"inbox-{n}", n)
            load = os.getloadavg()[0]
            measured = _measure_run([str(inbox)], Path(work) / f"out-{n}")
            results.append({"articles": n, "load_before": load, "load_after": os.getloadavg()[0], **measured})
            shutil.rmtree(inbox)
    return results


def run_without_prefect(inputs: list[str], out: Path) -> None:
    """The work of `pipeline run` (`pipeline.run.run_once`: plan, extract and commit each batch, maintain and
    publish, the review site), Prefect never imported: the reference for Prefect's share."""
    from pipeline.config import DEFAULT_BATCH_SIZE
    from pipeline.run import run_once

    assert "prefect" not in sys.modules
    run_once(inputs, str(out), DEFAULT_BATCH_SIZE)
    assert "prefect" not in sys.modules


def bench_prefect_share(inputs: list[str]) -> dict:
    """Wall time of `pipeline run` against the same work without Prefect (`run_without_prefect`), each in a fresh
    process writing a fresh store: the difference is Prefect's (its import, temporary server, task runs, logs).
    `pipeline run` is measured twice on one PREFECT_HOME: first when Prefect must create its database (a new
    machine), then with the database ready (every later run)."""
    with tempfile.TemporaryDirectory() as work:
        home = Path(work) / "prefect-home"
        first = _measure_run(inputs, Path(work) / "flow-1", home)["seconds"]
        later = _measure_run(inputs, Path(work) / "flow-2", home)["seconds"]
        started = time.perf_counter()
        subprocess.run([sys.executable, __file__, "--without-prefect", str(Path(work) / "direct"), "--inputs", *inputs],
                       cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        without = time.perf_counter() - started
    return {"first": first, "later": later, "without_prefect": without,
            "first_share": max(first - without, 0.0) / first, "later_share": max(later - without, 0.0) / later}


def bench_run(inputs: list[str]) -> dict:
    with tempfile.TemporaryDirectory() as out:
        return _measure_run(inputs, Path(out))


def _measure_run(inputs: list[str], out: Path, home: Path | None = None) -> dict:
    """Wall time and peak RSS of the whole process tree of one `python -m pipeline run` (Prefect's database under
    `home`, by default a new one)."""
    with tempfile.TemporaryDirectory() as fresh:
        env = {**os.environ, "PREFECT_HOME": str(home or fresh), "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
        env.pop("PREFECT_API_URL", None)
        started = time.perf_counter()
        process = psutil.Popen([sys.executable, "-m", "pipeline", "run", *inputs, "--out", str(out)], cwd=ROOT,
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        peak = 0
        while process.poll() is None:
            try:
                tree = [process, *process.children(recursive=True)]
                peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()))
            except psutil.Error:
                pass
            time.sleep(0.05)
        seconds = time.perf_counter() - started
        if process.returncode != 0:
            raise SystemExit(f"pipeline run failed with exit code {process.returncode}")
    return {"seconds": seconds, "peak_rss_mb": peak / 2**20}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chars", type=int, default=300_000, help="volume of text for the NLP measurement")
    parser.add_argument("--inputs", nargs="*", default=[str(ROOT / "raw")], help="inputs for the whole-run measurement")
    parser.add_argument("--giant", type=float, default=0,
                        help="also run the pipeline on one article of this many MB of UTF-8 (20: ~10 min)")
    parser.add_argument("--incremental", action="store_true",
                        help="also add 10 articles to synthetic stores of 10 000 and 100 000 articles (~5 min)")
    parser.add_argument("--review", type=int, default=10_000, metavar="N",
                        help="articles of the store whose review site is built (default 10000)")
    parser.add_argument("--volume", type=int, default=0, metavar="N",
                        help="also run N/10 and N synthetic articles from a fresh store: peak memory (10000: ~20 min)")
    parser.add_argument("--parallel", type=int, default=0, metavar="N",
                        help="also run N articles with one and with two worker processes")
    parser.add_argument("--without-prefect", metavar="OUT", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.without_prefect:  # the reference run of bench_prefect_share, in its own process
        run_without_prefect(args.inputs, Path(args.without_prefect))
        return 0
    print(f"machine load (1/5/15 min): {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores")

    nlp = bench_nlp(args.chars)
    print(f"NLP layer + rule extractors: {nlp['chars']:,} chars in {nlp['seconds']:.2f} s = {nlp['chars_per_second']:,.0f} chars/s (one core)")
    for name, seconds in nlp["components"].items():
        print(f"  {name:<20} {seconds:7.2f} s  {seconds / nlp['seconds']:6.1%}")
    load = bench_load()
    print(f"a new process ready to process a text (imports, pipeline, Natasha's weights): {load['cpu_seconds']:.2f} s CPU")
    long = bench_long_article()
    print(f"one long article: {long['chars']:,} chars in {long['seconds']:.2f} s = {long['chars_per_second']:,.0f} chars/s")
    scaling = bench_scaling()
    print(f"per-character cost: {scaling['small_us_per_char']:.1f} µs on ~{scaling['small_chars']:,}-char articles, "
          f"{scaling['big_us_per_char']:.1f} µs on one {scaling['big_chars']:,}-char article (ratio {scaling['ratio']:.2f})")
    giant = bench_giant(args.giant) if args.giant else None
    if giant:
        print(f"giant article ({args.giant:g} MB, {giant['chars']:,} chars) through `pipeline run`: landed with "
              f"{giant['claims']:,} claims in {giant['seconds']:.0f} s, peak RSS of the process tree {giant['peak_rss_mb']:.0f} MB")
    incremental = bench_incremental() if args.incremental else []
    for row in incremental:
        print(f"adding 10 articles to {row['stored']:,} stored: {row['seconds']:.1f} s, wrote {row['written_bytes'] / 2**20:.2f} MB "
              f"of a {row['store_bytes'] / 2**20:.0f} MB store ({row['share']:.2%})")
    parallel = bench_parallel(args.parallel) if args.parallel else None
    if parallel:
        print(f"{parallel['articles']} articles: one worker {parallel['one']['seconds']:.1f} s "
              f"(peak {parallel['one']['peak_rss_mb']:.0f} MB), two workers {parallel['two']['seconds']:.1f} s "
              f"(peak {parallel['two']['peak_rss_mb']:.0f} MB): speed-up {parallel['speedup']:.2f}x")
    volume = bench_volume(args.volume) if args.volume else []
    for row in volume:
        print(f"run of {row['articles']:,} articles: {row['seconds']:.0f} s, peak RSS of the process tree "
              f"{row['peak_rss_mb']:.0f} MB (load {row['load_before']:.2f} -> {row['load_after']:.2f})")
    review = bench_review(args.review)
    print(f"review site of {review['articles']:,} articles: {review['seconds']:.1f} s, {review['files']:,} files, "
          f"{review['bytes'] / 1e6:.1f} MB ({review['bytes'] / 1e6 / review['articles'] * 1000:.1f} KB per article); "
          f"again with nothing changed: {review['again_seconds']:.1f} s, {review['again_written']} files written; "
          f"process RSS after {review['peak_rss_mb']:.0f} MB")
    run = bench_run(args.inputs)
    share = bench_prefect_share([str(ROOT / "raw")])
    print(f"Prefect's share of `pipeline run raw`: {share['later']:.1f} s wall against {share['without_prefect']:.1f} s "
          f"for the same work without Prefect = {share['later_share']:.0%} (on a new PREFECT_HOME, database created: "
          f"{share['first']:.1f} s, {share['first_share']:.0%})")
    print(f"whole run ({' '.join(args.inputs)}): {run['seconds']:.1f} s, peak RSS of the process tree {run['peak_rss_mb']:.0f} MB")

    failures = []
    if review["seconds"] > TARGETS["review_seconds"]:
        failures.append(f"review site of {review['articles']:,} articles took {review['seconds']:.0f} > "
                        f"{TARGETS['review_seconds']:.0f} s")
    if review["bytes"] / 1e6 / review["articles"] > TARGETS["review_mb_per_article"]:
        failures.append(f"review site {review['bytes'] / 1e6 / review['articles'] * 1000:.1f} KB per article")
    if review["again_written"] or review["again_seconds"] > TARGETS["review_again_seconds"]:
        failures.append(f"review site with nothing changed: {review['again_written']} files written in "
                        f"{review['again_seconds']:.0f} s")
    if load["cpu_seconds"] > TARGETS["load_cpu_seconds"]:
        failures.append(f"loading the pipeline {load['cpu_seconds']:.2f} > {TARGETS['load_cpu_seconds']} s CPU")
    if nlp["chars_per_second"] < TARGETS["nlp_chars_per_second"]:
        failures.append(f"NLP speed {nlp['chars_per_second']:,.0f} < {TARGETS['nlp_chars_per_second']:,} chars/s")
    if long["chars_per_second"] < TARGETS["long_article_chars_per_second"]:
        failures.append(f"long article {long['chars_per_second']:,.0f} < {TARGETS['long_article_chars_per_second']:,} chars/s")
    if run["seconds"] > TARGETS["run_seconds"]:
        failures.append(f"run time {run['seconds']:.1f} > {TARGETS['run_seconds']} s")
    if run["peak_rss_mb"] > TARGETS["run_peak_rss_mb"]:
        failures.append(f"peak memory {run['peak_rss_mb']:.0f} > {TARGETS['run_peak_rss_mb']} MB")
    if scaling["ratio"] > TARGETS["megabyte_cost_ratio"]:
        failures.append(f"1 MB article costs {scaling['ratio']:.2f}x per char > {TARGETS['megabyte_cost_ratio']}")
    if giant and giant["peak_rss_mb"] > TARGETS["giant_peak_rss_mb"]:
        failures.append(f"giant article peak {giant['peak_rss_mb']:.0f} > {TARGETS['giant_peak_rss_mb']:.0f} MB")
    if share["later_share"] > TARGETS["prefect_share"]:
        failures.append(f"Prefect takes {share['later_share']:.0%} of `pipeline run raw` > {TARGETS['prefect_share']:.0%}")
    for row in volume:
        if row["peak_rss_mb"] > TARGETS["volume_peak_rss_mb"]:
            failures.append(f"a run of {row['articles']:,} articles peaked at {row['peak_rss_mb']:.0f} > "
                            f"{TARGETS['volume_peak_rss_mb']:.0f} MB")
    if incremental and max(r["share"] for r in incremental) > TARGETS["incremental_write_share"]:
        failures.append(f"an ingest of 10 articles wrote {max(r['share'] for r in incremental):.2%} of the store")
    if len(incremental) == 2 and incremental[1]["seconds"] > TARGETS["incremental_time_ratio"] * incremental[0]["seconds"]:
        failures.append("adding 10 articles to 100 000 takes "
                        f"{incremental[1]['seconds'] / incremental[0]['seconds']:.2f}x the time at 10 000")
    if parallel and parallel["speedup"] < TARGETS["two_worker_speedup"]:
        failures.append(f"two workers {parallel['speedup']:.2f}x one < {TARGETS['two_worker_speedup']}x")
    print("targets:", "all met" if not failures else "; ".join(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
