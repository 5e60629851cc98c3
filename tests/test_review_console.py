"""The after-action review, the timeline and the statistics from a scripted incident on
the console with a manual clock: every figure checked exactly, the chart and the PDF
rendered and read back (Chinese included)."""
from __future__ import annotations

import io
import re
import warnings
from zoneinfo import ZoneInfo

from PIL import Image
from pypdf import PdfReader
from sqlalchemy import select

from core.clock import ManualClock
from core.i18n import Translator
from core.messages import Message
from handlers.review import charts, fonts, timeline
from handlers.review.document import pdf
from handlers.review.figures import review
from handlers.review.review_report import review_document
from handlers.review.snapshot import Entry, load_incident
from storage.incidents import IncidentRepository
from storage.models import OutboxMessage, ReportJob
from tests.conftest import ConsoleBot
from tests.console_transcript import room as _room, token as _token

REPORT = "人民路化工厂起火，3人受伤，有人被困"
ID = "20261122-0001"  # the manual clock starts 2026-11-22 07:00 UTC = 15:00 in Shanghai


async def _script(bot: ConsoleBot, clock: ManualClock) -> None:
    """15:00 report; 15:02 FIRE-01 and MED-01 ordered; FIRE-01 acknowledges 15:04, en route
    15:05, on scene 15:40 (38 min: the 30-minute target missed); MED-01 silent, escalated at
    15:07 and 15:12, declines at 15:15 with a reason; closed at 16:00."""
    await bot.say(f"路人甲@reporting: {REPORT}")
    clock.advance(minutes=2)
    orders = await bot.say(f"王指挥@centre: /dispatch {ID} FIRE-01 MED-01")
    fire, med = _room(orders, "FIRE-01"), _room(orders, "MED-01")
    clock.advance(minutes=2)
    await bot.say(f"张三@FIRE-01: !{_token(fire, '接令')}")
    clock.advance(minutes=1)
    await bot.say(f"张三@FIRE-01: !{_token(fire, '出动')}")
    clock.advance(minutes=1)
    assert await bot.app.run_timers() == 0  # 15:06
    clock.advance(minutes=1)
    assert await bot.app.run_timers() == 1  # 15:07: MED-01 reminded
    clock.advance(minutes=5)
    assert await bot.app.run_timers() == 1  # 15:12: the centre alerted
    await bot.app.drain()
    clock.advance(minutes=3)
    declined = await bot.say(f"陈医生@MED-01: !{_token(med, '无法执行')}")
    question = re.search(r"#(\d+):\n  请回复本消息", declined)
    assert question, declined
    await bot.say(f"陈医生@MED-01: ^{question.group(1)} 救护车全部外出")
    clock.advance(minutes=25)
    await bot.say(f"张三@FIRE-01: !{_token(fire, '到场')}")  # 15:40
    clock.advance(minutes=20)
    await bot.say(f"王指挥@centre: /close {ID} 明火扑灭，无人员死亡")  # 16:00
    bot.new_output()


async def _last_files(bot: ConsoleBot, chat: str) -> Message:
    async with bot.app.db.transaction() as session:
        payload = await session.scalar(select(OutboxMessage.payload).where(OutboxMessage.chat_id == chat)
                                       .order_by(OutboxMessage.id.desc()).limit(1))
    return Message.from_json(payload)


def _pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def _inked(png: bytes) -> tuple[tuple[int, int], int]:
    """The image's size and how many of its pixels are not white."""
    image = Image.open(io.BytesIO(png)).convert("L")
    return image.size, sum(count for value, count in enumerate(image.histogram()) if value < 250)


