"""Text cleaning: normalise characters, drop site boilerplate lines, parse the raw header.

All offsets in the output tables refer to the text returned by `clean_text`, which is stored in `articles.text`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from html.parser import HTMLParser
from datetime import date
from functools import cache
from pathlib import Path

from pipeline.config import BOILERPLATE_PATH

# ---------------------------------------------------------------------------
# characters
# ---------------------------------------------------------------------------

_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"), None)
_SPACES = dict.fromkeys(map(ord, "\u00a0\u2007\u202f\u2009\u200a\t\v\f"), " ")


def normalize_chars(text: str) -> str:
    """NFC, unified newlines, no soft hyphens or zero-width characters, plain spaces."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
    text = unicodedata.normalize("NFC", text)
    return text.translate(_INVISIBLE).translate(_SPACES)


# ---------------------------------------------------------------------------
# boilerplate
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class BoilerplateRule:
    name: str
    pattern: re.Pattern[str]


def load_boilerplate(path: Path = BOILERPLATE_PATH) -> tuple[BoilerplateRule, ...]:
    """Read the boilerplate patterns (name<TAB>regex, `#` comments, a header row) from models/."""
    rules = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#") or line.startswith("name\t"):
            continue
        name, sep, pattern = line.partition("\t")
        if not sep:
            raise ValueError(f"{path}:{number}: expected name<TAB>pattern, got {line!r}")
        rules.append(BoilerplateRule(name.strip(), re.compile(pattern.strip(), re.IGNORECASE)))
    return tuple(rules)


@cache
def default_boilerplate() -> tuple[BoilerplateRule, ...]:
    return load_boilerplate()


def is_boilerplate(line: str, rules: tuple[BoilerplateRule, ...]) -> bool:
    stripped = line.strip()
    return any(rule.pattern.fullmatch(stripped) for rule in rules)


def clean_text(text: str, rules: tuple[BoilerplateRule, ...] | None = None) -> str:
    """Drop boilerplate lines, trim lines, keep one blank line between paragraphs."""
    rules = default_boilerplate() if rules is None else rules
    lines: list[str] = []
    for line in normalize_chars(text).split("\n"):
        line = re.sub(r" {2,}", " ", line).strip()
        if line and is_boilerplate(line, rules):
            continue
        if not line and (not lines or not lines[-1]):
            continue  # collapse blank runs, no leading blank lines
        lines.append(line)
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines)


# ---------------------------------------------------------------------------
# raw header: " date YYYY-MM-DD" + (a human date | the first line of the article)
# ---------------------------------------------------------------------------

MONTHS_GENITIVE = {
    "января": 1, "февраля": 2, "марта": 3, "апреля": 4, "мая": 5, "июня": 6,
    "июля": 7, "августа": 8, "сентября": 9, "октября": 10, "ноября": 11, "декабря": 12,
}

_HEADER = re.compile(r"^\s*date\s+(?P<iso>\S+)[ \t]*(?P<rest>.*)$")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_HUMAN_DATE = re.compile(
    r"(?:(?:сегодня|вчера|опубликовано|обновлено)[,:]?\s+)?"
    r"(?P<day>\d{1,2})\s+(?P<month>" + "|".join(MONTHS_GENITIVE) + r")\s+(?P<year>\d{4})"
    r"(?:\s*(?:г\.|года|г))?(?:,?\s*(?:в\s*)?\d{1,2}:\d{2})?\.?",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Header:
    """What the first line of a raw file says."""

    published_at: date | None
    body: str  # the file's text without the header (the rest of line 1 kept if it is article text)
    warnings: tuple[str, ...] = ()


def parse_human_date(text: str) -> date | None:
    """'Сегодня 16 января 2026' -> 2026-01-16; None unless the whole string is such a date."""
    match = _HUMAN_DATE.fullmatch(text.strip())
    if not match:
        return None
    try:
        return date(int(match["year"]), MONTHS_GENITIVE[match["month"].lower()], int(match["day"]))
    except ValueError:
        return None


def parse_header(text: str) -> Header:
    """Split off the ` date YYYY-MM-DD ...` line; a file without it keeps all its text and gets a warning."""
    first, newline, remainder = text.partition("\n")
    match = _HEADER.match(first)
    if not match:
        return Header(None, text, ("no ' date YYYY-MM-DD' header: published_at unknown",))

    warnings: list[str] = []
    published_at = None
    iso = match["iso"]
    if _ISO_DATE.fullmatch(iso):
        try:
            published_at = date.fromisoformat(iso)
        except ValueError:
            warnings.append(f"invalid header date {iso!r}: published_at unknown")
    else:
        warnings.append(f"invalid header date {iso!r}: published_at unknown")

    rest = match["rest"].strip()
    human = parse_human_date(rest) if rest else None
    if human is not None:
        if published_at is None:
            published_at = human
            warnings.append(f"published_at taken from the human date {rest!r}")
        elif human != published_at:
            warnings.append(f"header date {published_at} differs from the human date {rest!r}")
        rest = ""
    body = rest + newline + remainder if rest else remainder
    return Header(published_at, body, tuple(warnings))


def split_title(text: str) -> str:
    """The first non-empty line of the cleaned text."""
    for line in text.split("\n"):
        if line.strip():
            return line.strip()
    return ""


# ---------------------------------------------------------------------------
# a page saved as .txt
# ---------------------------------------------------------------------------

_HTML_START = re.compile(r"\s*(?:<!doctype\s+html|<html[\s>])", re.IGNORECASE)
_BLOCK_TAGS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section", "article", "title"}


def looks_like_html(text: str) -> bool:
    return bool(_HTML_START.match(text[:1000]))


class _PageText(HTMLParser):
    """The text of a page: script and style dropped, block elements end paragraphs."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "style", "noscript", "template"}:
            self.skipping += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag):
        if tag in {"script", "style", "noscript", "template"}:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n\n")

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def html_to_text(page: str) -> str:
    """The readable text of an HTML page (the stdlib parser: a .txt input that is really a saved page; feeds
    and web pages proper go through their own readers)."""
    parser = _PageText()
    parser.feed(page)
    parser.close()
    return "".join(parser.parts)
