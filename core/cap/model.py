"""A CAP 1.2 alert, as far as the bot reads and writes it.

Only the elements a broadcast carries are modelled (one <info> block, one <area>
description); a document read in keeps everything else in its original XML.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

NAMESPACE = "urn:oasis:names:tc:emergency:cap:1.2"
MSG_TYPES = ("Alert", "Update", "Cancel")
SEVERITIES = ("Extreme", "Severe", "Moderate", "Minor", "Unknown")

# The Chinese four-colour warning levels and CAP's severity: red is the gravest.
LEVEL_SEVERITY = {"red": "Extreme", "orange": "Severe", "yellow": "Moderate", "blue": "Minor", None: "Unknown"}
SEVERITY_LEVEL = {severity: level for level, severity in LEVEL_SEVERITY.items()}
COLOUR_WORDS = {
    "red": ("红色", "红", "red"), "orange": ("橙色", "橙", "orange"),
    "yellow": ("黄色", "黄", "yellow"), "blue": ("蓝色", "蓝", "blue"),
}
COLOUR_PARAMETER = "liandong:colour"  # how our own documents carry the colour beside severity


@dataclass(frozen=True)
class Reference:
    """One earlier message an update or cancel points at: `sender,identifier,sent`."""

    sender: str
    identifier: str
    sent: str  # as written, so it matches the earlier document's text exactly

    def text(self) -> str:
        return f"{self.sender},{self.identifier},{self.sent}"


Point = tuple[float, float]  # WGS 84 latitude, longitude, as CAP writes them


@dataclass(frozen=True)
class Area:
    """One CAP <area>: its description, and the shapes and codes that say where it is.

    A polygon is its points (the first repeated last); a circle its centre and radius
    in kilometres (radius 0: a point); a geocode (valueName, value), e.g. a Chinese
    administrative division code (行政区划代码).
    """

    description: str
    polygons: tuple[tuple[Point, ...], ...] = ()
    circles: tuple[tuple[Point, float], ...] = ()
    geocodes: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class CapAlert:
    identifier: str
    sender: str
    sent: datetime
    msg_type: str = "Alert"
    status: str = "Actual"
    scope: str = "Public"
    references: tuple[Reference, ...] = ()
    language: str = "en-US"
    category: str = "Other"
    event: str = ""
    urgency: str = "Unknown"
    severity: str = "Unknown"
    certainty: str = "Unknown"
    sender_name: str = ""
    headline: str = ""
    description: str = ""
    instruction: str = ""
    expires: datetime | None = None
    area: str = ""  # every <area>'s areaDesc, joined with 、
    # Written in full when given, else one <area> of `area`. Not compared: an alert read back
    # has the <area> its `area` was written as, and equals the one written.
    areas: tuple[Area, ...] = field(default=(), compare=False)
    parameters: tuple[tuple[str, str], ...] = field(default_factory=tuple)

    def parameter(self, name: str) -> str | None:
        return next((value for key, value in self.parameters if key == name), None)


def cap_time(moment: datetime) -> str:
    """CAP's dateTime: seconds, and an explicit offset (never "Z", which the schema's pattern refuses)."""
    text = moment.isoformat(timespec="seconds")
    return text[:-6] + "+00:00" if text.endswith("+00:00") else text