async def test_review_in_chat_has_exact_figures_a_chart_and_a_pdf(console_bot: ConsoleBot, clock: ManualClock) -> None:
    await _script(console_bot, clock)
    clock.advance(minutes=5)
    asked = await console_bot.say(f"王指挥@centre: /review {ID}")
    assert "正在生成事件 20261122-0001 的总结评估" in asked
    assert await console_bot.app.run_reports() == 1
    await console_bot.app.drain()
    out = _room(console_bot.new_output(), "centre")
    assert "事件总结评估 · 20261122-0001" in out
    assert "报告: 15:00:00" in out
    assert "首次调度: 15:02:00 (+2分00秒)" in out
    assert "首次接令: 15:04:00 (+4分00秒)" in out
    assert "首次到场: 15:40:00 (+40分00秒)" in out
    assert "结束: 16:00:00 (+1小时00分)" in out
    assert "调度指令: 2" in out and "未达目标: 1" in out
    assert "📎 review-20261122-0001.png (" in out and "image/png)" in out
    assert "📎 review-20261122-0001.pdf (" in out and "application/pdf)" in out

    message = await _last_files(console_bot, "centre")
    chart, document = message.files
    size, inked = _inked(chart.content)
    assert size[0] >= 800 and size[1] >= 250 and inked > 5_000  # a drawn chart, not a blank image
    text = _pdf_text(document.content)
    rows = text.replace("\n", "")  # a table's cells one after another (long ones wrap in the PDF)
    for expected in (
        "事件总结评估 · 20261122-0001", "类型火灾", "地点人民路化工厂", "报告人路人甲",
        "受伤33被困11",  # casualties as first reported and as last known
        "首次调度2026-11-22 15:02:002分00秒首次接令2026-11-22 15:04:004分00秒"
        "首次到场2026-11-22 15:40:0040分00秒结束2026-11-22 16:00:001小时00分",  # key times
        "FIRE-01 市消防救援大队15:02:0015:04:00 (+2分00秒)15:05:0015:40:00 (+38分00秒)已到场",
        "MED-01 市人民医院急救中心15:02:00———无法执行",
        "MED-0115:15:00救护车全部外出",  # the decline and its reason
        "15:07:00MED-01第1次陈医生15:12:00MED-01第2次指挥中心（值班员：陈医生）",  # who was reminded
        "六、审批无", "七、相关预警及确认率无",
        "目标：接令 5分钟，到场 30分钟（自下令起）。单位事项用时目标FIRE-01到场38分00秒30分钟九、",  # one miss only
        "结束总结明火扑灭，无人员死亡",
    ):
        assert expected in rows, (expected, text)
    async with console_bot.app.db.transaction() as session:
        job = await session.scalar(select(ReportJob))
        assert (job.status, job.error) == ("done", None)


async def test_the_chart_draws_chinese_with_a_cjk_font(console_bot: ConsoleBot, clock: ManualClock) -> None:
    """Rendered here, in this process: matplotlib warns of every glyph its font lacks."""
    await _script(console_bot, clock)
    assert fonts.cjk_family() is not None, "install fonts-noto-cjk"
    async with console_bot.app.db.reading() as session:
        facts = await load_incident(session, console_bot.app.org, ID)
    figures = review(facts, clock.now())
    t, zone = Translator("zh"), ZoneInfo("Asia/Shanghai")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        png = charts.review_chart(t, zone, figures)
    assert not [w for w in caught if "missing from font" in str(w.message)], [str(w.message) for w in caught]
    assert _inked(png)[1] > 5_000
    assert "调度时间线图" in _pdf_text(pdf(review_document(t, zone, figures, png)))


async def test_bad_input_gets_a_clear_answer(console_bot: ConsoleBot, clock: ManualClock) -> None:
    assert "用法：/review 事件编号" in await console_bot.say("王指挥@centre: /review")
    assert "未找到事件 20261122-0099" in await console_bot.say("王指挥@centre: /review 20261122-0099")
    assert "只有指挥中心成员可以这样做" in await console_bot.say("张三@FIRE-01: /review 20261122-0001")
    assert await console_bot.app.run_reports() == 0  # nothing was asked for
    for args, said in (("2026-13", "看不懂时间段“2026-13”"), ("yesterday", "看不懂时间段"),
                       ("2026-05..2026-01", "起始日期 2026-05-01 晚于结束日期 2026-01-31"),
                       ("2025-01..2026-06", "时间段共 546 天，最长 366 天")):
        answer = await console_bot.say(f"王指挥@centre: /stats {args}")
        assert said in answer and "用法：/stats" in answer, answer
    assert await console_bot.app.run_reports() == 0


async def test_an_incident_with_no_dispatch_and_no_close_still_gets_a_review(
    console_bot: ConsoleBot, clock: ManualClock,
) -> None:
    await console_bot.say(f"路人甲@reporting: {REPORT}")
    clock.advance(minutes=10)
    await console_bot.say(f"王指挥@centre: /review {ID}")
    assert await console_bot.app.run_reports() == 1
    await console_bot.app.drain()
    out = console_bot.new_output()
    assert "首次调度: 未发生" in out and "结束: 未发生" in out and "未达目标: 0" in out
    chart, document = (await _last_files(console_bot, "centre")).files
    assert _inked(chart.content)[1] > 1_000  # says "无调度记录" in words: not an empty image
    text = _pdf_text(document.content)
    assert "无调度记录" in text and "尚未结束" in text


