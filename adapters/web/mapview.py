"""The map: incidents with a point, coloured by level, and units' bases, as one SVG.

Without LIANDONG_MAP_TILES the map is points on their coordinates with their labels
and nothing else: the page asks nothing of any server the office did not configure.
With it, the tiles of the office's own server are laid under the points, as <image>
elements of the same SVG (attributes only: the page's CSP allows no inline style).
"""
from __future__ import annotations

import math

from adapters.web.html import tag, text
from adapters.web.snapshot import Board, IncidentRow, Point
from config.organisation import Organisation
from core.i18n import Translator

WIDTH, HEIGHT = 1000, 600
MARGIN = 60
TILE = 256
MAX_TILES = 64  # a wider area is drawn without tiles rather than with hundreds of requests


def _mercator(point: Point) -> tuple[float, float]:
    """Web Mercator in world pixels at zoom 0 (0–256), as tile servers cut their tiles."""
    lat = max(-85.0, min(85.0, point.latitude))
    x = (point.longitude + 180.0) / 360.0 * TILE
    y = (1 - math.log(math.tan(math.radians(lat)) + 1 / math.cos(math.radians(lat))) / math.pi) / 2 * TILE
    return x, y


class _Frame:
    """Fits the points into the drawing; picks the zoom tiles would be cut at."""

    def __init__(self, points: list[Point]):
        xs, ys = zip(*(_mercator(p) for p in points))
        self.x0, self.y0 = min(xs), min(ys)
        span = max(max(xs) - self.x0, max(ys) - self.y0, 1e-4)  # one point: about a town's width
        self.scale = min((WIDTH - 2 * MARGIN), (HEIGHT - 2 * MARGIN)) / span
        self.zoom = max(0, min(18, int(math.log2(self.scale)))) if self.scale > 1 else 0
        self.x0 -= (WIDTH - 2 * MARGIN) / self.scale / 2 - (max(xs) - self.x0) / 2
        self.y0 -= (HEIGHT - 2 * MARGIN) / self.scale / 2 - (max(ys) - self.y0) / 2

    def at(self, point: Point) -> tuple[float, float]:
        x, y = _mercator(point)
        return MARGIN + (x - self.x0) * self.scale, MARGIN + (y - self.y0) * self.scale

    def tiles(self, template: str) -> str:
        """<image> tiles covering the drawing at this frame's zoom."""
        n = 2 ** self.zoom
        left, top = self.x0 - MARGIN / self.scale, self.y0 - MARGIN / self.scale
        first_x, first_y = int(left * n // TILE), int(top * n // TILE)
        last_x = int((left + WIDTH / self.scale) * n // TILE)
        last_y = int((top + HEIGHT / self.scale) * n // TILE)
        if (last_x - first_x + 1) * (last_y - first_y + 1) > MAX_TILES:
            return ""
        size = TILE / n * self.scale
        images = []
        for tx in range(first_x, last_x + 1):
            for ty in range(max(0, first_y), min(n - 1, last_y) + 1):
                url = template.replace("{z}", str(self.zoom)).replace("{x}", str(tx % n)).replace("{y}", str(ty))
                x = MARGIN + (tx * TILE / n - self.x0) * self.scale
                y = MARGIN + (ty * TILE / n - self.y0) * self.scale
                images.append(tag("image", "", href=url, x=f"{x:.1f}", y=f"{y:.1f}", width=f"{size:.1f}",
                                  height=f"{size:.1f}", class_="tile"))
        return "".join(images)


def _level_colour(org: Organisation, row: IncidentRow) -> str:
    level = org.spec.response_level(row.incident.level) if row.incident.level else None
    return level.colour if level and level.colour else "none"


def map_svg(t: Translator, org: Organisation, board: Board, tiles: str | None) -> str:
    placed = [row for row in board.incidents + board.drills if row.point is not None]
    points = [row.point for row in placed if row.point] + [b.point for b in board.bases]
    if not points:
        return text("p", t("web.map.none"), class_="muted")
    frame = _Frame(points)
    parts = [tag("rect", "", x=0, y=0, width=WIDTH, height=HEIGHT, class_="map-ground")]
    if tiles:
        parts.append(frame.tiles(tiles))
    for base in board.bases:
        x, y = frame.at(base.point)
        parts.append(tag("g", tag("rect", "", x=f"{x - 7:.1f}", y=f"{y - 7:.1f}", width=14, height=14, class_="base")
                         + text("text", f"{base.code} {base.name}", x=f"{x + 10:.1f}", y=f"{y + 26:.1f}",
                                class_="map-label base-label")
                         + text("title", t("web.map.base", unit=base.name)), class_="map-base", data_unit=base.code))
    for row in placed:
        assert row.point is not None
        x, y = frame.at(row.point)
        i = row.incident
        label = f"{i.id} {row.point.label}" + (" " + t("web.drill") if i.drill else "")
        parts.append(tag("a", tag("circle", "", cx=f"{x:.1f}", cy=f"{y:.1f}", r=12,
                                  class_=f"pin pin-{_level_colour(org, row)}" + (" pin-drill" if i.drill else ""))
                         + text("text", label, x=f"{x + 16:.1f}", y=f"{y + 6:.1f}", class_="map-label")
                         + text("title", label), href=f"/board/incident/{i.id}", data_incident=i.id))
    legend = text("p", t("web.map.legend_tiles" if tiles else "web.map.legend_plain"), class_="muted")
    svg = tag("svg", "".join(parts), viewBox=f"0 0 {WIDTH} {HEIGHT}", class_="map", role="img",
              aria_label=t("web.map"), xmlns="http://www.w3.org/2000/svg")
    return svg + legend
