"""Entities analysts can count: PRODUCT patterns, non-entity rules, canonical names and stable entity ids.

All knowledge is data in `models/entities/`:
- `products.tsv` + `product_patterns.jsonl` -> patterns for spaCy's EntityRuler (PRODUCT);
- `not_entities.tsv` -> common-noun abbreviations NER mistakes for names ("ЦОД");
- `aliases.csv` -> curated canonical names (КНР -> Китай, NVIDIA -> Nvidia, Трамп -> Дональд Трамп).
Linking within an article: a surname-only or case-inflected person mention joins the full name it shortens
("Хуанга" -> "Дженсен Хуанг", "Вэя" -> "Си-Си Вэй"); a Latin name in parentheses is an alias. Across articles the
same type + canonical name gives the same `entity_id` (a hash: adding articles never changes an id).
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pipeline.config import MODELS_DIR
from pipeline.records import stable_hash

ENTITIES_DIR = MODELS_DIR / "entities"
VERSION_TOKEN = r"^(?:\d+(?:\.\d+)?|[A-Z]?\d{1,4}[A-Z]{0,3}|[A-Z]\d?|Нео)$"
EDITIONS = ["MAX", "Max", "Pro", "Ultra", "Lite", "Mini", "Plus", "Flash", "Turbo", "Нео"]
INFLECTED_ABBREVIATION = re.compile(r"([А-ЯЁ]{2,6})[а-яё]{1,3}")  # "ЦОДов", "ЦОДа": a case ending on capitals
ABBREVIATION_COMPOUND = re.compile(r"[A-ZА-ЯЁ]{2,6}-[а-яё]+(?:-[а-яё]+)*")


class AliasError(ValueError):
    """The alias table is inconsistent."""


# ---------------------------------------------------------------------------
# products -> EntityRuler patterns
# ---------------------------------------------------------------------------


def _rows(path: Path) -> list[list[str]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            rows.append([part.strip() for part in line.split("\t")])
    return rows[1:] if rows and rows[0][0] in {"kind", "text"} else rows


@cache
def makers() -> tuple[str, ...]:
    return tuple(r[1] for r in _rows(ENTITIES_DIR / "products.tsv") if r[0] == "maker")


def product_canonical(text: str) -> str:
    """A product's name without its maker: "Nvidia H200" -> "H200"."""
    first, _, rest = text.partition(" ")
    return rest if rest and first in makers() else text


