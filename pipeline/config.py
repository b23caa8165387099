"""Paths and settings, defined once.

Everything else imports its paths from here; nothing else guesses where the project lives.
"""

from __future__ import annotations

import hashlib
import os
from functools import cache
from pathlib import Path

from pipeline import __version__

ROOT = Path(__file__).resolve().parent.parent
RAW_DIR = ROOT / "raw"
PROCESSED_DIR = ROOT / "processed"
# the folder the scheduled `ingest` deployment watches (override with PIPELINE_INBOX or `serve --inbox`)
INBOX_DIR = Path(os.environ.get("PIPELINE_INBOX", ROOT / "inbox"))
MODELS_DIR = Path(os.environ.get("PIPELINE_MODELS_DIR", ROOT / "models"))
GOLD_DIR = ROOT / "gold"
# the feeds the scheduled `ingest` reads besides its inbox folder (override with PIPELINE_SOURCES)
SOURCES_FILE = Path(os.environ.get("PIPELINE_SOURCES", ROOT / "sources.toml"))


def input_root() -> Path:
    """The folder input paths are named relative to in an article's identity (`articles.source_key`): the
    project folder, or `PIPELINE_INPUT_ROOT` (set it to the folder your exports live under). Read per call, so a
    served deployment and a manual run agree as long as they share the environment."""
    return Path(os.environ.get("PIPELINE_INPUT_ROOT") or ROOT)

BOILERPLATE_PATH = MODELS_DIR / "boilerplate.tsv"
NLP_CONFIG_PATH = MODELS_DIR / "nlp" / "config.cfg"

# Articles are processed in batches: one Prefect task and one set of table commits per batch, never per article.
# 64 keeps the commits' cost under a tenth of the extraction's (16: ~30%) while a crash loses ~10 s of work.
DEFAULT_BATCH_SIZE = 64


@cache
def pipeline_version() -> str:
    """Code version plus a fingerprint of the package's source and of the data in models/ (docs excluded):
    editing a rule or a lexicon changes it, so stored rows and cached extractions of another version are redone."""
    digest = hashlib.sha256()
    for base in (MODELS_DIR, Path(__file__).resolve().parent):
        for path in sorted(base.rglob("*")):
            if path.is_file() and not path.name.startswith(".") and path.suffix not in {".md", ".pyc"}:
                digest.update(path.relative_to(base).as_posix().encode())
                digest.update(path.read_bytes())
    return f"{__version__}+{digest.hexdigest()[:8]}"
