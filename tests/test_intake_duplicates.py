"""Duplicates, follow-ups and corrections end to end on the console (issue #8).

Ten people report one fire: one incident with ten sources, a centre notice per
linked report with a Split button, the card's count of reports. Replies to a
receipt or card update the incident; the card's Correct button explains how.
Time is moved by hand.
"""
from __future__ import annotations

import asyncio
import re
from typing import Any

from sqlalchemy import select

from core.clock import ManualClock
from config.organisation import Organisation
from handlers.intake.places_match import distance_km, same_place
from storage.models import Incident, IncidentSource, TimelineEntry
from tests.conftest import ConsoleBot, start_console_bot
from tests.console_transcript import token as _token

REPORT = "人民路化工厂起火，3人受伤，有人被困"
SAME_PLACE = "人民路的化工厂着火了，浓烟很大"
FIRST, SECOND, THIRD = "20261122-0001", "20261122-0002", "20261122-0003"


def _blocks(output: str, room: str) -> list[str]:
    return [b for b in re.split(r"(?m)^(?=\[)", output) if b.startswith(f"[{room}] bot")]


def _message_no(output: str, room: str, contains: str) -> str:
    """The console number of the bot's message in `room` that contains `contains`."""
    for block in _blocks(output, room):
        if contains in block:
            return re.match(r"\[[^\]]+\] bot(?: \([^)]*\))? #(\d+):", block).group(1)  # type: ignore[union-attr]
    raise AssertionError(f"no message with {contains!r} in [{room}]:\n{output}")


async def _incidents(bot: ConsoleBot) -> dict[str, Incident]:
    async with bot.app.db.transaction() as session:
        return {i.id: i for i in await session.scalars(select(Incident))}


async def _timeline(bot: ConsoleBot, incident_id: str) -> list[TimelineEntry]:
    async with bot.app.db.transaction() as session:
        return list(await session.scalars(
            select(TimelineEntry).where(TimelineEntry.incident_id == incident_id).order_by(TimelineEntry.id)
        ))


async def _kinds(bot: ConsoleBot, incident_id: str) -> list[str]:
    return [e.kind for e in await _timeline(bot, incident_id)]


async def _reported(bot: ConsoleBot, who: str = "路人甲", text: str = REPORT) -> str:
    return await bot.say(f"{who}@reporting: {text}")


# -- linking -----------------------------------------------------------------

async def test_a_report_naming_the_same_place_is_linked_not_registered(console_bot: ConsoleBot) -> None:
    first = await _reported(console_bot)
    card_no = _message_no(first, "centre", f"新事件 {FIRST}")
    out = await _reported(console_bot, "路人乙", SAME_PLACE)
    [receipt] = _blocks(out, "reporting")
    assert f"已报告为事件 {FIRST} — 您的信息已补充" in receipt and "已登记事件" not in receipt
    # The card's edit goes ahead of the notice: a notice of a further report is low priority.
    card, notice = _blocks(out, "centre")
    assert f"事件 {FIRST} 已收到 2 份报告" in notice and SAME_PLACE in notice
    assert "#2 15:00 路人乙（未登记报告人）" in notice and _token(notice, "拆分 #2")
    assert f"(edits message #{card_no})" in card and "报告来源: 2 份报告" in card
    assert "报告人: 路人甲" in card  # still the first reporter's card
    # A third, from a registered member, in a private chat.
    third = await console_bot.say("张三@dm: 人民路化工厂火势扩大")
    assert f"已报告为事件 {FIRST}" in third and "报告来源: 3 份报告" in third
    assert list(await _incidents(console_bot)) == [FIRST]
    entries = await _timeline(console_bot, FIRST)
    assert [e.kind for e in entries] == ["reported", "source", "source"]
    assert (entries[1].actor_name, entries[1].data["text"], entries[1].data["conversation"]) == (
        "路人乙", SAME_PLACE, "console:reporting")
    assert (entries[2].actor_name, entries[2].data["conversation"]) == ("张三", "console:dm:张三")
    status = await console_bot.say(f"王指挥@centre: /status {FIRST}")
    assert "报告来源: 3 份报告" in status
    # The linked reporter may follow the incident too.
    assert "状态: 处置中" in await console_bot.say(f"路人乙@dm: /status {FIRST}")