async def test_timeline_pages_for_the_centre_and_the_reporters_own_view(
    console_bot: ConsoleBot, clock: ManualClock,
) -> None:
    await _script(console_bot, clock)  # 11 entries
    clock.advance(minutes=10)
    await console_bot.say(f"王指挥@centre: /reopen {ID} 复燃")
    for level in (2, 1, 2):
        await console_bot.say(f"王指挥@centre: /level {ID} {level} 火势变化")
    clock.advance(minutes=30)
    await console_bot.say(f"王指挥@centre: /close {ID} 再次扑灭")  # 16 entries: two pages of 15
    first = await console_bot.say(f"王指挥@centre: /timeline {ID}")
    assert "事件时间线 · 20261122-0001" in first and "第 1/2 页，共 16 条" in first, first
    assert "15:00:00 路人甲：报告：人民路化工厂起火，3人受伤，有人被困" in first
    assert "15:07:00 系统：MED-01 未接令，第1次催办" in first
    assert "15:15:00 陈医生：MED-01 无法执行的原因：救护车全部外出" in first
    assert "16:00:00 王指挥：结束事件：明火扑灭，无人员死亡" in first
    assert "16:40:00" not in first and "上一页" not in first
    turned = await console_bot.say(f"王指挥@centre: !{_token(first, '下一页')}")
    assert "edits message" in turned and "第 2/2 页，共 16 条" in turned
    assert "16:40:00 王指挥：结束事件：再次扑灭" in turned and "上一页" in turned and "下一页" not in turned
    back = await console_bot.say(f"王指挥@centre: !{_token(turned, '上一页')}")
    assert "第 1/2 页" in back and "edits message" in back

    own = await console_bot.say(f"路人甲@reporting: /timeline {ID}")
    assert "已私信回复您" in own, own
    private = _room(own, "dm:路人甲")
    assert "（报告人视图）" in private and "第 1/1 页，共 7 条" in private, private
    assert "报告：人民路化工厂起火" in private and "结束事件" in private and "重新开启事件" in private
    for internal in ("催办", "FIRE-01", "MED-01", "明火扑灭", "复燃", "火势变化"):  # units, escalations, texts
        assert internal not in private, internal
    stranger = await console_bot.say(f"路人乙@reporting: /timeline {ID}")
    assert "未找到事件 20261122-0001" in stranger and "报告：" not in stranger
    member = await console_bot.say(f"张三@FIRE-01: /timeline {ID}")  # a unit's member is not the centre
    assert "未找到事件 20261122-0001" in member
    assert "用法：/timeline" in await console_bot.say("王指挥@centre: /timeline 12")


async def test_stats_for_the_month_count_drills_apart_with_charts_and_a_bulletin(
    console_bot: ConsoleBot, clock: ManualClock,
) -> None:
    await _script(console_bot, clock)
    clock.advance(minutes=5)
    drill = await console_bot.say("路人甲@reporting: 石岛港码头3号楼倒塌，2人被困")
    asked = await console_bot.say(f"王指挥@centre: !{_token(drill, '标记为演练')}")
    await console_bot.say(f"王指挥@centre: !{_token(asked, '确认：是演练')}")
    rollcall = await console_bot.say("王指挥@centre: /rollcall FIRE-01 MED-01 deadline:10m")
    await console_bot.say(f"张三@FIRE-01: !{_token(_room(rollcall, 'FIRE-01'), '到')}")
    absent = await console_bot.say(f"陈医生@MED-01: !{_token(_room(rollcall, 'MED-01'), '不在岗')}")
    question = re.search(r"#(\d+):\n  陈医生，请回复本消息说明不在岗原因", absent)
    assert question, absent
    await console_bot.say(f"陈医生@MED-01: ^{question.group(1)} 外出培训")
    await console_bot.say("王指挥@centre: /stats 2026-11")
    assert await console_bot.app.run_reports() == 1
    await console_bot.app.drain()
    out = _room(console_bot.new_output(), "centre")
    assert "统计分析 · 2026-11" in out
    assert "事件: 真实事件 1 起，演练 1 起" in out
    # One real order acknowledged (2 min) and one that reached the scene (38 min); the
    # declined MED-01 order is kept out of the times.
    assert "接令用时: 中位数 2.0分钟，P90 2.0分钟" in out and "到场用时: 中位数 38.0分钟，P90 38.0分钟" in out
    files = (await _last_files(console_bot, "centre")).files
    assert [f.name for f in files] == ["stats-2026-11-incidents.png", "stats-2026-11-response.png",
                                       "stats-2026-11-duty.png", "stats-2026-11.pdf"]
    for image in files[:3]:
        assert _inked(image.content)[1] > 5_000
    text = _pdf_text(files[3].content)
    assert "真实事件 1 起，演练 1 起" in text and "火灾" in text and "坍塌" in text  # the drill, apart
    rows = text.replace("\n", "")
    # FIRE-01: one order, acknowledged in 2 min (target 5: met), on scene in 38 (target 30: missed)
    assert "FIRE-01 市消防救援大队12.0分钟2.0分钟38.0分钟38.0分钟1/1 (100%)0/1 (0%)" in rows
    assert "MED-01 市人民医院急救中心1——————" in rows  # declined: counted, not timed
    # Roll-calls: received, on time, late, absent (with the reason), silent — absent is not on time.
    assert "本期值班点名 1 次。" in rows
    assert "FIRE-01 市消防救援大队11000—" in rows and "MED-01 市人民医院急救中心10010外出培训" in rows
    assert "四、预警确认无数据" in rows and "五、演练（单独统计）类型起数坍塌1" in rows


