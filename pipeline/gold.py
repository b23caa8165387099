"""The gold-annotation set: records, the JSONL files, the annotation sources they are built from, validation.

Annotators write one small source file per article in `gold/src/*.ann` (format in `gold/GUIDELINES.md`):
they name spans by their surface text, never by offsets. `build_gold` turns the sources into
`gold/dev.jsonl` and `gold/test.jsonl` with character offsets into the *cleaned* article text, exactly as the
pipeline produces it, so gold and predictions are comparable. `validate_document` proves every span matches
its text and every field is well-formed; the tests run it over both splits.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

from pipeline.config import GOLD_DIR, ROOT
from pipeline.ingest import build_article, read_inputs
from pipeline.records import Article, ClaimStatement, FoundAmount, FoundTimex, values_of

SPLITS = ("dev", "test")
ENTITY_TYPES = ("PER", "ORG", "LOC", "PRODUCT")
AMOUNT_KINDS = ("money", "percent", "multiplier", "count", "duration", "quantity")
QUALIFIERS = ("approx", "more_than", "less_than", "at_least", "at_most", "up_to", "none")
DURATION_UNITS = ("day", "week", "month", "quarter", "year")
TIMEX_KINDS = ("date", "interval", "duration")
GRANULARITIES = ("day", "week", "month", "season", "quarter", "half", "year")
RELATIONS = ("spend", "invest", "revenue", "profit", "price", "market_share", "growth", "decline", "lag",
             "forecast", "supply", "ban", "other")
MODALITIES = ("fact", "estimate", "forecast", "plan", "rumor")
TIME_SOURCES = ("sentence", "article", "none")

# ---------------------------------------------------------------------------
# records
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class GoldEntity:
    start: int
    stop: int
    text: str
    type: str
    normal: str
    canonical: str


@dataclass(frozen=True, slots=True, kw_only=True)
class MarkedClaim(ClaimStatement):
    """One markup for gold and predicted claims (as naeval has one for spans): what the claim states, and the
    spans of its amounts, the primary one first. A predicted claim carries its confidence."""

    amounts: tuple[tuple[int, int], ...]
    confidence: float | None = None

    @classmethod
    def of(cls, claim: ClaimStatement, amounts: Iterable[tuple[int, int]], confidence: float | None = None
           ) -> MarkedClaim:
        return cls(*values_of(claim, ClaimStatement), amounts=tuple(map(tuple, amounts)), confidence=confidence)


@dataclass
class GoldDocument:
    doc_id: str
    split: str
    path: str  # the article file, relative to the project root
    published_at: str | None
    text: str  # the cleaned text, as the pipeline produces it
    entities: list[GoldEntity] = field(default_factory=list)
    amounts: list[FoundAmount] = field(default_factory=list)  # the pipeline's own amount record
    timexes: list[FoundTimex] = field(default_factory=list)  # the pipeline's own record (dates as dates)
    claims: list[MarkedClaim] = field(default_factory=list)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=False, default=date.isoformat)

    @classmethod
    def from_json(cls, line: str) -> "GoldDocument":
        data = json.loads(line)
        return cls(
            doc_id=data["doc_id"], split=data["split"], path=data["path"], published_at=data["published_at"],
            text=data["text"],
            entities=[GoldEntity(**e) for e in data["entities"]],
            amounts=[FoundAmount(**a) for a in data["amounts"]],
            timexes=[_timex_from_json(t) for t in data["timexes"]],
            claims=[_claim_from_json(c) for c in data["claims"]],
        )


def gold_path(split: str, gold_dir: Path = GOLD_DIR) -> Path:
    return gold_dir / f"{split}.jsonl"


def load_gold(split: str, gold_dir: Path = GOLD_DIR) -> list[GoldDocument]:
    """The gold documents of a split (`dev`, `test`, or `all`)."""
    splits = SPLITS if split == "all" else (split,)
    docs = []
    for name in splits:
        if name not in SPLITS:
            raise ValueError(f"unknown split {name!r}; expected one of {SPLITS} or 'all'")
        for line in gold_path(name, gold_dir).read_text(encoding="utf-8").splitlines():
            if line.strip():
                docs.append(GoldDocument.from_json(line))
    return docs


def load_article(path: Path) -> Article:
    """The cleaned article, exactly as the pipeline builds it."""
    [item] = list(read_inputs([path]))
    article = build_article(item)
    if not isinstance(article, Article):
        raise GoldError(f"{path}: the pipeline rejects this article ({article.reason}: {article.detail})")
    return article


# ---------------------------------------------------------------------------
# annotation sources (gold/src/*.ann) -> documents
# ---------------------------------------------------------------------------


class GoldError(ValueError):
    """An annotation source or a gold document is malformed."""


@dataclass(frozen=True)
class Located:
    start: int
    stop: int
    text: str


def find_all(text: str, surface: str) -> list[Located]:
    """Word-bounded occurrences of `surface` in `text`."""
    pattern = re.compile(r"(?<![\w$€₽¥£])" + re.escape(surface) + r"(?!\w)")
    return [Located(m.start(), m.end(), m.group(0)) for m in pattern.finditer(text)]


def parse_ref(ref: str) -> tuple[str, list[int] | None]:
    """'57 млрд долларов #2' -> ('57 млрд долларов', [2]); '#1,3' selects several occurrences."""
    match = re.fullmatch(r"(?P<surface>.*?)(?:\s+#(?P<nth>\d+(?:,\d+)*))?", ref.strip())
    nth = [int(n) for n in match["nth"].split(",")] if match["nth"] else None
    return match["surface"], nth


def locate(text: str, ref: str, where: str, unique: bool = True) -> list[Located]:
    surface, nth = parse_ref(ref)
    found = find_all(text, surface)
    if not found:
        raise GoldError(f"{where}: {surface!r} does not occur in the text")
    if nth:
        if max(nth) > len(found):
            raise GoldError(f"{where}: {surface!r} occurs {len(found)} times, #{max(nth)} asked")
        return [found[n - 1] for n in nth]
    if unique and len(found) > 1:
        raise GoldError(f"{where}: {surface!r} occurs {len(found)} times: add #N")
    return found


def _number(value: str, where: str) -> float:
    try:
        return float(value.replace(",", ".").replace("_", ""))
    except ValueError as exc:
        raise GoldError(f"{where}: {value!r} is not a number") from exc


def _fields(parts: list[str]) -> dict[str, str]:
    result = {}
    for part in parts:
        key, sep, value = part.partition("=")
        if sep:
            result[key.strip()] = value.strip()
        elif part.strip():
            result[part.strip()] = "true"
    return result


def _entity_ref(value: str | None) -> tuple[str | None, str | None]:
    """'аналитики UBS ~ UBS' -> ('аналитики UBS', 'UBS')."""
    if not value or value == "-":
        return None, None
    text, _, canonical = value.partition("~")
    return text.strip(), (canonical.strip() or None)


def compile_source(source: Path, root: Path = ROOT) -> GoldDocument:
    """One annotation source -> one gold document with offsets (see gold/GUIDELINES.md for the format)."""
    header, lines = _read_source(source)
    for key in ("article", "split"):
        if key not in header:
            raise GoldError(f"{source}: missing '{key}:' header")
    article = load_article(root / header["article"])
    doc = GoldDocument(doc_id=source.stem, split=header["split"], path=header["article"],
                       published_at=article.published_at.isoformat() if article.published_at else None,
                       text=article.text)
    _place_entities(doc, [(n, line) for n, line in lines if line.startswith("E ")], source.name)
    for number, line in lines:
        where, parts = f"{source.name}:{number}", [p.strip() for p in line[2:].split("|")]
        if line.startswith("A "):
            doc.amounts.extend(_amounts(doc.text, parts, where))
        elif line.startswith("T "):
            doc.timexes.extend(_timexes(doc.text, parts, where))
    _place_claims(doc, [(n, line) for n, line in lines if line.startswith("C ")], source.name)
    doc.entities.sort(key=lambda e: (e.start, e.stop))
    doc.amounts.sort(key=lambda a: (a.start, a.stop))
    doc.timexes.sort(key=lambda t: (t.start, t.stop))
    doc.claims.sort(key=lambda c: (c.evidence_start, c.amounts[0][0]))
    return doc


def _read_source(source: Path) -> tuple[dict[str, str], list[tuple[int, str]]]:
    """The header fields (`article:`, `split:`) and the numbered annotation lines of a source."""
    header: dict[str, str] = {}
    lines: list[tuple[int, str]] = []
    for number, raw_line in enumerate(source.read_text(encoding="utf-8").splitlines(), 1):
        line = raw_line.rstrip()
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if re.match(r"^\w+:", line) and not re.match(r"^[EATC] ", line):
            key, _, value = line.partition(":")
            header[key.strip()] = value.strip()
        else:
            lines.append((number, line))
    return header, lines


def _place_entities(doc: GoldDocument, entity_lines: list[tuple[int, str]], name: str) -> None:
    """Every occurrence of each `E` line's surface, longest surfaces first, so "Samsung Electronics" is placed
    before "Samsung" and never overlapped."""
    entity_lines = sorted(entity_lines, key=lambda item: -len(parse_ref(item[1][2:].split("|")[1])[0]))
    taken: list[tuple[int, int]] = []
    for number, line in entity_lines:
        where = f"{name}:{number}"
        parts = [p.strip() for p in line[2:].split("|")]
        if len(parts) < 2:
            raise GoldError(f"{where}: expected 'E TYPE | surface [| normal [| canonical]]'")
        etype, ref = parts[0], parts[1]
        surface, nth = parse_ref(ref)
        normal = parts[2] if len(parts) > 2 and parts[2] else surface
        canonical = parts[3] if len(parts) > 3 and parts[3] else normal
        placed = 0
        for loc in locate(doc.text, ref, where, unique=False):
            if any(loc.start < stop and start < loc.stop for start, stop in taken):
                continue
            taken.append((loc.start, loc.stop))
            doc.entities.append(GoldEntity(loc.start, loc.stop, loc.text, etype, normal, canonical))
            placed += 1
        if not placed:
            raise GoldError(f"{where}: every occurrence of {surface!r} is inside a longer entity")


def _amounts(text: str, parts: list[str], where: str) -> list[FoundAmount]:
    """`A kind | surface | value or min..max | unit [| qualifier]`."""
    if len(parts) < 4:
        raise GoldError(f"{where}: expected 'A kind | surface | value or min..max | unit [| qualifier]'")
    low, sep, high = parts[2].partition("..")
    value_min = _number(low, where)
    value_max = _number(high, where) if sep else value_min
    kind, unit = parts[0], parts[3]
    return [FoundAmount(loc.start, loc.stop, loc.text, kind, None if sep else value_min, value_min, value_max, unit,
                        unit if kind == "money" else None, parts[4] if len(parts) > 4 else "none", None)
            for loc in locate(text, parts[1], where)]  # the scale word as written is not annotated


def _timexes(text: str, parts: list[str], where: str) -> list[FoundTimex]:
    """`T kind | surface | start | end | granularity`, `T duration | surface | P4M | granularity` or
    `T kind | surface | unresolved [| granularity]`."""
    kind, found = parts[0], []
    for loc in locate(text, parts[1], where):
        if kind == "duration":
            if len(parts) < 4:
                raise GoldError(f"{where}: expected 'T duration | surface | P4M | granularity'")
            found.append(FoundTimex(loc.start, loc.stop, loc.text, kind, None, None, parts[3], True,
                                    duration=parts[2]))
        elif len(parts) >= 3 and parts[2] == "unresolved":
            found.append(FoundTimex(loc.start, loc.stop, loc.text, kind, None, None,
                                    parts[3] if len(parts) > 3 else None, False))
        elif len(parts) >= 5:
            found.append(FoundTimex(loc.start, loc.stop, loc.text, kind, _date(parts[2], where),
                                    _date(parts[3], where), parts[4], True))
        else:
            raise GoldError(f"{where}: expected 'T kind | surface | start | end | granularity'")
    return found


def _date(text: str, where: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise GoldError(f"{where}: {text!r} is not a date (YYYY-MM-DD)") from None


def _dates_from_json(data: dict, keys: tuple[str, str]) -> dict:
    return {**data, **{k: date.fromisoformat(data[k]) if data[k] else None for k in keys}}


def _timex_from_json(data: dict) -> FoundTimex:
    return FoundTimex(**_dates_from_json(data, ("start_date", "end_date")))


def _claim_from_json(data: dict) -> MarkedClaim:
    data = _dates_from_json(data, ("time_start", "time_end"))
    return MarkedClaim(**{**data, "amounts": tuple(tuple(a) for a in data["amounts"])})


def _place_claims(doc: GoldDocument, claim_lines: list[tuple[int, str]], name: str) -> None:
    """`C relation | amount [+ amount …] | field=value …`: the evidence is the sentence of the first amount."""
    from pipeline.nlp import sentence_starts  # razdel only; imported late to keep this module light

    text = doc.text
    starts = sorted(sentence_starts(text))
    for number, line in claim_lines:
        where = f"{name}:{number}"
        parts = [p.strip() for p in line[2:].split("|")]
        relation, amount_refs, fields = parts[0], parts[1], _fields(parts[2:])
        amounts = []
        for ref in amount_refs.split(" + "):
            [loc] = locate(text, ref, where)
            if not any(a.start == loc.start and a.stop == loc.stop for a in doc.amounts):
                raise GoldError(f"{where}: {ref!r} is not an annotated amount (add an 'A' line)")
            amounts.append((loc.start, loc.stop))
        primary = amounts[0][0]
        sent_start = max(s for s in starts if s <= primary)
        later = [s for s in starts if s > primary]
        sent_stop = (later[0] if later else len(text))
        while sent_stop > sent_start and text[sent_stop - 1].isspace():
            sent_stop -= 1
        time_start, time_end, time_source = _claim_time(doc, fields.get("time", "article"), where)
        subject, subject_entity = _entity_ref(fields.get("subject"))
        source_text, source_entity = _entity_ref(fields.get("source"))
        if not subject:
            raise GoldError(f"{where}: a claim needs subject=")
        doc.claims.append(MarkedClaim(
            evidence_start=sent_start, evidence_stop=sent_stop, relation=relation,
            predicate=fields.get("pred", ""), subject=subject, subject_entity=subject_entity, amounts=tuple(amounts),
            time_start=time_start, time_end=time_end, time_source=time_source,
            source=source_text, source_entity=source_entity, modality=fields.get("modality", "fact"),
            negated=fields.get("negated") == "true",
        ))


def _claim_time(doc: GoldDocument, time: str, where: str) -> tuple[date | None, date | None, str]:
    """A claim's `time=`: `article` (the publication date), `none`, or an annotated time expression."""
    if time == "article":
        published = date.fromisoformat(doc.published_at) if doc.published_at else None
        return published, published, "article" if published else "none"
    if time == "none":
        return None, None, "none"
    [loc] = locate(doc.text, time, where)
    timex = next((t for t in doc.timexes if (t.start, t.stop) == (loc.start, loc.stop)), None)
    if timex is None:
        raise GoldError(f"{where}: time {time!r} is not an annotated time expression (add a 'T' line)")
    return timex.start_date, timex.end_date, "sentence"


