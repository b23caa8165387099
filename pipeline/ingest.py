"""Reading inputs: find files, decode bytes, turn each input unit into a RawDocument or a Reject.

Nothing here raises for bad content: a broken input becomes a `Reject` with a reason from `REJECT_REASONS`
and the rest of the batch goes on. Only a path that does not exist at all is an error (`InputError`),
because that is a mistake in the command, not in the data.
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from pathlib import Path

from pipeline.clean import clean_text, html_to_text, looks_like_html, parse_header, split_title
from pipeline.config import input_root
from pipeline.identity import article_id, file_key, line_key, read_clock, record_key, version_hash
from pipeline.records import Article, RawDocument, Reject

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
    "not_russian": "no Russian prose: too few Cyrillic words (numbers, Latin-only text, symbols)",
    "unexpected_error": "reading or cleaning this unit raised unexpectedly (the exception is in `detail`)",
    "nlp_error": "the NLP stage raised on this article (the message is in `detail`)",
    "http_error": "a feed or page answered with an HTTP status other than 200 (the status is in `detail`)",
    "fetch_error": "a feed or page could not be fetched: refused connection, unknown host, broken answer",
    "invalid_feed": "a feed that is neither RSS nor Atom",
    "blocked_url": "a feed or page URL the fetch policy refuses: a scheme other than http/https, an address that "
                   "is not public (loopback, private, link-local, multicast, ...; also after a redirect), or a local "
                   "path given as a feed to a deployment",
    "too_large": "a feed or page over the byte limit once decompressed (PIPELINE_FETCH_MAX_BYTES)",
    "timeout": "a feed or page that did not answer in time: the request's deadline or its retries ran out, or a "
               "feed's deadline left its remaining items for the next run",
    "item_cap": "the run fetched its cap of new pages (PIPELINE_FETCH_MAX_ITEMS): the feed's remaining items wait "
                "for the next run",
}

TEXT_SUFFIXES = {".txt"}
JSONL_SUFFIXES = {".jsonl"}
LEGACY_ENCODINGS = ("cp1251", "koi8_r")
PLAUSIBLE = 0.7  # a legacy decoding must read as Russian prose: mostly Cyrillic, mostly lower case


class InputError(Exception):
    """The command itself cannot proceed (e.g. an input path that does not exist)."""


# ---------------------------------------------------------------------------
# discovery
# ---------------------------------------------------------------------------


def discover_inputs(inputs: Iterable[str | Path], skip: Iterable[str] = ()) -> list[Path]:
    """Expand folders into their .txt/.jsonl files (recursively, sorted; hidden ones and the subfolders named in
    `skip` left out); keep files as given; each file once."""
    found: list[Path] = []
    skip = set(skip)
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                relative = child.relative_to(path)
                if any(part.startswith(".") for part in relative.parts) or relative.parts[0] in skip:
                    continue
                if child.suffix.lower() in TEXT_SUFFIXES | JSONL_SUFFIXES and not child.is_dir():
                    found.append(child)
        elif path.exists() or path.is_symlink():
            found.append(path)
        else:
            raise InputError(f"input path does not exist: {path}")
    unique: dict[str, Path] = {}
    for path in found:  # one file given twice (a folder and a file in it, a relative and an absolute path): read once
        unique.setdefault(os.path.realpath(path), path)
    return list(unique.values())


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


def _bomless_utf16(data: bytes) -> tuple[str, str] | None:
    """UTF-16 saved without a byte order mark: NULs in every other byte of ASCII, and a decoding that reads as
    Russian prose."""
    if len(data) % 2:
        return None
    for name in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(name)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text and _control_share(text) <= 0.01 and _cyrillic_plausibility(text) >= PLAUSIBLE:
            return text, name
    return None


def _legacy(data: bytes) -> tuple[float, str, str] | None:
    """The likeliest Cyrillic legacy decoding of `data`: (plausibility, encoding, text)."""
    candidates = []
    for name in LEGACY_ENCODINGS:
        try:
            decoded = data.decode(name)
        except UnicodeDecodeError:
            continue
        candidates.append((_cyrillic_plausibility(decoded), name, decoded))
    return max(candidates) if candidates else None


def _not_utf8(data: bytes, exc: UnicodeDecodeError) -> tuple[str, str]:
    """Bytes that are not all UTF-8: line by line, UTF-8 where it is valid and the likeliest Cyrillic legacy
    encoding elsewhere (a cp1251 paragraph pasted into a UTF-8 file); a few stray bytes in UTF-8 text become
    U+FFFD; anything else is undecodable."""
    lines = data.removeprefix(b"\xef\xbb\xbf").split(b"\n")
    valid = []
    for line in lines:
        try:
            valid.append(line.decode("utf-8"))
        except UnicodeDecodeError:
            valid.append(None)
    bad = b"\n".join(line for line, ok in zip(lines, valid) if ok is None)
    legacy = _legacy(bad)
    if legacy is not None and legacy[0] >= PLAUSIBLE:
        _, name, _ = legacy
        text = "\n".join(ok if ok is not None else line.decode(name) for line, ok in zip(lines, valid))
        mixed = any(ok is not None and not ok.isascii() for ok in valid)
        return text, f"utf-8+{name}" if mixed else name
    replaced = data.decode("utf-8-sig", errors="replace")
    stray = replaced.count("\ufffd") - data.decode("utf-8-sig", errors="ignore").count("\ufffd")
    if stray <= max(1, len(replaced) // 100) and _cyrillic_plausibility(replaced) >= PLAUSIBLE:
        return replaced, f"utf-8 ({stray} invalid byte sequence(s) replaced)"
    raise DecodeError("undecodable", f"not UTF-8 ({exc.reason} at byte {exc.start}) and not Cyrillic cp1251/koi8-r") \
        from exc


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode input bytes: UTF-8 (BOM allowed), UTF-16 with BOM, else the likeliest Cyrillic legacy encoding."""
    if not data:
        raise DecodeError("empty", "0 bytes")
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        raise DecodeError("undecodable", "UTF-32 (byte order mark): not supported, save the file as UTF-8")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise DecodeError("undecodable", f"UTF-16 BOM but invalid UTF-16: {exc}") from exc
    if b"\x00" in data[:8192]:
        utf16 = _bomless_utf16(data)
        if utf16 is not None:
            return utf16
        raise DecodeError("binary", "NUL bytes in the first 8 KiB")
    try:
        text = data.decode("utf-8-sig")
        encoding = "utf-8"
    except UnicodeDecodeError as exc:
        text, encoding = _not_utf8(data, exc)
    if _control_share(text) > 0.01:
        raise DecodeError("binary", f"{_control_share(text):.1%} control characters")
    return text, encoding


