"""Reading inputs: find files, decode bytes, turn each input unit into a RawDocument or a Reject.

Nothing here raises for bad content: a broken input becomes a `Reject` with a reason from `REJECT_REASONS`
and the rest of the batch goes on. Only a path that does not exist at all is an error (`InputError`),
because that is a mistake in the command, not in the data.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from pathlib import Path

from pipeline.clean import clean_text, parse_header, split_title
from pipeline.records import Article, RawDocument, Reject, stable_hash

REJECT_REASONS = {
    "empty": "the file or record has no bytes / no text at all",
    "blank": "only whitespace",
    "binary": "not text (NUL bytes or many control characters)",
    "undecodable": "bytes are neither UTF-8 nor a Cyrillic legacy encoding (cp1251, koi8-r)",
    "unreadable": "the path exists but cannot be read (permissions, broken link, special file)",
    "invalid_json": "a JSONL line that is not valid JSON",
    "invalid_record": "a JSONL line that is JSON but not an object",
    "missing_text": "a JSONL object without a string `text` field",
    "no_text": "nothing left after removing the header and site boilerplate",
    "nlp_error": "the NLP stage raised on this article (the message is in `detail`)",
}

TEXT_SUFFIXES = {".txt"}
JSONL_SUFFIXES = {".jsonl"}
LEGACY_ENCODINGS = ("cp1251", "koi8_r")


class InputError(Exception):
    """The command itself cannot proceed (e.g. an input path that does not exist)."""


# ---------------------------------------------------------------------------
# discovery
# ---------------------------------------------------------------------------


def discover_inputs(inputs: Iterable[str | Path]) -> list[Path]:
    """Expand folders into their .txt/.jsonl files (recursively, sorted); keep files as given."""
    found: list[Path] = []
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                relative = child.relative_to(path)
                if any(part.startswith(".") for part in relative.parts):
                    continue
                if child.suffix.lower() in TEXT_SUFFIXES | JSONL_SUFFIXES and not child.is_dir():
                    found.append(child)
        elif path.exists() or path.is_symlink():
            found.append(path)
        else:
            raise InputError(f"input path does not exist: {path}")
    return list(dict.fromkeys(found))


# ---------------------------------------------------------------------------
# decoding
# ---------------------------------------------------------------------------


class DecodeError(Exception):
    def __init__(self, reason: str, detail: str):
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


def _control_share(text: str) -> float:
    if not text:
        return 0.0
    controls = sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\n\r\t\f\v")
    return controls / len(text)


def _cyrillic_plausibility(text: str) -> float:
    """How much a decoding looks like Russian prose: Cyrillic letters, mostly lower case."""
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return 0.0
    cyrillic = [ch for ch in letters if "\u0400" <= ch <= "\u04ff"]
    if not cyrillic:
        return 0.0
    lower = sum(1 for ch in cyrillic if ch.islower())
    return len(cyrillic) / len(letters) * (lower / len(cyrillic))


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode input bytes: UTF-8 (BOM allowed), UTF-16 with BOM, else the likeliest Cyrillic legacy encoding."""
    if not data:
        raise DecodeError("empty", "0 bytes")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise DecodeError("undecodable", f"UTF-16 BOM but invalid UTF-16: {exc}") from exc
    if b"\x00" in data[:8192]:
        raise DecodeError("binary", "NUL bytes in the first 8 KiB")
    try:
        text = data.decode("utf-8-sig")
        encoding = "utf-8"
    except UnicodeDecodeError as exc:
        candidates = []
        for name in LEGACY_ENCODINGS:
            try:
                decoded = data.decode(name)
            except UnicodeDecodeError:
                continue
            candidates.append((_cyrillic_plausibility(decoded), name, decoded))
        if not candidates or max(candidates)[0] < 0.5:
            raise DecodeError(
                "undecodable", f"not UTF-8 ({exc.reason} at byte {exc.start}) and not Cyrillic cp1251/koi8-r"
            ) from exc
        _, encoding, text = max(candidates)
    if _control_share(text) > 0.01:
        raise DecodeError("binary", f"{_control_share(text):.1%} control characters")
    return text, encoding


# ---------------------------------------------------------------------------
# reading
# ---------------------------------------------------------------------------


