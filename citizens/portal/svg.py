"""Bar charts as inline SVG, drawn on the server: no script, no CDN, readable without tools.

Each bar carries a `<title>` (the browser shows it on hover) and the value
is printed above it, so the chart is also a table for a screen reader.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

MAX_BAR = 72  # px: one lone bar should still look like a bar, not a wall


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str  # the value as a person reads it ("CNY 180.00")
    highlight: bool = False


def bar_chart(title: str, bars: list[Bar], width: int = 640, height: int = 240) -> str:
    """An SVG bar chart; an empty list gives a short sentence instead of an empty frame."""
    if not bars:
        return f'<p class="empty">{html.escape(title)}: nothing on the chain yet.</p>'
    top, bottom, left = 44, 48, 12
    plot = height - top - bottom
    step = (width - 2 * left) / len(bars)
    peak = max((b.value for b in bars), default=0) or 1
    parts = [
        f'<svg class="chart" role="img" aria-label="{html.escape(title)}" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg">',
        f'<text x="{left}" y="16" class="chart-title">{html.escape(title)}</text>',
        f'<line x1="{left}" y1="{top + plot}" x2="{width - left}" y2="{top + plot}" class="axis"/>',
    ]
    for i, bar in enumerate(bars):
        h = plot * max(bar.value, 0) / peak
        w = min(step * 0.7, MAX_BAR)
        x = left + i * step + (step - w) / 2
        y = top + plot - h
        label, text = html.escape(bar.label), html.escape(bar.text)
        css = "bar hi" if bar.highlight else "bar"
        parts.append(
            f'<rect class="{css}" x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}">'
            f"<title>{label}: {text}</title></rect>"
        )
        parts.append(f'<text x="{x + w / 2:.1f}" y="{y - 4:.1f}" class="value">{text}</text>')
        parts.append(f'<text x="{x + w / 2:.1f}" y="{top + plot + 16:.1f}" class="label">{label}</text>')
    parts.append("</svg>")
    # drawn at its own size (text stays 11 px and up) in a box that scrolls on a narrow screen
    return '<div class="chart-box">' + "".join(parts) + "</div>"