# ---------------------------------------------------------------------------
# reading
# ---------------------------------------------------------------------------


def display_path(path: Path) -> str:
    """The path as text that can always be written: bytes a file name holds that are not UTF-8 are shown as
    backslash escapes (`\xff`), never carried as lone surrogates into a table."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


_SURROGATE = re.compile("[\ud800-\udfff]")


def repair_surrogates(value: str) -> tuple[str, int]:
    """Lone surrogates (a JSON "\\ud800" escape) cannot be written as UTF-8: each becomes U+FFFD."""
    repaired, count = _SURROGATE.subn("\ufffd", value)
    return repaired, count


def read_inputs(paths: Iterable[Path], root: Path | None = None) -> Iterator[RawDocument | Reject]:
    """Every input unit of every path, in order: a RawDocument, or a Reject saying why not. Each path (and each
    JSONL line) is read inside its own error boundary: whatever it raises becomes a Reject. Units are keyed by
    their path relative to `root` (default: the input root, see `pipeline.identity`)."""
    root = Path(root) if root is not None else input_root()
    for path in paths:
        shown = display_path(path)
        name = display_path(Path(path.name))
        key = file_key(path, root)
        fmt = "jsonl" if path.suffix.lower() in JSONL_SUFFIXES else "txt"
        try:
            if not path.is_file():
                raise OSError(f"not a regular file ({'broken link' if path.is_symlink() else 'special file or folder'})")
            data = path.read_bytes()
        except OSError as exc:
            yield Reject(name, fmt, shown, "unreadable", exc.strerror or str(exc), source_key=key)
            continue
        try:
            if fmt == "jsonl":
                yield from read_jsonl(path, data, key)
            else:
                yield read_text_file(path, data, key)
        except Exception as exc:  # noqa: BLE001 - one input must never stop the batch
            yield Reject(name, fmt, shown, "unexpected_error", f"{type(exc).__name__}: {exc}", source_key=key)


def read_text_file(path: Path, data: bytes, key: str | None = None) -> RawDocument | Reject:
    name, shown = display_path(Path(path.name)), display_path(path)
    key = key or file_key(path, input_root())
    try:
        text, encoding = decode_bytes(data)
    except DecodeError as exc:
        return Reject(name, "txt", shown, exc.reason, exc.detail, source_key=key)
    if not text.strip():
        return Reject(name, "txt", shown, "blank", f"{len(data)} bytes of whitespace", source_key=key)
    warnings = () if encoding == "utf-8" else (f"re-decoded from {encoding}",)
    if looks_like_html(text):
        text, warnings = html_to_text(text), warnings + ("an HTML page: markup removed",)
    return RawDocument(name, "txt", shown, text, encoding, warnings=warnings, source_key=key, unit_key=key,
                       read_at=read_clock())


def _parse_published(value: object) -> tuple[date | None, str | None]:
    if value in (None, ""):
        return None, None
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value.strip().replace("Z", "+00:00")).date(), None
        except ValueError:
            pass
    shown = repr(value) if len(repr(value)) <= 80 else repr(value)[:77] + "..."
    return None, f"published_at {shown} is not an ISO date: published_at unknown"


def jsonl_lines(data: bytes) -> Iterator[tuple[int, str | None, str, str]]:
    """(line number, text or None, encoding, detail) per line. Lines are decoded one by one, so a file mixing
    encodings, or holding one binary line, loses only the lines that cannot be read; a UTF-16 file is decoded
    whole."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00\x00" not in data and b"\x00" in data[:2]:
        text, encoding = decode_bytes(data)  # UTF-16: newlines are two bytes
        for number, line in enumerate(text.split("\n"), 1):
            yield number, line, encoding, ""
        return
    for number, raw in enumerate(data.split(b"\n"), 1):
        if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        if not raw.strip():
            yield number, "", "utf-8", ""
            continue
        try:
            text, encoding = decode_bytes(raw)
        except DecodeError as exc:
            yield number, None, exc.reason, exc.detail
            continue
        yield number, text, encoding, ""


