"""Settling the inbox: after a scheduled `ingest`, each file it read leaves the inbox — to `done/` when its
articles landed, to `rejected/` (with the reason in `<name>.reason.txt` beside it) when nothing of it could be
stored — so the next run neither reads nor warns about it again.

A file moves only after its rows were committed, by one atomic rename inside the inbox's file system, and only
if it is unchanged since it was read (a JSONL export still being written stays for the next run). A JSONL file
with some broken lines goes to `done/` with `<name>.rejects.txt` listing them. Pure file operations: no Prefect.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from pipeline.store import write_text

DONE, REJECTED = "done", "rejected"
SETTLED_FOLDERS = (DONE, REJECTED)
LEDGER = "inbox-files.json"


@dataclass
class InboxFile:
    """One inbox file as the run read it: its size and mtime then, the articles built from it and its rejects."""

    path: str
    size: int
    mtime_ns: int
    articles: list[str] = field(default_factory=list)
    rejects: list[tuple[int | None, str, str]] = field(default_factory=list)  # (line, reason, detail)

    @classmethod
    def seen(cls, path: Path) -> InboxFile:
        """Its size and mtime before it is read (of the link itself for a link: a broken one settles too)."""
        try:
            stat = os.lstat(path)
        except OSError:
            return cls(os.fsdecode(path), -1, -1)
        return cls(os.fsdecode(path), stat.st_size, stat.st_mtime_ns)


def write_ledger(folder: Path, files: Iterable[InboxFile]) -> None:
    # ensure_ascii: a file name that is not UTF-8 survives as \\udcXX escapes and comes back as the same bytes
    write_text(Path(folder) / LEDGER, json.dumps([asdict(f) for f in files]))


def read_ledger(folder: Path) -> list[InboxFile]:
    path = Path(folder) / LEDGER
    if not path.is_file():
        return []
    return [InboxFile(**{**row, "rejects": [tuple(r) for r in row["rejects"]]})
            for row in json.loads(path.read_text(encoding="utf-8"))]


def decide(file: InboxFile, stored: set[str], superseded: set[str]) -> tuple[str | None, str | None]:
    """(folder to move the file to or None to leave it, the note to put beside it)."""
    pending = [a for a in file.articles if a not in stored and a not in superseded]
    landed = [a for a in file.articles if a in stored]
    lines = [f"line {line}: {reason}: {detail}" if line else f"{reason}: {detail}" for line, reason, detail in file.rejects]
    if pending:
        lines.append(f"{len(pending)} article(s) did not land (see the rejects table, reason nlp_error)")
    if landed or (file.articles and not pending):
        return DONE, "\n".join(lines) or None
    if lines:
        return REJECTED, "\n".join(lines)
    return None, None  # nothing read from it (an empty JSONL of blank lines): leave it


def settle(inbox: Path, files: Iterable[InboxFile], stored: set[str], superseded: set[str]) -> Counter:
    """Move every settled file; returns how many went where (`left` for files changed since they were read)."""
    inbox = Path(inbox)
    moved: Counter = Counter()
    for file in files:
        path = Path(os.fsdecode(os.fsencode(file.path)))
        folder, note = decide(file, stored, superseded)
        if folder is None:
            continue
        try:
            stat = os.lstat(path)
        except OSError:
            continue  # gone already
        if (stat.st_size, stat.st_mtime_ns) != (file.size, file.mtime_ns):
            moved["left"] += 1  # written to since it was read: the next run reads it again
            continue
        target = _target(inbox, path, folder)
        if note:  # beside it before it arrives: a moved file always has its note
            suffix = ".reason.txt" if folder == REJECTED else ".rejects.txt"
            write_text(target.with_name(target.name + suffix), note + "\n")
        os.replace(path, target)
        moved[folder] += 1
    return moved


def _target(inbox: Path, path: Path, folder: str) -> Path:
    """Where a file goes: the same relative path under `folder`; a name already there gets `.2`, `.3`, …"""
    try:
        relative = Path(os.path.abspath(path)).relative_to(os.path.abspath(inbox))
    except ValueError:
        relative = Path(path.name)
    target = inbox / folder / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    n = 2
    while target.exists() or target.with_name(target.name + ".reason.txt").exists():
        target = inbox / folder / relative.with_name(f"{relative.stem}.{n}{relative.suffix}")
        n += 1
    return target
