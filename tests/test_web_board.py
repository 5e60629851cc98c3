"""The web board (#19) in a real browser: signed in from a link got in chat, live within
a second of a change in chat, refusals of expired, reused and forged links and
cookies, user text shown as text, and a map that asks nothing of anyone but 127.0.0.1.

The chat side is the console (a bot on the example organisation with its HTTP server
on a free port); the browser is Playwright driving the system's Chromium (tests/browser.py).
Screenshots of the board, light and dark room, go to tests/screenshots/.
"""
from __future__ import annotations

import io
import re
import time
from pathlib import Path
from typing import Any, AsyncIterator

import aiohttp
import pytest

from bot.app import Liandong
from config.organisation import Organisation, load_organisation
from config.settings import DEFAULT_ORG, Settings
from core.clock import ManualClock
from tests.browser import browser, errors_of, open_page, requests_of, screenshot  # noqa: F401 (fixture)

LIVE_WITHIN_MS = 1000  # the promise: the board shows a change within a second


class BoardBot:
    """A console bot with its HTTP server (and so the board) on a free port."""

    def __init__(self, app: Liandong, out: io.StringIO):
        self.app, self.out, self._read = app, out, 0

    @property
    def url(self) -> str:
        assert self.app.http is not None
        return f"http://127.0.0.1:{self.app.http.port}"

    async def say(self, line: str) -> str:
        assert self.app.console is not None
        await self.app.console.handle_line(line, self.app.pipeline.handle)
        await self.app.drain()
        text = self.out.getvalue()
        fresh, self._read = text[self._read:], len(text)
        return fresh

    async def link(self, who: str = "王指挥") -> str:
        out = await self.say(f"{who}@centre: /board")
        found = re.search(r"(http://\S+/board/signin/\S+)", out)
        assert found, out
        assert "[dm:" + who + "]" in out.split(found.group(1))[0].rsplit("bot #", 1)[0], "the link goes privately"
        return found.group(1)


async def start_board_bot(database_url: str, org: Organisation, clock: ManualClock, **options: Any) -> BoardBot:
    out = io.StringIO()
    settings = Settings.of(database_url=database_url, console=True, http_port=0, **options)
    app = Liandong(settings, org, clock=clock, console_out=out)
    await app.start(senders=False)
    return BoardBot(app, out)


@pytest.fixture
async def board_bot(database_url: str, org: Organisation, clock: ManualClock) -> AsyncIterator[BoardBot]:
    bot = await start_board_bot(database_url, org, clock)
    yield bot
    await bot.app.stop()


def token(output: str, label: str) -> str:
    found = re.search(rf"\[{re.escape(label)} !([\w-]+)\]", output)
    assert found, f"no button {label} in:\n{output}"
    return found.group(1)


def incident_id(output: str) -> str:
    found = re.search(r"已登记事件 (\d{8}-\d{4})", output)
    assert found, output
    return found.group(1)


async def sign_in(page: Any, link: str) -> None:
    await page.goto(link)
    await page.click("#signin")
    await page.wait_for_selector("#live[data-stream]")
    await page.wait_for_selector("#live-state.ok")  # the stream is open


async def appears(page: Any, selector: str, within_ms: int = LIVE_WITHIN_MS) -> float:
    """Seconds until `selector` is on the page; fails past `within_ms`."""
    started = time.monotonic()
    await page.wait_for_selector(selector, timeout=within_ms)
    return time.monotonic() - started


# -- signing in and live updates --------------------------------------------------


