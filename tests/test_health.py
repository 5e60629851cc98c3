"""Readiness and metrics of a running bot, end to end: the real Telegram stack against
the fake Bot API (behind a TCP proxy the test can cut), the bot's own HTTP server,
SQLite. /readyz and /metrics are read over HTTP as a load balancer and Prometheus would.

Organisation: config/org.example.yaml — command centre chat -1001000, reporting group -1003000.
"""
from __future__ import annotations

import asyncio
import json
import re
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, AsyncIterator, Callable

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.app import Liandong
from config.organisation import Organisation
from config.settings import Settings
from core.clock import SystemClock
from tests.conftest import ConsoleBot
from tests.console_transcript import room, token
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.tcp_proxy import TcpProxy

ROOT = Path(__file__).resolve().parents[1]
DASHBOARD = ROOT / "deploy" / "grafana-dashboard.json"
CENTRE, REPORTING = -1001000, -1003000
STRANGER = 777
REPORT = "人民路化工厂起火，3人受伤，有人被困"
# Waits for state, not timings: PTB backs its polling off up to 30 s between tries.
STATE_WAIT_S = 120.0


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegramAPI]:
    async with FakeTelegramAPI() as api:
        yield api


@pytest.fixture
async def proxy(fake: FakeTelegramAPI) -> AsyncIterator[TcpProxy]:
    """The bot reaches the fake through this: `cut()` is Telegram gone, `restore()` back."""
    tcp = TcpProxy("127.0.0.1", fake.port)
    await tcp.start()
    yield tcp
    await tcp.close()


def _settings(tmp_path: Path, fake: FakeTelegramAPI, proxy: TcpProxy) -> Settings:
    return Settings.of(database_url=f"sqlite+aiosqlite:///{tmp_path}/health.db", telegram_token=fake.token,
                       telegram_api_url=f"http://127.0.0.1:{proxy.port}", http_port=0, console=False)


async def _started(app: Liandong, **options: Any) -> Liandong:
    await app.start(**options)
    return app


@pytest.fixture
async def bot(tmp_path: Path, fake: FakeTelegramAPI, proxy: TcpProxy, org: Organisation) -> AsyncIterator[Liandong]:
    app = await _started(Liandong(_settings(tmp_path, fake, proxy), org, clock=SystemClock()))
    yield app
    await app.stop()


async def _get(app: Liandong, path: str) -> tuple[int, str]:
    assert app.http is not None
    async with aiohttp.ClientSession() as session:
        async with session.get(f"http://127.0.0.1:{app.http.port}{path}") as response:
            return response.status, await response.text()


async def _readyz(app: Liandong) -> tuple[int, dict[str, Any]]:
    status, body = await _get(app, "/readyz")
    return status, json.loads(body)