def read_inputs(paths: Iterable[Path]) -> Iterator[RawDocument | Reject]:
    """Every input unit of every path, in order: a RawDocument, or a Reject saying why not."""
    for path in paths:
        fmt = "jsonl" if path.suffix.lower() in JSONL_SUFFIXES else "txt"
        try:
            if not path.is_file():
                raise OSError(f"not a regular file ({'broken link' if path.is_symlink() else 'special file or folder'})")
            data = path.read_bytes()
        except OSError as exc:
            yield Reject(path.name, fmt, str(path), "unreadable", exc.strerror or str(exc))
            continue
        if fmt == "jsonl":
            yield from read_jsonl(path, data)
        else:
            yield read_text_file(path, data)


def read_text_file(path: Path, data: bytes) -> RawDocument | Reject:
    try:
        text, encoding = decode_bytes(data)
    except DecodeError as exc:
        return Reject(path.name, "txt", str(path), exc.reason, exc.detail)
    if not text.strip():
        return Reject(path.name, "txt", str(path), "blank", f"{len(data)} bytes of whitespace")
    warnings = () if encoding == "utf-8" else (f"re-decoded from {encoding}",)
    return RawDocument(path.name, "txt", str(path), text, encoding, warnings=warnings)


def _parse_published(value: object) -> tuple[date | None, str | None]:
    if value in (None, ""):
        return None, None
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value.strip().replace("Z", "+00:00")).date(), None
        except ValueError:
            pass
    return None, f"published_at {value!r} is not an ISO date: published_at unknown"


def read_jsonl(path: Path, data: bytes) -> Iterator[RawDocument | Reject]:
    """One RawDocument per JSON line `{id?, url?, published_at?, title?, text}`; blank lines are skipped."""
    try:
        content, encoding = decode_bytes(data)
    except DecodeError as exc:
        yield Reject(path.name, "jsonl", str(path), exc.reason, exc.detail)
        return
    for number, line in enumerate(content.split("\n"), 1):
        if not line.strip():
            continue
        fallback_id = f"{path.name}:{number}"

        def reject(reason: str, detail: str, source_id: str = fallback_id) -> Reject:
            return Reject(source_id, "jsonl", str(path), reason, detail, line=number)

        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield reject("invalid_json", f"{exc.msg} at column {exc.colno}")
            continue
        if not isinstance(record, dict):
            yield reject("invalid_record", f"expected an object, got {type(record).__name__}")
            continue
        source_id = str(record.get("id") or record.get("url") or fallback_id)
        text = record.get("text")
        if not isinstance(text, str):
            detail = "no `text` field" if text is None else f"`text` is {type(text).__name__}, not a string"
            yield reject("missing_text", detail, source_id)
            continue
        if not text.strip():
            yield reject("empty" if not text else "blank", "`text` has no characters" if not text else "`text` is whitespace", source_id)
            continue
        published_at, warning = _parse_published(record.get("published_at"))
        title = record.get("title") if isinstance(record.get("title"), str) else None
        warnings = tuple(w for w in (warning,) if w)
        if encoding != "utf-8":
            warnings += (f"re-decoded from {encoding}",)
        if published_at is None and warning is None:
            warnings += ("no published_at: published_at unknown",)
        yield RawDocument(
            source_id, "jsonl", str(path), text, encoding, line=number,
            url=record.get("url") if isinstance(record.get("url"), str) else None,
            published_at=published_at, title=title, header_in_text=False, warnings=warnings,
        )


# ---------------------------------------------------------------------------
# raw document -> article
# ---------------------------------------------------------------------------


def build_article(raw: RawDocument) -> Article | Reject:
    """Parse the header, clean the text, pick the title and give the article its stable id."""
    warnings = list(raw.warnings)
    published_at = raw.published_at
    body = raw.text
    if raw.header_in_text:
        header = parse_header(raw.text)
        published_at, body = header.published_at, header.body
        warnings.extend(header.warnings)
    text = clean_text(body)
    if raw.title:
        title = clean_text(raw.title).replace("\n", " ")
        if title and not text.startswith(title):
            text = f"{title}\n\n{text}" if text else title
    if not text:
        return Reject(raw.source_id, raw.source_format, raw.path, "no_text",
                      "nothing left after removing the header and site boilerplate", raw.line)
    return Article(
        article_id=stable_hash(raw.source_id, text),
        source_id=raw.source_id,
        source_format=raw.source_format,
        path=raw.path,
        line=raw.line,
        url=raw.url,
        published_at=published_at,
        title=split_title(text),
        text=text,
        encoding=raw.encoding,
        warnings=tuple(warnings),
    )