async def test_a_report_and_an_acknowledgement_reach_the_open_board_without_reload(
        board_bot: BoardBot, browser: Any) -> None:
    page = await open_page(browser)
    await sign_in(page, await board_bot.link())
    assert await page.inner_text("#incidents h2") == "未结事件（0）"
    await page.evaluate("window.sameDocument = true")

    first = incident_id(await board_bot.say("路人甲@reporting: 人民路化工厂起火，3人受伤，有人被困"))
    await appears(page, f'#incidents [data-incident="{first}"]')
    card = page.locator(f'#incidents [data-incident="{first}"]')
    assert "人民路化工厂" in await card.inner_text() and "受伤 3" in await card.inner_text()

    order = await board_bot.say(f"王指挥@centre: /dispatch {first} FIRE-01 MED-01")
    unit = f'[data-incident="{first}"] [data-unit="FIRE-01"]'
    await appears(page, f'{unit}[data-state="ordered"]')
    # Silent units first, and each says how long it has been silent.
    assert await page.locator(f'[data-incident="{first}"] li.unit').first.get_attribute("data-state") == "ordered"
    board_bot.app.clock.advance(minutes=3)  # type: ignore[attr-defined]
    await board_bot.say(f"张三@FIRE-01: !{token(order, '接令')}")
    await appears(page, f'{unit}[data-state="acknowledged"]')
    silent = page.locator(f'[data-incident="{first}"] li.unit.silent')
    assert await silent.count() == 1 and "3" in await silent.inner_text()  # MED-01, silent for 3 min
    assert await page.evaluate("window.sameDocument") is True  # no reload: the same document all along
    assert all(url.startswith("http://127.0.0.1:") for url in requests_of(page))
    assert errors_of(page) == []  # nothing refused by the page's Content-Security-Policy, no script error


async def test_minutes_count_on_in_the_page_and_the_minutes_redraw_sends_no_card(
        board_bot: BoardBot, browser: Any) -> None:
    """An incident's age and a unit's silence count on in the page (board.js, from the board's
    clock): the redraw of a new minute does not send every card to every screen again, and a
    board left open shows the right minutes whatever its own machine's clock says."""
    page = await open_page(browser)
    await page.clock.install()  # the page's own clock, moved by hand below
    await sign_in(page, await board_bot.link())
    first = incident_id(await board_bot.say("路人甲@reporting: 人民路化工厂起火，3人受伤，有人被困"))
    await board_bot.say(f"王指挥@centre: /dispatch {first} FIRE-01")
    card = f'#incidents [data-incident="{first}"]'
    await appears(page, f'{card} [data-unit="FIRE-01"][data-state="ordered"]')
    age, silence = page.locator(f"{card} dl .minutes"), page.locator(f'{card} [data-unit="FIRE-01"] .minutes')
    assert (await age.inner_text(), await silence.inner_text()) == ("0 分钟", "已 0 分钟未响应")
    await page.evaluate(f"document.querySelector('{card}').dataset.drawn = 'once'")
    updated = await page.get_attribute("#updated", "data-now")

    board_bot.app.clock.advance(minutes=2)  # type: ignore[attr-defined]
    await page.wait_for_selector(f'#updated:not([data-now="{updated}"])', timeout=LIVE_WITHIN_MS * 3)
    assert (await age.inner_text(), await silence.inner_text()) == ("2 分钟", "已 2 分钟未响应")
    assert await page.evaluate(f"document.querySelector('{card}').dataset.drawn") == "once"  # not sent again

    await page.clock.fast_forward("05:00")  # five minutes pass on the page with nothing pushed
    assert (await age.inner_text(), await silence.inner_text()) == ("7 分钟", "已 7 分钟未响应")
    assert errors_of(page) == []


