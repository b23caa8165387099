"""An article's text as HTML with its spans marked: every character of the text appears once, in order, so the
page's text is exactly `articles.text` and every offset still points at the same character.

Spans that nest become nested `<mark>`s; a span that crosses another is closed and reopened around it (each
piece keeps the span's `data-span`, so the pieces of one span can be put together again)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from html import escape


@dataclass(frozen=True)
class Mark:
    start: int
    stop: int
    key: str  # data-span: unique per span on the page
    css: str  # class names
    title: str  # hover text


def _open(mark: Mark) -> str:
    return f'<mark class="{escape(mark.css)}" data-span="{escape(mark.key)}" title="{escape(mark.title)}">'


def highlight(text: str, marks: Iterable[Mark], anchors: Iterable[int] = ()) -> str:
    """`text` escaped for HTML with `marks` wrapped around their characters and an empty `<a id="ev-N">` at each
    offset of `anchors` (where a claim's evidence starts)."""
    marks = [m for m in marks if 0 <= m.start < m.stop <= len(text)]
    starts: dict[int, list[Mark]] = defaultdict(list)
    for mark in marks:
        starts[mark.start].append(mark)
    anchors = set(anchors)
    points = sorted({0, len(text), *anchors, *(m.start for m in marks), *(m.stop for m in marks)})
    out: list[str] = []
    stack: list[Mark] = []
    position = 0
    for point in points:
        if point > position:
            out.append(escape(text[position:point], quote=False))
            position = point
        if any(m.stop == point for m in stack):
            reopen = []
            while any(m.stop == point for m in stack):
                mark = stack.pop()
                out.append("</mark>")
                if mark.stop != point:
                    reopen.append(mark)
            for mark in reversed(reopen):
                out.append(_open(mark))
                stack.append(mark)
        if point in anchors:
            out.append(f'<a id="ev-{point}"></a>')
        for mark in sorted(starts.get(point, ()), key=lambda m: (-m.stop, m.key)):
            out.append(_open(mark))
            stack.append(mark)
    out.extend("</mark>" for _ in stack)
    return "".join(out)
