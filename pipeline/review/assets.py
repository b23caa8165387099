"""The review site's one stylesheet and one script (the claims browser), written beside its pages."""

STYLE = """
body { font: 15px/1.5 system-ui, sans-serif; margin: 0 auto; max-width: 1100px; padding: 0 16px 48px; color: #222; }
header { border-bottom: 1px solid #ddd; margin-bottom: 16px; padding: 8px 0; }
header a { margin-right: 14px; }
h1 { font-size: 22px; } h2 { font-size: 18px; margin-top: 28px; }
table { border-collapse: collapse; width: 100%; font-size: 14px; }
th, td { border-bottom: 1px solid #eee; padding: 4px 6px; text-align: left; vertical-align: top; }
th { background: #f6f6f6; position: sticky; top: 0; }
td.num { text-align: right; white-space: nowrap; }
.counts span { display: inline-block; margin: 0 18px 8px 0; } .counts b { font-size: 20px; display: block; }
.charts { display: flex; flex-wrap: wrap; gap: 24px; }
svg.chart { font-size: 11px; } svg.chart .chart-title { font-size: 13px; font-weight: 600; }
svg.chart .axis { stroke: #999; } svg.chart .tick { font-size: 10px; }
.text { white-space: pre-wrap; font-size: 16px; line-height: 1.7; background: #fcfcfc; padding: 12px; border: 1px solid #eee; }
mark { background: none; border-radius: 3px; padding: 1px 0; }
mark.PER { background: #ffe0b2; } mark.ORG { background: #c8e6c9; } mark.LOC { background: #bbdefb; }
mark.PRODUCT { background: #e1bee7; } mark.amount { border-bottom: 3px solid #e15759; }
mark.timex { border-bottom: 3px dotted #4e79a7; }
.legend mark { margin-right: 10px; padding: 1px 6px; }
a[id^="ev-"]:target + mark, a[id^="ev-"]:target { outline: 2px solid #f28e2b; }
.filters { display: flex; flex-wrap: wrap; gap: 10px; margin: 8px 0 12px; align-items: end; }
.filters label { display: flex; flex-direction: column; font-size: 12px; color: #555; }
.muted { color: #777; font-size: 13px; } .empty { color: #777; }
"""

CLAIMS_JS = r"""
(function () {
  const COLUMNS = ["claim", "article", "title", "month", "subject", "subject_entity", "relation", "value",
                   "value_min", "value_max", "unit", "time_start", "time_end", "source", "source_entity",
                   "modality", "confidence", "evidence_start"];
  const loaded = {};
  let rows = [];
  let page = 0;
  const PAGE = 100;
  window.addClaims = function (month, data) { loaded[month] = data.map(r => Object.fromEntries(COLUMNS.map((c, i) => [c, r[i]]))); };
  const $ = id => document.getElementById(id);
  let MONTHS = [];
  function load(months, done) {
    const missing = months.filter(m => !(m in loaded));
    if (!missing.length) { done(); return; }
    let left = missing.length;
    for (const m of missing) {
      const s = document.createElement("script");
      s.src = "claims/" + m + ".js";
      s.onload = s.onerror = () => { if (--left === 0) done(); };
      document.head.appendChild(s);
    }
  }
  function num(v) {
    const a = Math.abs(v);
    for (const [s, w] of [[1e12, " трлн"], [1e9, " млрд"], [1e6, " млн"]]) if (a >= s) return (v / s).toLocaleString("ru-RU", {maximumSignificantDigits: 4}) + w;
    return v.toLocaleString("ru-RU", {maximumSignificantDigits: 6});
  }
  function fmt(r) { return r.value !== null ? num(r.value) : num(r.value_min) + "…" + num(r.value_max); }
  function esc(s) { return s === null || s === undefined ? "" : String(s).replace(/[&<>"]/g, c => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}[c])); }
  function apply() {
    const month = $("month").value;
    const months = month === "*" ? MONTHS : [month];
    load(months, () => {
      const entity = $("entity").value.trim().toLowerCase();
      const source = $("source").value.trim().toLowerCase();
      const relation = $("relation").value;
      rows = months.flatMap(m => loaded[m] || []).filter(r =>
        (!relation || r.relation === relation) &&
        (!entity || [r.subject, r.subject_entity].some(v => v && v.toLowerCase().includes(entity))) &&
        (!source || [r.source, r.source_entity].some(v => v && v.toLowerCase().includes(source))));
      const order = $("sort").value;
      if (order !== "none") {
        const key = r => (r.value !== null ? r.value : r.value_max);
        rows.sort((a, b) => order === "desc" ? key(b) - key(a) : key(a) - key(b));
      }
      page = 0;
      render();
    });
  }
  function render() {
    const shown = rows.slice(page * PAGE, (page + 1) * PAGE);
    $("rows").innerHTML = shown.map(r => "<tr><td>" + esc(r.subject) + (r.subject_entity ? " <span class=muted>(" + esc(r.subject_entity) + ")</span>" : "") +
      "</td><td>" + esc(r.relation) + "</td><td class=num>" + fmt(r) + " " + esc(r.unit === "percent" ? "%" : r.unit) + "</td><td>" + esc(r.time_start) +
      (r.time_end && r.time_end !== r.time_start ? " – " + esc(r.time_end) : "") + "</td><td>" + esc(r.source || "") +
      "</td><td>" + esc(r.modality) + "</td><td class=num>" + r.confidence.toFixed(2) + "</td><td><a href=\"articles/" +
      esc(r.article) + ".html#ev-" + r.evidence_start + "\">" + esc(r.title) + "</a></td></tr>").join("");
    const pages = Math.max(1, Math.ceil(rows.length / PAGE));
    $("status").textContent = rows.length + " claims · page " + (page + 1) + " of " + pages;
    $("prev").disabled = page === 0; $("next").disabled = page + 1 >= pages;
  }
  document.addEventListener("DOMContentLoaded", () => {
    MONTHS = JSON.parse($("rows").dataset.months);
    for (const id of ["month", "relation", "sort"]) $(id).addEventListener("change", apply);
    for (const id of ["entity", "source"]) $(id).addEventListener("input", apply);
    $("prev").addEventListener("click", () => { page--; render(); });
    $("next").addEventListener("click", () => { page++; render(); });
    apply();
  });
})();
"""