def build_gold(gold_dir: Path = GOLD_DIR, root: Path = ROOT) -> dict[str, list[GoldDocument]]:
    """Compile every gold/src/*.ann into documents per split (not written: see `write_gold`)."""
    by_split: dict[str, list[GoldDocument]] = {split: [] for split in SPLITS}
    for source in sorted((gold_dir / "src").glob("*.ann")):
        doc = compile_source(source, root)
        if doc.split not in by_split:
            raise GoldError(f"{source.name}: split must be one of {SPLITS}, not {doc.split!r}")
        by_split[doc.split].append(doc)
    return by_split


def render_split(docs: list[GoldDocument]) -> str:
    return "".join(doc.to_json() + "\n" for doc in docs)


def write_gold(gold_dir: Path = GOLD_DIR, root: Path = ROOT) -> dict[str, int]:
    """Rebuild gold/<split>.jsonl from the sources; returns documents per split."""
    from pipeline.store import write_text

    built = build_gold(gold_dir, root)
    for split, docs in built.items():
        write_text(gold_path(split, gold_dir), render_split(docs))
    return {split: len(docs) for split, docs in built.items()}


# ---------------------------------------------------------------------------
# validation
# ---------------------------------------------------------------------------


def _iso(value: str | None) -> bool:
    if value is None:
        return True
    try:
        date.fromisoformat(value)
        return True
    except ValueError:
        return False


