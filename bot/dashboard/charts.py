"""Charts as inline SVG, drawn on the server: no JavaScript library, nothing from a CDN.

Each function returns safe markup; every label is escaped. SVGs use a viewBox and scale to
the width of the page, so they read on a phone as well.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from markupsafe import Markup, escape

BAR = "#2f6fde"
HEAT = ("#f3f6fb", "#fde2c8", "#fbb77d", "#f2803d", "#d9480f")


def _svg(width: int, height: int, body: str, title: str, *, cap: bool = False) -> Markup:
    """``cap``: drawn at its own size (a grid would blow up on a desktop and shrink to
    unreadable on a phone); its card scrolls sideways instead."""
    size = f' width="{width}" height="{height}"' if cap else ""
    return Markup(
        f'<svg class="chart{" fixed" if cap else ""}" viewBox="0 0 {width} {height}"{size} role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(title)}</title>{body}</svg>")


def day_bars(points: Sequence[tuple[date, int]], *, title: str) -> Markup:
    """Vertical bars, one per day; a date label every fifth day."""
    width, height, left, bottom, top = 640, 220, 32, 28, 14
    peak = max((n for _, n in points), default=0) or 1
    step = (width - left - 8) / max(len(points), 1)
    parts = [f'<line x1="{left}" y1="{height - bottom}" x2="{width - 4}" '
             f'y2="{height - bottom}" stroke="#c8ced8"/>',
             f'<text x="{left - 6}" y="{top + 4}" class="axis" text-anchor="end">{peak}</text>',
             f'<text x="{left - 6}" y="{height - bottom}" class="axis" text-anchor="end">0</text>']
    plot = height - bottom - top
    for i, (day, count) in enumerate(points):
        x = left + i * step + step * 0.15
        bar = plot * count / peak
        parts.append(f'<rect x="{x:.1f}" y="{height - bottom - bar:.1f}" width="{step * 0.7:.1f}" '
                     f'height="{bar:.1f}" fill="{BAR}" rx="1.5"><title>{day.isoformat()}：'
                     f'{count}</title></rect>')
        if i % 5 == 0 or i == len(points) - 1:
            parts.append(f'<text x="{x + step * 0.35:.1f}" y="{height - 10}" class="axis" '
                         f'text-anchor="middle">{day.month}/{day.day}</text>')
    return _svg(width, height, "".join(parts), title)


def name_bars(rows: Sequence[tuple[str, int]], *, title: str, suffix: str = "") -> Markup:
    """Horizontal bars with the name on the left and the count (plus ``suffix``) at the end."""
    row_height, label, width = 30, 130, 420
    height = max(len(rows), 1) * row_height + 8
    peak = max((n for _, n in rows), default=0) or 1
    parts = []
    for i, (name, count) in enumerate(rows):
        y = 4 + i * row_height
        bar = (width - label - 50) * count / peak
        short = name if len(name) <= 8 else name[:7] + "…"
        parts.append(
            f'<text x="{label - 8}" y="{y + 19}" class="label" text-anchor="end">'
            f"{escape(short)}<title>{escape(name)}</title></text>"
            f'<rect x="{label}" y="{y + 5}" width="{max(bar, 2):.1f}" height="18" fill="{BAR}" '
            f'rx="2"/><text x="{label + bar + 6:.1f}" y="{y + 19}" class="value">{count}{suffix}</text>')
    if not rows:
        parts.append(f'<text x="{width / 2}" y="20" class="axis" text-anchor="middle">暂无数据</text>')
    return _svg(width, height, "".join(parts), title)


def heat_grid(rows: Sequence[tuple[str, str]], columns: Sequence[tuple[str, str]],
              values: dict[tuple[str, str], int], *, title: str) -> Markup:
    """Rows × columns of counts; the darker the cell, the more overdue tickets."""
    cell, row_label, head = 46, 96, 86
    width = row_label + cell * max(len(columns), 1) + 56  # room for the last slanted name
    height = head + cell * max(len(rows), 1) + 4
    peak = max(values.values(), default=0) or 1
    parts = []
    for j, (_, name) in enumerate(columns):
        x = row_label + j * cell + cell / 2
        parts.append(f'<text transform="translate({x:.0f},{head - 6}) rotate(-45)" '
                     f'class="label">{escape(name[:8])}</text>')
    for i, (row_key, row_name) in enumerate(rows):
        y = head + i * cell
        parts.append(f'<text x="{row_label - 8}" y="{y + cell / 2 + 5:.0f}" class="label" '
                     f'text-anchor="end">{escape(row_name)}</text>')
        for j, (col_key, col_name) in enumerate(columns):
            count = values.get((row_key, col_key), 0)
            shade = HEAT[0] if not count else HEAT[min(4, 1 + int(3 * count / peak))]
            x = row_label + j * cell
            parts.append(
                f'<rect x="{x + 1}" y="{y + 1}" width="{cell - 2}" height="{cell - 2}" rx="4" '
                f'fill="{shade}"><title>{escape(row_name)} × {escape(col_name)}：{count}</title>'
                f'</rect><text x="{x + cell / 2:.0f}" y="{y + cell / 2 + 5:.0f}" class="value" '
                f'text-anchor="middle">{count or ""}</text>')
    return _svg(width, height, "".join(parts), title, cap=True)
