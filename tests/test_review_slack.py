"""A review delivered over Slack (real slack-sdk against the fake Web API): the key times
as a message, then the chart and the PDF uploaded into the same channel
(files.getUploadURLExternal, the upload, files.completeUploadExternal)."""
from __future__ import annotations

import io
import re

from PIL import Image
from pypdf import PdfReader

from tests.fakes.slack_api import FakeSlackAPI
from tests.test_slack import SlackBot, all_text
from tests.test_slack_files import CENTRE, COMMANDER, bot, fake  # noqa: F401 (fixtures)


async def test_review_is_uploaded_as_a_chart_and_a_pdf(bot: SlackBot, fake: FakeSlackAPI) -> None:  # noqa: F811
    await bot.command("/liandong", "report 人民路化工厂起火，3人受伤", user_id=COMMANDER, channel_id=CENTRE)
    await bot.deliver()
    incident_id = re.search(r"\d{8}-\d{4}", " ".join(all_text(m) for m in fake.messages(CENTRE))).group(0)
    await bot.command("/liandong", f"dispatch {incident_id} FIRE-01", user_id=COMMANDER, channel_id=CENTRE)
    await bot.deliver()
    await bot.command("/liandong", f"review {incident_id}", user_id=COMMANDER, channel_id=CENTRE)
    await bot.deliver()
    assert await bot.app.run_reports() == 1
    await bot.deliver()
    chart = next(f for f in fake.files if f["name"] == f"review-{incident_id}.png")
    document = next(f for f in fake.files if f["name"] == f"review-{incident_id}.pdf")
    assert chart["channels"] == [CENTRE] and document["channels"] == [CENTRE]
    image = Image.open(io.BytesIO(chart["content"])).convert("L")
    assert image.size[0] >= 800 and sum(n for v, n in enumerate(image.histogram()) if v < 250) > 5_000
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(document["content"])).pages)
    assert f"事件总结评估 · {incident_id}" in text and "FIRE-01" in text
    review = next(m for m in fake.messages(CENTRE) if f"事件总结评估 · {incident_id}" in all_text(m))
    assert "首次调度" in all_text(review)
