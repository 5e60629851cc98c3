"""An earthquake evening at once, through Telegram: reports, orders, a red alert and a
roll-call, all while the reports keep coming.

Within the window (default 10 minutes) 3,000 reports from 2,000 people arrive in 40
reporting groups, most of them about the same 50 incidents (further reports, new
figures). After a tenth of the window the centre dispatches 6 units to each of the
first 50 incidents (300 orders) and each unit's duty officer presses 接令; at three
tenths a red alert goes to all 500 units and each duty officer presses 收到; at half
the window a roll-call of every unit is answered 到 by all three members of each.

The fake Bot API runs in a process of its own with Telegram's limits. Printed: per
kind of event the p50/p99 latency (a report: message → its receipt; a press: press →
answerCallbackQuery), the bot's CPU and peak memory, 429s, updates lost (handed to
the bot and not recorded as handled) and messages sent twice.
Targets (#22): every kind p99 ≤ 1 s, 0 lost, 0 sent twice, 0 × 429, peak RSS ≤ 400 MB.

Run: .venv/bin/python bench/storm.py [--minutes 10] [--scale 1.0] [--database URL]
(`--scale 0.1 --minutes 1` is a quick look: a tenth of every count in one minute.)
"""
from __future__ import annotations

import argparse
import asyncio
import math
import random
import re
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, select  # noqa: E402

from bot.app import Liandong  # noqa: E402
from config.organisation import Organisation  # noqa: E402
from config.schema import IntakeLimits, OrganisationFile  # noqa: E402
from config.settings import Settings  # noqa: E402
from core.clock import SystemClock  # noqa: E402
from storage.models import InboundEvent  # noqa: E402
from bench.database import add_database_option, backend_name, bench_database  # noqa: E402
from bench.profiling import add_profile_option, profiled  # noqa: E402
from bench.remote_telegram import RemoteFakeTelegram  # noqa: E402
from bench.rollcall import _child_cpu_seconds, _cpu_seconds, rss_mb  # noqa: E402
from bench.waiting import wait_for  # noqa: E402
from bot import event_loop  # noqa: E402

CENTRE, COMMANDER = -100, 1
FIRST_REPORTING_GROUP, FIRST_UNIT_GROUP = -1_000, -10_000
FIRST_REPORTER = 5_000_000
MEMBERS = 3  # per unit: the duty officer and two others
UNITS_PER_ORDER = 6
INCIDENT_ID = re.compile(r"\d{8}-\d{4}")

PLACES = ["人民路", "环山路", "石岛港", "青山村", "滨海大道", "东山镇", "西河村", "港西镇", "龙湾", "北关街"]
SITES = ["小学", "加油站", "仓库", "隧道口", "卫生院", "农贸市场", "化工厂", "居民楼", "码头", "水库"]
EVENTS = [("倒塌", "{n}人被困"), ("起火", "{n}人受伤"), ("山体滑坡", "{n}人被埋"), ("房屋开裂", "{n}人受伤"),
          ("燃气泄漏", "{n}人中毒")]


@dataclass(frozen=True)
class Sizes:
    reports: int
    people: int
    incidents: int
    units: int
    reporting_groups: int

    @classmethod
    def scaled(cls, scale: float, minutes: float) -> "Sizes":
        def at_least(n: int, low: int) -> int:
            return max(low, round(n * scale))
        reports = at_least(3000, 20)
        # Half the reports come in groups, at most five a minute in one: Telegram lets a
        # group have a message every 3 s, so the receipts' latency is the bot's, not the group's.
        groups = max(at_least(40, 2), math.ceil(reports / 2 / minutes / 5))
        return cls(reports=reports, people=at_least(2000, 10), incidents=at_least(50, 3),
                   units=at_least(500, UNITS_PER_ORDER), reporting_groups=groups)


def unit_group(u: int) -> int:
    return FIRST_UNIT_GROUP - u


def member_id(u: int, m: int) -> int:
    return 1_000_000 + u * 10 + m


def organisation(sizes: Sizes) -> Organisation:
    spec = OrganisationFile.model_validate({
        "organisation": {"name": "bench", "language": "zh", "timezone": "Asia/Shanghai"},
        "command_centre": {"channels": [{"telegram": str(CENTRE)}],
                           "members": [{"name": "指挥", "telegram": str(COMMANDER)}]},
        "reporting": {"channels": [{"telegram": str(FIRST_REPORTING_GROUP - g)}
                                   for g in range(sizes.reporting_groups)]},
        "units": [{
            "code": f"U{u:04d}", "name": f"单位{u}", "kind": "government",
            "channels": [{"telegram": str(unit_group(u))}],
            "members": [{"name": f"队员{u}-{m}", "telegram": str(member_id(u, m)),
                         "role": "duty_officer" if m == 0 else "member"} for m in range(MEMBERS)],
        } for u in range(sizes.units)],
    })
    # An evening like this is what the flood limits are for, but they would hold back the
    # very reports whose latency is measured here: lifted, as in bench/intake.py.
    unlimited = IntakeLimits(unregistered_per_hour=10_000, registered_per_hour=10_000,
                             conversation_per_minute=10_000)
    return Organisation(spec.model_copy(update={"intake_limits": unlimited}))