async def test_a_pin_within_a_kilometre_merges_a_fresh_incident_into_the_earlier_one(console_bot: ConsoleBot) -> None:
    first = await _reported(console_bot)
    receipt_no = _message_no(first, "reporting", f"已登记事件 {FIRST}")
    await console_bot.say(f"路人甲@reporting: ^{receipt_no} :loc 37.1600,122.4200")
    second = await _reported(console_bot, "路人乙", "东山仓库起火了，火很大")  # another name for the place
    assert f"已登记事件 {SECOND}" in second
    second_card = _message_no(second, "centre", f"新事件 {SECOND}")
    assert 0.5 < distance_km(37.16, 122.42, 37.165, 122.425) < 1.0
    out = await console_bot.say("路人乙@reporting: :loc 37.1650,122.4250")  # the pin follows the report
    [answer] = _blocks(out, "reporting")
    assert f"已报告为事件 {FIRST} — 您的信息已补充" in answer
    centre = "".join(_blocks(out, "centre"))
    assert f"事件 {FIRST} 已收到 2 份报告" in centre and "东山仓库起火了" in centre
    assert "报告来源: 2 份报告" in centre
    merged_card = next(b for b in _blocks(out, "centre") if f"(edits message #{second_card})" in b)
    assert f"事件 {SECOND} 已并入 {FIRST}" in merged_card and "[调度" not in merged_card
    incidents = await _incidents(console_bot)
    assert incidents[SECOND].status == "closed" and incidents[SECOND].merged_into == FIRST
    assert await _kinds(console_bot, SECOND) == ["reported", "location", "merged"]
    assert await _kinds(console_bot, FIRST) == ["reported", "location", "source"]
    assert f"已并入 {FIRST}" in await console_bot.say(f"王指挥@centre: /status {SECOND}")
    # Replies to the merged incident's receipt go to the one it joined.
    receipt_no = _message_no(second, "reporting", f"已登记事件 {SECOND}")
    update = await console_bot.say(f"路人乙@reporting: ^{receipt_no} 现在4人受伤")
    assert f"已更新事件 {FIRST}：受伤 3 → 4" in update

    # Splitting it off brings the merged incident back, card and all.
    split = await console_bot.say(f"王指挥@centre: !{_token(centre, '拆分 #2')}")
    assert f"已拆分为事件 {SECOND}" in split
    assert any(f"新事件 {SECOND}" in b and f"(edits message #{second_card})" in b for b in _blocks(split, "centre"))
    incidents = await _incidents(console_bot)
    assert incidents[SECOND].status == "open" and incidents[SECOND].merged_into is None
    assert incidents[SECOND].latitude == 37.165


async def test_a_pin_far_away_merges_nothing(console_bot: ConsoleBot) -> None:
    first = await _reported(console_bot)
    await console_bot.say(f"路人甲@reporting: ^{_message_no(first, 'reporting', '已登记')} :loc 37.1600,122.4200")
    await _reported(console_bot, "路人乙", "东山仓库起火了，火很大")
    out = await console_bot.say("路人乙@reporting: :loc 37.2000,122.5000")  # about 8 km
    assert f"已将位置加入事件 {SECOND}" in out and "已报告为事件" not in out
    assert (await _incidents(console_bot))[SECOND].status == "open"


async def test_what_is_not_linked(console_bot: ConsoleBot, clock: ManualClock) -> None:
    await _reported(console_bot)
    # Another type at the same place is another incident.
    assert f"已登记事件 {SECOND}" in await _reported(console_bot, "路人乙", "人民路化工厂发生氨气泄漏")
    # Another place.
    assert f"已登记事件 {THIRD}" in await _reported(console_bot, "路人乙", "环山路仓库起火")
    # More than 30 minutes after the incident was registered.
    clock.advance(minutes=31)
    assert "已登记事件 20261122-0004" in await _reported(console_bot, "路人丙", SAME_PLACE)
    # Closed.
    await console_bot.say("王指挥@centre: /close 20261122-0004 已扑灭")
    assert "已登记事件 20261122-0005" in await _reported(console_bot, "路人丁", SAME_PLACE)
    incidents = await _incidents(console_bot)
    assert [i.type for i in incidents.values()] == ["fire", "hazmat", "fire", "fire", "fire"]