async def _until(check: Callable[[], Any], what: str, timeout: float = STATE_WAIT_S) -> Any:
    """Poll an async check until it returns something true; fail naming what never came."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    last = None
    while loop.time() < deadline:
        last = await check()
        if last:
            return last
        await asyncio.sleep(0.2)
    raise AssertionError(f"{what} within {timeout:.0f} s; last: {last!r}")


async def _ready_failing(app: Liandong, check: str) -> dict[str, Any] | None:
    status, body = await _readyz(app)
    return body if status == 503 and check in body["failed"] else None


async def _ready(app: Liandong) -> dict[str, Any] | None:
    status, body = await _readyz(app)
    return body if status == 200 else None


def _scrape(text: str) -> dict[str, Any]:
    """Families by name, as Prometheus reads them."""
    return {family.name: family for family in text_string_to_metric_families(text)}


def _value(families: dict[str, Any], family: str, sample: str, **labels: str) -> float:
    found = [s.value for s in families[family].samples
             if s.name == sample and all(s.labels.get(k) == v for k, v in labels.items())]
    return sum(found)


async def _metrics(app: Liandong) -> dict[str, Any]:
    status, text = await _get(app, "/metrics")
    assert status == 200
    return _scrape(text)


async def test_readiness_fails_while_telegram_is_away_and_recovers_when_it_is_back(
    bot: Liandong, fake: FakeTelegramAPI, proxy: TcpProxy,
) -> None:
    assert await _until(lambda: _ready(bot), "/readyz 200 once connected") == {"ready": True}
    status, _ = await _get(bot, "/healthz")
    assert status == 200

    await proxy.cut()
    body = await _until(lambda: _ready_failing(bot, "platform:telegram"), "/readyz naming telegram")
    assert body["ready"] is False
    assert "network" in body["failed"]["platform:telegram"]
    raw = json.dumps(body)
    assert fake.token not in raw and "127.0.0.1" not in raw and str(proxy.port) not in raw
    status, _ = await _get(bot, "/healthz")
    assert status == 200  # liveness is not readiness: the process still answers
    families = await _metrics(bot)
    assert _value(families, "liandong_platform_reachable", "liandong_platform_reachable", platform="telegram") == 0

    await proxy.restore()
    assert await _until(lambda: _ready(bot), "/readyz 200 once Telegram answers again") == {"ready": True}
    families = await _metrics(bot)
    assert _value(families, "liandong_platform_reachable", "liandong_platform_reachable", platform="telegram") == 1


async def test_readiness_fails_while_telegram_answers_with_errors(bot: Liandong, fake: FakeTelegramAPI) -> None:
    await _until(lambda: _ready(bot), "/readyz 200 once connected")
    fake.fail_next("*", status=502, times=1_000_000)
    fake.inject_message(REPORTING, STRANGER, REPORT)  # wakes the long poll, which now gets 502s
    body = await _until(lambda: _ready_failing(bot, "platform:telegram"), "/readyz naming telegram")
    assert "server" in body["failed"]["platform:telegram"]
    fake.clear_faults()
    await _until(lambda: _ready(bot), "/readyz 200 once Telegram answers again")
    await fake.wait_for_messages(CENTRE, 1, timeout=STATE_WAIT_S)  # the report queued meanwhile went out


async def test_readiness_fails_on_an_old_undelivered_message(
    tmp_path: Path, fake: FakeTelegramAPI, proxy: TcpProxy, org: Organisation,
) -> None:
    app = await _started(Liandong(_settings(tmp_path, fake, proxy), org, clock=SystemClock(), outbox_max_age_s=1))
    try:
        await _until(lambda: _ready(app), "/readyz 200 once connected")
        # Telegram answers, but asks the bot to slow down again and again: the messages wait.
        fake.fail_next("sendMessage", status=429, times=1_000_000, retry_after=2)
        fake.inject_message(REPORTING, STRANGER, REPORT)
        body = await _until(lambda: _ready_failing(app, "outbox_backlog:telegram"), "/readyz naming the backlog")
        assert re.fullmatch(r"\d+ messages undelivered, the oldest for \d+ s \(limit 1 s\)",
                            body["failed"]["outbox_backlog:telegram"])
        families = await _metrics(app)
        assert _value(families, "liandong_outbox_pending", "liandong_outbox_pending", platform="telegram") >= 1
        assert _value(families, "liandong_outbox_oldest_pending_age_seconds",
                      "liandong_outbox_oldest_pending_age_seconds", platform="telegram") > 0
        assert _value(families, "liandong_deliveries", "liandong_deliveries_total",
                      platform="telegram", result="rate_limited") >= 1
        assert "platform:telegram" not in body["failed"]  # a 429 is an answer
        fake.clear_faults()
        await _until(lambda: _ready(app), "/readyz 200 once the messages went out")
    finally:
        await app.stop()


async def test_readiness_fails_without_outbox_senders(
    tmp_path: Path, fake: FakeTelegramAPI, proxy: TcpProxy, org: Organisation,
) -> None:
    app = await _started(Liandong(_settings(tmp_path, fake, proxy), org, clock=SystemClock()), senders=False)
    try:
        body = await _until(lambda: _ready_failing(app, "outbox_sender:telegram"), "/readyz naming the sender")
        assert body["failed"]["outbox_sender:telegram"] == "not running"
        families = await _metrics(app)
        assert _value(families, "liandong_outbox_sender_running", "liandong_outbox_sender_running",
                      platform="telegram") == 0
    finally:
        await app.stop()


async def test_metrics_are_typed_and_count_a_report_and_its_deliveries(bot: Liandong, fake: FakeTelegramAPI) -> None:
    before = await _metrics(bot)
    types = {name: family.type for name, family in before.items()}
    assert types["liandong_events_handled"] == "counter"
    assert types["liandong_events_failed"] == "counter"
    assert types["liandong_events_spooled"] == "counter"
    assert types["liandong_deliveries"] == "counter"
    assert types["liandong_escalations_fired"] == "counter"
    assert types["liandong_timer_jobs_fired"] == "counter"
    assert types["liandong_transaction_seconds"] == "histogram"
    for gauge in ("liandong_outbox_messages", "liandong_outbox_pending", "liandong_outbox_oldest_pending_age_seconds",
                  "liandong_platform_reachable", "liandong_outbox_sender_running", "liandong_spool_waiting",
                  "liandong_db_pool_connections", "liandong_ready"):
        assert types[gauge] == "gauge", gauge
    assert all(family.documentation for family in before.values())
    # Every delivery result is there from the start, at zero, for the dashboard's legend.
    assert {s.labels["result"] for s in before["liandong_deliveries"].samples if s.name.endswith("_total")} == {
        "ok", "retried", "rate_limited", "failed"}

    handled = _value(before, "liandong_events_handled", "liandong_events_handled_total",
                     kind="message", platform="telegram")
    ok = _value(before, "liandong_deliveries", "liandong_deliveries_total", platform="telegram", result="ok")
    batches = _value(before, "liandong_transaction_seconds", "liandong_transaction_seconds_count", work="events")

    fake.inject_message(REPORTING, STRANGER, REPORT)
    await fake.wait_for_messages(REPORTING, 1, timeout=STATE_WAIT_S)  # the receipt
    await fake.wait_for_messages(CENTRE, 1, timeout=STATE_WAIT_S)  # the card

    async def delivered() -> dict[str, Any] | None:
        families = await _metrics(bot)
        done = _value(families, "liandong_deliveries", "liandong_deliveries_total", platform="telegram", result="ok")
        return families if done >= ok + 2 else None

    after = await _until(delivered, "two deliveries counted")
    assert _value(after, "liandong_events_handled", "liandong_events_handled_total",
                  kind="message", platform="telegram") == handled + 1
    assert _value(after, "liandong_transaction_seconds", "liandong_transaction_seconds_count",
                  work="events") >= batches + 1
    assert _value(after, "liandong_platform_reachable", "liandong_platform_reachable", platform="telegram") == 1
    assert _value(after, "liandong_outbox_sender_running", "liandong_outbox_sender_running", platform="telegram") == 1
    assert _value(after, "liandong_outbox_messages", "liandong_outbox_messages", status="delivered") >= 2
    assert _value(after, "liandong_spool_waiting", "liandong_spool_waiting") == 0
    assert _value(after, "liandong_ready", "liandong_ready") == 1


async def test_two_bots_in_one_process_count_apart(
    tmp_path: Path, fake: FakeTelegramAPI, proxy: TcpProxy, org: Organisation,
) -> None:
    first = Liandong(_settings(tmp_path / "a", fake, proxy), org, http=False)
    second = Liandong(_settings(tmp_path / "b", fake, proxy), org, http=False)
    assert first.metrics.registry is not second.metrics.registry
    first.metrics.escalations.inc(3)
    assert _value(_scrape(first.metrics.exposition().decode()), "liandong_escalations_fired",
                  "liandong_escalations_fired_total") == 3
    assert _value(_scrape(second.metrics.exposition().decode()), "liandong_escalations_fired",
                  "liandong_escalations_fired_total") == 0


def _queried_metrics(dashboard: dict[str, Any]) -> set[str]:
    exprs = [target["expr"] for panel in dashboard["panels"] for target in panel.get("targets", [])]
    exprs += [v.get("query", "") for v in dashboard.get("templating", {}).get("list", []) if isinstance(v.get("query"), str)]
    return {name for expr in exprs for name in re.findall(r"\bliandong_[a-z_]+", expr)}


async def test_every_metric_the_grafana_dashboard_queries_is_scraped(bot: Liandong, fake: FakeTelegramAPI) -> None:
    dashboard = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    queried = _queried_metrics(dashboard)
    assert len(queried) >= 10
    fake.inject_message(REPORTING, STRANGER, REPORT)  # so the labelled counters have samples too
    await fake.wait_for_messages(CENTRE, 1, timeout=STATE_WAIT_S)
    families = await _metrics(bot)
    samples = {sample.name for family in families.values() for sample in family.samples}
    # A family is there even before its first sample (the failed-events counter in a healthy run).
    exposed = samples | {f"{name}{suffix}" for name, family in families.items()
                         for suffix in {"counter": ("_total",), "histogram": ("_bucket", "_sum", "_count")}.get(
                             family.type, ("",))}
    missing = sorted(queried - exposed)
    assert missing == [], f"the dashboard queries metrics /metrics does not have: {missing}"


async def test_roll_call_and_alert_confirmation_rates_are_scraped(console_bot: ConsoleBot) -> None:
    """#21: the share of units that answered the latest roll-call and confirmed the latest alert."""
    def gauges() -> dict[str, float]:
        return {family.name: family.samples[0].value for family in text_string_to_metric_families(scraped)
                if family.name.endswith("_ratio") and family.samples}

    scraped = (await console_bot.app.scrape()).decode()
    assert gauges() == {"liandong_rollcall_answered_ratio": 0.0, "liandong_alert_confirmed_ratio": 0.0}
    started = await console_bot.say("王指挥@centre: /rollcall FIRE-01 MED-01 deadline:10m")
    await console_bot.say(f"张三@FIRE-01: !{token(room(started, 'FIRE-01'), '到')}")
    preview = await console_bot.say("王指挥@centre: /broadcast red unit:FIRE-01,MED-01,ENV-01,EXP-01 台风预警")
    sent = await console_bot.say(f"刘值班@centre: !{token(preview, '发送')}")
    await console_bot.app.run_timers()
    await console_bot.app.drain()
    sent += console_bot.new_output()
    await console_bot.say(f"陈医生@MED-01: !{token(room(sent, 'MED-01'), '收到')}")
    scraped = (await console_bot.app.scrape()).decode()
    assert gauges() == {"liandong_rollcall_answered_ratio": 0.5, "liandong_alert_confirmed_ratio": 0.25}


