"""Every measuring stick side by side in one process: gold dev/test, news-real (A/B), news-real-2 C (dev) and D
(check), factRuEval dev (entities) — the table every extraction change reports.

    .venv/bin/python scripts/scoreboard.py                    # the table
    .venv/bin/python scripts/scoreboard.py --errors claims C  # disagreements of a development set

Disagreements are listed for development material only (gold dev, A/B, C): the gold test split and D are
scored and reported, never read.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


from pipeline.evaluate import evaluate_documents, predict, score_documents  # noqa: E402

CORPORA = ROOT.parent / "shared" / "corpora"  # developer material beside the project
# name -> (corpus kind or None for the gold set, folder, split, readable)
STICKS = {
    "gold-dev": (None, None, "dev", True),
    "gold-test": (None, None, "test", False),
    "AB": ("news-real", CORPORA / "news-real", "all", True),
    "C": ("news-real", CORPORA / "news-real-2", "dev", True),
    "D": ("news-real", CORPORA / "news-real-2", "test", False),
}
ROWS = [
    ("claims P", "claims/ALL/evidence+amount", "precision"),
    ("claims R", "claims/ALL/evidence+amount", "recall"),
    ("claims F1", "claims/ALL/evidence+amount", "f1"),
    ("all slots (share of gold)", "claims/ALL/all-slots", "recall"),
    ("subject", "claims/ALL/slot:subject", "accuracy"),
    ("relation", "claims/ALL/slot:relation", "accuracy"),
    ("time", "claims/ALL/slot:time", "accuracy"),
    ("source", "claims/ALL/slot:source", "accuracy"),
    ("modality", "claims/ALL/slot:modality", "accuracy"),
    ("amounts value F1", "amounts/ALL/value", "f1"),
    ("count strict F1", "amounts/count/strict", "f1"),
    ("money strict F1", "amounts/money/strict", "f1"),
    ("timex resolved F1", "timex/ALL/resolved", "f1"),
    ("entities strict F1", "entities/ALL/strict", "f1"),
    ("PRODUCT strict F1", "entities/PRODUCT/strict", "f1"),
]


def load(name: str):
    from pipeline.corpora import load_eval_documents

    kind, folder, split, _ = STICKS[name]
    return load_eval_documents(split, kind, folder)[2]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--errors", nargs=2, metavar=("TASK", "SET"), help="disagreements of a development set")
    parser.add_argument("--json", metavar="FILE", help="also write the numbers as JSON")
    parser.add_argument("--factru", action="store_true", help="add factRuEval dev entities (slow)")
    args = parser.parse_args()
    from pipeline.nlp import load_nlp

    nlp = load_nlp()
    if args.errors:
        task, name = args.errors
        if name not in STICKS:
            parser.error(f"unknown set {name!r}: one of {', '.join(STICKS)}")
        if not STICKS[name][3]:
            parser.error(f"{name} is a check set: scored and reported, never read")
        from pipeline.disagreements import list_disagreements

        docs = load(name)
        print("\n".join(list_disagreements(docs, predict(docs, nlp), task)))
        return 0
    table: dict[str, dict[str, float | None]] = {}
    started = time.process_time()
    for name in STICKS:
        if STICKS[name][1] is not None and not STICKS[name][1].is_dir():
            continue
        docs = load(name)
        metrics = {m.key: m for m in score_documents(docs, predict(docs, nlp))}
        table[name] = {label: getattr(metrics[key], attr) if key in metrics else None for label, key, attr in ROWS}
        table[name]["claims (gold)"] = metrics["claims/ALL/evidence+amount"].expected
    if args.factru and (CORPORA / "factru-2016" / "devset").is_dir():
        from pipeline.corpora import CORPUS_ENTITY_TYPES, load_factru

        docs = [d.as_gold() for d in load_factru(CORPORA / "factru-2016" / "devset")]
        metrics = {m.key: m for m in evaluate_documents(docs, nlp, token_level=False,
                                                        entity_types=CORPUS_ENTITY_TYPES)}
        print("factRuEval dev strict F1 PER/LOC/ORG: " + " / ".join(
            f"{metrics[f'entities/{t}/strict'].f1:.3f}" for t in ("PER", "LOC", "ORG")))
    names = list(table)
    print("| measure | " + " | ".join(names) + " |")
    print("| --- |" + " --- |" * len(names))
    for label in [r[0] for r in ROWS] + ["claims (gold)"]:
        cells = []
        for name in names:
            v = table[name].get(label)
            cells.append("" if v is None else (str(v) if isinstance(v, int) else f"{v:.3f}"))
        print(f"| {label} | " + " | ".join(cells) + " |")
    print(f"\nCPU {time.process_time() - started:.1f} s")
    if args.json:
        Path(args.json).write_text(json.dumps(table, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
