"""Reading a CAP 1.2 document from outside, refusing anything unsafe or not CAP.

The parser is hardened: no entity is expanded, no DTD or external file is
loaded, nothing is fetched from the network, and huge trees are refused. A
document with a DOCTYPE at all is refused before its content is looked at:
CAP never needs one, and entity bombs and external entities (XXE) both live
there. What passes is validated against the official OASIS schema.
"""
from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from pathlib import Path

from lxml import etree

from core.cap.model import NAMESPACE, Area, CapAlert, Point, Reference

MAX_BYTES = 1_000_000  # a real alert is a few kilobytes; anything near this is not one
SCHEMA_PATH = Path(__file__).with_name("CAP-v1.2.xsd")
_NS = {"cap": NAMESPACE}


class CapRefused(Exception):
    """Why a document was not taken. `reason` names the catalogue key (cap.refused.<reason>)."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False,
                           dtd_validation=False, remove_comments=True, remove_pis=True)


@lru_cache(maxsize=1)
def schema() -> etree.XMLSchema:
    """The official CAP 1.2 schema, read once (it is shipped with the project)."""
    return etree.XMLSchema(etree.parse(str(SCHEMA_PATH), _parser()))


def parse_xml(data: bytes, limit: int = MAX_BYTES) -> etree._Element:
    """A document's root, hardened; refuses oversized, malformed and DOCTYPE-bearing input."""
    if len(data) > limit:
        raise CapRefused("too_large", f"more than {limit} bytes")
    if b"<!DOCTYPE" in data.upper() or b"<!ENTITY" in data.upper():
        raise CapRefused("doctype")
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        raise CapRefused("not_xml", str(exc)) from None
    if root is None:
        raise CapRefused("not_xml")
    tree = root.getroottree()
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:  # a DOCTYPE the bytes test missed (UTF-16)
        raise CapRefused("doctype")
    return root


def validate(root: etree._Element) -> None:
    if root.tag != f"{{{NAMESPACE}}}alert":
        raise CapRefused("not_cap", etree.QName(root).localname)
    checker = schema()
    if not checker.validate(root):
        error = checker.error_log.last_error
        raise CapRefused("schema", f"line {error.line}: {error.message}" if error else "")


def _text(element: etree._Element | None, path: str) -> str:
    if element is None:
        return ""
    found = element.find(path, _NS)
    return (found.text or "").strip() if found is not None else ""


def _time(text: str) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def read_alert(data: bytes, prefer_language: str = "") -> CapAlert:
    """The alert a document carries (its <info> in the preferred language, else the first)."""
    root = parse_xml(data)
    validate(root)
    infos = root.findall("cap:info", _NS)
    info = next((i for i in infos if prefer_language and _text(i, "cap:language").lower()
                 .startswith(prefer_language.lower())), infos[0] if infos else None)
    references = []
    for word in _text(root, "cap:references").split():
        parts = word.split(",")
        if len(parts) != 3:
            raise CapRefused("references", word)
        references.append(Reference(*parts))
    parameters = tuple(
        (_text(p, "cap:valueName"), _text(p, "cap:value")) for p in (info.findall("cap:parameter", _NS) if info is not None else [])
    )
    areas = tuple(_area(a) for a in (info.findall("cap:area", _NS) if info is not None else []))
    return CapAlert(
        identifier=_text(root, "cap:identifier"), sender=_text(root, "cap:sender"),
        sent=_time(_text(root, "cap:sent")),  # type: ignore[arg-type]  # required by the schema
        msg_type=_text(root, "cap:msgType"), status=_text(root, "cap:status"), scope=_text(root, "cap:scope"),
        references=tuple(references),
        language=_text(info, "cap:language") or "en-US", category=_text(info, "cap:category"),
        event=_text(info, "cap:event"), urgency=_text(info, "cap:urgency"), severity=_text(info, "cap:severity"),
        certainty=_text(info, "cap:certainty"), sender_name=_text(info, "cap:senderName"),
        headline=_text(info, "cap:headline"), description=_text(info, "cap:description"),
        instruction=_text(info, "cap:instruction"), expires=_time(_text(info, "cap:expires")),
        area="、".join(a.description for a in areas if a.description), areas=areas, parameters=parameters,
    )


def _area(element: etree._Element) -> Area:
    """An <area>; its shapes checked here, as the schema leaves them free text."""
    polygons = tuple(_polygon(p.text or "") for p in element.findall("cap:polygon", _NS))
    circles = tuple(_circle(c.text or "") for c in element.findall("cap:circle", _NS))
    geocodes = tuple((_text(g, "cap:valueName"), _text(g, "cap:value")) for g in element.findall("cap:geocode", _NS))
    return Area(_text(element, "cap:areaDesc"), polygons, circles, geocodes)


def _point(text: str) -> Point:
    try:
        lat_text, lon_text = text.split(",")
        lat, lon = float(lat_text), float(lon_text)
    except ValueError:
        raise CapRefused("area", f"not a latitude,longitude pair: {text[:40]!r}") from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise CapRefused("area", f"outside the earth: {text[:40]!r}")
    return lat, lon


def _polygon(text: str) -> tuple[Point, ...]:
    points = tuple(_point(pair) for pair in text.split())
    if len(points) < 4 or points[0] != points[-1]:  # CAP: at least four pairs, the first repeated last
        raise CapRefused("area", f"a polygon needs 4 or more points, closed: {text[:60]!r}")
    return points


def _circle(text: str) -> tuple[Point, float]:
    centre, _, radius = text.strip().partition(" ")
    try:
        kilometres = float(radius)
    except ValueError:
        raise CapRefused("area", f"a circle is 'lat,lon radius': {text[:40]!r}") from None
    if not 0 <= kilometres <= 20_000:
        raise CapRefused("area", f"radius {radius!r} km")
    return _point(centre), kilometres
