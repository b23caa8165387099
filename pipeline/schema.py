"""Every output table's schema, declared once, with a description per column.

The tables of extracted facts (mentions, amounts, timex, claims, claim_amounts) take their columns from the
records in `pipeline.records`: a field's name, Arrow type and nullability come from its annotation (`str | None`
is a nullable string), and this module adds each column's description and the column order of the files.

`pipeline.store` writes every table through these schemas (explicit Arrow types: pandas' string dtypes and
timestamp units never leak into the files). `render_data_dictionary` turns them into the analysts' data
dictionary, so code and documentation cannot drift apart.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime
from typing import Literal, get_args

import pyarrow as pa

from pipeline.records import Amount, Claim, ClaimAmount, Mention, Timex


@dataclass(frozen=True)
class Column:
    name: str
    type: pa.DataType
    description: str
    nullable: bool = True


@dataclass(frozen=True)
class Table:
    name: str
    description: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]  # unique per row; also the sort order of the file
    # foreign keys: (column, table, column it names there); what the data package and the bundle's docs declare
    references: tuple[tuple[str, str, str], ...] = ()

    @property
    def schema(self) -> pa.Schema:
        fields = [
            pa.field(c.name, c.type, nullable=c.nullable, metadata={"description": c.description})
            for c in self.columns
        ]
        return pa.schema(fields, metadata={"table": self.name, "description": self.description})

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


TIMESTAMP = pa.timestamp("us", tz="UTC")
PARTITION = "published_month"  # the Delta partition column of the article tables


ARROW_TYPES = {str: pa.string(), int: pa.int32(), float: pa.float64(), bool: pa.bool_(), date: pa.date32(),
               datetime: TIMESTAMP}


def record_columns(record: type, described: Sequence[tuple[str, str]]) -> tuple[Column, ...]:
    """The columns of a table whose rows are `record`s, in the order of `described` (name, description): type and
    nullability from the record's annotations. Every field needs a description and every description a field, so
    a field added to a record without its column fails at import."""
    hints = typing.get_type_hints(record)
    names = [f.name for f in fields(record)]
    if sorted(names) != sorted(name for name, _ in described):
        raise TypeError(f"{record.__name__}: fields {sorted(names)} are not the described columns "
                        f"{sorted(name for name, _ in described)}")
    columns = []
    for name, description in described:
        kind, nullable = hints[name], False
        if isinstance(kind, types.UnionType):  # `str | None`
            options = [k for k in get_args(kind) if k is not type(None)]
            kind, nullable = options[0], len(options) < len(get_args(kind))
        columns.append(Column(name, ARROW_TYPES[kind], description, nullable=nullable))
    return tuple(columns)


def month_column() -> Column:
    return Column(PARTITION, pa.string(), "Publication month `YYYY-MM` of the article (the table's partition "
                  "folder `published_month=YYYY-MM/`); null when the date is unknown.")

ARTICLES = Table(
    name="articles",
    description="One row per article: metadata and the cleaned text that every offset in every table refers to.",
    key=("article_id",),
    columns=(
        Column("article_id", pa.string(), "Id of this version of the article: first 16 hex digits of "
               "sha256(source_key, version_hash). Changes when the text or the metadata changes (rows stored before "
               "identities were written down keep their earlier id).", nullable=False),
        Column("source_key", pa.string(), "The article's identity: its URL (scheme and host in lower case, no "
               "`#fragment`) when the input has one; else the input file's real path relative to the input root (the "
               "project folder, or `PIPELINE_INPUT_ROOT`; absolute when outside it), plus `#id=<id>` or "
               "`#line=<n>` for a JSONL record. Unique: one stored version per source.", nullable=False),
        Column("version_hash", pa.string(), "sha256 (hex) of everything the rows are extracted from: cleaned text, "
               "title, published_at, url. A new version of a source_key replaces the stored one.", nullable=False),
        Column("read_at", TIMESTAMP, "When the pipeline first read this version from its input (UTC). Of two "
               "versions of one source the one read later is kept, whichever run commits first.", nullable=False),
        Column("content_hash", pa.string(), "sha256 (hex) of the cleaned text alone (the same text under two "
               "sources has the same hash); null in rows written before the column existed."),
        Column("source_id", pa.string(), "The input's own name for the article: the file name for .txt inputs; "
               "the `id` (else `url`, else `<file>:<line>`) for JSONL records. Not unique: see source_key.",
               nullable=False),
        Column("source_format", pa.string(), "Input format: `txt`, `jsonl`, or `feed` (a page of an RSS/Atom item).",
               nullable=False),
        Column("path", pa.string(), "Input file path as given on the command line; the feed's URL for `feed`.",
               nullable=False),
        Column("line", pa.int32(), "1-based line number in a JSONL file; null for .txt inputs."),
        Column("url", pa.string(), "The article's URL when the input carried one."),
        Column("published_at", pa.date32(), "Publication date (from the ` date YYYY-MM-DD` header or JSONL "
               "`published_at`); null when unknown (then `warnings` says so)."),
        Column("title", pa.string(), "First line of the cleaned text.", nullable=False),
        Column("text", pa.string(), "Cleaned article text (boilerplate lines removed, characters normalised). "
               "All start/stop offsets in other tables index into this string.", nullable=False),
        Column("n_chars", pa.int32(), "Length of `text` in characters.", nullable=False),
        Column("encoding", pa.string(), "Encoding the input was decoded from (utf-8, cp1251, koi8_r, utf-16).",
               nullable=False),
        Column("warnings", pa.list_(pa.string()), "Problems that did not stop processing, e.g. a missing date "
               "header or a re-decoded legacy encoding.", nullable=False),
        Column("ingested_at", TIMESTAMP, "When this version of the article was first processed (UTC).",
               nullable=False),
        Column("pipeline_version", pa.string(), "Code version + fingerprint of models/ that produced the rows.",
               nullable=False),
        Column("run_id", pa.string(), "Id of the run (the Prefect flow run id) that produced the rows.",
               nullable=False),
        month_column(),
    ),
)

MENTIONS = Table(
    name="mentions",
    description="One row per named-entity mention (Natasha NER, normalised with pymorphy3).",
    key=("article_id", "start", "stop", "type"),
    references=(("article_id", "articles", "article_id"), ("entity_id", "entities", "entity_id")),
    columns=record_columns(Mention, (
        ("article_id", "Article the mention is in (articles.article_id)."),
        ("mention_id", "`<article_id>:<start>-<stop>`, unique."),
        ("sent_index", "0-based index of the sentence containing the mention."),
        ("start", "Start offset (characters) in articles.text."),
        ("stop", "End offset (exclusive) in articles.text."),
        ("text", "Surface text: articles.text[start:stop]."),
        ("type", "Entity type: PER, LOC, ORG or PRODUCT."),
        ("normal", "Normal (nominative) form, e.g. `Дональдом Трампом` -> `Дональд Трамп`; "
         "abbreviations and Latin names are kept as written."),
        ("alias", "A Latin name or abbreviation given in parentheses right after the mention, "
         "e.g. `Jensen Huang` for `Дженсен Хуанг (Jensen Huang)`; the parentheses are not part of the span."),
        ("canonical", "Canonical name of the entity (`КНР` -> `Китай`, `Хуанга` -> `Дженсен "
         "Хуанг`, `Nvidia H200` -> `H200`): alias table in models/entities/aliases.csv, then the full name "
         "a surname shortens in the same article, then the normal form."),
        ("entity_id", "Stable id of (type, canonical): the same entity in every article; "
         "join to entities.entity_id."),
    )) + (month_column(),),
)

ENTITIES = Table(
    name="entities",
    description="One row per canonical entity over all stored articles (kept in step with mentions: each "
    "commit recomputes the entities whose mentions changed).",
    key=("entity_id",),
    columns=(
        Column("entity_id", pa.string(), "Stable id: hash of type + canonical name.", nullable=False),
        Column("canonical", pa.string(), "Canonical name.", nullable=False),
        Column("type", pa.string(), "PER, LOC, ORG or PRODUCT.", nullable=False),
        Column("aliases", pa.list_(pa.string()), "Other names it was mentioned by (normal forms, Latin names in "
               "parentheses), sorted.", nullable=False),
        Column("n_mentions", pa.int64(), "Mentions in all stored articles.", nullable=False),
        Column("n_articles", pa.int64(), "Articles that mention it.", nullable=False),
        Column("first_seen", pa.date32(), "Earliest publication date of an article mentioning it."),
        Column("last_seen", pa.date32(), "Latest publication date of an article mentioning it."),
    ),
)

AMOUNTS = Table(
    name="amounts",
    description="One row per amount: money, percent, multiplier, count, duration or quantity (rules over the "
                "Natasha-tokenised text; numbers in words through pymorphy3).",
    key=("article_id", "start", "stop"),
    references=(("article_id", "articles", "article_id"),),
    columns=record_columns(Amount, (
        ("article_id", "Article (articles.article_id)."),
        ("amount_id", "`<article_id>:a<start>-<stop>`, unique."),
        ("sent_index", "0-based sentence index."),
        ("start", "Start offset in articles.text."),
        ("stop", "End offset (exclusive) in articles.text."),
        ("text", "Surface text, qualifier words included (`около 35%`)."),
        ("kind", "money, percent, multiplier, count, duration or quantity."),
        ("value", "The value for a point (`$57 млрд` -> 57000000000.0); null for a range."),
        ("value_min", "Lower bound (= value for a point)."),
        ("value_max", "Upper bound (= value for a point)."),
        ("unit", "ISO 4217 code for money; `percent`; `times`; day/week/month/quarter/year for "
         "durations; SI-style unit for quantities (MW, nm, GHz); the counted noun's lemma for counts."),
        ("currency", "ISO 4217 code for money, else null."),
        ("qualifier", "approx, more_than, less_than, at_least, at_most, up_to or none."),
        ("scale_word", "The scale word as written (`млрд`, `тысяч`), if any."),
    )) + (month_column(),),
)

TIMEX = Table(
    name="timex",
    description="One row per time expression, resolved against the article's publication date.",
    key=("article_id", "start", "stop"),
    references=(("article_id", "articles", "article_id"),),
    columns=record_columns(Timex, (
        ("article_id", "Article (articles.article_id)."),
        ("timex_id", "`<article_id>:t<start>-<stop>`, unique."),
        ("sent_index", "0-based sentence index."),
        ("start", "Start offset in articles.text."),
        ("stop", "End offset (exclusive) in articles.text."),
        ("text", "Surface text without a leading locative `в/на` (`прошлом году`)."),
        ("kind", "date, interval or duration."),
        ("start_date", "First day covered; null for durations and unresolved expressions."),
        ("end_date", "Last day covered."),
        ("granularity", "day, week, month, season, quarter, half or year."),
        ("anchor", "The publication date the expression was resolved against (null if none)."),
        ("resolved", "Whether start/end could be placed on the calendar (durations: true)."),
        ("reason", "Why not, when unresolved (e.g. no publication date)."),
        ("duration", "ISO 8601 length for durations (`P4M`)."),
    )) + (month_column(),),
)

CLAIMS = Table(
    name="claims",
    description="One row per claim: a subject, a predicate and an amount (the primary one), with time, source and "
                "modality; its sentence is the evidence. All amounts of a claim are in claim_amounts.",
    key=("article_id", "evidence_start", "claim_id"),
    references=(
        ("article_id", "articles", "article_id"),
        ("amount_id", "amounts", "amount_id"),
        ("subject_entity_id", "entities", "entity_id"),
        ("subject_mention_id", "mentions", "mention_id"),
        ("source_entity_id", "entities", "entity_id"),
        ("source_mention_id", "mentions", "mention_id"),
    ),
    columns=record_columns(Claim, (
        ("claim_id", "`<article_id>:c<start>-<stop>` of the primary amount."),
        ("article_id", "Article (articles.article_id)."),
        ("sent_index", "0-based sentence index."),
        ("evidence", "The sentence: articles.text[evidence_start:evidence_stop]."),
        ("evidence_start", "Start offset of the sentence in articles.text."),
        ("evidence_stop", "End offset of the sentence."),
        ("subject", "Who or what the amount is about, as written (`китайские интернет-гиганты`)."),
        ("subject_entity_id", "The subject's entity (entities.entity_id), if any."),
        ("subject_entity", "The subject entity's canonical name."),
        ("subject_mention_id", "The mention the subject entity was read from (mentions.mention_id): "
         "inside the subject phrase, or the earlier mention a pronoun or `компания` refers to; null when the "
         "subject names no entity."),
        ("predicate", "Lemma of the verb that governs the amount (`потратить`)."),
        ("relation", "spend, invest, revenue, profit, price, market_share, growth, decline, lag, "
         "forecast, supply, ban or other."),
        ("object", "What the amount is for, a `на`-phrase (`на развитие инфраструктуры`)."),
        ("value", "Primary amount's value (null for a range)."),
        ("value_min", "Primary amount's lower bound."),
        ("value_max", "Primary amount's upper bound."),
        ("unit", "Primary amount's unit (ISO 4217 for money)."),
        ("currency", "ISO 4217 code when the primary amount is money."),
        ("qualifier", "Primary amount's qualifier (approx, at_most, ...)."),
        ("amount_id", "Primary amount (amounts.amount_id)."),
        ("time_start", "First day of the claim's time."),
        ("time_end", "Last day of the claim's time."),
        ("time_source", "`sentence` (a time expression of the sentence), `article` (the "
         "publication date) or `none`."),
        ("source", "Who says it (`аналитиков UBS`), when the sentence attributes it."),
        ("source_entity_id", "The source's entity, if any."),
        ("source_entity", "The source entity's canonical name."),
        ("source_mention_id", "The mention the source entity was read from (mentions.mention_id); "
         "null when the source names no entity."),
        ("modality", "fact, estimate, forecast, plan or rumor."),
        ("negated", "The sentence denies it."),
        ("comparison", "A comparison clause attached to the claim (`что в десять раз меньше, чем у "
         "американских соперников`)."),
        ("comparison_multiplier", "The multiplier of that comparison (10.0)."),
        ("confidence", "Probability 0..1 that every slot (subject, relation, time, source, "
         "modality) is right: a logistic model over how each slot was decided (models/claims/confidence.json, "
         "`pipeline train-confidence`). Ranks claims (ROC AUC 0.71 on documents held out of training; filter "
         "with e.g. confidence >= 0.5); it is not a guarantee for one row."),
    )) + (month_column(),),
)

CLAIM_AMOUNTS = Table(
    name="claim_amounts",
    description="Link table: every amount of every claim (the primary one has rank 0).",
    key=("article_id", "claim_id", "rank"),
    references=(
        ("article_id", "articles", "article_id"),
        ("claim_id", "claims", "claim_id"),
        ("amount_id", "amounts", "amount_id"),
    ),
    columns=record_columns(ClaimAmount, (
        ("claim_id", "Claim (claims.claim_id)."),
        ("amount_id", "Amount (amounts.amount_id)."),
        ("article_id", "Article (articles.article_id)."),
        ("rank", "0 for the primary amount, then in order."),
        ("role", "primary, secondary (e.g. the change next to a level) or comparison."),
    )) + (month_column(),),
)

REJECTS = Table(
    name="rejects",
    description="One row per input that could not become an article, with the reason. The rest of the batch lands.",
    key=("reject_id",),
    columns=(
        Column("reject_id", pa.string(), "Stable id of (source_key, line, reason): one row per input unit and "
               "reason, whatever path spelled the file.", nullable=False),
        Column("source_key", pa.string(), "The input unit: the file's real path relative to the input root (as in "
               "articles.source_key), plus `#line=<n>` for a JSONL line; an article's source_key for `nlp_error`.",
               nullable=False),
        Column("source_id", pa.string(), "File name, or JSONL id / `<file>:<line>`; a feed's or a page's URL.",
               nullable=False),
        Column("source_format", pa.string(), "`txt`, `jsonl` or `feed` (a feed or one of its pages).", nullable=False),
        Column("path", pa.string(), "Input path as given (bytes of a file name that are not UTF-8 shown as \\xNN); "
               "the URL of the feed or page that failed.", nullable=False),
        Column("line", pa.int32(), "1-based JSONL line number; null for whole files."),
        Column("reason", pa.string(), "Machine-readable reason: empty, blank, binary, undecodable, unreadable, "
               "invalid_json, invalid_record, missing_text, no_text, not_russian, unexpected_error, nlp_error, "
               "http_error, fetch_error, invalid_feed, blocked_url, too_large, timeout, item_cap "
               "(see `pipeline.ingest.REJECT_REASONS`).", nullable=False),
        Column("detail", pa.string(), "Human-readable detail.", nullable=False),
        Column("rejected_at", TIMESTAMP, "When the input was first rejected (UTC).", nullable=False),
        Column("pipeline_version", pa.string(), "Pipeline version of the run that rejected it.", nullable=False),
        Column("run_id", pa.string(), "Run that rejected it.", nullable=False),
    ),
)

EVAL_METRICS = Table(
    name="eval_metrics",
    description="One row per evaluation metric of the latest evaluation of each dataset and split.",
    key=("dataset", "split", "task", "type", "match"),
    columns=(
        Column("run_id", pa.string(), "Evaluation run (the Prefect flow run id).", nullable=False),
        Column("dataset", pa.string(), "`gold` (the project's gold set), `news-real` (real news annotated under "
               "gold/GUIDELINES.md), `ann:<folder>` (another folder of .ann sources), `factru` (factRuEval-2016) or "
               "`brat:<folder>`.", nullable=False),
        Column("split", pa.string(), "`dev`, `test` or `all` for the gold set and .ann folders (the split named in "
               "the sources); the corpus folder name for factru; `all` for brat.", nullable=False),
        Column("task", pa.string(), "entities, amounts, timex or claims.", nullable=False),
        Column("type", pa.string(), "Entity type / amount kind / timex kind, or ALL.", nullable=False),
        Column("match", pa.string(), "strict (exact span), lenient (overlap), token (naeval per-token), value "
               "(amount value+unit), resolved (timex dates), normal (normal-form accuracy), evidence+amount "
               "(claims), slot:<name> (claim slot accuracy), `-` for a stage not built.", nullable=False),
        Column("precision", pa.float64(), "Precision; null when nothing was predicted or for accuracy rows."),
        Column("recall", pa.float64(), "Recall; null when the gold has none or for accuracy rows."),
        Column("f1", pa.float64(), "F1 of precision and recall."),
        Column("accuracy", pa.float64(), "Accuracy over matched items (normal forms, claim slots)."),
        Column("support", pa.int64(), "Gold items (matched items for accuracy rows).", nullable=False),
        Column("correct", pa.int64(), "Correct predictions.", nullable=False),
        Column("guessed", pa.int64(), "Predictions made.", nullable=False),
        Column("expected", pa.int64(), "Gold items.", nullable=False),
        Column("status", pa.string(), "`ok`, or `not_built` for a stage the pipeline does not have yet.",
               nullable=False),
        Column("pipeline_version", pa.string(), "Pipeline version evaluated.", nullable=False),
        Column("evaluated_at", TIMESTAMP, "When the evaluation ran (UTC).", nullable=False),
    ),
)

TABLES: dict[str, Table] = {t.name: t for t in (ARTICLES, MENTIONS, ENTITIES, AMOUNTS, TIMEX, CLAIMS, CLAIM_AMOUNTS,
                                                REJECTS, EVAL_METRICS)}
# tables whose rows belong to an article (replaced together when an article is reprocessed)
ARTICLE_TABLES: tuple[Table, ...] = (MENTIONS, AMOUNTS, TIMEX, CLAIMS, CLAIM_AMOUNTS)
# the stages `reprocess` can re-run, and the tables each one replaces
Stage = Literal["entities", "amounts", "timex", "claims"]
STAGES: tuple[str, ...] = get_args(Stage)
STAGE_TABLES: dict[str, tuple[Table, ...]] = {"entities": (MENTIONS,), "amounts": (AMOUNTS,), "timex": (TIMEX,),
                                              "claims": (CLAIMS, CLAIM_AMOUNTS)}
# the tables `process_articles` writes (eval_metrics is written by `evaluate`)
PROCESS_TABLES: dict[str, Table] = {t.name: t for t in (ARTICLES, *ARTICLE_TABLES, ENTITIES, REJECTS)}


def render_data_dictionary(tables: dict[str, Table] = TABLES) -> str:
    """The data dictionary (Markdown) for analysts, generated from the schemas above."""
    lines = [
        "# Data dictionary",
        "",
        "Generated from `pipeline/schema.py` (`python -m pipeline schema`); do not edit by hand.",
        "Every table is a Delta Lake table: a folder `<table>/` of Parquet files plus a transaction log",
        "(`_delta_log/`). Read it through the log, never by globbing the Parquet files (replaced files stay on disk",
        "for a week so readers of older versions keep working). A run publishes all tables together when it ends:",
        "`_manifest.json` names the version of each. Read several tables from one snapshot of it and they agree",
        "(`snap = pipeline.store.snapshot(\"processed\")`, then `snap.read(\"claims\")` for an Arrow table,",
        "`snap.duckdb()` for DuckDB views of every table); with another Delta reader, load each table at the",
        "version the manifest names.",
        "Article tables are partitioned by `published_month`.",
        "An article's identity is `articles.source_key` (its URL, else its input path relative to the input root",
        "plus the JSONL id or line); one version of each source is stored, the one read last (`read_at`).",
        "Offsets (`start`, `stop`) are character offsets into `articles.text`; join on `article_id`.",
        "",
    ]
    for table in tables.values():
        lines += [f"## `{table.name}`", "", table.description, "", f"Key: `{', '.join(table.key)}`", "",
                  "| column | type | null | description |", "| --- | --- | --- | --- |"]
        for column in table.columns:
            lines.append(f"| `{column.name}` | `{column.type}` | {'yes' if column.nullable else 'no'} | "
                         f"{column.description} |")
        lines.append("")
    return "\n".join(lines)