async def test_a_drill_incident_takes_no_real_reports(console_bot: ConsoleBot) -> None:
    first = await _reported(console_bot)
    asked = await console_bot.say(f"王指挥@centre: !{_token(first, '标记为演练')}")
    await console_bot.say(f"王指挥@centre: !{_token(asked, '确认：是演练')}")
    assert f"已登记事件 {SECOND}" in await _reported(console_bot, "路人乙", SAME_PLACE)


async def test_the_card_redrawn_for_further_reports_keeps_its_buttons_and_writes_no_new_ones(
    console_bot: ConsoleBot,
) -> None:
    from storage.models import ButtonToken

    async def card_tokens() -> int:
        async with console_bot.app.db.transaction() as session:
            return len(list(await session.scalars(
                select(ButtonToken.token).where(ButtonToken.action != "incident.split"))))

    first = await _reported(console_bot)
    dispatch, correct = _token(first, "调度"), _token(first, "更正")
    rows = await card_tokens()
    for who in ("路人乙", "路人丙", "路人丁"):
        card = _blocks(await _reported(console_bot, who, SAME_PLACE), "centre")[0]
        assert (_token(card, "调度"), _token(card, "更正")) == (dispatch, correct)
    assert await card_tokens() == rows
    assert "报告来源: 4 份报告" in card
    # The same tokens still work after the redraws; a drill mark and its undoing give the plain card back.
    assert "请回复事件 20261122-0001 的卡片更正" in await console_bot.say(f"王指挥@centre: !{correct}")
    assert "调度编成 · 事件 20261122-0001" in await console_bot.say(f"王指挥@centre: !{dispatch}")
    mark = _token(card, "标记为演练")
    asked = await console_bot.say(f"王指挥@centre: !{mark}")
    marked = await console_bot.say(f"王指挥@centre: !{_token(asked, '确认：是演练')}")
    unmarked = await console_bot.say(f"王指挥@centre: !{_token(marked, '撤销演练标记')}")
    assert _token(unmarked, "标记为演练") == mark and _token(unmarked, "调度") == dispatch


async def _said_together(bot: ConsoleBot, *lines: str) -> list[int]:
    """Lines typed at once; how many events each transaction that handled them took."""
    pipeline, console = bot.app.pipeline, bot.app.console
    assert console is not None
    batches: list[int] = []
    original = pipeline._handle_in_transaction

    async def counting(events: list[Any]) -> Any:
        batches.append(len(events))
        return await original(events)

    pipeline._handle_in_transaction = counting  # type: ignore[method-assign]
    await asyncio.gather(*(console.handle_line(line, pipeline.handle) for line in lines))
    await bot.app.drain()
    return batches


async def test_two_reports_of_one_fire_in_one_batch_make_one_incident(console_bot: ConsoleBot) -> None:
    batches = await _said_together(console_bot, f"路人甲@reporting: {REPORT}", f"路人乙@reporting: {SAME_PLACE}")
    out = console_bot.new_output()
    assert batches == [2]  # one transaction for both
    assert list(await _incidents(console_bot)) == [FIRST]
    assert f"已登记事件 {FIRST}" in out and f"已报告为事件 {FIRST}" in out
    assert out.count(f"新事件 {FIRST}") == 1 and "报告来源: 2 份报告" in out


async def test_a_reporter_linked_earlier_in_the_same_batch_may_update_the_figures(console_bot: ConsoleBot) -> None:
    """A further report makes its sender one of the incident's reporters, who may then update
    its figures; so it must when the update comes in the same transaction (its row is written
    at commit), as it does in the next one."""
    await _reported(console_bot)  # 路人甲's: 3 injured
    batches = await _said_together(console_bot, f"路人乙@reporting: {SAME_PLACE}",
                                   "路人乙@reporting: 人民路化工厂那边现在5人受伤了")
    assert batches == [2]
    assert (await _incidents(console_bot))[FIRST].injured == 5


