"""Follow-ups of every kind are authorised alike (real python-telegram-bot against
the fake Bot API): a stranger's pin or photo sent as a reply to someone else's
receipt is refused and changes nothing — before, a pin moved the incident onto
another one, merged the two and took the Dispatch button away."""
from __future__ import annotations


from sqlalchemy import select

from bot.app import Liandong
from storage.models import Incident, TimelineEntry
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.telegram_bot import incident_id_in
from tests.telegram_bot import bot, fake  # noqa: F401 (fixtures)

REPORTING = -1003000
REPORTER, OTHER_REPORTER, STRANGER = 7001, 7002, 7003
REFUSED = "只有报告人和本组织已登记的成员可以更新事件"


async def _said(fake: FakeTelegramAPI, user: int, text: str | None = None, **extra: object) -> dict:
    before = len(fake.sent_messages(REPORTING))
    fake.inject_message(REPORTING, user, text, **extra)
    return (await fake.wait_for_messages(REPORTING, before + 1))[-1]


async def _incidents(bot: Liandong) -> dict[str, Incident]:
    async with bot.db.transaction() as session:
        return {i.id: i for i in (await session.scalars(select(Incident))).all()}


async def _kinds(bot: Liandong, incident_id: str) -> list[str]:
    async with bot.db.transaction() as session:
        rows = await session.scalars(select(TimelineEntry).where(TimelineEntry.incident_id == incident_id)
                                     .order_by(TimelineEntry.id))
        return [row.kind for row in rows]


async def test_a_strangers_pin_and_photo_on_someone_elses_receipt_are_refused(
    bot: Liandong, fake: FakeTelegramAPI
) -> None:
    first = await _said(fake, REPORTER, "人民路化工厂起火，3人受伤")
    await _said(fake, REPORTER, location=(37.1600, 122.4200))
    second = await _said(fake, OTHER_REPORTER, "东山仓库起火了，火很大")
    first_id, second_id = incident_id_in(first["text"]), incident_id_in(second["text"])
    assert first_id != second_id

    # A pin next to the first incident, sent as a reply to the second one's receipt.
    pin = await _said(fake, STRANGER, location=(37.1601, 122.4201), reply_to_message_id=second["message_id"])
    assert REFUSED in pin["text"] and second_id in pin["text"]
    photo = await _said(fake, STRANGER, photo=b"\x89PNG fake", reply_to_message_id=first["message_id"])
    assert REFUSED in photo["text"]

    incidents = await _incidents(bot)
    assert incidents[second_id].status != "closed" and incidents[second_id].merged_into is None
    assert incidents[second_id].latitude is None
    assert "location" not in await _kinds(bot, second_id)
    assert not any(k.endswith("_added") for k in await _kinds(bot, first_id))

    # The reporter's own pin on their own receipt still counts.
    own = await _said(fake, OTHER_REPORTER, location=(37.30, 122.60), reply_to_message_id=second["message_id"])
    assert REFUSED not in own["text"]
    assert (await _incidents(bot))[second_id].latitude == 37.30
