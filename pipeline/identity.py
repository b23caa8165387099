"""What makes two inputs the same article, and two readings of it different versions.

**Identity** (`source_key`): the article's URL when the input carries one; else the input file's path relative to
the input root (`pipeline.config.input_root`, the project folder unless `PIPELINE_INPUT_ROOT` says otherwise; an
absolute path for a file outside it), plus `#id=<id>` or `#line=<n>` for a JSONL record. The path is the file's
real path (links followed), so `raw/x.txt`, `./raw/x.txt`, `/home/me/project/raw/x.txt` and the folder `raw` all
name one file once, and two files never share a key: neither `x/news.txt` and `y/news.txt` nor the ids 1–3 of two
daily exports collide.

**Version** (`version_hash`): sha256 of everything the rows are extracted from — the cleaned text, the title, the
publication date and the URL. A new version of an identity replaces the stored one; anything else is a new
article. `article_id` is a hash of both.

**Order** (`read_at`): when the pipeline read the unit. Of two versions of one identity, the one read later is
the newer one, whichever run commits first (see `pipeline.store.commit.settle`). Within one process the clock is
strictly increasing, so a later line of a file is always later than an earlier one.

Pure functions: no I/O beyond resolving a path.
"""

from __future__ import annotations

import os
import threading
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from pipeline.records import stable_hash


def file_key(path: Path | str, root: Path | str) -> str:
    """A file's key: its real path relative to the real `root` (POSIX separators), else its absolute real path.
    Bytes of a name that are not UTF-8 are written as `\\xNN`, so the key can always be stored."""
    real = Path(os.path.realpath(path))
    base = Path(os.path.realpath(root))
    try:
        key = real.relative_to(base).as_posix()
    except ValueError:
        key = real.as_posix()
    return os.fsencode(key).decode("utf-8", "backslashreplace")


def url_key(url: str | None) -> str | None:
    """A URL as an identity: trimmed, scheme and host in lower case, the `#fragment` dropped (it names a place
    in the page, not another page); None when there is no URL."""
    if url is None or not url.strip():
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. an unbalanced "[" in the host: keep the text as written
        return url
    if not parts.scheme or not parts.netloc:
        return url.split("#", 1)[0] or url
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path, parts.query, ""))


def line_key(file: str, line: int) -> str:
    """The key of a JSONL line by position (what a reject of that line is filed under)."""
    return f"{file}#line={line}"


def record_key(file: str, line: int, record_id: str | None, url: str | None) -> str:
    """A JSONL record's identity: its URL; else its file's key and its `id`; else its file's key and line."""
    return url_key(url) or (f"{file}#id={record_id}" if record_id else line_key(file, line))


def version_hash(text: str, title: str | None, published_at: date | None, url: str | None) -> str:
    """sha256 (hex) of everything an article's rows are extracted from."""
    return stable_hash(text, title or "", published_at.isoformat() if published_at else "", url or "", size=64)


def article_id(source_key: str, version: str) -> str:
    return stable_hash(source_key, version)


class ReadClock:
    """UTC timestamps (microseconds, what the tables store) that strictly increase within the process."""

    def __init__(self) -> None:
        self._last = datetime.min.replace(tzinfo=timezone.utc)
        self._lock = threading.Lock()

    def __call__(self) -> datetime:
        with self._lock:
            now = datetime.now(timezone.utc)
            self._last = max(now, self._last + timedelta(microseconds=1))
            return self._last


read_clock = ReadClock()