# -- splitting ---------------------------------------------------------------

async def test_a_centre_member_splits_a_wrongly_linked_report_into_its_own_incident(console_bot: ConsoleBot) -> None:
    first = await _reported(console_bot)
    card_no = _message_no(first, "centre", f"新事件 {FIRST}")
    linked = await _reported(console_bot, "路人乙", "人民路化工厂旁边小区起火，2人被困")
    third = await _reported(console_bot, "路人丙", SAME_PLACE)
    split = _token(linked, "拆分 #2")
    notice_no = _message_no(linked, "centre", "已收到 2 份报告")
    # Ten reports of one fire are one notice, edited: the third is added to it.
    [notice] = [b for b in _blocks(third, "centre") if "份报告" in b and "新事件" not in b]
    assert f"(edits message #{notice_no})" in notice and "已收到 3 份报告" in notice
    assert "#3" in notice and "#2" in notice and _token(notice, "拆分 #3")

    refused = await console_bot.say(f"张三@centre: !{split}")  # a unit member, not the centre
    assert refused.strip() == "(only 张三 sees) 只有指挥中心成员可以这样做。"
    assert list(await _incidents(console_bot)) == [FIRST]

    out = await console_bot.say(f"王指挥@centre: !{split}")
    assert f"(only 王指挥 sees) 已拆分为事件 {SECOND}" in out
    centre = _blocks(out, "centre")
    new_card = next(b for b in centre if f"新事件 {SECOND}" in b)
    assert "人民路化工厂旁边小区起火，2人被困" in new_card and "报告人: 路人乙（未登记报告人）" in new_card
    assert "被困 2" in new_card and _token(new_card, "调度")
    notice = next(b for b in centre if f"(edits message #{notice_no})" in b)
    assert f"#2 15:00 路人乙（未登记报告人）: 已拆分为事件 {SECOND}" in notice
    assert "[拆分 #2" not in notice and _token(notice, "拆分 #3")
    old_card = next(b for b in centre if f"(edits message #{card_no})" in b)
    assert "报告来源: 2 份报告" in old_card  # three reports, one split off
    [told] = _blocks(out, "reporting")
    assert f"已登记事件 {SECOND}" in told and f"与 {FIRST} 不是同一事件" in told

    assert await _kinds(console_bot, FIRST) == ["reported", "source", "source", "source_split"]
    [entry] = await _timeline(console_bot, SECOND)
    assert (entry.kind, entry.actor_name, entry.data["from"]) == ("split_from", "王指挥", FIRST)
    async with console_bot.app.db.transaction() as session:
        sources = {s.reporter_name: s for s in await session.scalars(select(IncidentSource))}
    assert sources["路人乙"].split_into == SECOND and sources["路人丙"].split_into is None

    again = await console_bot.say(f"王指挥@centre: !{split}")
    assert f"已拆分为事件 {SECOND}，未做更改" in again and "edits" not in again
    # The split reporter's replies now go to their own incident.
    receipt_no = _message_no(out, "reporting", f"已登记事件 {SECOND}")
    update = await console_bot.say(f"路人乙@reporting: ^{receipt_no} 现在3人被困")
    assert f"已更新事件 {SECOND}：被困 2 → 3" in update


OTHER_FIRE = "城东工业园仓库着火，有2人被困"  # another place: an incident of its own
NEAR_IT = "人民路化工厂旁边小区起火，2人被困"  # linked to the 人民路 fire, though it is not the same


