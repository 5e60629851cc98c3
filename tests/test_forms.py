"""Submitted forms as neutral events, with no platform's forms in the way: the console
stands in for any platform that hands a FormEvent to the pipeline (Slack's modals are
exercised end to end in test_slack.py and test_slack_broadcast.py)."""
from __future__ import annotations

from sqlalchemy import select

from core.events import FormEvent
from storage.models import Broadcast, Incident, TimelineEntry
from tests.conftest import ConsoleBot


async def submit(bot: ConsoleBot, who_where: str, form: str, fields: dict[str, str], *, form_id: str = "F1") -> str:
    """`who_where` as the console writes it ("张三@reporting"); the form's id dedupes it."""
    assert bot.app.console is not None
    typed = bot.app.console.parse_line(f"{who_where}: x", bot.app.clock.now())
    assert typed is not None and not isinstance(typed, str)
    event = FormEvent(actor=typed.actor, conversation=typed.conversation, received_at=typed.received_at,
                      platform_event_id=f"form:{form_id}", form=form, fields=tuple(fields.items()))
    await bot.app.pipeline.handle(event)
    await bot.app.drain()
    return bot.new_output()


async def incidents(bot: ConsoleBot) -> list[Incident]:
    async with bot.app.db.transaction() as session:
        return list(await session.scalars(select(Incident).order_by(Incident.id)))


async def test_a_report_form_is_registered_with_its_choices_winning_over_its_words(console_bot: ConsoleBot) -> None:
    words = "东湖小区民房起火，5人受伤，现场浓烟"
    out = await submit(console_bot, "路人甲@reporting", "report", {
        "type": "traffic", "place": "环城高速K12", "time": "08:05", "injured": "2", "dead": "0", "text": words})
    assert "已登记事件 20261122-0001" in out
    [incident] = await incidents(console_bot)
    assert (incident.type, incident.location, incident.stated_time) == ("traffic", "环城高速K12", "08:05")
    assert (incident.dead, incident.injured, incident.trapped, incident.missing) == (0, 2, 0, 0)
    assert incident.unsure == "" and words in incident.text and incident.reporter_platform == "console"
    # Submitted again (the same form): nothing more.
    assert await submit(console_bot, "路人甲@reporting", "report", {"type": "traffic", "place": "环城高速K12"}) == ""
    assert len(await incidents(console_bot)) == 1


async def test_a_form_of_only_words_is_read_like_a_report_and_an_empty_one_gets_the_usage(
    console_bot: ConsoleBot,
) -> None:
    out = await submit(console_bot, "路人甲@reporting", "report", {}, form_id="empty")
    assert "/report" in out and await incidents(console_bot) == []
    await submit(console_bot, "路人甲@reporting", "report", {"text": "人民路化工厂起火，3人受伤"}, form_id="words")
    [incident] = await incidents(console_bot)
    assert (incident.type, incident.location, incident.injured) == ("fire", "人民路化工厂", 3)


async def test_a_second_form_of_the_same_incident_links_with_the_counts_it_chose(console_bot: ConsoleBot) -> None:
    await console_bot.say("路人甲@reporting: 人民路化工厂起火，3人受伤")
    # Its words say "more" (an increment), but a count chosen in a form is the total stated.
    await submit(console_bot, "张三@reporting", "report",
                 {"type": "fire", "place": "人民路化工厂", "injured": "5", "text": "又有人受伤"})
    [incident] = await incidents(console_bot)
    assert incident.injured == 5
    async with console_bot.app.db.transaction() as session:
        kinds = list(await session.scalars(select(TimelineEntry.kind).where(TimelineEntry.incident_id == incident.id)))
    assert "source" in kinds


async def test_a_broadcast_form_is_previewed_and_its_text_stays_text(console_bot: ConsoleBot) -> None:
    refused = await submit(console_bot, "张三@FIRE-01", "broadcast",
                           {"level": "red", "audience": "all", "text": "x"}, form_id="b0")
    assert "指挥中心" in refused
    out = await submit(console_bot, "王指挥@centre", "broadcast",
                       {"level": "none", "audience": "unit", "values": "ENV-01,POWER-01", "text": "红色 to:all 道路封闭"},
                       form_id="b1")
    assert "预览，尚未发送" in out
    async with console_bot.app.db.transaction() as session:
        [stored] = list(await session.scalars(select(Broadcast)))
    assert (stored.level, stored.audience, stored.units, stored.text) == (
        None, ["unit:ENV-01,POWER-01"], ["ENV-01", "POWER-01"], "红色 to:all 道路封闭")
    problems = await submit(console_bot, "王指挥@centre", "broadcast",
                            {"level": "red", "audience": "kind", "values": "corporate", "text": "x"}, form_id="b2")
    assert "corporate" in problems and "/broadcast" in problems


async def test_an_unknown_form_changes_nothing(console_bot: ConsoleBot) -> None:
    assert await submit(console_bot, "王指挥@centre", "survey", {"text": "人民路化工厂起火"}) == ""
    assert await incidents(console_bot) == []
