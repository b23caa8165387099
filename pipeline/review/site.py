"""The review site of a store: `<out>/review/index.html` (counts, versions, evaluation, charts, every article),
one page per article (its text with entities, amounts and time expressions marked, its claims with links to
their evidence) and a claims browser (filters by entity, relation, month and source; sort by value).

Static files that open from disk: no server, no network, no script library. Built from the published snapshot;
a file is only written when its content changed, and pages of articles no longer stored are removed, so a run
that changed nothing writes nothing here either.

The site owns its folder: it writes `.review-site` there when it creates it and refuses a folder that holds
anything else (`pipeline report --to ~/Documents` must not delete what is there); it only ever removes its own
pages. Two writers of one site take turns (a lock file in the folder)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import numpy as np
import pyarrow as pa

from pipeline.handoff.card import DATASETS, SHOWN, _fmt, evaluation
from pipeline.review import charts
from pipeline.review.assets import CLAIMS_JS, STYLE
from pipeline.review.pages import article_list, article_page, claims_page, page
from pipeline.store import snapshot, write_text

LIST_PAGE = 1000  # articles per list page
CLAIM_FIELDS = ["claim_id", "article_id", "subject", "subject_entity", "relation", "value", "value_min", "value_max",
                "unit", "currency", "time_start", "time_end", "source", "source_entity", "modality", "confidence",
                "evidence_start", "published_month"]


MARKER = ".review-site"


class SiteError(Exception):
    """The site cannot be written there (a folder the site did not create)."""


def check_site_folder(site: Path) -> None:
    """Raise `SiteError` unless `site` is absent, empty (but for a lock file) or a review site written here."""
    site = Path(site)
    if site.exists() and not site.is_dir():
        raise SiteError(f"{site} is a file, not a folder")
    if not site.is_dir() or (site / MARKER).is_file():
        return
    if {p.name for p in site.iterdir()} <= {".lock"}:
        return
    index = site / "index.html"
    earlier = index.is_file() and "<h1>Russian tech-news claims: review</h1>" in index.read_text("utf-8", "replace")
    if not earlier:  # a site of an earlier version carries no marker, but its own index page
        raise SiteError(f"{site} exists and is not a review site written by this pipeline: refusing to write into it "
                        "(its files would be replaced or removed); choose a new or empty folder")


def write_review(out_dir: Path | str, site_dir: Path | str | None = None) -> dict:
    """Write (or bring up to date) the review site of the store `out_dir` (default folder `<out>/review`);
    returns its path and sizes. Raises `SiteError` for a folder the site does not own."""
    from pipeline.store.journal import folder_lock

    out_dir = Path(out_dir)
    site = Path(site_dir) if site_dir is not None else out_dir / "review"
    check_site_folder(site)  # before the lock file: a refused folder gets nothing written into it
    with folder_lock(site):
        check_site_folder(site)
        write_text(site / MARKER, "written by `pipeline report` / every run: the review site of a store\n")
        return _write_site(out_dir, site)


def _write_site(out_dir: Path, site: Path) -> dict:
    snap = snapshot(out_dir)
    tables = {name: snap.read(name) for name in ("articles", "mentions", "amounts", "timex", "claims", "entities",
                                                 "rejects", "eval_metrics")}
    articles = tables["articles"].sort_by([("published_at", "descending"), ("article_id", "ascending")])
    written = 0
    written += _write(site / "style.css", STYLE)
    written += _write(site / "claims.js", CLAIMS_JS)
    slices = {name: _Slices(tables[name]) for name in ("mentions", "amounts", "timex", "claims")}
    ids = articles.column("article_id").to_pylist()
    for i, article_id in enumerate(ids):
        article = articles.slice(i, 1).to_pylist()[0]
        html = article_page(article, *(slices[n].rows(article_id) for n in ("mentions", "amounts", "timex", "claims")))
        written += _write(site / "articles" / f"{article_id}.html", html)
    _remove_except(site / "articles", {f"{a}.html" for a in ids}, pattern="*.html")
    claims = tables["claims"]
    per_article = Counter(claims.column("article_id").to_pylist())
    listing = articles.select(["article_id", "title", "published_at", "source_key"]).to_pylist()
    pages = [listing[i:i + LIST_PAGE] for i in range(0, len(listing), LIST_PAGE)] or [[]]
    names = ["articles.html"] + [f"articles-{n}.html" for n in range(2, len(pages) + 1)]
    nav = " ".join(f'<a href="{name}">{n}</a>' for n, name in enumerate(names, 1)) if len(pages) > 1 else ""
    for name, chunk in zip(names, pages):
        written += _write(site / name, page("Articles", f"<h1>Articles ({len(listing)})</h1><p>{nav}</p>"
                                        + article_list(chunk, per_article)))
    _remove_except(site, set(names) | {"index.html", "claims.html", "style.css", "claims.js"}, pattern="articles-*.html")
    months = written_claims(site, claims, dict(zip(ids, articles.column("title").to_pylist())))
    written += months.pop("written")
    relations = sorted(set(claims.column("relation").to_pylist()))
    written += _write(site / "claims.html", claims_page(sorted(months), relations, claims.num_rows))
    written += _write(site / "index.html", index_page(tables, articles, pages[0], per_article, snap.versions,
                                                      len(pages) > 1))
    files = [p for p in site.rglob("*") if p.is_file() and not p.name.startswith(".")]
    return {"site": str(site), "index": str(site / "index.html"), "articles": len(ids), "files": len(files),
            "bytes": sum(p.stat().st_size for p in files), "written": written}


class _Slices:
    """The rows of one article in a table sorted by article_id, found by binary search."""

    def __init__(self, table: pa.Table):
        self.table = table
        self.ids = np.asarray(table.column("article_id").to_pylist(), dtype=object)

    def rows(self, article_id: str) -> list[dict]:
        lo, hi = np.searchsorted(self.ids, article_id, "left"), np.searchsorted(self.ids, article_id, "right")
        return self.table.slice(int(lo), int(hi - lo)).to_pylist()


def written_claims(site: Path, claims: pa.Table, titles: dict[str, str]) -> dict:
    """One script per publication month with that month's claims (compact rows the browser page loads)."""
    rows_by_month: dict[str, list] = {}
    for claim in claims.select(CLAIM_FIELDS).to_pylist():
        month = claim["published_month"] or "undated"
        rows_by_month.setdefault(month, []).append(claim)
    written = 0
    for month, rows in rows_by_month.items():
        compact = [[c["claim_id"], c["article_id"], titles.get(c["article_id"], ""), month, c["subject"],
                    c["subject_entity"], c["relation"], c["value"], c["value_min"], c["value_max"],
                    c["currency"] or c["unit"], _iso(c["time_start"]), _iso(c["time_end"]), c["source"],
                    c["source_entity"], c["modality"], round(c["confidence"], 3), c["evidence_start"]]
                   for c in rows]
        data = json.dumps(compact, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
        written += _write(site / "claims" / f"{month}.js", f"addClaims({json.dumps(month)}, {data});\n")
    _remove_except(site / "claims", {f"{m}.js" for m in rows_by_month}, pattern="*.js")
    return {**{m: len(r) for m, r in rows_by_month.items()}, "written": written}


def _iso(day) -> str | None:
    return day.isoformat() if day is not None else None


def index_page(tables: dict, articles: pa.Table, first_page: list, per_article: Counter,
               versions: dict | None, more_pages: bool) -> str:
    claims, amounts, entities, rejects = (tables[n] for n in ("claims", "amounts", "entities", "rejects"))
    counts = [("articles", articles.num_rows), ("claims", claims.num_rows), ("entities", entities.num_rows),
              ("mentions", tables["mentions"].num_rows), ("amounts", amounts.num_rows),
              ("time expressions", tables["timex"].num_rows), ("rejected inputs", rejects.num_rows)]
    pipeline_versions = Counter(articles.column("pipeline_version").to_pylist())
    version = max(pipeline_versions, key=lambda v: (pipeline_versions[v], v)) if pipeline_versions else "–"
    latest = max(articles.column("ingested_at").to_pylist(), default=None)
    body = ["<h1>Russian tech-news claims: review</h1>",
            '<p class="counts">' + "".join(f"<span><b>{n}</b>{label}</span>" for label, n in counts) + "</p>",
            f'<p class="muted">Pipeline version {", ".join(f"{v} ({n} articles)" for v, n in sorted(pipeline_versions.items())) or "–"}; '
            f'latest article processed {latest or "–"}; published table versions '
            f'{", ".join(f"{k} {v}" for k, v in sorted((versions or {}).items())) or "(latest)"}. '
            'Columns: <a href="../DATA_DICTIONARY.md">data dictionary</a>.</p>']
    figures = evaluation(tables["eval_metrics"], version)
    if figures:
        body += ["<h2>How good it is</h2><table><thead><tr><th>metric</th>"
                 + "".join(f"<th>{DATASETS[d]}</th>" for d, _, _ in figures) + "</tr></thead><tbody>"
                 + "".join(f"<tr><td>{label}</td>" + "".join(f'<td class="num">{_fmt(m.get(key))}</td>'
                                                              for _, _, m in figures) + "</tr>" for key, label in SHOWN)
                 + "</tbody></table><p class=\"muted\">" + "; ".join(f"{DATASETS[d]}: {w}" for d, w, _ in figures)
                 + ".</p>"]
    body += ["<h2>Charts</h2>", '<div class="charts">', claims_by_month(claims), top_entities(entities),
             amounts_by_kind(amounts), rejects_by_reason(rejects), "</div>",
             f"<h2>Articles ({articles.num_rows})</h2>",
             article_list(first_page, per_article),
             '<p><a href="articles-2.html">more articles →</a></p>' if more_pages else ""]
    return page("Review", "".join(body))


def claims_by_month(claims: pa.Table) -> str:
    counts = Counter(zip(claims.column("published_month").to_pylist(), claims.column("relation").to_pylist()))
    months = sorted({m for m, _ in counts if m})
    relations = [r for r, _ in Counter(r for _, r in counts.elements()).most_common()]
    series = {r: [counts[(m, r)] for m in months] for r in relations}
    return charts.stacked_columns(months, series, "Claims per publication month, by relation")


def top_entities(entities: pa.Table, n: int = 15) -> str:
    rows = sorted(entities.select(["canonical", "type", "n_articles"]).to_pylist(),
                  key=lambda e: (-e["n_articles"], e["canonical"]))[:n]
    return charts.hbars([(f"{e['canonical']} ({e['type']})", e["n_articles"]) for e in rows],
                        "Top entities by articles mentioning them")


def amounts_by_kind(amounts: pa.Table) -> str:
    counts = Counter(f"{k} {c}" if c else k for k, c in zip(amounts.column("kind").to_pylist(),
                                                           amounts.column("currency").to_pylist()))
    return charts.hbars(counts.most_common(12), "Amounts by kind (money by currency)")


def rejects_by_reason(rejects: pa.Table) -> str:
    return charts.hbars(Counter(rejects.column("reason").to_pylist()).most_common(), "Rejected inputs by reason")


def _write(path: Path, content: str) -> int:
    return int(write_text(path, content))


def _remove_except(folder: Path, keep: set[str], pattern: str) -> None:
    """Remove the site's own files (`pattern`) in `folder` that the site no longer has."""
    if folder.is_dir():
        for path in folder.glob(pattern):
            if path.is_file() and path.name not in keep:
                path.unlink()