async def test_a_merge_does_not_copy_a_report_already_split_off(console_bot: ConsoleBot) -> None:
    await _reported(console_bot, "路人丁", OTHER_FIRE)                  # FIRST
    await _reported(console_bot)                                        # SECOND
    linked = await _reported(console_bot, "路人乙", NEAR_IT)            # linked to SECOND
    await console_bot.say(f"王指挥@centre: !{_token(linked, '拆分 #2')}")  # now THIRD
    merged = await console_bot.say(f"王指挥@centre: /merge {FIRST} {SECOND}")
    assert f"事件 {SECOND} 已并入 {FIRST}" in merged
    async with console_bot.app.db.transaction() as session:
        copied = [s.reporter_name for s in await session.scalars(
            select(IncidentSource).where(IncidentSource.incident_id == FIRST))]
    assert copied == ["路人甲"]  # SECOND's own report; 路人乙's is THIRD's alone
    assert set(await _incidents(console_bot)) == {FIRST, SECOND, THIRD}


async def test_a_report_of_a_merged_incident_is_split_where_it_was_merged(console_bot: ConsoleBot) -> None:
    await _reported(console_bot, "路人丁", OTHER_FIRE)
    await _reported(console_bot)
    linked = await _reported(console_bot, "路人乙", NEAR_IT)
    split = _token(linked, "拆分 #2")  # on SECOND's notice, pressed after the merge
    await console_bot.say(f"王指挥@centre: /merge {FIRST} {SECOND}")
    refused = await console_bot.say(f"王指挥@centre: !{split}")
    assert f"(only 王指挥 sees) 事件 {SECOND} 已并入 {FIRST}：请在 {FIRST} 的报告列表中拆分这份报告，未做更改。" in refused
    assert set(await _incidents(console_bot)) == {FIRST, SECOND}
    async with console_bot.app.db.transaction() as session:
        assert all(s.split_into is None for s in await session.scalars(select(IncidentSource)))


async def test_splitting_a_merged_incidents_further_report_does_not_bring_that_incident_back(
        console_bot: ConsoleBot) -> None:
    """Only the copy of a merged-away incident's own report brings it back; one of its further
    reports, copied with it, becomes an incident of its own (the merged-away incident's card
    told 路人甲's report, not 路人乙's)."""
    await _reported(console_bot, "路人丁", OTHER_FIRE)                  # FIRST
    await _reported(console_bot)                                        # SECOND, 路人甲's
    await _reported(console_bot, "路人乙", NEAR_IT)                     # linked to SECOND
    merged = await console_bot.say(f"王指挥@centre: /merge {FIRST} {SECOND}")
    split = await console_bot.say(f"王指挥@centre: !{_token(merged, '拆分 #3')}")  # 路人乙's copy on FIRST
    assert f"已拆分为事件 {THIRD}" in split
    incidents = await _incidents(console_bot)
    assert incidents[SECOND].status == "closed" and incidents[SECOND].merged_into == FIRST
    assert incidents[THIRD].status == "open" and incidents[THIRD].text == NEAR_IT
    # The copy of SECOND's own report still brings SECOND back.
    again = await console_bot.say(f"王指挥@centre: !{_token(split, '拆分 #2')}")
    assert f"已拆分为事件 {SECOND}" in again
    assert (await _incidents(console_bot))[SECOND].status == "open"


# -- follow-ups --------------------------------------------------------------

async def test_a_reply_to_the_receipt_updates_the_casualty_totals(console_bot: ConsoleBot) -> None:
    first = await _reported(console_bot)
    receipt_no = _message_no(first, "reporting", "已登记事件")
    card_no = _message_no(first, "centre", "新事件")
    out = await console_bot.say(f"路人甲@reporting: ^{receipt_no} 更新：现在5人受伤，1人死亡")
    [answer] = _blocks(out, "reporting")
    assert f"已更新事件 {FIRST}：死亡 0 → 1 · 受伤 3 → 5" in answer
    # The card is edited; a death is also said in a new message, since edits notify nobody (#14).
    [notice, card] = sorted(_blocks(out, "centre"), key=lambda block: "edits message" in block)
    assert f"(edits message #{card_no})" in card and "死亡 1 · 受伤 5 · 被困 1" in card
    assert f"事件 {FIRST} 情况加重：死亡 0→1" in notice
    incident = (await _incidents(console_bot))[FIRST]
    assert (incident.dead, incident.injured, incident.trapped) == (1, 5, 1)  # totals, not added
    updates = [e for e in await _timeline(console_bot, FIRST) if e.kind == "updated"]
    assert {(e.data["field"], e.data["old"], e.data["new"], e.actor_name) for e in updates} == {
        ("dead", 0, 1, "路人甲"), ("injured", 3, 5, "路人甲")}
    # The same totals again change nothing.
    same = await console_bot.say(f"路人甲@reporting: ^{receipt_no} 现在5人受伤")
    assert "没有变化" in same and "edits" not in same


