"""The neutral message's JSON (the outbox payload) and the files it may carry."""
from __future__ import annotations

import json

import pytest

from core.messages import MAX_FILE_BYTES, Button, Field, Mention, Message, OutgoingFile


def test_a_message_with_files_survives_the_outbox_payload() -> None:
    files = (OutgoingFile("rollcall-2026-12.csv", "\ufeff单位代码,收到\r\nFIRE-01,1\r\n".encode(), "text/csv"),
             OutgoingFile("raw.bin", bytes(range(256)), "application/octet-stream"))
    message = Message(title="t", text="x", fields=(Field("a", "b"),), buttons=(Button("l", "tok"),),
                      mentions=(Mention("1", "n"),), files=files)
    payload = json.loads(json.dumps(message.to_json()))  # as the database stores it
    assert [f["name"] for f in payload["files"]] == ["rollcall-2026-12.csv", "raw.bin"]
    assert Message.from_json(payload) == message


def test_a_message_without_files_has_no_files_key_and_old_payloads_still_read() -> None:
    message = Message(title="t", text="x")
    assert "files" not in message.to_json()
    old = {"title": "t", "text": "x", "fields": [], "buttons": [], "mentions": []}
    assert Message.from_json(old) == message and Message.from_json(old).files == ()


def test_a_file_too_big_for_an_outbox_row_is_refused_when_made() -> None:
    OutgoingFile("ok.csv", b"x" * MAX_FILE_BYTES, "text/csv")
    with pytest.raises(ValueError, match="at most"):
        OutgoingFile("big.csv", b"x" * (MAX_FILE_BYTES + 1), "text/csv")


@pytest.mark.parametrize("name", ["", "../etc/passwd", "a\\b.csv", " padded.csv", "nul\0.csv"])
def test_a_file_name_must_be_a_bare_name(name: str) -> None:
    with pytest.raises(ValueError):
        OutgoingFile(name, b"x", "text/csv")


def test_content_must_be_bytes_and_the_type_a_mime_type() -> None:
    with pytest.raises(TypeError):
        OutgoingFile("a.csv", "text", "text/csv")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        OutgoingFile("a.csv", b"x", "csv")