async def test_a_chart_of_many_orders_stays_a_size_chats_accept(console_bot: ConsoleBot, clock: ManualClock) -> None:
    """200 orders: the chart shows the first 40 and says so; the document lists all."""
    from dataclasses import replace
    from datetime import timedelta

    from handlers.review.snapshot import OrderFacts

    await _script(console_bot, clock)
    async with console_bot.app.db.reading() as session:
        facts = await load_incident(session, console_bot.app.org, ID)
    start = facts.created_at
    many = tuple(OrderFacts(f"U-{n:03d}", f"队伍{n}", 1, "on_scene", start, "王指挥", start + timedelta(minutes=30),
                            start + timedelta(minutes=2), start + timedelta(minutes=5),
                            start + timedelta(minutes=30), None, None, "delivered") for n in range(200))
    figures = review(replace(facts, orders=many), clock.now())
    t, zone = Translator("zh"), ZoneInfo("Asia/Shanghai")
    png = charts.review_chart(t, zone, figures)
    (width, height), inked = _inked(png)
    assert width + height <= 10_000 and len(png) < 1024 * 1024 and inked > 5_000
    text = _pdf_text(pdf(review_document(t, zone, figures, png))).replace("\n", "")
    assert "U-199 队伍199" in text


async def test_an_organisation_without_targets_gets_reviews_and_stats_that_say_so(
    database_url: str, clock: ManualClock,
) -> None:
    import yaml

    from config.organisation import parse_organisation
    from config.settings import DEFAULT_ORG
    from tests.conftest import start_console_bot

    data = yaml.safe_load(open(DEFAULT_ORG, encoding="utf-8"))
    del data["targets"]
    bot = await start_console_bot(database_url, parse_organisation(yaml.safe_dump(data, allow_unicode=True)), clock)
    try:
        await _script(bot, clock)
        await bot.say(f"王指挥@centre: /review {ID}")
        await bot.say("王指挥@centre: /stats 2026-11")
        assert await bot.app.run_reports() == 2
        await bot.app.drain()
        out = bot.new_output()
        assert "未达目标: 未设定" in out
        async with bot.app.db.transaction() as session:
            payloads = list(await session.scalars(select(OutboxMessage.payload).where(
                OutboxMessage.chat_id == "centre").order_by(OutboxMessage.id.desc()).limit(2)))
        stats, review_ = (Message.from_json(p) for p in payloads)
        review_text = _pdf_text(review_.files[1].content).replace("\n", "")
        assert "八、未达目标项组织文件未设定响应目标（targets:），无法评估是否达标。" in review_text
        stats_text = _pdf_text(stats.files[-1].content).replace("\n", "")
        assert "组织文件未设定响应目标" in stats_text and "接令达标" in stats_text and "—" in stats_text
    finally:
        await bot.app.stop()


