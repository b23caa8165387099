"""Records that travel between stages: plain frozen dataclasses, no library objects.

Span-like records carry `start`/`stop` offsets into the cleaned article text (`Article.text`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, fields
from functools import cache
from datetime import date, datetime


@dataclass(frozen=True)
class RawDocument:
    """One input unit as read and decoded, before cleaning."""

    source_id: str
    source_format: str  # "txt" | "jsonl"
    path: str
    text: str
    encoding: str
    line: int | None = None
    url: str | None = None
    published_at: date | None = None
    title: str | None = None
    header_in_text: bool = True  # txt files carry the ` date YYYY-MM-DD` header line
    warnings: tuple[str, ...] = ()
    source_key: str = ""  # the article's identity (pipeline.identity)
    unit_key: str = ""  # the input unit by position: the file's key, or `<file>#line=<n>` (what rejects are filed by)
    read_at: datetime | None = None


@dataclass(frozen=True)
class Article:
    """A cleaned article: the text every offset in every table refers to."""

    article_id: str
    source_id: str
    source_format: str
    path: str
    line: int | None
    url: str | None
    published_at: date | None
    title: str
    text: str
    encoding: str
    warnings: tuple[str, ...] = ()
    source_key: str = ""  # identity: URL, else input path relative to the input root (+ JSONL id or line)
    version_hash: str = ""  # sha256 of text, title, published_at and url
    read_at: datetime | None = None  # when this version was read: the later of two versions of one source wins

    @property
    def n_chars(self) -> int:
        return len(self.text)

    @property
    def content_hash(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)  # many per article: no __dict__ each
class Mention:
    """A named-entity mention."""

    article_id: str
    mention_id: str
    sent_index: int
    start: int
    stop: int
    text: str
    type: str
    normal: str
    alias: str | None = None
    canonical: str = ""
    entity_id: str = ""


@cache
def _field_names(kind: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(kind))


def values_of(record, kind: type) -> list:
    """The values of `kind`'s fields in `record`, in order: the positional arguments of the stored record that
    derives from `kind` (its own fields are keyword-only)."""
    return [getattr(record, name) for name in _field_names(kind)]


@dataclass(frozen=True, slots=True)  # many per article: no __dict__ each
class FoundAmount:
    """A quantity as the scanner finds it in a text (offsets into that text): money, percent, multiplier, count,
    duration or quantity with a unit. Its fields are declared here once; `Amount` adds where it was stored."""

    start: int
    stop: int
    text: str
    kind: str
    value: float | None
    value_min: float
    value_max: float
    unit: str | None
    currency: str | None
    qualifier: str
    scale_word: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class Amount(FoundAmount):
    """A found amount of one article: its id and sentence (`Amount.of(found, ...)`)."""

    article_id: str
    amount_id: str
    sent_index: int

    @classmethod
    def of(cls, found: FoundAmount, article_id: str, sent_index: int) -> Amount:
        return cls(*values_of(found, FoundAmount), article_id=article_id,
                   amount_id=f"{article_id}:a{found.start}-{found.stop}", sent_index=sent_index)


@dataclass(frozen=True, slots=True)  # many per article: no __dict__ each
class FoundTimex:
    """A time expression as the scanner finds it, resolved against an anchor date (a duration keeps its ISO length
    in `duration`; `reason` says why one is not resolved). Declared here once; `Timex` adds where it was stored."""

    start: int
    stop: int
    text: str
    kind: str
    start_date: date | None
    end_date: date | None
    granularity: str | None
    resolved: bool
    reason: str | None = None
    duration: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Timex(FoundTimex):
    """A found time expression of one article, with its id, sentence and the publication date it was resolved
    against (`anchor`)."""

    article_id: str
    timex_id: str
    sent_index: int
    anchor: date | None

    @classmethod
    def of(cls, found: FoundTimex, article_id: str, sent_index: int, anchor: date | None) -> Timex:
        return cls(*values_of(found, FoundTimex), article_id=article_id,
                   timex_id=f"{article_id}:t{found.start}-{found.stop}", sent_index=sent_index, anchor=anchor)


@dataclass(frozen=True, slots=True)
class ClaimStatement:
    """What a claim states, whoever made it: the evidence sentence (offsets), relation and predicate lemma, subject,
    time, source and modality. Declared here once: `Claim` (the stored row) and `gold.MarkedClaim` (a gold or a
    predicted claim as the evaluation compares them) derive from it."""

    evidence_start: int
    evidence_stop: int
    relation: str
    predicate: str | None
    subject: str | None
    subject_entity: str | None  # the canonical name of the subject's entity
    time_start: date | None
    time_end: date | None
    time_source: str
    source: str | None
    source_entity: str | None
    modality: str
    negated: bool


@dataclass(frozen=True, slots=True, kw_only=True)  # many per article: no __dict__ each
class Claim(ClaimStatement):
    """A statement tying an amount (and a time) to a subject, with its source and modality, as stored: ids, the
    evidence text, the primary amount's value and what the claim is compared with."""

    claim_id: str
    article_id: str
    sent_index: int
    evidence: str
    subject_entity_id: str | None
    object: str | None
    value: float | None
    value_min: float
    value_max: float
    unit: str | None
    currency: str | None
    qualifier: str
    amount_id: str
    source_entity_id: str | None
    comparison: str | None
    comparison_multiplier: float | None
    confidence: float
    subject_mention_id: str | None = None  # the mention the subject entity was taken from (mentions.mention_id)
    source_mention_id: str | None = None


@dataclass(frozen=True, slots=True)  # many per article: no __dict__ each
class ClaimAmount:
    """One amount of a claim (the primary one has rank 0)."""

    claim_id: str
    amount_id: str
    article_id: str
    rank: int
    role: str  # primary | secondary | comparison


@dataclass(frozen=True)
class Reject:
    """An input that could not become an article, and why."""

    source_id: str
    source_format: str
    path: str
    reason: str
    detail: str
    line: int | None = None
    source_key: str = ""  # the input unit: the file's key (pipeline.identity), or `<file>#line=<n>`

    @property
    def reject_id(self) -> str:
        """One id per input unit and reason, whatever path spelled the file."""
        return stable_hash(self.source_key or self.path, str(self.line or ""), self.reason)


@dataclass(frozen=True)
class ArticleResult:
    """Everything extracted from one article."""

    article: Article
    mentions: list[Mention] = field(default_factory=list)
    amounts: list[Amount] = field(default_factory=list)
    timexes: list[Timex] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    claim_amounts: list[ClaimAmount] = field(default_factory=list)


def stable_hash(*parts: str, size: int = 16) -> str:
    """Hex digest of the parts, stable across runs, machines and Python versions."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass"))  # never raises
    return digest.hexdigest()[:size]
