"""Writing a CAP 1.2 document with lxml (never by string templates, so every
value is escaped by the XML library)."""
from __future__ import annotations

from lxml import etree

from core.cap.model import NAMESPACE, Area, CapAlert, cap_time

_NS = f"{{{NAMESPACE}}}"


def _add(parent: etree._Element, name: str, text: str | None) -> None:
    if text:
        etree.SubElement(parent, _NS + name).text = text


def write_alert(alert: CapAlert) -> bytes:
    """The alert as a UTF-8 CAP 1.2 document, elements in the schema's order."""
    root = etree.Element(_NS + "alert", nsmap={None: NAMESPACE})
    _add(root, "identifier", alert.identifier)
    _add(root, "sender", alert.sender)
    _add(root, "sent", cap_time(alert.sent))
    _add(root, "status", alert.status)
    _add(root, "msgType", alert.msg_type)
    _add(root, "scope", alert.scope)
    if alert.references:
        _add(root, "references", " ".join(ref.text() for ref in alert.references))
    info = etree.SubElement(root, _NS + "info")
    _add(info, "language", alert.language)
    _add(info, "category", alert.category)
    _add(info, "event", alert.event or "-")  # required by the schema
    _add(info, "urgency", alert.urgency)
    _add(info, "severity", alert.severity)
    _add(info, "certainty", alert.certainty)
    if alert.expires is not None:
        _add(info, "expires", cap_time(alert.expires))
    _add(info, "senderName", alert.sender_name)
    _add(info, "headline", alert.headline)
    _add(info, "description", alert.description)
    _add(info, "instruction", alert.instruction)
    for name, value in alert.parameters:
        parameter = etree.SubElement(info, _NS + "parameter")
        _add(parameter, "valueName", name)
        _add(parameter, "value", value)
    for area in alert.areas or ((Area(alert.area),) if alert.area else ()):
        _add_area(info, area)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _add_area(info: etree._Element, area: Area) -> None:
    element = etree.SubElement(info, _NS + "area")
    _add(element, "areaDesc", area.description or "-")  # required by the schema
    for polygon in area.polygons:
        _add(element, "polygon", " ".join(f"{lat:g},{lon:g}" for lat, lon in polygon))
    for (lat, lon), radius in area.circles:
        _add(element, "circle", f"{lat:g},{lon:g} {radius:g}")
    for name, value in area.geocodes:
        geocode = etree.SubElement(element, _NS + "geocode")
        _add(geocode, "valueName", name)
        _add(geocode, "value", value)