async def test_the_review_names_approvals_and_the_alerts_that_name_the_incident(
    console_bot: ConsoleBot, clock: ManualClock,
) -> None:
    await console_bot.say(f"路人甲@reporting: {REPORT}")
    clock.advance(minutes=1)
    asked = await console_bot.say(f"王指挥@centre: /dispatch {ID} POWER-01")  # needs a second member's approval
    clock.advance(minutes=2)
    await console_bot.say(f"刘值班@centre: !{_token(asked, '批准')}")
    preview = await console_bot.say(f"王指挥@centre: /broadcast red unit:FIRE-01,MED-01 {ID} 化工厂下风向禁止通行")
    sent = await console_bot.say(f"刘值班@centre: !{_token(preview, '发送')}")
    await console_bot.app.run_timers()
    await console_bot.app.drain()
    sent += console_bot.new_output()
    confirmed = await console_bot.say(f"张三@FIRE-01: !{_token(_room(sent, 'FIRE-01'), '收到')}")
    assert "已为 FIRE-01 确认收到" in confirmed, (confirmed, sent)
    await console_bot.say(f"王指挥@centre: /review {ID}")
    assert await console_bot.app.run_reports() == 1
    await console_bot.app.drain()
    console_bot.new_output()
    _, document = (await _last_files(console_bot, "centre")).files
    rows = _pdf_text(document.content).replace("\n", "")
    assert "15:01:00POWER-01申请审批王指挥15:03:00POWER-01批准刘值班" in rows, rows
    assert "化工厂下风向禁止通行" in rows and "1/2 (50%)MED-01" in rows, rows  # FIRE-01 confirmed, MED-01 not


async def test_timeline_shows_every_reporter_and_each_reporter_may_read_it(
    console_bot: ConsoleBot, clock: ManualClock,
) -> None:
    await console_bot.say(f"路人甲@reporting: {REPORT}")
    clock.advance(minutes=2)
    linked = await console_bot.say("路人乙@reporting: 人民路化工厂起火，现在5人受伤")
    assert f"已报告为事件 {ID}" in linked
    centre = await console_bot.say(f"王指挥@centre: /timeline {ID}")
    assert "15:00:00 路人甲：报告：人民路化工厂起火" in centre
    assert "15:02:00 路人乙：续报：人民路化工厂起火，现在5人受伤" in centre
    for reporter in ("路人甲", "路人乙"):  # the first reporter and the sender of a further report
        answer = await console_bot.say(f"{reporter}@reporting: /timeline {ID}")
        assert "已私信回复您" in answer, answer
        private = _room(answer, f"dm:{reporter}")
        assert "（报告人视图）" in private and "共 2 条" in private, private
        assert "路人甲：报告：" in private and "路人乙：续报：" in private, private
    stranger = await console_bot.say(f"路人丙@reporting: /timeline {ID}")
    assert "未找到事件 20261122-0001" in stranger and "续报" not in stranger


async def test_phone_escalations_are_on_the_timeline_and_in_the_review_in_words(
    console_bot: ConsoleBot, clock: ManualClock,
) -> None:
    """The phone channel (#18) records each SMS's and call's status on the timeline; the
    timeline and the review say them in words, not as raw data."""
    await _script(console_bot, clock)
    async with console_bot.app.db.transaction() as session:  # as handlers/phone/status.py records them
        repo = IncidentRepository(session)
        for minutes, via, status in ((8, "sms", "delivered"), (9, "call", "no_answer")):
            await repo.record(ID, clock.now().replace(hour=7, minute=minutes, second=0), "phone_status", None,
                              {"unit": "MED-01", "via": via, "to": "陈医生", "status": status, "step": 2})
    page = await console_bot.say(f"王指挥@centre: /timeline {ID}")
    assert "15:08:00 系统：MED-01 短信联系 陈医生：已送达" in page, page
    assert "15:09:00 系统：MED-01 电话联系 陈医生：无人接听" in page and "phone_status" not in page
    await console_bot.say(f"王指挥@centre: /review {ID}")
    assert await console_bot.app.run_reports() == 1
    await console_bot.app.drain()
    rows = _pdf_text((await _last_files(console_bot, "centre")).files[1].content).replace("\n", "")
    assert ("15:07:00MED-01第1次陈医生15:08:00MED-01短信：已送达陈医生15:09:00MED-01电话：无人接听陈医生"
            "15:12:00MED-01第2次") in rows, rows
    english = Translator("en")
    entry = Entry(clock.now(), "phone_status", None, {"unit": "MED-01", "via": "call", "to": "Chen", "status": "busy"})
    assert timeline.describe(english, entry) == "MED-01 Call to Chen: busy"
