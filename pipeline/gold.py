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
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

from pipeline.config import GOLD_DIR, ROOT
from pipeline.ingest import build_article, read_inputs
from pipeline.records import Article

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


@dataclass(frozen=True)
class GoldAmount:
    start: int
    stop: int
    text: str
    kind: str
    value: float | None
    value_min: float
    value_max: float
    unit: str
    qualifier: str = "none"


@dataclass(frozen=True)
class GoldTimex:
    start: int
    stop: int
    text: str
    kind: str
    start_date: str | None  # ISO date; None for a duration or an unresolvable expression
    end_date: str | None
    granularity: str | None
    resolved: bool
    duration: str | None = None  # ISO 8601 duration for kind == "duration", e.g. "P4M"


@dataclass(frozen=True)
class GoldClaim:
    evidence_start: int
    evidence_stop: int
    relation: str
    predicate: str
    subject: str
    subject_entity: str | None
    amounts: list[list[int]]  # [start, stop] of each amount, the primary one first
    time_start: str | None
    time_end: str | None
    time_source: str
    source: str | None
    source_entity: str | None
    modality: str
    negated: bool = False


@dataclass
class GoldDocument:
    doc_id: str
    split: str
    path: str  # the article file, relative to the project root
    published_at: str | None
    text: str  # the cleaned text, as the pipeline produces it
    entities: list[GoldEntity] = field(default_factory=list)
    amounts: list[GoldAmount] = field(default_factory=list)
    timexes: list[GoldTimex] = field(default_factory=list)
    claims: list[GoldClaim] = field(default_factory=list)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=False)

    @classmethod
    def from_json(cls, line: str) -> "GoldDocument":
        data = json.loads(line)
        return cls(
            doc_id=data["doc_id"], split=data["split"], path=data["path"], published_at=data["published_at"],
            text=data["text"],
            entities=[GoldEntity(**e) for e in data["entities"]],
            amounts=[GoldAmount(**a) for a in data["amounts"]],
            timexes=[GoldTimex(**t) for t in data["timexes"]],
            claims=[GoldClaim(**c) for c in data["claims"]],
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
    from pipeline.nlp import sentence_starts  # razdel only; imported late to keep this module light

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
    for key in ("article", "split"):
        if key not in header:
            raise GoldError(f"{source}: missing '{key}:' header")
    article = load_article(root / header["article"])
    text = article.text
    doc = GoldDocument(doc_id=source.stem, split=header["split"], path=header["article"],
                       published_at=article.published_at.isoformat() if article.published_at else None, text=text)

    entity_lines = [(n, l) for n, l in lines if l.startswith("E ")]
    # longest surfaces first, so "Samsung Electronics" is placed before "Samsung" and never overlapped
    entity_lines.sort(key=lambda item: -len(parse_ref(item[1][2:].split("|")[1])[0]))
    taken: list[tuple[int, int]] = []
    for number, line in entity_lines:
        where = f"{source.name}:{number}"
        parts = [p.strip() for p in line[2:].split("|")]
        if len(parts) < 2:
            raise GoldError(f"{where}: expected 'E TYPE | surface [| normal [| canonical]]'")
        etype, ref = parts[0], parts[1]
        surface, nth = parse_ref(ref)
        normal = parts[2] if len(parts) > 2 and parts[2] else surface
        canonical = parts[3] if len(parts) > 3 and parts[3] else normal
        placed = 0
        for loc in locate(text, ref, where, unique=False):
            if any(loc.start < stop and start < loc.stop for start, stop in taken):
                continue
            taken.append((loc.start, loc.stop))
            doc.entities.append(GoldEntity(loc.start, loc.stop, loc.text, etype, normal, canonical))
            placed += 1
        if not placed:
            raise GoldError(f"{where}: every occurrence of {surface!r} is inside a longer entity")

    for number, line in lines:
        where = f"{source.name}:{number}"
        parts = [p.strip() for p in line[2:].split("|")]
        if line.startswith("A "):
            if len(parts) < 4:
                raise GoldError(f"{where}: expected 'A kind | surface | value or min..max | unit [| qualifier]'")
            low, sep, high = parts[2].partition("..")
            value_min = _number(low, where)
            value_max = _number(high, where) if sep else value_min
            for loc in locate(text, parts[1], where):
                doc.amounts.append(GoldAmount(loc.start, loc.stop, loc.text, parts[0], None if sep else value_min,
                                              value_min, value_max, parts[3], parts[4] if len(parts) > 4 else "none"))
        elif line.startswith("T "):
            kind = parts[0]
            for loc in locate(text, parts[1], where):
                if kind == "duration":
                    if len(parts) < 4:
                        raise GoldError(f"{where}: expected 'T duration | surface | P4M | granularity'")
                    timex = GoldTimex(loc.start, loc.stop, loc.text, kind, None, None, parts[3], True, parts[2])
                elif len(parts) >= 3 and parts[2] == "unresolved":
                    timex = GoldTimex(loc.start, loc.stop, loc.text, kind, None, None,
                                      parts[3] if len(parts) > 3 else None, False)
                elif len(parts) >= 5:
                    timex = GoldTimex(loc.start, loc.stop, loc.text, kind, parts[2], parts[3], parts[4], True)
                else:
                    raise GoldError(f"{where}: expected 'T kind | surface | start | end | granularity'")
                doc.timexes.append(timex)

    starts = sorted(sentence_starts(text))
    for number, line in lines:
        if not line.startswith("C "):
            continue
        where = f"{source.name}:{number}"
        parts = [p.strip() for p in line[2:].split("|")]
        relation, amount_refs, fields = parts[0], parts[1], _fields(parts[2:])
        amounts = []
        for ref in amount_refs.split(" + "):
            [loc] = locate(text, ref, where)
            if not any(a.start == loc.start and a.stop == loc.stop for a in doc.amounts):
                raise GoldError(f"{where}: {ref!r} is not an annotated amount (add an 'A' line)")
            amounts.append([loc.start, loc.stop])
        primary = amounts[0][0]
        sent_start = max(s for s in starts if s <= primary)
        later = [s for s in starts if s > primary]
        sent_stop = (later[0] if later else len(text))
        while sent_stop > sent_start and text[sent_stop - 1].isspace():
            sent_stop -= 1
        time = fields.get("time", "article")
        if time == "article":
            time_start = time_end = doc.published_at
            time_source = "article" if doc.published_at else "none"
        elif time == "none":
            time_start = time_end = None
            time_source = "none"
        else:
            [loc] = locate(text, time, where)
            timex = next((t for t in doc.timexes if (t.start, t.stop) == (loc.start, loc.stop)), None)
            if timex is None:
                raise GoldError(f"{where}: time {time!r} is not an annotated time expression (add a 'T' line)")
            time_start, time_end, time_source = timex.start_date, timex.end_date, "sentence"
        subject, subject_entity = _entity_ref(fields.get("subject"))
        source_text, source_entity = _entity_ref(fields.get("source"))
        if not subject:
            raise GoldError(f"{where}: a claim needs subject=")
        doc.claims.append(GoldClaim(
            evidence_start=sent_start, evidence_stop=sent_stop, relation=relation,
            predicate=fields.get("pred", ""), subject=subject, subject_entity=subject_entity, amounts=amounts,
            time_start=time_start, time_end=time_end, time_source=time_source,
            source=source_text, source_entity=source_entity, modality=fields.get("modality", "fact"),
            negated=fields.get("negated") == "true",
        ))

    doc.entities.sort(key=lambda e: (e.start, e.stop))
    doc.amounts.sort(key=lambda a: (a.start, a.stop))
    doc.timexes.sort(key=lambda t: (t.start, t.stop))
    doc.claims.sort(key=lambda c: (c.evidence_start, c.amounts[0][0]))
    return doc


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
    problems: list[str] = []

    def check(ok: bool, message: str) -> None:
        if not ok:
            problems.append(f"{doc.doc_id}: {message}")

    check(doc.split in SPLITS, f"split {doc.split!r}")
    check(_iso(doc.published_at), f"published_at {doc.published_at!r}")
    article_path = root / doc.path
    if article_path.exists():
        check(load_article(article_path).text == doc.text, "text differs from the cleaned article (re-run `gold build`)")
    else:
        problems.append(f"{doc.doc_id}: article {doc.path} is missing")

    def span_ok(start: int, stop: int, text: str, what: str) -> None:
        check(0 <= start < stop <= len(doc.text), f"{what} [{start}, {stop}) out of range")
        check(doc.text[start:stop] == text, f"{what} text {text!r} != {doc.text[start:stop]!r}")
        check(text == text.strip(), f"{what} {text!r} has surrounding whitespace")

    previous = (-1, -1)
    for e in doc.entities:
        span_ok(e.start, e.stop, e.text, f"entity {e.text!r}")
        check(e.type in ENTITY_TYPES, f"entity type {e.type!r}")
        check(bool(e.normal) and bool(e.canonical), f"entity {e.text!r} needs normal and canonical")
        check(e.start >= previous[1], f"entity {e.text!r} overlaps the one before")
        previous = (e.start, e.stop)
    for a in doc.amounts:
        span_ok(a.start, a.stop, a.text, f"amount {a.text!r}")
        check(a.kind in AMOUNT_KINDS, f"amount kind {a.kind!r}")
        check(a.qualifier in QUALIFIERS, f"amount qualifier {a.qualifier!r}")
        check(a.value_min <= a.value_max, f"amount {a.text!r} min > max")
        check(a.value is None or a.value == a.value_min == a.value_max, f"amount {a.text!r} point value mismatch")
        check(a.value is not None or a.value_min < a.value_max, f"amount {a.text!r} range with min == max")
        if a.kind == "money":
            check(re.fullmatch(r"[A-Z]{3}", a.unit) is not None, f"money unit {a.unit!r} is not an ISO 4217 code")
        elif a.kind == "percent":
            check(a.unit == "percent", f"percent unit {a.unit!r}")
        elif a.kind == "multiplier":
            check(a.unit == "times", f"multiplier unit {a.unit!r}")
        elif a.kind == "duration":
            check(a.unit in DURATION_UNITS, f"duration unit {a.unit!r}")
        else:
            check(bool(a.unit), f"amount {a.text!r} needs a unit")
    for t in doc.timexes:
        span_ok(t.start, t.stop, t.text, f"timex {t.text!r}")
        check(t.kind in TIMEX_KINDS, f"timex kind {t.kind!r}")
        check(t.granularity is None or t.granularity in GRANULARITIES, f"timex granularity {t.granularity!r}")
        check(_iso(t.start_date) and _iso(t.end_date), f"timex {t.text!r} dates")
        if t.kind == "duration":
            check(t.duration is not None and re.fullmatch(r"P(\d+(\.\d+)?[YMWD])+", t.duration) is not None,
                  f"timex duration {t.duration!r}")
        elif t.resolved:
            check(t.start_date is not None and t.end_date is not None and t.start_date <= t.end_date,
                  f"timex {t.text!r} start/end")
    amount_spans = {(a.start, a.stop) for a in doc.amounts}
    for c in doc.claims:
        check(c.relation in RELATIONS, f"claim relation {c.relation!r}")
        check(c.modality in MODALITIES, f"claim modality {c.modality!r}")
        check(c.time_source in TIME_SOURCES, f"claim time_source {c.time_source!r}")
        check(bool(c.amounts), "claim without amounts")
        check(bool(c.predicate), f"claim on {c.amounts[:1]} needs a predicate (pred=)")
        for start, stop in c.amounts:
            check((start, stop) in amount_spans, f"claim amount [{start}, {stop}) is not an annotated amount")
        if c.amounts:
            check(c.evidence_start <= c.amounts[0][0] and c.amounts[0][1] <= c.evidence_stop,
                  "claim evidence does not contain its primary amount")
        check(_iso(c.time_start) and _iso(c.time_end), "claim time dates")
    return problems


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