def test_one_failed_call_between_successes_is_not_yet_unreadiness() -> None:
    """A single 502 the next call gets past must not take the bot out of a load balancer;
    a second failure in a row does, and a success clears it."""
    from core.platform import Failure, ReachabilityTracker

    tracker = ReachabilityTracker()
    now = datetime.now(timezone.utc)
    assert tracker.status().problem(now) == "not connected yet"
    tracker.failed(Failure.NETWORK)
    assert "network" in (tracker.status().problem(now) or ""), "never connected: any failure is a problem"
    tracker.ok()
    tracker.failed(Failure.SERVER)
    assert tracker.status().problem(now) is None
    tracker.failed(Failure.SERVER)
    assert "server" in (tracker.status().problem(now) or "")
    tracker.ok()
    assert tracker.status().problem(now) is None


async def test_answers_to_presses_tell_whether_telegram_answers(fake: FakeTelegramAPI) -> None:
    """In webhook mode the answers to presses may be the bot's only calls for a while."""
    from adapters.telegram.answers import CallbackAnswers
    from core.platform import ReachabilityTracker

    tracker = ReachabilityTracker()
    update = fake.build_callback_query_update(-1001000, 1001, 1, "x")
    answers = CallbackAnswers(fake.root_url, fake.token, reachability=tracker)
    await answers.start()
    try:
        await answers.answer(update["callback_query"]["id"], "收到")
        assert tracker.status().last_ok is not None and tracker.status().last_failure is None
        fake.fail_next("answerCallbackQuery", status=502, times=2)
        await answers.answer(update["callback_query"]["id"], "收到")
        assert "server" in (tracker.status().problem(datetime.now(timezone.utc)) or "")
    finally:
        await answers.close()