async def test_a_reply_to_the_card_updates_the_incident(console_bot: ConsoleBot) -> None:
    first = await _reported(console_bot)
    card_no = _message_no(first, "centre", "新事件")
    out = await console_bot.say(f"王指挥@centre: ^{card_no} 现场确认2人死亡，6人受伤")
    assert f"已更新事件 {FIRST}：死亡 0 → 2 · 受伤 3 → 6" in out and f"(edits message #{card_no})" in out
    # A unit member in the reporting group, replying to the reporter's receipt.
    receipt_no = _message_no(first, "reporting", "已登记事件")
    out = await console_bot.say(f"张三@reporting: ^{receipt_no} 地点在人民路化工厂东门")
    assert "地点 人民路化工厂 → 人民路化工厂东门" in out
    # A reply to a linked report's notice in the centre is about the incident too.
    linked = await _reported(console_bot, "路人乙", SAME_PLACE)
    notice_no = _message_no(linked, "centre", "已收到 2 份报告")
    assert "受伤 6 → 7" in await console_bot.say(f"刘值班@centre: ^{notice_no} 受伤: 7")
    entries = [e for e in await _timeline(console_bot, FIRST) if e.kind in ("updated", "corrected")]
    assert [(e.kind, e.data["field"], e.actor_name) for e in entries] == [
        ("updated", "dead", "王指挥"), ("updated", "injured", "王指挥"), ("corrected", "location", "张三"),
        ("corrected", "injured", "刘值班")]


async def test_who_may_update_and_what_is_refused(console_bot: ConsoleBot) -> None:
    first = await _reported(console_bot)
    receipt_no = _message_no(first, "reporting", "已登记事件")
    card_no = _message_no(first, "centre", "新事件")
    linked = await _reported(console_bot, "路人乙", SAME_PLACE)
    linked_receipt = _message_no(linked, "reporting", "已报告为事件")

    stranger = await console_bot.say(f"路人丙@reporting: ^{receipt_no} 现在50人受伤")
    assert "只有报告人和本组织已登记的成员可以更新" in stranger and "edits" not in stranger
    # The reporter of a linked report may.
    assert "受伤 3 → 4" in await console_bot.say(f"路人乙@reporting: ^{linked_receipt} 现在4人受伤")
    thanks = await console_bot.say(f"路人甲@reporting: ^{receipt_no} 好的谢谢👍")
    assert "bot" not in thanks, "a thank-you to the receipt gets no answer, least of all an error"
    nothing = await console_bot.say(f"路人甲@reporting: ^{receipt_no} 那边情况怎么样")
    assert "未识别到要更新的内容" in nothing and "edits" not in nothing
    too_many = await console_bot.say(f"王指挥@centre: ^{card_no} 受伤: 100001")
    assert "受伤须为 0 到 100000 之间的整数" in too_many
    negative = await console_bot.say(f"王指挥@centre: ^{card_no} 死亡: -1，受伤: 2")
    assert "死亡须为 0 到 100000" in negative and "edits" not in negative
    unknown_type = await console_bot.say(f"王指挥@centre: ^{card_no} 类型: 外星人入侵")
    assert "没有“外星人入侵”这一类型" in unknown_type
    incident = (await _incidents(console_bot))[FIRST]
    assert (incident.type, incident.dead, incident.injured) == ("fire", 0, 4)
    assert [k for k in await _kinds(console_bot, FIRST) if k in ("updated", "corrected")] == ["updated"]

    await console_bot.say(f"王指挥@centre: /close {FIRST}")
    closed = await console_bot.say(f"路人甲@reporting: ^{receipt_no} 现在9人受伤")
    assert f"事件 {FIRST} 已结束，未做更改" in closed


