"""Bar charts as inline SVG, drawn on the server: no chart library, no script, strict CSP.

Colours come from CSS classes (``chart-<series>`` in console.css), so dark mode works.
Each bar carries a ``<title>`` (a tooltip and a text for screen readers); the table beside
every chart holds the same numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH = 720
HEIGHT = 240
PAD_LEFT = 36
PAD_BOTTOM = 28
PAD_TOP = 12


@dataclass(frozen=True, slots=True)
class Bar:
    label: str  # under the bar (may be "" to thin out labels)
    title: str  # the tooltip
    stack: Sequence[tuple[str, int]]  # (series, value), drawn bottom to top


def _nice_max(value: int) -> int:
    if value <= 5:
        return 5
    for step in (10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if value <= step:
            return step
    return value


def bar_chart(bars: Sequence[Bar], *, label: str) -> Markup:
    """A stacked bar chart of ``bars``; ``label`` names it for assistive technology."""
    top = _nice_max(max((sum(v for _, v in b.stack) for b in bars), default=0))
    plot_w = WIDTH - PAD_LEFT - 8
    plot_h = HEIGHT - PAD_BOTTOM - PAD_TOP
    slot = plot_w / max(1, len(bars))
    bar_w = max(2.0, slot * 0.7)
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(label)}" preserveAspectRatio="xMidYMid meet">'
    ]
    for i in range(5):
        value = top * i // 4
        y = PAD_TOP + plot_h - plot_h * i / 4
        parts.append(
            f'<line class="chart-grid" x1="{PAD_LEFT}" x2="{WIDTH - 8}" y1="{y:.1f}" y2="{y:.1f}"/>'
            f'<text class="chart-axis" x="{PAD_LEFT - 6}" y="{y + 4:.1f}" '
            f'text-anchor="end">{value}</text>'
        )
    for index, bar in enumerate(bars):
        x = PAD_LEFT + index * slot + (slot - bar_w) / 2
        base = PAD_TOP + plot_h
        group = [f"<g><title>{escape(bar.title)}</title>"]
        for series, value in bar.stack:
            if value <= 0:
                continue
            height = plot_h * value / top
            base -= height
            group.append(
                f'<rect class="chart-{escape(series)}" x="{x:.1f}" y="{base:.1f}" '
                f'width="{bar_w:.1f}" height="{height:.1f}" rx="2"/>'
            )
        group.append("</g>")
        parts.append("".join(group))
        if bar.label:
            parts.append(
                f'<text class="chart-axis" x="{x + bar_w / 2:.1f}" y="{HEIGHT - 8}" '
                f'text-anchor="middle">{escape(bar.label)}</text>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))