def read_jsonl(path: Path, data: bytes, key: str | None = None) -> Iterator[RawDocument | Reject]:
    """One RawDocument per JSON line `{id?, url?, published_at?, title?, text}`; blank lines are skipped."""
    name, shown = display_path(Path(path.name)), display_path(path)
    key = key or file_key(path, input_root())
    if not data:
        yield Reject(name, "jsonl", shown, "empty", "0 bytes", source_key=key)
        return
    try:
        lines = list(jsonl_lines(data))
    except DecodeError as exc:
        yield Reject(name, "jsonl", shown, exc.reason, exc.detail, source_key=key)
        return
    for number, line, encoding, detail in lines:
        fallback_id = f"{name}:{number}"
        unit = line_key(key, number)
        if line is None:
            yield Reject(fallback_id, "jsonl", shown, encoding, detail, line=number, source_key=unit)
            continue
        if not line.strip():
            continue
        try:
            yield _jsonl_record(line, number, fallback_id, shown, encoding, key)
        except Exception as exc:  # noqa: BLE001 - one line must never stop its file
            yield Reject(fallback_id, "jsonl", shown, "unexpected_error", f"{type(exc).__name__}: {exc}", line=number,
                         source_key=unit)


def _jsonl_record(line: str, number: int, fallback_id: str, shown: str, encoding: str,
                  key: str) -> RawDocument | Reject:
    unit = line_key(key, number)

    def reject(reason: str, detail: str, source_id: str = fallback_id) -> Reject:
        return Reject(source_id, "jsonl", shown, reason, detail, line=number, source_key=unit)

    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        return reject("invalid_json", f"{exc.msg} at column {exc.colno}")
    except RecursionError:
        return reject("invalid_json", "nested too deeply to read")
    except ValueError as exc:  # an integer of more than 4300 digits
        return reject("invalid_json", str(exc))
    if not isinstance(record, dict):
        return reject("invalid_record", f"expected an object, got {type(record).__name__}")
    warnings: list[str] = []

    def field(key: str) -> str | None:
        value = record.get(key)
        if value is None:
            return None
        if not isinstance(value, str):
            warnings.append(f"`{key}` is {type(value).__name__}, not a string: ignored")
            return None
        value, repaired = repair_surrogates(value)
        if repaired:
            warnings.append(f"`{key}`: {repaired} lone surrogate(s) replaced with U+FFFD")
        return value

    raw_id = record.get("id")
    if isinstance(raw_id, int) and not isinstance(raw_id, bool):
        record["id"] = str(raw_id)
    record_id = (field("id") or "").strip()
    source_id = record_id or (field("url") or "").strip() or fallback_id
    text = record.get("text")
    if not isinstance(text, str):
        detail = "no `text` field" if text is None else f"`text` is {type(text).__name__}, not a string"
        return reject("missing_text", detail, source_id)
    text = field("text") or ""
    if not text.strip():
        return reject("empty" if not text else "blank", "`text` has no characters" if not text else "`text` is whitespace",
                      source_id)
    if _control_share(text) > 0.01:
        return reject("binary", f"`text` has {_control_share(text):.1%} control characters", source_id)
    published_at, warning = _parse_published(record.get("published_at"))
    if warning:
        warnings.append(warning)
    title, url = field("title"), field("url")
    if encoding != "utf-8":
        warnings.append(f"re-decoded from {encoding}")
    if published_at is None and warning is None:
        warnings.append("no published_at: published_at unknown")
    return RawDocument(source_id, "jsonl", shown, text, encoding, line=number, url=url, published_at=published_at,
                       title=title, header_in_text=False, warnings=tuple(warnings),
                       source_key=record_key(key, number, record_id, url), unit_key=unit, read_at=read_clock())


