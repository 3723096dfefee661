"""Bar charts as inline SVG, drawn on the server (no JavaScript library).

Horizontal bars, one row per kecamatan or village: long names fit on the left and the chart
grows downwards, which suits a phone better than a wide column chart. The SVG scales to its
container (viewBox, width 100%); it carries a <title> and <desc> for screen readers, every
segment a <title> with its exact count (shown on hover), and every row its total as text.
"""
from __future__ import annotations

from dataclasses import dataclass
from html import escape
from itertools import count

WIDTH = 420  # viewBox units; drawn at the container's width (a phone: text about 10 px)
LABEL = 152  # room for the row labels (18 capitals)
VALUE = 56  # room for the totals at the right
ROW, BAR = 22, 14
FONT = 12
LEGEND = 24  # height of a legend line
PALETTE = ["#8a1c1c", "#d08a8a", "#1f6f3d", "#8a5a00", "#2b4c7e", "#7b4f9d", "#3f8f8f", "#b35c1e",
           "#5b6575", "#a8a029"]

_ids = count(1)


@dataclass(frozen=True)
class Series:
    name: str  # shown in the legend and in each segment's tooltip
    css: str = ""  # a class of app.css (bar, bar alt) or "" to use `color`
    color: str = ""


def thousands(value: int) -> str:
    return f"{int(value):,}".replace(",", ".")


def palette(names: list[str]) -> list[Series]:
    """A series per name, coloured in turn."""
    return [Series(n, color=PALETTE[i % len(PALETTE)]) for i, n in enumerate(names)]


def stacked_bars(title: str, rows: list[tuple[str, list[int]]], series: list[Series], *,
                 description: str = "") -> str:
    """An SVG of one horizontal bar per row, its segments the row's values in series order.
    rows: (label, values) with one value per series."""
    uid = f"grafik-{next(_ids)}"
    legend, legend_height = _legend(series)
    top = legend_height + 6
    height = top + ROW * max(len(rows), 1) + 6
    biggest = max([sum(v) for _, v in rows] + [1])
    scale = (WIDTH - LABEL - VALUE - 8) / biggest
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="100%" '
        f'role="img" aria-labelledby="{uid}-t {uid}-d" font-size="{FONT}" font-family="system-ui, sans-serif" '
        'class="chart">',  # .chart in app.css: no style attribute (the CSP allows none)
        f'<title id="{uid}-t">{escape(title)}</title>',
        f'<desc id="{uid}-d">{escape(description or _describe(rows, series))}</desc>',
        legend,
    ]
    for i, (label, values) in enumerate(rows):
        y = top + i * ROW
        parts.append(_row(y, label, values, series, scale))
    if not rows:
        parts.append(f'<text x="{LABEL}" y="{top + FONT}">Tidak ada data</text>')
    parts.append("</svg>")
    return "\n".join(parts)


def _legend(series: list[Series]) -> tuple[str, int]:
    """The legend, wrapped onto as many lines as the width needs; (markup, its height)."""
    out, x, y = ['<g class="legend">'], 0.0, 6
    for s in series:
        width = 16 + len(s.name) * FONT * 0.6 + 12
        if x and x + width > WIDTH:
            x, y = 0.0, y + LEGEND - 6
        out.append(f'<rect x="{x:.1f}" y="{y}" width="12" height="12"{_fill(s)}/>'
                   f'<text x="{x + 16:.1f}" y="{y + 10}">{escape(s.name)}</text>')
        x += width
    out.append("</g>")
    return "".join(out), y + LEGEND - 6


def _row(y: float, label: str, values: list[int], series: list[Series], scale: float) -> str:
    text_y = y + BAR - 2
    out = [f'<g><text x="{LABEL - 6}" y="{text_y}" text-anchor="end">{escape(_short(label))}</text>']
    x = float(LABEL)
    for value, s in zip(values, series):
        width = value * scale
        if width > 0:
            out.append(f'<rect x="{x:.1f}" y="{y}" width="{width:.1f}" height="{BAR}"{_fill(s)}>'
                       f'<title>{escape(label)}: {escape(s.name)} {thousands(value)}</title></rect>')
        x += width
    out.append(f'<text x="{x + 4:.1f}" y="{text_y}">{thousands(sum(values))}</text></g>')
    return "".join(out)


def _fill(s: Series) -> str:
    if s.css:
        return f' class="{escape(s.css)}"'
    return f' fill="{escape(s.color or PALETTE[0])}"'


def _short(label: str, room: int = 18) -> str:
    """Labels longer than the label column are cut (the full name is in each tooltip)."""
    label = str(label)
    return label if len(label) <= room else label[:room - 1] + "…"


def _describe(rows: list[tuple[str, list[int]]], series: list[Series]) -> str:
    """The chart's numbers as text, for screen readers."""
    names = [s.name for s in series]
    return "; ".join(f"{label}: " + ", ".join(f"{n} {thousands(v)}" for n, v in zip(names, values))
                     for label, values in rows)
