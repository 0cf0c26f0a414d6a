"""The site-plan drawing: an SVG of the parcel (in the profile's projected
system, so lengths are true metres) with the length of every edge, the
neighbours' outlines and numbers, a north arrow and a scale bar."""

from __future__ import annotations

import itertools
import math
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from baladiya.gis.geometry import from_wkb, project

WIDTH, HEIGHT, MARGIN = 640.0, 520.0, 40.0


def _nice(length: float) -> float:
    """A round scale-bar length not longer than ``length`` (1, 2, 5 × 10ⁿ m)."""
    exponent = math.floor(math.log10(max(length, 1e-6)))
    for step in (5, 2, 1):
        value = step * 10**exponent
        if value <= length:
            return float(value)
    return float(10**exponent)


def site_plan_svg(parcel: Any, neighbours: list[Any], *, country: str) -> SafeString:
    geom = project(from_wkb(parcel.geometry_wkb), country)
    minx, miny, maxx, maxy = geom.bounds
    span = max(maxx - minx, maxy - miny, 1.0)
    # Show the parcel with a band of its surroundings around it.
    pad = span * 0.45
    vx0, vy0, vx1, vy1 = minx - pad, miny - pad, maxx + pad, maxy + pad
    scale = min((WIDTH - 2 * MARGIN) / (vx1 - vx0), (HEIGHT - 2 * MARGIN) / (vy1 - vy0))
    ox = (WIDTH - (vx1 - vx0) * scale) / 2
    oy = (HEIGHT - (vy1 - vy0) * scale) / 2

    def xy(x: float, y: float) -> tuple[float, float]:
        return ox + (x - vx0) * scale, HEIGHT - (oy + (y - vy0) * scale)

    def path(polygon: Any) -> str:
        rings = [polygon.exterior, *polygon.interiors]
        parts = []
        for ring in rings:
            points = [xy(x, y) for x, y in ring.coords]
            parts.append("M" + " L".join(f"{px:.1f},{py:.1f}" for px, py in points) + " Z")
        return " ".join(parts)

    def polygons(g: Any) -> list[Any]:
        return list(getattr(g, "geoms", [g]))

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH:.0f} {HEIGHT:.0f}" '
        f'width="{WIDTH:.0f}" height="{HEIGHT:.0f}" direction="ltr" '
        'font-family="DejaVu Sans, sans-serif">',
        f'<rect x="0" y="0" width="{WIDTH:.0f}" height="{HEIGHT:.0f}" fill="#fff" '
        'stroke="#999" stroke-width="1"/>',
        '<clipPath id="view"><rect x="1" y="1" '
        f'width="{WIDTH - 2:.0f}" height="{HEIGHT - 2:.0f}"/></clipPath><g clip-path="url(#view)">',
    ]
    for other in neighbours:
        og = project(from_wkb(other.geometry_wkb), country)
        for polygon in polygons(og):
            out.append(f'<path d="{path(polygon)}" fill="#f4f4f4" stroke="#888" stroke-width="1"/>')
        label_at = og.intersection(geom.buffer(pad)).representative_point()
        if not label_at.is_empty:
            lx, ly = xy(label_at.x, label_at.y)
            out.append(
                f'<text x="{lx:.1f}" y="{ly:.1f}" font-size="11" fill="#555" '
                f'text-anchor="middle">{escape(other.number or "—")}</text>'
            )
    for polygon in polygons(geom):
        out.append(
            f'<path d="{path(polygon)}" fill="#fde9b8" stroke="#c0392b" stroke-width="2.5"/>'
        )
        coords = list(polygon.exterior.coords)
        cx, cy = polygon.centroid.x, polygon.centroid.y
        for (x0, y0), (x1, y1) in itertools.pairwise(coords):
            length = math.hypot(x1 - x0, y1 - y0)
            if length < span * 0.04:
                continue
            mx, my = (x0 + x1) / 2, (y0 + y1) / 2
            # Put the label just inside the edge.
            dx, dy = cx - mx, cy - my
            norm = math.hypot(dx, dy) or 1.0
            px, py = xy(mx + dx / norm * span * 0.05, my + dy / norm * span * 0.05)
            out.append(
                f'<text x="{px:.1f}" y="{py:.1f}" font-size="12" fill="#c0392b" '
                f'text-anchor="middle" dominant-baseline="middle">{length:.2f}</text>'
            )
    centre = geom.representative_point()
    tx, ty = xy(centre.x, centre.y)
    out.append(
        f'<text x="{tx:.1f}" y="{ty + 18:.1f}" font-size="16" font-weight="bold" '
        f'text-anchor="middle">{escape(parcel.number or "—")}</text>'
    )
    out.append("</g>")
    # North arrow (the projected grid's north; UTM grid convergence is under 2°).
    out.append(
        f'<g transform="translate({WIDTH - 40:.0f},52)"><path d="M0,-30 L10,5 L0,-3 L-10,5 Z" '
        'fill="#222"/><text x="0" y="22" font-size="14" text-anchor="middle" '
        'font-weight="bold">N</text></g>'
    )
    # Scale bar.
    bar_m = _nice((WIDTH * 0.25) / scale)
    bar_px = bar_m * scale
    sx, sy = 24.0, HEIGHT - 24.0
    out.append(
        f'<g><rect x="{sx:.0f}" y="{sy - 6:.0f}" width="{bar_px / 2:.1f}" height="6" fill="#222"/>'
        f'<rect x="{sx + bar_px / 2:.1f}" y="{sy - 6:.0f}" width="{bar_px / 2:.1f}" height="6" '
        'fill="#fff" stroke="#222"/>'
        f'<text x="{sx:.0f}" y="{sy - 10:.0f}" font-size="11">0</text>'
        f'<text x="{sx + bar_px:.1f}" y="{sy - 10:.0f}" font-size="11" text-anchor="middle">'
        f"{bar_m:g} m</text></g>"
    )
    out.append("</svg>")
    return mark_safe("".join(out))  # every text is escaped above
