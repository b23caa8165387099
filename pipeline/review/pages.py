"""HTML of the review pages, from plain rows (dicts): an article page, the index, the claims browser."""

from __future__ import annotations

import json
from collections.abc import Sequence
from html import escape

from pipeline.review.marks import Mark, highlight
from pipeline.web.policy import link_target

ALL_AT_ONCE = 5000  # claims the browser loads at once when opened
RELATIONS_NOTE = "relation: what the amount measures (revenue, spend, invest, market_share, …)"


# Every page may load only the site's own style sheet and scripts: no inline script or event handler, no
# `javascript:` navigation, no request to any other origin (the text on these pages comes from the open web).
CONTENT_SECURITY_POLICY = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                           "base-uri 'none'; form-action 'none'")
GENERATOR = "ru-technews-pipeline review site"


def page(title: str, body: str, root: str = "") -> str:
    """A whole page; `root` is the way back to the site's folder ("" or "../")."""
    return (f'<!doctype html>\n<html lang="ru"><head><meta charset="utf-8">'
            f'<meta http-equiv="Content-Security-Policy" content="{CONTENT_SECURITY_POLICY}">'
            f'<meta name="generator" content="{GENERATOR}"><title>{escape(title)}</title>'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<link rel="stylesheet" href="{root}style.css"></head><body>'
            f'<header><a href="{root}index.html">Overview</a><a href="{root}claims.html">Claims</a>'
            f'<a href="{root}articles.html">Articles</a></header>{body}</body></html>\n')


def number(value: float) -> str:
    """A value as a reader writes it: `33,1 млрд`, `452 млн`, `16 000`, `2,5`."""
    size = abs(value)
    for scale, word in ((1e12, "трлн"), (1e9, "млрд"), (1e6, "млн")):
        if size >= scale:
            return f"{value / scale:.4g} {word}".replace(".", ",")
    if value == int(value):
        return f"{int(value):,}".replace(",", "\u00a0")
    return f"{value:.4g}".replace(".", ",")


def value_text(claim: dict) -> str:
    unit = claim["currency"] or claim["unit"] or ""
    unit = {"percent": "%"}.get(unit, unit)
    if claim["value"] is not None:
        shown = number(claim["value"])
    else:
        shown = f"{number(claim['value_min'])}…{number(claim['value_max'])}"
    return f"{shown} {unit}".strip()


def time_text(start, end) -> str:
    if start is None:
        return ""
    return str(start) if end in (None, start) else f"{start} – {end}"


