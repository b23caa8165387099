"""Charts as inline SVG: drawn here from plain numbers, so the review pages need no script library and no
network. Each function returns an `<svg>` element (with a `<title>` per bar for hover text)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

PALETTE = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f",
           "#bab0ac", "#1f77b4", "#8c564b", "#17becf"]


def hbars(rows: Sequence[tuple[str, float]], title: str, width: int = 560, unit: str = "") -> str:
    """Horizontal bars, one per (label, value), in the given order."""
    if not rows:
        return f'<p class="empty">{escape(title)}: nothing yet.</p>'
    bar, gap, label_w = 18, 6, 220
    top = max(value for _, value in rows) or 1
    height = len(rows) * (bar + gap) + 30
    parts = [f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="{width}" height="{height}">',
             f"<title>{escape(title)}</title>",
             f'<text x="0" y="14" class="chart-title">{escape(title)}</text>']
    for i, (label, value) in enumerate(rows):
        y = 26 + i * (bar + gap)
        w = max(1.0, (width - label_w - 60) * value / top)
        shown = escape(label if len(label) <= 32 else label[:31] + "…")
        parts += [f'<text x="{label_w - 6}" y="{y + 13}" text-anchor="end">{shown}</text>',
                  f'<rect class="bar" x="{label_w}" y="{y}" width="{w:.1f}" height="{bar}" fill="{PALETTE[0]}">'
                  f"<title>{escape(label)}: {_number(value)}{unit}</title></rect>",
                  f'<text x="{label_w + w + 4:.1f}" y="{y + 13}">{_number(value)}{unit}</text>']
    parts.append("</svg>")
    return "".join(parts)


def stacked_columns(columns: Sequence[str], series: Mapping[str, Sequence[float]], title: str,
                    width: int = 760, height: int = 260) -> str:
    """One column per label in `columns`, stacked by series (e.g. months × relations), with a legend."""
    if not columns:
        return f'<p class="empty">{escape(title)}: nothing yet.</p>'
    totals = [sum(values[i] for values in series.values()) for i in range(len(columns))]
    top = max(totals) or 1
    left, bottom, plot_h = 40, 40, height - 80
    step = (width - left - 10) / len(columns)
    colw = max(2.0, step * 0.8)
    parts = [f'<svg class="chart" role="img" viewBox="0 0 {width} {height + 20 * ((len(series) + 5) // 6)}" '
             f'width="{width}" height="{height + 20 * ((len(series) + 5) // 6)}">',
             f"<title>{escape(title)}</title>", f'<text x="0" y="14" class="chart-title">{escape(title)}</text>',
             f'<text x="{left - 4}" y="{height - bottom - plot_h + 4}" text-anchor="end">{_number(top)}</text>',
             f'<line x1="{left}" y1="{height - bottom}" x2="{width - 10}" y2="{height - bottom}" class="axis"/>']
    label_every = max(1, len(columns) // 12)
    for i, column in enumerate(columns):
        x, base = left + i * step, height - bottom
        for k, (name, values) in enumerate(series.items()):
            h = plot_h * values[i] / top
            if h <= 0:
                continue
            base -= h
            parts.append(f'<rect class="bar" x="{x:.1f}" y="{base:.1f}" width="{colw:.1f}" height="{h:.1f}" '
                         f'fill="{PALETTE[k % len(PALETTE)]}"><title>{escape(column)} · {escape(name)}: '
                         f"{_number(values[i])}</title></rect>")
        if i % label_every == 0:
            parts.append(f'<text x="{x + colw / 2:.1f}" y="{height - bottom + 14}" text-anchor="middle" '
                         f'class="tick">{escape(column)}</text>')
    for k, name in enumerate(series):
        lx, ly = left + (k % 6) * 120, height + (k // 6) * 20
        parts += [f'<rect x="{lx}" y="{ly - 10}" width="10" height="10" fill="{PALETTE[k % len(PALETTE)]}"/>',
                  f'<text x="{lx + 14}" y="{ly}">{escape(name)}</text>']
    parts.append("</svg>")
    return "".join(parts)


def _number(value: float) -> str:
    if value >= 1e9:
        return f"{value / 1e9:.1f} млрд"
    if value >= 1e6:
        return f"{value / 1e6:.1f} млн"
    return f"{value:,.0f}".replace(",", " ") if value == int(value) else f"{value:.2f}"