def validate_document(doc: GoldDocument, root: Path = ROOT) -> list[str]:
    """Every problem with one gold document (empty when it is valid)."""
    problems = [message for ok, message in [
        (doc.split in SPLITS, f"split {doc.split!r}"),
        (_iso(doc.published_at), f"published_at {doc.published_at!r}"),
    ] if not ok]
    article_path = root / doc.path
    if not article_path.exists():
        problems.append(f"article {doc.path} is missing")
    elif load_article(article_path).text != doc.text:
        problems.append("text differs from the cleaned article (re-run `gold build`)")
    for checks in (_entity_checks, _amount_checks, _timex_checks, _claim_checks):
        problems += [message for ok, message in checks(doc) if not ok]
    return [f"{doc.doc_id}: {message}" for message in problems]


Check = tuple[bool, str]  # (holds, what is wrong when it does not)


def _span_checks(doc: GoldDocument, start: int, stop: int, text: str, what: str) -> list[Check]:
    return [(0 <= start < stop <= len(doc.text), f"{what} [{start}, {stop}) out of range"),
            (doc.text[start:stop] == text, f"{what} text {text!r} != {doc.text[start:stop]!r}"),
            (text == text.strip(), f"{what} {text!r} has surrounding whitespace")]


def _entity_checks(doc: GoldDocument) -> Iterator[Check]:
    previous_stop = -1
    for e in doc.entities:
        yield from _span_checks(doc, e.start, e.stop, e.text, f"entity {e.text!r}")
        yield e.type in ENTITY_TYPES, f"entity type {e.type!r}"
        yield bool(e.normal) and bool(e.canonical), f"entity {e.text!r} needs normal and canonical"
        yield e.start >= previous_stop, f"entity {e.text!r} overlaps the one before"
        previous_stop = e.stop