# ---------------------------------------------------------------------------
# raw document -> article
# ---------------------------------------------------------------------------


MIN_CYRILLIC_LETTERS = 12
MIN_CYRILLIC_SHARE = 0.3  # of the letters
MIN_LETTER_SHARE = 0.25  # of the characters that are not spaces


_CYRILLIC = re.compile("[\u0400-\u04ff]")


def russian_prose(text: str) -> str | None:
    """None when the text reads as Russian prose, else why not: a file of numbers, a Latin-only or emoji-only
    text becomes one reject, not thousands of amount rows."""
    # counted, never collected: a 20 MB text is millions of characters
    letters = sum(map(str.isalpha, text))
    cyrillic = len(text) - len(_CYRILLIC.sub("", text))
    visible = len(text) - sum(map(str.isspace, text))
    if cyrillic < MIN_CYRILLIC_LETTERS:
        return f"{cyrillic} Cyrillic letters (fewer than {MIN_CYRILLIC_LETTERS})"
    if cyrillic < MIN_CYRILLIC_SHARE * letters:
        return f"{cyrillic / letters:.0%} of the letters are Cyrillic"
    if letters < MIN_LETTER_SHARE * visible:
        return f"{letters / visible:.0%} of the characters are letters (numbers or symbols, not prose)"
    return None


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
                      "nothing left after removing the header and site boilerplate", raw.line, raw.unit_key)
    prose = russian_prose(text)
    if prose:
        return Reject(raw.source_id, raw.source_format, raw.path, "not_russian", prose, raw.line, raw.unit_key)
    source_key = raw.source_key or raw.unit_key or raw.path
    title = split_title(text)
    version = version_hash(text, title, published_at, raw.url)
    return Article(
        article_id=article_id(source_key, version),
        source_id=raw.source_id,
        source_format=raw.source_format,
        path=raw.path,
        line=raw.line,
        url=raw.url,
        published_at=published_at,
        title=title,
        text=text,
        encoding=raw.encoding,
        warnings=tuple(warnings),
        source_key=source_key,
        version_hash=version,
        read_at=raw.read_at,
    )


def build_article_safely(raw: RawDocument) -> Article | Reject:
    """`build_article` inside an error boundary: whatever it raises becomes this unit's Reject."""
    try:
        return build_article(raw)
    except Exception as exc:  # noqa: BLE001 - one article must never stop the batch
        return Reject(raw.source_id, raw.source_format, raw.path, "unexpected_error", f"{type(exc).__name__}: {exc}",
                      raw.line, raw.unit_key)
