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
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGETS = {
    "nlp_chars_per_second": 20_000,  # Natasha NER alone runs ~95k chars/s on one core; morph+syntax cost more
    "run_seconds": 60.0,  # `make run` on raw/, Prefect's temporary server start included
    "run_peak_rss_mb": 2_000.0,
    "long_article_chars_per_second": 15_000,  # one ~47k-char article: per-article cost must stay linear
    "megabyte_cost_ratio": 1.2,  # seconds per character of a 1 MB article / of the ~3 KB sample articles
    "giant_peak_rss_mb": 1_500.0,  # `--giant 20`: a 20 MB article, processed in pieces, not rejected
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
    import pyarrow.parquet as pq

    with tempfile.TemporaryDirectory() as work:
        inbox, out = Path(work) / "inbox", Path(work) / "out"
        inbox.mkdir()
        chars = write_giant(inbox / "giant.txt", megabytes)
        run = _measure_run([str(inbox)], out)
        articles = pq.read_table(out / "articles.parquet").num_rows
        rejects = pq.read_table(out / "rejects.parquet").to_pylist()
        claims = pq.read_table(out / "claims.parquet").num_rows
    if articles != 1 or rejects:
        raise SystemExit(f"the giant article did not land: {articles} articles, rejects {rejects}")
    return {**run, "chars": chars, "claims": claims}


def bench_run(inputs: list[str]) -> dict:
    with tempfile.TemporaryDirectory() as out:
        return _measure_run(inputs, Path(out))


def _measure_run(inputs: list[str], out: Path) -> dict:
    """Wall time and peak RSS of the whole process tree of one `python -m pipeline run`."""
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "PREFECT_HOME": home, "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
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
    args = parser.parse_args()
    print(f"machine load (1/5/15 min): {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores")

    nlp = bench_nlp(args.chars)
    print(f"NLP layer + rule extractors: {nlp['chars']:,} chars in {nlp['seconds']:.2f} s = {nlp['chars_per_second']:,.0f} chars/s (one core)")
    for name, seconds in nlp["components"].items():
        print(f"  {name:<20} {seconds:7.2f} s  {seconds / nlp['seconds']:6.1%}")
    long = bench_long_article()
    print(f"one long article: {long['chars']:,} chars in {long['seconds']:.2f} s = {long['chars_per_second']:,.0f} chars/s")
    scaling = bench_scaling()
    print(f"per-character cost: {scaling['small_us_per_char']:.1f} µs on ~{scaling['small_chars']:,}-char articles, "
          f"{scaling['big_us_per_char']:.1f} µs on one {scaling['big_chars']:,}-char article (ratio {scaling['ratio']:.2f})")
    giant = bench_giant(args.giant) if args.giant else None
    if giant:
        print(f"giant article ({args.giant:g} MB, {giant['chars']:,} chars) through `pipeline run`: landed with "
              f"{giant['claims']:,} claims in {giant['seconds']:.0f} s, peak RSS of the process tree {giant['peak_rss_mb']:.0f} MB")
    run = bench_run(args.inputs)
    print(f"whole run ({' '.join(args.inputs)}): {run['seconds']:.1f} s, peak RSS of the process tree {run['peak_rss_mb']:.0f} MB")

    failures = []
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
    print("targets:", "all met" if not failures else "; ".join(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