async def test_a_change_to_one_incident_replaces_its_card_and_leaves_the_rest_alone(
        board_bot: BoardBot, browser: Any) -> None:
    """A press sends only the pressed incident's card: the other incident's card (with a
    mark put on it in the page) and the section around them are the same elements after."""
    page = await open_page(browser)
    await sign_in(page, await board_bot.link())
    first = incident_id(await board_bot.say("路人甲@reporting: 人民路化工厂起火，3人受伤，有人被困"))
    second = incident_id(await board_bot.say("路人乙@reporting: 海滨路码头有人落水，1人失联"))
    order = await board_bot.say(f"王指挥@centre: /dispatch {first} FIRE-01")
    await board_bot.say(f"王指挥@centre: /dispatch {second} MED-01")
    await appears(page, f'[data-incident="{first}"] [data-unit="FIRE-01"][data-state="ordered"]')
    await appears(page, f'[data-incident="{second}"] [data-unit="MED-01"][data-state="ordered"]')
    await page.evaluate(f"""() => {{
        document.querySelector('[data-incident="{second}"]').dataset.marked = "kept";
        document.querySelector('[data-incident="{first}"]').dataset.marked = "kept";
        document.getElementById("incidents").dataset.marked = "kept";
    }}""")

    await board_bot.say(f"张三@FIRE-01: !{token(order, '接令')}")
    await appears(page, f'[data-incident="{first}"] [data-unit="FIRE-01"][data-state="acknowledged"]')
    assert await page.locator(f'[data-incident="{second}"][data-marked="kept"]').count() == 1  # not replaced
    assert await page.locator('#incidents[data-marked="kept"]').count() == 1
    assert await page.locator(f'[data-incident="{first}"][data-marked="kept"]').count() == 0  # drawn anew
    assert await page.locator(f'[data-incident="{second}"] [data-unit="MED-01"][data-state="ordered"]').count() == 1
    assert errors_of(page) == []


async def test_a_change_made_by_another_bot_process_reaches_the_board(
        board_bot: BoardBot, browser: Any, database_url: str, org: Organisation, clock: ManualClock) -> None:
    """The other process's commit does not nudge this one: the change mark's poll finds it."""
    other = await start_board_bot(database_url, org, clock)
    try:
        page = await open_page(browser)
        await sign_in(page, await board_bot.link())
        found = incident_id(await other.say("路人甲@reporting: 海滨路码头有人落水，1人失联"))
        await appears(page, f'[data-incident="{found}"]', within_ms=LIVE_WITHIN_MS + 500)  # plus one poll
    finally:
        await other.app.stop()


async def test_the_board_in_a_light_and_a_dark_room_and_in_english(board_bot: BoardBot, browser: Any) -> None:
    """Screenshots for a reviewer (tests/screenshots/), and the language switch."""
    report = await board_bot.say("路人甲@reporting: 人民路化工厂起火，3人受伤，有人被困")
    first = incident_id(report)
    order = await board_bot.say(f"王指挥@centre: /dispatch {first} FIRE-01 MED-01 level:1")
    await board_bot.say(f"张三@FIRE-01: !{token(order, '出动')}")
    await board_bot.say("路人乙@reporting: 石岛港区危化品泄漏，2人受伤")
    card = await board_bot.say("路人丙@reporting: 成山大道两车相撞，1人被困")
    asked = await board_bot.say(f"王指挥@centre: !{token(card, '标记为演练')}")
    await board_bot.say(f"王指挥@centre: !{token(asked, '确认：是演练')}")
    for dark in (False, True):
        page = await open_page(browser, dark=dark)
        await sign_in(page, await board_bot.link())
        assert await page.locator("#drills .drill-mark").count() == 1  # the drill, apart and marked
        assert await page.locator("#incidents .drill-mark").count() == 0
        path = await screenshot(page, "board-dark" if dark else "board-light")
        assert path.stat().st_size > 10_000
        background = await page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert background == ("rgb(0, 0, 0)" if dark else "rgb(255, 255, 255)")
    await page.click("a.lang[href$='lang=en']")
    await page.wait_for_selector("#live-state.ok")
    assert (await page.inner_text("#incidents h2")).startswith("Open incidents")
    assert "on scene" in await page.inner_text("#incidents") or "en route" in await page.inner_text("#incidents")
    await page.goto(board_bot.url + "/board")  # the choice sticks
    assert (await page.inner_text("#incidents h2")).startswith("Open incidents")
    await screenshot(page, "board-english")


# -- refusals ---------------------------------------------------------------------