@cache
def product_patterns() -> tuple[dict, ...]:
    """spaCy EntityRuler patterns for PRODUCT, built from products.tsv and product_patterns.jsonl."""
    rows = _rows(ENTITIES_DIR / "products.tsv")
    maker_names = list(makers())
    patterns: list[dict] = []
    for kind, name, *rest in rows:
        canonical = rest[0] if rest and rest[0] else name
        if kind == "product":
            patterns.append({"label": "PRODUCT", "pattern": name, "id": canonical})
            patterns += [{"label": "PRODUCT", "pattern": f"{maker} {name}", "id": canonical} for maker in maker_names]
        elif kind == "family":
            # no id: a version is a product of its own ("Ascend 950PR", "Kimi K2"); the canonical is the matched
            # name without its maker
            version = [{"TEXT": {"REGEX": VERSION_TOKEN}, "OP": "?"}, {"TEXT": {"IN": EDITIONS}, "OP": "?"}]
            patterns.append({"label": "PRODUCT", "pattern": [{"TEXT": name}, *version]})
            patterns.append({"label": "PRODUCT", "pattern": [{"TEXT": {"IN": maker_names}}, {"TEXT": name}, *version]})
    for line in (ENTITIES_DIR / "product_patterns.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            pattern = json.loads(line)
            pattern.pop("id", None)  # the id field documents the pattern; the canonical is the matched text
            patterns.append(pattern)
            patterns.append({**pattern, "pattern": [{"TEXT": {"IN": maker_names}}, *pattern["pattern"]]})
    return tuple(patterns)


# ---------------------------------------------------------------------------
# non-entities
# ---------------------------------------------------------------------------


@cache
def not_entities() -> frozenset[str]:
    return frozenset(row[0] for row in _rows(ENTITIES_DIR / "not_entities.tsv"))


@cache
def descriptors() -> frozenset[str]:
    return frozenset(row[0] for row in _rows(ENTITIES_DIR / "descriptors.tsv") if row[0] != "lemma")


def non_entity_rule(text: str) -> str | None:
    """Which rule says a mention is not a named entity (None when it may be one)."""
    if ABBREVIATION_COMPOUND.fullmatch(text):
        return "abbreviation_compound"  # "ИИ-отрасли", "ИИ-технологий", "ИТ-компании"
    inflected = INFLECTED_ABBREVIATION.fullmatch(text)
    if text in not_entities() or (inflected and inflected[1] in not_entities()):
        return "common_noun_abbreviation"  # "ЦОД", "ЦОДов"
    return None


# ---------------------------------------------------------------------------
# aliases and canonical names
# ---------------------------------------------------------------------------


def alias_key(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("ё", "е").replace("Ё", "Е")).strip().casefold()


@dataclass(frozen=True)
class AliasEntry:
    canonical: str
    type: str


def load_aliases(path: Path) -> dict[str, AliasEntry]:
    """alias key -> (canonical, type); an alias (or canonical) that points to two canonicals is an error."""
    table: dict[str, AliasEntry] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for number, row in enumerate(csv.DictReader(handle), 2):
            canonical, etype = (row.get("canonical") or "").strip(), (row.get("type") or "").strip()
            if not canonical or etype not in {"PER", "ORG", "LOC", "PRODUCT"}:
                raise AliasError(f"{path}:{number}: needs a canonical name and a type PER/ORG/LOC/PRODUCT")
            entry = AliasEntry(canonical, etype)
            for name in [canonical, *(row.get("aliases") or "").split("|")]:
                if not name.strip():
                    continue
                key = alias_key(name)
                if key in table and table[key] != entry:
                    raise AliasError(f"{path}:{number}: {name!r} already points to {table[key].canonical!r}")
                table[key] = entry
    return table


@cache
def aliases() -> dict[str, AliasEntry]:
    return load_aliases(ENTITIES_DIR / "aliases.csv")


@dataclass(frozen=True)
class MentionView:
    """What linking needs to know about a mention (library-free)."""

    type: str
    text: str
    normal: str
    product_id: str | None = None  # the canonical the product ruler gave
    alias: str | None = None


def _shortens(short: str, full_last: str) -> bool:
    """'Хуанга' / 'Хуанг' / 'Вэя' shorten a full name ending in 'Хуанг' / 'Вэй' (case endings tolerated)."""
    a, b = short.casefold(), full_last.casefold()
    if a == b:
        return True
    if len(a) >= 3 and len(b) >= 3 and a[:-1] == b[:-1]:
        return True  # "Вэя" ~ "Вэй"
    stem = b[:-1] if len(b) > 4 else b
    return a.startswith(stem) and 0 <= len(a) - len(b) <= 3


def link(mentions: Sequence[MentionView]) -> list[tuple[str, str]]:
    """(type, canonical) of each mention of one article."""
    table = aliases()
    result: list[tuple[str, str]] = []
    for m in mentions:
        entry = table.get(alias_key(m.normal)) or table.get(alias_key(m.text))
        if entry is None and m.alias:
            entry = table.get(alias_key(m.alias))
        if entry is not None:
            result.append((entry.type, entry.canonical))
        elif m.type == "PRODUCT":
            result.append((m.type, m.product_id or product_canonical(m.normal)))
        else:
            result.append((m.type, m.normal))
    # a person named by a single word joins the full name it shortens in the same article
    full_names = [canonical for (etype, canonical) in result if etype == "PER" and len(canonical.split()) > 1]
    for index, (etype, canonical) in enumerate(result):
        if etype != "PER" or len(canonical.split()) > 1:
            continue
        matches = {full for full in full_names if _shortens(canonical, re.split(r"[\s-]", full)[-1])}
        if len(matches) == 1:
            result[index] = (etype, matches.pop())
    return result


def entity_id(etype: str, canonical: str) -> str:
    """Stable across runs and articles: the same type and canonical name always give the same id."""
    return "e" + stable_hash(etype, alias_key(canonical), size=12)


# ---------------------------------------------------------------------------
# the entities table (aggregated over all stored mentions)
# ---------------------------------------------------------------------------