def _amount_checks(doc: GoldDocument) -> Iterator[Check]:
    for a in doc.amounts:
        yield from _span_checks(doc, a.start, a.stop, a.text, f"amount {a.text!r}")
        yield a.kind in AMOUNT_KINDS, f"amount kind {a.kind!r}"
        yield a.qualifier in QUALIFIERS, f"amount qualifier {a.qualifier!r}"
        yield a.value_min <= a.value_max, f"amount {a.text!r} min > max"
        yield a.value is None or a.value == a.value_min == a.value_max, f"amount {a.text!r} point value mismatch"
        yield a.value is not None or a.value_min < a.value_max, f"amount {a.text!r} range with min == max"
        if a.kind == "money":
            yield re.fullmatch(r"[A-Z]{3}", a.unit) is not None, f"money unit {a.unit!r} is not an ISO 4217 code"
            yield a.currency == a.unit, f"money currency {a.currency!r} differs from its unit {a.unit!r}"
        elif a.kind == "percent":
            yield a.unit == "percent", f"percent unit {a.unit!r}"
        elif a.kind == "multiplier":
            yield a.unit == "times", f"multiplier unit {a.unit!r}"
        elif a.kind == "duration":
            yield a.unit in DURATION_UNITS, f"duration unit {a.unit!r}"
        else:
            yield bool(a.unit), f"amount {a.text!r} needs a unit"