async def test_expired_reused_forged_links_and_a_forged_cookie_show_nothing(
        board_bot: BoardBot, browser: Any, clock: ManualClock) -> None:
    await board_bot.say("路人甲@reporting: 人民路化工厂起火，3人受伤，有人被困")
    page = await open_page(browser)

    expired = await board_bot.link()
    clock.advance(minutes=10, seconds=1)
    await page.goto(expired)
    await page.click("#signin")
    assert "已过期" in await page.inner_text("main")
    assert await page.locator("[data-incident]").count() == 0

    link = await board_bot.link()
    await sign_in(page, link)
    assert await page.locator("[data-incident]").count() == 1
    stranger = await open_page(browser)
    await stranger.goto(link)
    await stranger.click("#signin")
    assert "已被使用" in await stranger.inner_text("main")
    await stranger.goto(board_bot.url + "/board/signin/" + "A" * 32)  # forged
    await stranger.click("#signin")
    assert "无效" in await stranger.inner_text("main")
    await stranger.context.add_cookies([{"name": "liandong_board", "value": "F" * 32, "url": board_bot.url + "/board"}])
    response = await stranger.goto(board_bot.url + "/board")
    assert response.status == 401 and await stranger.locator("[data-incident]").count() == 0
    assert "登录已结束" in await stranger.inner_text("main")

    # The real session's cookie is HttpOnly and SameSite=Strict, and scripts cannot read it.
    [cookie] = [c for c in await page.context.cookies() if c["name"] == "liandong_board"]
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    assert "liandong_board" not in await page.evaluate("document.cookie")


async def test_revoke_and_sign_out_end_the_session_and_an_open_board_leaves(
        board_bot: BoardBot, browser: Any) -> None:
    page = await open_page(browser)
    await sign_in(page, await board_bot.link())
    out = await board_bot.say("王指挥@centre: /board revoke")
    assert "1 个浏览器" in out
    await appears(page, ".notice")  # the open board leaves by itself: the stream says so, the page reloads
    assert await page.locator("[data-incident], #incidents").count() == 0
    response = await page.goto(board_bot.url + "/board")
    assert response.status == 401 and "登录已结束" in await page.inner_text("main")

    await sign_in(page, await board_bot.link())
    await page.click(".signout button")
    await page.wait_for_selector(".notice")
    assert "已退出" in await page.inner_text("main")
    response = await page.goto(board_bot.url + "/board")
    assert response.status == 401


async def test_only_centre_members_get_a_link(board_bot: BoardBot) -> None:
    out = await board_bot.say("张三@FIRE-01: /board")
    assert "/board/signin/" not in out
    async with board_bot.app.db.transaction() as session:
        from sqlalchemy import func, select

        from storage.models import BoardLink
        assert await session.scalar(select(func.count()).select_from(BoardLink)) == 0


# -- what the pages show ----------------------------------------------------------


async def test_a_report_with_html_is_shown_as_text_on_the_board_and_its_page(board_bot: BoardBot, browser: Any) -> None:
    hostile = '人民路化工厂起火，3人受伤 <script>window.pwned=1</script><img src=x onerror="window.pwned=2">'
    found = incident_id(await board_bot.say(f"路人甲@reporting: {hostile}"))
    page = await open_page(browser)
    await sign_in(page, await board_bot.link())
    await page.click(f'a[href="/board/incident/{found}"]')
    await page.wait_for_selector("#reports .report-text")
    assert await page.inner_text("#reports .report-text") == hostile
    assert await page.evaluate("window.pwned") is None
    assert await page.locator("#reports script, #reports img").count() == 0
    assert "登记" in await page.inner_text("#timeline")