def article_page(article: dict, mentions: Sequence[dict], amounts: Sequence[dict], timexes: Sequence[dict],
                 claims: Sequence[dict]) -> str:
    marks = [Mark(m["start"], m["stop"], m["mention_id"], m["type"], f"{m['type']} · {m['canonical']}")
             for m in mentions]
    marks += [Mark(a["start"], a["stop"], a["amount_id"], f"amount {a['kind']}",
                   f"{a['kind']}: {value_text({**a, 'currency': a['currency']})}") for a in amounts]
    marks += [Mark(t["start"], t["stop"], t["timex_id"], "timex",
                   f"time: {time_text(t['start_date'], t['end_date']) or t['reason'] or 'unresolved'}")
              for t in timexes]
    rows = "".join(
        f'<tr><td>{escape(c["subject"] or "")}'
        + (f' <span class="muted">({escape(c["subject_entity"])})</span>' if c["subject_entity"] else "")
        + f'</td><td>{escape(c["relation"])}</td><td class="num">{escape(value_text(c))}</td>'
        f'<td>{escape(time_text(c["time_start"], c["time_end"]))}</td><td>{escape(c["source"] or "")}</td>'
        f'<td>{escape(c["modality"])}{" (negated)" if c["negated"] else ""}</td>'
        f'<td class="num">{c["confidence"]:.2f}</td>'
        f'<td><a href="#ev-{c["evidence_start"]}">{escape(_short(c["evidence"]))}</a></td></tr>' for c in claims)
    source = escape(article["source_key"])
    href = link_target(article["url"])  # http(s) only: a `javascript:` URL from an input never becomes a link
    if href:
        source = f'<a href="{escape(href)}" rel="noopener noreferrer nofollow">{source}</a>'
    body = (f'<h1>{escape(article["title"])}</h1>'
            f'<p class="muted">{article["published_at"] or "date unknown"} · {source} · '
            f'<code>{article["article_id"]}</code> · pipeline {escape(article["pipeline_version"])}</p>'
            f'<h2>Claims ({len(claims)})</h2>'
            + (f'<table><thead><tr><th>subject</th><th>relation</th><th>value</th><th>time</th><th>source</th>'
               f'<th>modality</th><th>confidence</th><th>evidence</th></tr></thead><tbody>{rows}</tbody></table>'
               if claims else '<p class="empty">No claims.</p>')
            + '<h2>Text</h2><p class="legend"><mark class="PER">person</mark><mark class="ORG">organisation</mark>'
            '<mark class="LOC">place</mark><mark class="PRODUCT">product</mark><mark class="amount">amount</mark>'
            '<mark class="timex">time</mark></p>'
            f'<div class="text" id="text">{highlight(article["text"], marks, {c["evidence_start"] for c in claims})}'
            "</div>")
    return page(article["title"], body, "../")


def _short(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def article_list(articles: Sequence[dict], claims_per_article: dict[str, int]) -> str:
    rows = "".join(f'<tr><td>{a["published_at"] or ""}</td><td><a href="articles/{a["article_id"]}.html">'
                   f'{escape(a["title"])}</a></td><td class="num">{claims_per_article.get(a["article_id"], 0)}</td>'
                   f'<td class="muted">{escape(a["source_key"])}</td></tr>' for a in articles)
    return ('<table id="articles"><thead><tr><th>published</th><th>title</th><th>claims</th><th>source</th></tr>'
            f"</thead><tbody>{rows}</tbody></table>")


def claims_page(months: Sequence[str], relations: Sequence[str], total: int) -> str:
    dated = sorted((m for m in months if m != "undated"), reverse=True) + [m for m in months if m == "undated"]
    everything = total <= ALL_AT_ONCE  # a small store opens on all its claims, a big one on its latest month
    options = "".join(f'<option value="{escape(m)}"{" selected" if i == 0 and not everything else ""}>{escape(m)}'
                      "</option>" for i, m in enumerate(dated))
    options += f'<option value="*"{" selected" if everything else ""}>all months</option>'
    relation_options = "".join(f'<option value="{escape(r)}">{escape(r)}</option>' for r in relations)
    body = (f"<h1>Claims ({total})</h1>"
            f'<p class="muted">Filtered in the page; one month is loaded at a time (or all of them). {RELATIONS_NOTE}.</p>'
            '<div class="filters">'
            f'<label>month<select id="month">{options}</select></label>'
            f'<label>relation<select id="relation"><option value="">any</option>{relation_options}</select></label>'
            '<label>entity or subject<input id="entity" placeholder="Яндекс"></label>'
            '<label>source<input id="source" placeholder="IDC"></label>'
            '<label>sort by value<select id="sort"><option value="none">as published</option>'
            '<option value="desc">largest first</option><option value="asc">smallest first</option></select></label>'
            '<button id="prev">←</button><button id="next">→</button><span id="status" class="muted"></span></div>'
            '<table><thead><tr><th>subject</th><th>relation</th><th>value</th><th>time</th><th>source</th>'
            '<th>modality</th><th>confidence</th><th>article</th></tr></thead>'
            f'<tbody id="rows" data-months="{escape(json.dumps(list(months), ensure_ascii=False))}"></tbody></table>'
            '<script src="claims.js"></script>')
    return page("Claims", body)