def _timex_checks(doc: GoldDocument) -> Iterator[Check]:
    for t in doc.timexes:
        yield from _span_checks(doc, t.start, t.stop, t.text, f"timex {t.text!r}")
        yield t.kind in TIMEX_KINDS, f"timex kind {t.kind!r}"
        yield t.granularity is None or t.granularity in GRANULARITIES, f"timex granularity {t.granularity!r}"
        yield (all(d is None or isinstance(d, date) for d in (t.start_date, t.end_date)),
               f"timex {t.text!r} dates")
        if t.kind == "duration":
            yield (t.duration is not None and re.fullmatch(r"P(\d+(\.\d+)?[YMWD])+", t.duration) is not None,
                   f"timex duration {t.duration!r}")
        elif t.resolved:
            yield (isinstance(t.start_date, date) and isinstance(t.end_date, date) and t.start_date <= t.end_date,
                   f"timex {t.text!r} start/end")


def _claim_checks(doc: GoldDocument) -> Iterator[Check]:
    amount_spans = {(a.start, a.stop) for a in doc.amounts}
    for c in doc.claims:
        yield c.relation in RELATIONS, f"claim relation {c.relation!r}"
        yield c.modality in MODALITIES, f"claim modality {c.modality!r}"
        yield c.time_source in TIME_SOURCES, f"claim time_source {c.time_source!r}"
        yield bool(c.amounts), "claim without amounts"
        yield bool(c.predicate), f"claim on {c.amounts[:1]} needs a predicate (pred=)"
        for start, stop in c.amounts:
            yield (start, stop) in amount_spans, f"claim amount [{start}, {stop}) is not an annotated amount"
        if c.amounts:
            yield (c.evidence_start <= c.amounts[0][0] and c.amounts[0][1] <= c.evidence_stop,
                   "claim evidence does not contain its primary amount")
        yield all(d is None or isinstance(d, date) for d in (c.time_start, c.time_end)), "claim time dates"


def validate_split(split: str, gold_dir: Path = GOLD_DIR, root: Path = ROOT) -> list[str]:
    """Problems in a split file, plus a check that it is what the sources build."""
    problems = []
    docs = load_gold(split, gold_dir)
    for doc in docs:
        problems += validate_document(doc, root)
    built = build_gold(gold_dir, root)[split]
    if render_split(built) != render_split(docs):
        problems.append(f"{split}.jsonl is not what gold/src builds: run `python -m pipeline gold build`")
    return problems


@dataclass(frozen=True)
class GoldCounts:
    documents: int
    entities: int
    amounts: int
    timexes: int
    claims: int


def count_gold(docs: list[GoldDocument]) -> GoldCounts:
    return GoldCounts(len(docs), sum(len(d.entities) for d in docs), sum(len(d.amounts) for d in docs),
                      sum(len(d.timexes) for d in docs), sum(len(d.claims) for d in docs))
