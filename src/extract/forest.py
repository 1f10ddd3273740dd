"""Forest plots: hazard, odds and risk ratios with their CIs, one panel per endpoint, as SVG.

:func:`forest_svg` returns one self-contained ``<svg>`` element — presentation attributes
only, no style sheet, script, font or image from anywhere — so it can stand inline in
``report.html`` (opened offline) and in the curation app under its strict
Content-Security-Policy. The x axis is logarithmic and centred on 1; a flagged record (a
failed consistency check) is drawn in red with a ⚑ and its flags in the tooltip; a row with
an ``href`` links to its evidence.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

WIDTH = 900
LABEL_W = 300
SOURCE_W = 280
ROW_H = 18
HEAD_H = 22
AXIS_H = 30
FLAG_COLOUR = "#c0392b"
INK = "#1f2d3d"
TICKS = (0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20)


def _e(x: object) -> str:
    return escape(str(x), quote=True)


def _fmt(x: float) -> str:
    return f"{x:.3g}"


def forest_svg(rows: Sequence[Mapping[str, Any]], *, title: str = "") -> str:
    """An SVG forest plot of ``rows``.

    Args:
        rows: dicts with ``group`` (the panel: ``"OS · HR"``), ``label`` (the trial, subgroup),
            ``source`` (the document), ``estimate``, ``low``, ``high``, ``flags`` (list) and
            an optional ``href``.
        title: a heading drawn above the panels.

    Returns:
        The ``<svg>`` markup; a short note in an ``<svg>`` when there is nothing to draw.
    """
    good = [
        r for r in rows if min(r["estimate"], r["low"], r["high"]) > 0 and r["low"] <= r["high"]
    ]
    if not good:
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" class="forest" width="{WIDTH}" height="30" '
            'role="img" aria-label="no ratios with a confidence interval">'
            f'<text x="4" y="20" font-size="13" fill="{INK}">No hazard, odds or risk ratio with a '
            "confidence interval here.</text></svg>"
        )
    groups: dict[str, list[Mapping[str, Any]]] = {}
    for r in good:
        groups.setdefault(r["group"], []).append(r)
    lo = min(min(r["low"] for r in good), 0.5)
    hi = max(max(r["high"] for r in good), 2.0)
    lo, hi = max(lo, 0.01), min(hi, 100.0)
    span = math.log(hi) - math.log(lo)
    plot_x0 = LABEL_W
    plot_w = WIDTH - LABEL_W - SOURCE_W - 10

    def x(v: float) -> float:
        v = min(max(v, lo), hi)
        return plot_x0 + (math.log(v) - math.log(lo)) / span * plot_w

    parts: list[str] = []
    y = 0
    if title:
        y += 20
        parts.append(
            f'<text x="4" y="{y - 4}" font-size="14" font-weight="bold" fill="{INK}">{_e(title)}</text>'
        )
    for group, grs in sorted(groups.items()):
        # one trial's reports from every document next to each other
        grs = sorted(grs, key=lambda r: (str(r["label"]), str(r.get("source", ""))))
        y += HEAD_H
        parts.append(
            f'<text x="4" y="{y - 6}" font-size="13" font-weight="bold" fill="{INK}" '
            f'class="forest-group">{_e(group)}</text>'
        )
        top = y
        for r in grs:
            cy = y + ROW_H / 2
            flagged = bool(r.get("flags"))
            colour = FLAG_COLOUR if flagged else INK
            tip = (
                f"{r['label']} — {r.get('source', '')}: {_fmt(r['estimate'])} "
                f"({_fmt(r['low'])}–{_fmt(r['high'])})"
            )
            if flagged:
                tip += " — flags: " + ", ".join(r["flags"])
            label = ("⚑ " if flagged else "") + str(r["label"])
            row = [
                f"<title>{_e(tip)}</title>",
                f'<text x="4" y="{cy + 4:.1f}" font-size="12" fill="{colour}">{_e(label[:48])}</text>',
                f'<line x1="{x(r["low"]):.1f}" y1="{cy:.1f}" x2="{x(r["high"]):.1f}" y2="{cy:.1f}" '
                f'stroke="{colour}" stroke-width="1.5"/>',
                f'<rect x="{x(r["estimate"]) - 4:.1f}" y="{cy - 4:.1f}" width="8" height="8" fill="{colour}"/>',
                f'<text x="{WIDTH - SOURCE_W:.0f}" y="{cy + 4:.1f}" font-size="11" fill="{colour}">'
                f"{_e(_fmt(r['estimate']))} ({_e(_fmt(r['low']))}–{_e(_fmt(r['high']))}) "
                f"{_e(str(r.get('source', ''))[:32])}</text>",
            ]
            cls = "forest-row flagged" if flagged else "forest-row"
            g = (
                f'<g class="{cls}" data-estimate="{_e(r["estimate"])}" data-low="{_e(r["low"])}" '
                f'data-high="{_e(r["high"])}" data-flags="{_e(" ".join(r.get("flags") or []))}">'
                + "".join(row)
                + "</g>"
            )
            if r.get("href"):
                g = f'<a href="{_e(r["href"])}">{g}</a>'
            parts.append(g)
            y += ROW_H
        parts.append(
            f'<line x1="{x(1):.1f}" y1="{top:.1f}" x2="{x(1):.1f}" y2="{y:.1f}" stroke="#888" '
            'stroke-dasharray="3,3"/>'
        )
    y += 6
    parts.append(f'<line x1="{plot_x0}" y1="{y}" x2="{plot_x0 + plot_w}" y2="{y}" stroke="{INK}"/>')
    for t in TICKS:
        if lo <= t <= hi:
            parts.append(
                f'<line x1="{x(t):.1f}" y1="{y}" x2="{x(t):.1f}" y2="{y + 4}" stroke="{INK}"/>'
                f'<text x="{x(t):.1f}" y="{y + 16}" font-size="11" text-anchor="middle" '
                f'fill="{INK}">{t:g}</text>'
            )
    parts.append(
        f'<text x="{plot_x0}" y="{y + 28}" font-size="11" fill="#555">← ratio below 1'
        f'</text><text x="{plot_x0 + plot_w}" y="{y + 28}" font-size="11" text-anchor="end" '
        'fill="#555">ratio above 1 →</text>'
    )
    height = y + AXIS_H + 6
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="forest" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{_e(title or "forest plot")}" '
        'font-family="sans-serif">' + "".join(parts) + "</svg>"
    )