async def test_the_incident_page_has_its_units_reports_pins_and_timeline_and_goes_live(
        board_bot: BoardBot, browser: Any) -> None:
    first = incident_id(await board_bot.say("路人甲@reporting: 人民路化工厂起火，3人受伤，有人被困"))
    await board_bot.say("路人乙@reporting: 人民路化工厂着火了，浓烟很大")  # a further report of the same
    order = await board_bot.say(f"王指挥@centre: /dispatch {first} FIRE-01")
    page = await open_page(browser)
    await sign_in(page, await board_bot.link())
    await page.goto(f"{board_bot.url}/board/incident/{first}")
    await page.wait_for_selector("#live-state.ok")
    assert await page.locator("#reports li").count() == 2
    assert await page.locator('#units [data-unit="FIRE-01"][data-state="ordered"]').count() == 1
    await board_bot.say(f"张三@FIRE-01: !{token(order, '到场')}")
    await appears(page, '#units [data-unit="FIRE-01"][data-state="on_scene"]')
    assert "队伍回应" in await page.inner_text("#timeline")
    await board_bot.say("路人甲@reporting: :loc 37.1651, 122.4172")
    await appears(page, "#pins li")
    assert "37.16510, 122.41720" in await page.inner_text("#pins")

    await board_bot.say(f"王指挥@centre: /close {first} 明火扑灭，无人员被困")
    await appears(page, "text=明火扑灭，无人员被困")
    summary = await page.inner_text(".incident-page")
    assert "已结案" in summary and "报告至首次接令" in summary and "报告至首次到场" in summary
    assert errors_of(page) == []

    missing = await page.goto(f"{board_bot.url}/board/incident/20991231-9999")
    assert missing.status == 404
    headers = (await page.goto(f"{board_bot.url}/board")).headers
    assert "script-src 'self'" in headers["content-security-policy"] and "unsafe-inline" not in headers[
        "content-security-policy"]
    assert headers["x-frame-options"] == "DENY" and headers["cache-control"] == "no-store"


# -- the map ----------------------------------------------------------------------

PLACES = """
places:
  - {name: 人民路化工厂, kind: enterprise, latitude: 37.1651, longitude: 122.4172}
  - {name: 石岛港区, kind: port, latitude: 36.8841, longitude: 122.4227}
  - {name: 市消防救援大队, kind: other, latitude: 37.1602, longitude: 122.4311}
"""


def org_with_places(tmp_path: Path) -> Organisation:
    path = tmp_path / "org.yaml"
    path.write_text(Path(DEFAULT_ORG).read_text(encoding="utf-8") + PLACES, encoding="utf-8")
    return load_organisation(path)


async def test_the_plain_map_requests_nothing_but_the_board_itself(
        database_url: str, clock: ManualClock, tmp_path: Path, browser: Any) -> None:
    bot = await start_board_bot(database_url, org_with_places(tmp_path), clock)
    try:
        first = incident_id(await bot.say("路人甲@reporting: 人民路化工厂起火，3人受伤，有人被困"))
        await bot.say(f"王指挥@centre: /level {first} 1 爆炸风险")
        page = await open_page(browser)
        await sign_in(page, await bot.link())
        pin = page.locator(f'#map a[data-incident="{first}"] circle')
        assert await pin.get_attribute("class") == "pin pin-red"  # level 1 is red in the example file
        assert "人民路化工厂" in await page.inner_text("#map")
        assert await page.locator('#map [data-unit="FIRE-01"]').count() == 1  # its base, from the gazetteer
        second = incident_id(await bot.say("路人乙@reporting: 石岛港区危化品泄漏，2人受伤"))
        await appears(page, f'#map a[data-incident="{second}"]')
        assert await page.locator("#map image").count() == 0  # no tiles configured: none drawn
        await screenshot(page, "board-map-plain")
        requested = requests_of(page)
        assert requested and all(url.startswith(bot.url + "/board") for url in requested), requested
    finally:
        await bot.app.stop()