async def test_a_reply_reporting_another_kind_of_incident_is_a_new_report(console_bot: ConsoleBot) -> None:
    first = await _reported(console_bot)
    receipt_no = _message_no(first, "reporting", "已登记事件")
    out = await console_bot.say(f"路人丙@reporting: ^{receipt_no} 另外环山路山体滑坡，2人被埋")
    assert f"已登记事件 {SECOND}" in out and "地质灾害" in out
    assert (await _incidents(console_bot))[FIRST].trapped == 1


# -- correcting ----------------------------------------------------------------

async def test_the_correct_button_explains_and_a_reply_corrects_field_by_field(console_bot: ConsoleBot) -> None:
    first = await _reported(console_bot)
    card_no = _message_no(first, "centre", "新事件")
    correct = _token(first, "更正")
    refused = await console_bot.say(f"张三@centre: !{correct}")
    assert refused.strip() == "(only 张三 sees) 只有指挥中心成员可以这样做。"
    how = await console_bot.say(f"王指挥@centre: !{correct}")
    assert how.startswith("(only 王指挥 sees) 请回复事件 20261122-0001 的卡片更正")
    assert "类型: 危化品" in how and "受伤: 3" in how and "[centre] bot" not in how
    assert await _kinds(console_bot, FIRST) == ["reported"]

    out = await console_bot.say(
        f"王指挥@centre: ^{card_no} 类型: 危化品\n地点: 人民路化工厂3号罐区\n时间: 下午3点20\n受伤: 4\n死亡: 0")
    assert (f"已更新事件 {FIRST}：类型 火灾 → 危化品 · 地点 人民路化工厂 → 人民路化工厂3号罐区 · "
            "发生时间 未说明 → 15:20 · 受伤 3 → 4") in out
    card = next(b for b in _blocks(out, "centre") if f"(edits message #{card_no})" in b)
    assert "类型: 危化品" in card and "发生时间: 15:20" in card
    incident = (await _incidents(console_bot))[FIRST]
    assert (incident.type, incident.location, incident.stated_time, incident.injured, incident.dead) == (
        "hazmat", "人民路化工厂3号罐区", "15:20", 4, 0)
    corrected = [e for e in await _timeline(console_bot, FIRST) if e.kind == "corrected"]
    assert [(e.data["field"], e.data["old"], e.data["new"], e.actor_name) for e in corrected] == [
        ("type", "fire", "hazmat", "王指挥"), ("location", "人民路化工厂", "人民路化工厂3号罐区", "王指挥"),
        ("time", None, "15:20", "王指挥"), ("injured", 3, 4, "王指挥")]


async def test_the_reporter_corrects_from_the_receipt(console_bot: ConsoleBot) -> None:
    first = await _reported(console_bot)
    receipt = "".join(_blocks(first, "reporting"))
    correct = _token(receipt, "更正")
    refused = await console_bot.say(f"路人乙@reporting: !{correct}")
    assert "只有报告人或指挥中心可以更正" in refused
    how = await console_bot.say(f"路人甲@reporting: !{correct}")
    assert how.startswith("(only 路人甲 sees) 请回复事件 20261122-0001 的这条回执更正")
    out = await console_bot.say(f"路人甲@reporting: ^{_message_no(first, 'reporting', '已登记')} 受伤: 5")
    assert "受伤 3 → 5" in out
    assert (await _incidents(console_bot))[FIRST].injured == 5


async def test_corrections_in_english(database_url: str, org: Organisation, clock: ManualClock) -> None:
    english = Organisation(org.spec.model_copy(update={
        "organisation": org.spec.organisation.model_copy(update={"language": "en"})
    }))
    bot = await start_console_bot(database_url, english, clock)
    try:
        first = await bot.say("passer-by@reporting: Fire at the Renmin Rd chemical plant, 3 injured")
        linked = await bot.say("someone@reporting: the chemical plant on Renmin Road is on fire")
        assert "Already reported as 20261122-0001 — your details were added" in linked
        assert "Sources: 2 reports" in linked and _token(linked, "Split #2")
        card_no = _message_no(first, "centre", "New incident")
        how = await bot.say(f"王指挥@centre: !{_token(first, 'Correct')}")
        assert "Reply to the card of 20261122-0001" in how and "type: hazmat" in how
        out = await bot.say(f"王指挥@centre: ^{card_no} type: hazmat; injured: 5")
        assert "Incident 20261122-0001 updated: Type Fire → Hazardous materials · Injured 3 → 5" in out
        bad = await bot.say(f"王指挥@centre: ^{card_no} injured: lots")
        assert "Injured must be a whole number from 0 to 100000" in bad
    finally:
        await bot.app.stop()


