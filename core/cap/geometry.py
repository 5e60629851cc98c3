"""Where a point lies against a CAP area's shapes: inside a polygon, within a circle.

Plain arithmetic on WGS 84 coordinates: good enough at the scale of a county's
towns (a polygon edge is taken as straight in latitude/longitude, as CAP
receivers commonly do), and no geometry library to carry.
"""
from __future__ import annotations

from math import asin, cos, radians, sin, sqrt

from core.cap.model import Area, Point

EARTH_RADIUS_KM = 6371.0


def in_polygon(point: Point, polygon: tuple[Point, ...]) -> bool:
    """Ray casting: a point is inside when a ray from it crosses the edges an odd number of times."""
    lat, lon = point
    inside = False
    for (lat1, lon1), (lat2, lon2) in zip(polygon, polygon[1:] + polygon[:1]):
        if (lon1 > lon) != (lon2 > lon):
            crossing = lat1 + (lon - lon1) * (lat2 - lat1) / (lon2 - lon1)
            if lat < crossing:
                inside = not inside
    return inside


def distance_km(a: Point, b: Point) -> float:
    """Great-circle distance (haversine)."""
    lat1, lon1, lat2, lon2 = map(radians, (*a, *b))
    h = sin((lat2 - lat1) / 2) ** 2 + cos(lat1) * cos(lat2) * sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * asin(sqrt(h))


def covers(area: Area, point: Point) -> bool:
    return (any(in_polygon(point, polygon) for polygon in area.polygons)
            or any(distance_km(centre, point) <= radius for centre, radius in area.circles))