async def test_map_tiles_come_only_from_the_configured_server(
        database_url: str, clock: ManualClock, tmp_path: Path, browser: Any) -> None:
    from aiohttp import web

    asked: list[str] = []

    async def tile(request: web.Request) -> web.Response:
        asked.append(request.path)
        return web.Response(body=b"", content_type="image/png")

    tiles = web.Application()
    tiles.router.add_get("/tiles/{z}/{x}/{y}.png", tile)
    runner = web.AppRunner(tiles)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    bot = await start_board_bot(database_url, org_with_places(tmp_path), clock)
    bot.app.board.settings = type(bot.app.board.settings)(
        session_ttl=bot.app.board.settings.session_ttl, map_tiles=f"http://127.0.0.1:{port}/tiles/{{z}}/{{x}}/{{y}}.png")
    try:
        await bot.say("路人甲@reporting: 人民路化工厂起火，3人受伤，有人被困")
        await bot.say("路人乙@reporting: 石岛港区危化品泄漏，2人受伤")
        page = await open_page(browser)
        await sign_in(page, await bot.link())
        assert await page.locator("#map image").count() > 0
        await page.wait_for_load_state("networkidle")
        assert asked, "the browser fetched the configured tiles"
        requested = requests_of(page)
        assert all(url.startswith(("http://127.0.0.1:")) for url in requested), requested
        assert any(f":{port}/tiles/" in url for url in requested)
    finally:
        await bot.app.stop()
        await runner.cleanup()


# -- alerts, the roll-call and duty (read over plain HTTP: no browser needed) -------------


async def test_alerts_rollcall_and_duty_on_the_board(board_bot: BoardBot) -> None:
    preview = await board_bot.say("王指挥@centre: /broadcast red unit:FIRE-01,MED-01 台风红色预警：今晚停止户外作业")
    await board_bot.say(f"刘值班@centre: !{token(preview, '发送')}")
    await board_bot.app.run_timers()
    sent = await board_bot.say("王指挥@centre: /help")
    sent += board_bot.out.getvalue()
    fire_copy = sent.split("[FIRE-01] bot", 1)[1]
    await board_bot.say(f"张三@FIRE-01: !{token(fire_copy, '收到')}")
    called = await board_bot.say("王指挥@centre: /rollcall FIRE-01 MED-01")
    await board_bot.say(f"张三@FIRE-01: !{token(called.split('[FIRE-01] bot', 1)[1], '到')}")

    jar = aiohttp.CookieJar(unsafe=True)  # the board lives on 127.0.0.1
    async with aiohttp.ClientSession(cookie_jar=jar) as http:
        await http.post(await board_bot.link(), headers={"Origin": board_bot.url})
        async with http.get(board_bot.url + "/board") as response:
            assert response.status == 200
            page = await response.text()
    alerts = page.split('id="alerts"', 1)[1].split("</section>", 1)[0]
    assert "台风红色预警" in alerts and "已确认：1 / 2" in alerts and "未确认：市人民医院急救中心 (MED-01)" in alerts
    rollcall = page.split('id="rollcall"', 1)[1].split("</section>", 1)[0]
    assert "已应答：1 / 2" in rollcall and "未应答：市人民医院急救中心 (MED-01)" in rollcall
    duty = page.split('id="duty"', 1)[1].split("</section>", 1)[0]
    assert "市消防救援大队 (FIRE-01)</td><td>张三" in duty


async def test_a_forged_sign_in_from_another_site_is_refused(board_bot: BoardBot) -> None:
    link = await board_bot.link()
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        async with http.post(link, headers={"Origin": "https://evil.example"}, allow_redirects=False) as response:
            assert response.status == 401 and "liandong_board" not in response.cookies
        async with http.post(link, headers={"Origin": board_bot.url}, allow_redirects=False) as response:
            assert response.status == 303  # the link was not spent by the forged attempt
            assert "SameSite=Strict" in response.headers["Set-Cookie"] and "HttpOnly" in response.headers["Set-Cookie"]


# -- who may look, and how much it may hold -----------------------------------------


async def test_a_member_removed_from_the_centre_sees_the_board_no_more(
        database_url: str, clock: ManualClock, tmp_path: Path) -> None:
    bot = await start_board_bot(database_url, load_organisation(DEFAULT_ORG), clock)
    try:
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
            await http.post(await bot.link("刘值班"), headers={"Origin": bot.url})
            async with http.get(bot.url + "/board") as response:
                assert response.status == 200
            edited = tmp_path / "org.yaml"  # the file edited: 刘值班 is no longer in the centre
            edited.write_text(Path(DEFAULT_ORG).read_text(encoding="utf-8").replace(
                '    - {name: 刘值班, telegram: "1002", phone: "13800001002"}\n', ""), encoding="utf-8")
            bot.app.use_organisation(load_organisation(edited))
            async with http.get(bot.url + "/board") as response:
                assert response.status == 401 and "data-incident" not in await response.text()
    finally:
        await bot.app.stop()