def reports(sizes: Sizes, window: float, rng: random.Random) -> list[dict]:
    """The evening's messages: incident k is reported by many people, its figures growing."""
    incidents = [(f"{PLACES[k % len(PLACES)]}{SITES[k // len(PLACES) % len(SITES)]}", *EVENTS[k % len(EVENTS)])
                 for k in range(sizes.incidents)]
    weights = [1 / (k + 1) for k in range(sizes.incidents)]  # a few incidents get most of the reports
    messages = []
    for i in range(sizes.reports):
        place, event, casualties = rng.choices(incidents, weights)[0]
        person = rng.randrange(sizes.people)
        text = f"{place}{event}，" + casualties.format(n=rng.randint(1, 9))
        # Half the people write to the bot privately, half in the groups.
        chat = FIRST_REPORTER + person if person % 2 else FIRST_REPORTING_GROUP - person % sizes.reporting_groups
        messages.append({"chat_id": chat,
                         "user_id": FIRST_REPORTER + person, "first_name": f"群众{person}", "text": text,
                         "at": i * window / sizes.reports})
    # the first report of each incident comes early, so the centre has something to dispatch
    for k, (place, event, casualties) in enumerate(incidents):
        messages[k * 2]["text"] = f"{place}{event}，" + casualties.format(n=2)
    return messages


def _button(message: dict, label: str) -> str | None:
    for row in (message.get("reply_markup") or {}).get("inline_keyboard", []):
        for button in row:
            if button["text"] == label:
                return button["callback_data"]
    return None


def _percentiles(values: list[float]) -> str:
    if not values:
        return "no data"
    ordered = sorted(values)
    p99 = ordered[max(0, int(len(ordered) * 0.99) - 1)]
    return f"p50 {statistics.median(ordered) * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms (n={len(ordered)})"


async def main(minutes: float, scale: float, database: str | None) -> None:
    sizes = Sizes.scaled(scale, minutes)
    window = minutes * 60
    rng = random.Random(2026)
    org = organisation(sizes)
    async with RemoteFakeTelegram() as fake, bench_database(database, "storm") as database_url:
        settings = Settings.of(database_url=database_url, telegram_token=fake.token,
                               telegram_api_url=fake.root_url, http_port=0, console=False)
        app = Liandong(settings, org, clock=SystemClock(), http=False)
        await app.start()
        try:
            cpu_before, fake_cpu_before = _cpu_seconds(), _child_cpu_seconds(fake.process.pid)
            started = time.monotonic()
            evening = reports(sizes, window, rng)
            await fake.post("inject_messages", messages=evening)
            print(f"{sizes.reports} reports from {sizes.people} people in {window:.0f} s; "
                  f"{sizes.units} units; {sizes.incidents} incidents…", flush=True)
            presses, commands = await _storm(fake, sizes, window, started, rng)

            async def all_answered() -> bool:
                stats = await fake.get("stats")
                return stats["answered"] >= presses and stats["replies"]["answered"] >= sizes.reports
            await asyncio.sleep(max(0.0, started + window - time.monotonic()))
            try:
                await wait_for(all_answered, 120, every=2)
            except TimeoutError:  # the figures say what is missing
                print("not everything was answered within 2 minutes of the window's end", flush=True)
            await asyncio.sleep(5)  # anything sent twice shows by now
            elapsed = time.monotonic() - started
            cpu = _cpu_seconds() - cpu_before
            fake_cpu = _child_cpu_seconds(fake.process.pid) - fake_cpu_before
            stats = await fake.get("stats")
            async with app.db.transaction() as session:
                handled = await session.scalar(select(func.count()).select_from(InboundEvent)
                                               .where(InboundEvent.platform == "telegram"))
        finally:
            await app.stop()
    injected = stats["messages_injected"] + stats["injected"] + commands
    print(f"reports: message → receipt {_percentiles(stats['replies']['latencies'])}; "
          f"{stats['replies']['answered']} of {stats['messages_injected']} answered")
    print(_by_minute(stats["replies"]))
    for kind, values in sorted(stats["latencies_by_kind"].items()):
        print(f"{kind}: press → answer {_percentiles(values)}")
    print(f"updates handed to the bot {injected}, recorded as handled {handled}: "
          f"lost {max(0, injected - handled)} (target 0)")
    print(f"sent twice: {stats['replies']['twice']} replies (target 0)")
    print(f"429s: {stats['count_429']} (target 0)")
    print(f"bot CPU: {cpu:.1f} s in {elapsed:.0f} s ({cpu / elapsed:.0%} of one core; "
          f"the fake Telegram {fake_cpu / elapsed:.0%})")
    print(f"peak RSS of the bot: {rss_mb():.0f} MB (target ≤ 400 MB)")


