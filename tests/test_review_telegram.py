"""A review delivered over Telegram (real python-telegram-bot against the fake Bot API):
the chart as a photo (sendPhoto) and the document (sendDocument), after its key times."""
from __future__ import annotations

import io

from PIL import Image
from pypdf import PdfReader

from bot.app import Liandong
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.telegram_bot import incident_id_in
from tests.telegram_bot import bot, fake  # noqa: F401 (fixtures)
from tests.test_broadcast_telegram import CENTRE, COMMANDER

REPORTING, STRANGER = -1003000, 9001
REPORT = "人民路化工厂起火，3人受伤，有人被困"


async def test_review_arrives_as_a_photo_and_a_pdf(bot: Liandong, fake: FakeTelegramAPI) -> None:
    fake.inject_message(REPORTING, STRANGER, REPORT, first_name="路人", last_name="甲")
    [receipt] = await fake.wait_for_messages(REPORTING)
    incident_id = incident_id_in(receipt["text"])
    before = len(fake.sent_messages(CENTRE))
    fake.inject_message(CENTRE, COMMANDER, f"/dispatch {incident_id} FIRE-01")
    await fake.wait_for_messages(CENTRE, before + 2)
    fake.inject_message(CENTRE, COMMANDER, f"/review {incident_id}")
    await fake.wait_until(lambda: bool(fake.sent_photos) and bool(fake.sent_documents), timeout=60)
    [photo], [document] = fake.sent_photos, fake.sent_documents
    assert photo.chat_id == CENTRE and document.chat_id == CENTRE
    assert photo.width >= 800 and photo.height >= 250
    image = Image.open(io.BytesIO(photo.content)).convert("L")
    assert sum(n for value, n in enumerate(image.histogram()) if value < 250) > 5_000
    assert document.filename == f"review-{incident_id}.pdf" and document.mime_type == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(document.content)).pages)
    assert f"事件总结评估 · {incident_id}" in text and "FIRE-01" in text
    texts = [m.get("text", "") for m in fake.sent_messages(CENTRE)]
    review = next(m for m in fake.sent_messages(CENTRE) if f"事件总结评估 · {incident_id}" in m.get("text", ""))
    assert "首次调度" in review["text"] and any("正在生成" in t for t in texts)
    assert review["message_id"] < photo.message_id < document.message_id  # text, chart, document