# -- place names ---------------------------------------------------------------

def test_place_names_match_as_reporters_write_them() -> None:
    assert same_place("人民路化工厂", "人民路的化工厂")
    assert same_place("人民路化工厂", "人民路化工厂门口")
    assert same_place("在人民路化工厂", "人民路化工厂附近")
    assert same_place("人民中路化工厂", "人民路化工厂")
    assert same_place("Renmin Road chemical plant", "the chemical plant on Renmin Rd")
    assert not same_place("人民路3号楼", "人民路5号楼")
    assert not same_place("东港区化工厂", "西港区化工厂")
    assert not same_place("人民路化工厂", "环山路")
    assert not same_place("road", "broad road")
    assert not same_place(None, "人民路") and not same_place("", "")


# -- on Telegram -----------------------------------------------------------------

async def test_linking_splitting_and_a_follow_up_on_telegram(tmp_path: Any, org: Organisation) -> None:
    from bot.app import Liandong
    from core.clock import SystemClock
    from tests.fakes.telegram_api import FakeTelegramAPI
    from tests.telegram_bot import incident_id_in
    from tests.test_telegram import CENTRE, COMMANDER, FIREFIGHTER, REPORTING, STRANGER, _button, _settings

    async with FakeTelegramAPI() as fake:
        app = Liandong(_settings(tmp_path, fake), org, clock=SystemClock())
        await app.start()
        try:
            fake.inject_message(REPORTING, STRANGER, REPORT)
            [receipt] = await fake.wait_for_messages(REPORTING)
            [card] = await fake.wait_for_messages(CENTRE)
            first = incident_id_in(receipt["text"])
            second = first[:-4] + "0002"  # the system clock's day
            fake.inject_message(REPORTING, STRANGER + 1, SAME_PLACE, first_name="路人", last_name="乙")
            linked_receipt = (await fake.wait_for_messages(REPORTING, 2))[1]
            assert f"已报告为事件 {first}" in linked_receipt["text"]
            notice = (await fake.wait_for_messages(CENTRE, 2))[1]
            assert SAME_PLACE in notice["text"]
            await fake.wait_until(lambda: "报告来源: 2 份报告" in fake.sent_messages(CENTRE)[0]["text"])

            split = _button(notice, "拆分 #2")["callback_data"]
            fake.inject_callback_query(CENTRE, FIREFIGHTER, notice["message_id"], split)
            await fake.wait_until(lambda: len(fake.callback_answers) == 1)
            assert "只有指挥中心成员" in fake.callback_answers[0]["text"]
            fake.inject_callback_query(CENTRE, COMMANDER, notice["message_id"], split)
            await fake.wait_until(lambda: len(fake.callback_answers) == 2)
            assert f"已拆分为事件 {second}" in fake.callback_answers[1]["text"]
            new_card = (await fake.wait_for_messages(CENTRE, 3))[2]
            assert f"新事件 {second}" in new_card["text"]
            await fake.wait_until(lambda: "报告来源" not in fake.sent_messages(CENTRE)[0]["text"])

            fake.inject_message(REPORTING, STRANGER, "现在5人受伤", reply_to_message_id=receipt["message_id"])
            answer = (await fake.wait_for_messages(REPORTING, 4))[3]
            assert f"已更新事件 {first}：受伤 3 → 5" in answer["text"]
            await fake.wait_until(lambda: "受伤 5" in fake.sent_messages(CENTRE)[0]["text"])
        finally:
            await app.stop()
