"""Evaluation corpora as gold documents: folders of our own `.ann` sources, factRuEval-2016 and BRAT standoff.

`.ann` folders (`load_ann_corpus`): any folder of annotation sources in the project's gold format
(`gold/GUIDELINES.md`) whose `article:` paths are relative to that folder, such as `news-real` (real third-party
articles annotated under our guidelines). They compile with the same `pipeline.gold.compile_source` as the gold
set, so every task (entities with PRODUCT, amounts, time expressions, claims) is scored exactly like a gold split.

factRuEval-2016 (`<name>.txt`, `.spans`, `.objects`): objects are mapped to PER/ORG/LOC the way Natasha's
naeval does it, so the numbers are comparable with Natasha's published ones: a `Person` object is one PER span
from its first to its last part; an `Org` object contributes its `org_name` parts as ORG; `Location` and
`LocOrg` objects contribute their `loc_name` parts as LOC (`мэрии Москвы` gives LOC `Москвы`, not an ORG);
overlapping spans keep the earlier, longer one. Other object types (`Project`, `Facility`) are ignored.

BRAT (`<name>.txt` + `<name>.ann`): text-bound annotations `T1<TAB>TYPE start stop[;start stop]<TAB>text`,
types mapped by `BRAT_TYPES`; discontinuous spans are taken from their first start to their last stop.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pipeline.gold import SPLITS, GoldDocument, GoldEntity, GoldError, compile_source

FACTRU_TYPES = {"Person": "PER", "Org": "ORG", "Location": "LOC", "LocOrg": "LOC"}
FACTRU_PARTS = {"Org": {"org_name"}, "Location": {"loc_name"}, "LocOrg": {"loc_name"}}
BRAT_TYPES = {
    "PER": "PER", "PERSON": "PER",
    "ORG": "ORG", "ORGANIZATION": "ORG", "ORGANISATION": "ORG",
    "LOC": "LOC", "LOCATION": "LOC", "GPE": "LOC", "GEOPOLIT": "LOC",
    "PRODUCT": "PRODUCT",
}

Span = tuple[int, int, str]


CORPUS_ENTITY_TYPES = ("PER", "ORG", "LOC")  # what factRuEval and most BRAT corpora annotate
ANN_CORPORA = ("ann", "news-real")  # corpus kinds read by load_ann_corpus (all four entity types)
CORPUS_KINDS = ("factru", "brat", *ANN_CORPORA)


def corpus_dataset(kind: str, folder: Path) -> str:
    """The `dataset` of a corpus's eval_metrics rows: `factru`, `news-real` / `news-real-2` (a news-real corpus is
    named by its folder), `ann:<folder>`, `brat:<folder>`."""
    if kind == "factru":
        return kind
    name = Path(folder).resolve().name
    if kind == "news-real":
        return name if name.startswith("news-real") else "news-real"
    return f"{kind}:{name}"


class CorpusError(ValueError):
    """A corpus file is missing or malformed."""


@dataclass(frozen=True)
class CorpusDocument:
    doc_id: str
    text: str
    spans: tuple[Span, ...]

    def as_gold(self, split: str = "all") -> GoldDocument:
        """Entities only: corpora carry no normal forms, amounts, dates or claims."""
        entities = [GoldEntity(s, e, self.text[s:e], t, "", self.text[s:e]) for s, e, t in self.spans]
        return GoldDocument(self.doc_id, split, self.doc_id, None, self.text, entities=entities)


def drop_overlapping(spans: list[Span]) -> list[Span]:
    """Keep the earlier (then longer) of overlapping spans."""
    kept: list[Span] = []
    for span in sorted(spans, key=lambda s: (s[0], -(s[1] - s[0]))):
        if all(span[0] >= k[1] or span[1] <= k[0] for k in kept):
            kept.append(span)
    return kept


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise CorpusError(f"cannot read {path}: {exc}") from exc


def _rows(path: Path) -> list[list[str]]:
    """Whitespace-separated fields of each line, the `# comment` cut off."""
    return [line.split("#", 1)[0].split() for line in _read_text(path).splitlines() if line.split("#", 1)[0].strip()]


def load_factru_document(txt: Path) -> CorpusDocument:
    text = _read_text(txt)
    spans_path, objects_path = txt.with_suffix(".spans"), txt.with_suffix(".objects")
    if not spans_path.exists() or not objects_path.exists():
        raise CorpusError(f"{txt.name}: expected {spans_path.name} and {objects_path.name} beside it")
    parts: dict[str, tuple[str, int, int]] = {}
    for row in _rows(spans_path):
        span_id, part_type, start, length = row[0], row[1], int(row[2]), int(row[3])
        parts[span_id] = (part_type, start, start + length)
    spans: list[Span] = []
    for row in _rows(objects_path):
        object_type, part_ids = row[1], row[2:]
        label = FACTRU_TYPES.get(object_type)
        if label is None:
            continue
        members = [parts[i] for i in part_ids if i in parts]
        if not members:
            continue
        if object_type == "Person":
            spans.append((min(m[1] for m in members), max(m[2] for m in members), label))
        else:
            spans += [(m[1], m[2], label) for m in members if m[0] in FACTRU_PARTS[object_type]]
    return CorpusDocument(txt.stem, text, tuple(sorted(drop_overlapping(spans))))


def load_factru(directory: Path) -> list[CorpusDocument]:
    """Every document of a factRuEval-2016 folder (e.g. `devset/`)."""
    directory = Path(directory)
    texts = sorted(directory.glob("*.txt"))
    if not texts:
        raise CorpusError(f"no factRuEval .txt files in {directory}")
    return [load_factru_document(txt) for txt in texts]


def load_brat(directory: Path, types: dict[str, str] = BRAT_TYPES) -> list[CorpusDocument]:
    """Every `.txt` with a `.ann` beside it in a BRAT folder."""
    directory = Path(directory)
    docs = []
    for txt in sorted(directory.glob("*.txt")):
        ann = txt.with_suffix(".ann")
        if not ann.exists():
            continue
        text = _read_text(txt)
        spans: list[Span] = []
        for number, line in enumerate(_read_text(ann).splitlines(), 1):
            if not line.startswith("T"):
                continue
            fields = line.split("\t")
            if len(fields) < 2:
                raise CorpusError(f"{ann.name}:{number}: expected 'T<id><TAB>TYPE start stop<TAB>text'")
            label, _, offsets = fields[1].partition(" ")
            if label.upper() not in types:
                continue
            try:
                pairs = [tuple(int(x) for x in piece.split()) for piece in offsets.split(";")]
                start, stop = min(p[0] for p in pairs), max(p[1] for p in pairs)
            except (ValueError, IndexError) as exc:
                raise CorpusError(f"{ann.name}:{number}: bad offsets {offsets!r}") from exc
            spans.append((start, stop, types[label.upper()]))
        docs.append(CorpusDocument(txt.stem, text, tuple(sorted(drop_overlapping(spans)))))
    if not docs:
        raise CorpusError(f"no .txt + .ann pairs in {directory}")
    return docs


# ---------------------------------------------------------------------------
# folders of .ann sources (news-real and the like)
# ---------------------------------------------------------------------------


def load_ann_corpus(directory: Path, split: str = "all") -> list[GoldDocument]:
    """Every `*.ann` source under `directory` (recursively), compiled against articles named relative to it.
    `split` keeps the documents whose header says that split (`all` keeps every one). A source that does not
    compile is an error naming the file: a corpus is scored whole or not at all."""
    directory = Path(directory)
    if split != "all" and split not in SPLITS:
        raise CorpusError(f"unknown split {split!r}; expected one of {SPLITS} or 'all'")
    sources = sorted(directory.rglob("*.ann"))
    if not sources:
        raise CorpusError(f"no .ann sources under {directory}")
    docs: list[GoldDocument] = []
    seen: set[str] = set()
    for source in sources:
        try:
            doc = compile_source(source, root=directory)
        except (GoldError, OSError, ValueError) as exc:
            raise CorpusError(f"{source.relative_to(directory)}: {exc}") from exc
        if doc.doc_id in seen:
            raise CorpusError(f"{source.relative_to(directory)}: a second source named {doc.doc_id!r}")
        seen.add(doc.doc_id)
        if split == "all" or doc.split == split:
            docs.append(doc)
    if not docs:
        raise CorpusError(f"no source under {directory} is in split {split!r}")
    return docs


# ---------------------------------------------------------------------------
# what `pipeline eval` scores
# ---------------------------------------------------------------------------


def load_eval_documents(split: str, corpus: str | None, corpus_path: str | Path | None) -> tuple[str, str, list[GoldDocument]]:
    """(dataset, split name, documents) to evaluate on: the gold split when `corpus` is None, else a corpus
    folder of kind factru, brat, news-real or ann (for the last two, `split` selects by the sources' headers)."""
    from pipeline.gold import load_gold

    if corpus is None:
        return "gold", split, load_gold(split)
    if corpus not in CORPUS_KINDS:
        raise CorpusError(f"unknown corpus {corpus!r}; expected one of {', '.join(CORPUS_KINDS)}")
    if corpus_path is None:
        raise CorpusError(f"corpus {corpus!r} needs a path")
    folder = Path(corpus_path)
    if not folder.is_dir():
        raise CorpusError(f"corpus folder does not exist: {folder}")
    dataset = corpus_dataset(corpus, folder)
    if corpus == "factru":
        return dataset, folder.name, [d.as_gold() for d in load_factru(folder)]
    if corpus == "brat":
        return dataset, "all", [d.as_gold() for d in load_brat(folder)]
    return dataset, split, load_ann_corpus(folder, split)


def scored_entity_types(corpus: str | None) -> tuple[str, ...]:
    """Entity types a corpus annotates: all four for the gold set and .ann folders, PER/ORG/LOC otherwise."""
    from pipeline.gold import ENTITY_TYPES

    return tuple(ENTITY_TYPES) if corpus is None or corpus in ANN_CORPORA else CORPUS_ENTITY_TYPES
