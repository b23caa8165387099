"""The words that shape claims (`models/lexicon/claims.tsv`) and the constants the slot modules share."""

from __future__ import annotations

from collections import defaultdict
from functools import cache

from pipeline.lexicon import LEXICON_DIR

CLAUSE_BREAKS = {",", ";", ":", "—", "–", "(", ")"}
KIND_PRIORITY = {"money": 0, "count": 1, "quantity": 2, "duration": 3, "percent": 4, "multiplier": 5}
CHANGE_KINDS = {"percent", "multiplier"}
SUBJECT_DEPS = {"nsubj", "nsubj:pass"}
# arcs along which a predicate inherits its subject; "root" is a second root the parse repair hung on the first
CHAIN_DEPS = {"conj", "xcomp", "advcl", "ccomp", "root"}
ENTITY_TYPES = frozenset({"ORG", "PER", "PRODUCT", "LOC"})


def is_change(amount) -> bool:
    """A change rather than a level: a percent, a multiplier, percentage points ("на 2 п. п.")."""
    return amount.kind in CHANGE_KINDS or amount.unit == "процентный пункт"


@cache
def lexicon() -> dict[str, dict[str, str]]:
    """category -> lemma -> value, from `models/lexicon/claims.tsv`."""
    table: dict[str, dict[str, str]] = defaultdict(dict)
    for line in (LEXICON_DIR / "claims.tsv").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#") or line.startswith("category\t"):
            continue
        category, lemma, *value = line.split("\t")
        table[category][lemma.strip()] = value[0].strip() if value else ""
    return table


@cache
def word_set(category: str) -> frozenset[str]:
    """The lemmas (or forms, where claims.tsv says so) of a category of plain words."""
    return frozenset(lexicon()[category])


@cache
def possessives() -> dict[str, frozenset[str]]:
    """A possessive pronoun ("по его словам") -> the entity types it can stand for."""
    return {word: frozenset(types.split()) for word, types in lexicon()["possessive_pronoun"].items()}