async def test_five_hundred_open_incidents_load_in_under_a_second(board_bot: BoardBot, clock: ManualClock) -> None:
    from storage.models import DispatchOrder, Incident

    now = clock.now()
    async with board_bot.app.db.transaction() as session:
        for n in range(500):
            incident_id = f"20261122-{n + 1:04d}"
            session.add(Incident(
                id=incident_id, created_at=now, status="open", drill=n % 50 == 0, type="fire",
                location=f"人民路{n}号", text=f"人民路{n}号起火", language="zh", reporter_platform="console",
                reporter_id="路人甲", reporter_name="路人甲", reporter_registered=False, source_platform="console",
                source_chat_id="reporting", level=1 + n % 4))
            await session.flush()
            for code in ("FIRE-01", "MED-01", "ENV-01", "POWER-01"):
                session.add(DispatchOrder(incident_id=incident_id, unit_code=code, state="ordered", ordered_at=now,
                                          ordered_by="王指挥", ordered_by_id="console:王指挥", state_at=now))
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        await http.post(await board_bot.link(), headers={"Origin": board_bot.url})
        started = time.monotonic()
        async with http.get(board_bot.url + "/board") as response:
            page = await response.text()
        took = time.monotonic() - started
    assert page.count('class="incident ') == 500 and page.count("data-unit=") == 2000
    assert took < 1.0, f"the board of 500 incidents took {took:.2f} s"


def test_map_tiles_must_be_a_url_template() -> None:
    from config.settings import SettingsError

    good = Settings.from_env({"LIANDONG_MAP_TILES": "https://tiles.office.example/{z}/{x}/{y}.png",
                              "LIANDONG_DATA_DIR": "/tmp"})
    assert good.map_tiles == "https://tiles.office.example/{z}/{x}/{y}.png" and good.board_session_hours == 12
    with pytest.raises(SettingsError, match="LIANDONG_MAP_TILES"):
        Settings.from_env({"LIANDONG_MAP_TILES": "tiles/{z}/{x}.png", "LIANDONG_DATA_DIR": "/tmp"})
    with pytest.raises(SettingsError, match="LIANDONG_BOARD_SESSION_HOURS"):
        Settings.from_env({"LIANDONG_BOARD_SESSION_HOURS": "0", "LIANDONG_DATA_DIR": "/tmp"})


async def test_the_cookie_is_secure_behind_an_https_proxy(board_bot: BoardBot) -> None:
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        plain = await http.post(await board_bot.link(), headers={"Origin": board_bot.url}, allow_redirects=False)
        assert "Secure" not in plain.headers["Set-Cookie"]
        proxied = await http.post(await board_bot.link(), allow_redirects=False,
                                  headers={"Origin": board_bot.url, "X-Forwarded-Proto": "https"})
        assert proxied.status == 303 and "Secure" in proxied.headers["Set-Cookie"]


async def test_the_change_watcher_polls_only_while_a_board_is_open(db: Any, clock: ManualClock) -> None:
    """A row written by anyone (no nudge: as another process would) moves the version
    while someone watches; with nobody watching, nothing polls."""
    from adapters.web.changes import ChangeWatcher
    from storage.models import DutyChange

    watcher = ChangeWatcher(db, lambda: 0, poll_s=0.05)
    watching = await watcher.watch()
    assert watcher._task is not None and not watcher._task.done()
    before = watcher.version
    async with db.transaction() as session:
        session.add(DutyChange(unit_code="FIRE-01", name="张三", at=clock.now(), by="张三"))
    assert await watcher.wait_beyond(before, 2.0) == before + 1
    watching.close()
    assert watcher._task is None  # the last board closed: the poll stopped
    watcher.nudge()  # a commit with nobody watching costs nothing
    assert not watcher._nudged.is_set()
