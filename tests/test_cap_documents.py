"""The CAP 1.2 document layer on its own (core/cap, #17): the shipped schema is the
official one, what the writer makes validates and reads back the same, and hostile
or foreign documents are refused with their reason."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from lxml import etree

from core.cap.model import LEVEL_SEVERITY, NAMESPACE, CapAlert, Reference
from core.cap.reader import SCHEMA_PATH, CapRefused, parse_xml, read_alert, schema
from core.cap.writer import write_alert

DATA = Path(__file__).with_name("data") / "cap"
SENT = datetime(2026, 11, 22, 15, 0, tzinfo=timezone(timedelta(hours=8)))


def test_the_shipped_schema_is_the_official_oasis_cap_1_2() -> None:
    text = SCHEMA_PATH.read_text(encoding="utf-8")
    assert "<!-- Copyright OASIS Open 2010 All Rights Reserved -->" in text
    root = etree.parse(str(SCHEMA_PATH)).getroot()
    assert root.get("targetNamespace") == NAMESPACE == "urn:oasis:names:tc:emergency:cap:1.2"
    names = {e.get("name") for e in root.iter("{http://www.w3.org/2001/XMLSchema}element")}
    assert {"alert", "info", "resource", "area", "references", "severity"} <= names


@pytest.mark.parametrize("level", ["blue", "yellow", "orange", "red", None])
def test_written_documents_validate_and_read_back_the_same(level: str | None) -> None:
    alert = CapAlert(
        identifier="liandong-20261122150000-7", sender="liandong:某县应急指挥中心", sent=SENT, msg_type="Update",
        references=(Reference("liandong:某县应急指挥中心", "liandong-20261122140000-6", "2026-11-22T14:00:00+08:00"),),
        language="zh-CN", category="Met", event="暴雨", urgency="Immediate", severity=LEVEL_SEVERITY[level],
        certainty="Likely", sender_name="县气象台", headline="暴雨 <预警> & 提醒", description="第一行\n第二行 & <b>",
        instruction="转移低洼地区群众", expires=SENT + timedelta(hours=6), area="城关镇、西河镇",
        parameters=(("liandong:colour", level),) if level else (),
    )
    document = write_alert(alert)
    assert schema().validate(etree.fromstring(document)), schema().error_log
    assert read_alert(document) == alert


def test_a_document_with_a_utf16_doctype_is_refused_too() -> None:
    """The byte check cannot see a DOCTYPE in UTF-16; the parsed tree's doctype still refuses it."""
    text = (DATA / "bad_xxe.xml").read_text(encoding="utf-8").replace('encoding="UTF-8"', 'encoding="UTF-16"')
    with pytest.raises(CapRefused) as refused:
        parse_xml(text.encode("utf-16"))
    assert refused.value.reason in ("doctype", "not_xml")


def test_an_external_dtd_is_never_fetched() -> None:
    document = (b'<?xml version="1.0"?><!DOCTYPE alert SYSTEM "http://127.0.0.1:9/cap.dtd">'
                b'<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"/>')
    with pytest.raises(CapRefused) as refused:
        read_alert(document)
    assert refused.value.reason == "doctype"


def test_the_specifications_examples_read_as_written() -> None:
    hsas = read_alert((DATA / "spec_homeland_security.xml").read_bytes())
    assert (hsas.identifier, hsas.sender, hsas.severity, hsas.parameter("HSAS")) == (
        "43b080713727", "hsas@dhs.gov", "Severe", "ORANGE")
    quake = read_alert((DATA / "spec_earthquake_update.xml").read_bytes())
    assert quake.references == (Reference("trinet@caltech.edu", "TRI13970876.1", "2003-06-11T20:30:00-07:00"),)
    storm = read_alert((DATA / "spec_thunderstorm.xml").read_bytes())
    assert storm.expires == datetime(2003, 6, 17, 23, 0, tzinfo=timezone.utc)


def test_a_malformed_references_list_is_refused() -> None:
    document = (DATA / "cn_rainstorm_orange_update.xml").read_bytes().replace(
        b"44010041600000,44010041600000_20261122145000,", b"44010041600000_20261122145000,", 1)
    with pytest.raises(CapRefused) as refused:
        read_alert(document)
    assert refused.value.reason == "references"