def _by_minute(replies: dict) -> str:
    """The receipts' p99 by minute of the window: when the slow ones came."""
    if not replies["latencies"]:
        return "  (no receipts)"
    start = min(replies["injected_at"])
    minutes: dict[int, list[float]] = {}
    for at, latency in zip(replies["injected_at"], replies["latencies"]):
        minutes.setdefault(int((at - start) // 60), []).append(latency)
    slowest = sorted(zip(replies["latencies"], replies["injected_at"], replies["chats"]), reverse=True)[:5]
    return ("  receipt p99 by minute: " + ", ".join(
        f"{m}: {sorted(v)[max(0, int(len(v) * 0.99) - 1)] * 1000:.0f} ms" for m, v in sorted(minutes.items()))
        + "\n  slowest: " + ", ".join(f"{latency:.1f} s at {at - start:.0f} s in chat {chat}"
                                      for latency, at, chat in slowest))


async def _storm(fake: RemoteFakeTelegram, sizes: Sizes, window: float, started: float,
                 rng: random.Random) -> tuple[int, int]:
    """Orders, the alert and the roll-call at their moments in the window; the presses and
    the centre's commands injected."""
    presses = 0
    await _at(started + window * 0.1)
    incident_ids = await _registered_incidents(fake, sizes.incidents)
    for k, incident_id in enumerate(incident_ids):
        units = [(k * UNITS_PER_ORDER + i) % sizes.units for i in range(UNITS_PER_ORDER)]
        await fake.post("inject_message", chat_id=CENTRE, user_id=COMMANDER,
                        text=f"/dispatch {incident_id} " + " ".join(f"U{u:04d}" for u in units))
    orders = await _unit_messages(fake, "接令", len(incident_ids) * UNITS_PER_ORDER)
    presses += await _press(fake, orders, "order", [0], window * 0.2, rng)

    await _at(started + window * 0.3)
    await fake.post("inject_message", chat_id=CENTRE, user_id=COMMANDER,
                    text="/broadcast red to:all 强余震预警：请立即组织人员撤离危房，远离山体。")
    preview = await wait_for(lambda: _centre_message_with(fake, "发送"), 30, every=0.5)
    await fake.post("inject_callbacks", kind="alert send", spread_seconds=0, presses=[
        {"chat_id": CENTRE, "user_id": COMMANDER, "message_id": preview["message_id"],
         "data": _button(preview, "发送")}])
    presses += 1
    alerts = await _unit_messages(fake, "收到", sizes.units)
    presses += await _press(fake, alerts, "alert confirm", [0], window * 0.2, rng)

    await _at(started + window * 0.5)
    await fake.post("inject_message", chat_id=CENTRE, user_id=COMMANDER,
                    text="/rollcall all answer:all deadline:30m")
    rollcalls = await _unit_messages(fake, "到", sizes.units)
    presses += await _press(fake, rollcalls, "roll-call answer", list(range(MEMBERS)), window * 0.3, rng)
    return presses, len(incident_ids) + 2


async def _at(moment: float) -> None:
    await asyncio.sleep(max(0.0, moment - time.monotonic()))


async def _registered_incidents(fake: RemoteFakeTelegram, wanted: int) -> list[str]:
    """Incident ids from the receipts sent so far, first registered first."""
    async def enough() -> list[str] | None:
        ids: list[str] = []
        for message in await fake.get("sent"):  # early in the window: still a short list
            chat = message["chat"]["id"]
            is_receipt = chat >= FIRST_REPORTER or FIRST_UNIT_GROUP < chat <= FIRST_REPORTING_GROUP
            if is_receipt and (found := INCIDENT_ID.search(message["text"])):
                if found.group(0) not in ids:
                    ids.append(found.group(0))
        return ids[:wanted] if len(ids) >= wanted else None
    return await wait_for(enough, 120, every=1)


async def _centre_message_with(fake: RemoteFakeTelegram, label: str) -> dict | None:
    return next(iter(await fake.get("sent", chat_id=CENTRE, button=label)), None)


async def _unit_messages(fake: RemoteFakeTelegram, label: str, count: int) -> list[dict]:
    """The unit groups' messages that carry a `label` button, once `count` of them arrived."""
    async def arrived() -> list[dict] | None:
        found = await fake.get("sent", chat_max=FIRST_UNIT_GROUP, button=label)
        return found if len(found) >= count else None
    return await wait_for(arrived, count / 20 + 120, every=1)


async def _press(fake: RemoteFakeTelegram, messages: list[dict], kind: str, members: list[int],
                 spread: float, rng: random.Random) -> int:
    labels = {"order": "接令", "alert confirm": "收到", "roll-call answer": "到"}
    presses = [{"chat_id": m["chat"]["id"], "user_id": member_id(FIRST_UNIT_GROUP - m["chat"]["id"], member),
                "message_id": m["message_id"], "data": _button(m, labels[kind])}
               for m in messages for member in members]
    rng.shuffle(presses)
    await fake.post("inject_callbacks", kind=kind, presses=presses, spread_seconds=spread)
    return len(presses)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=10.0, help="the storm's window")
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every count (reports, units, …)")
    add_database_option(parser)
    add_profile_option(parser)
    args = parser.parse_args()
    print(f"database: {backend_name(args.database)}, event loop: {event_loop.name()}")
    with profiled(args.profile):
        event_loop.run(main(args.minutes, args.scale, args.database))
