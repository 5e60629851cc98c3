"""The fake Bot API server in a process of its own, for benchmarks.

In the bot's own process the fake would compete with the bot for the event
loop and the GIL and inflate every latency; Telegram is elsewhere, and so is
this. The parent drives it through a small control API on the same port:

    async with RemoteFakeTelegram() as fake:
        settings = Settings.of(telegram_token=fake.token, telegram_api_url=fake.root_url, ...)
        await fake.post("inject_message", chat_id=-100, user_id=1, text="...")

Run as a script it is the child: `python bench/remote_telegram.py PORT_FILE`.
"""
from __future__ import annotations

import asyncio
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.fakes.telegram_api import FakeTelegramAPI  # noqa: E402


class RemoteFakeTelegram:
    """The parent's handle on the child process."""

    async def __aenter__(self) -> "RemoteFakeTelegram":
        self._dir = tempfile.TemporaryDirectory()
        port_file = Path(self._dir.name) / "port"
        self.process = await asyncio.create_subprocess_exec(sys.executable, __file__, str(port_file))
        for _ in range(200):
            if port_file.exists() and port_file.read_text().strip():
                break
            await asyncio.sleep(0.05)
        info = json.loads(port_file.read_text())
        self.root_url, self.token, self.control = info["root_url"], info["token"], info["control"]
        self.http = aiohttp.ClientSession()
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.http.close()
        self.process.terminate()
        await self.process.wait()
        self._dir.cleanup()

    async def get(self, what: str, **params: Any) -> Any:
        async with self.http.get(f"{self.control}/{what}", params=params) as response:
            return await response.json()

    async def post(self, what: str, **body: Any) -> Any:
        async with self.http.post(f"{self.control}/{what}", json=body) as response:
            return await response.json()


# -- the child ------------------------------------------------------------------


def _first_replies(fake: FakeTelegramAPI, injected: dict[tuple[int, int], float]) -> dict[str, Any]:
    """For injected messages: seconds to the bot's first reply that Telegram took (the
    chat's log, so a send refused with 429 does not count), and how many replies
    repeated an earlier reply's text to the same message (a message sent twice)."""
    first: dict[tuple[int, int], float] = {}
    seen: set[tuple[int, int, str]] = set()
    twice = 0
    for chat in {chat for chat, _ in injected}:
        for entry in fake.chat_log(chat):
            target = (entry.message.get("reply_to_message") or {}).get("message_id")
            if entry.action not in ("send", "send_document") or target is None or (chat, target) not in injected:
                continue
            first.setdefault((chat, target), entry.timestamp)
            text = str(entry.message.get("text") or entry.message.get("caption"))
            twice += (chat, target, text) in seen
            seen.add((chat, target, text))
    return {"latencies": [t - injected[key] for key, t in first.items()], "answered": len(first), "twice": twice,
            "injected_at": [injected[key] for key in first], "chats": [chat for chat, _ in first]}


async def serve(port_file: Path) -> None:
    fake = FakeTelegramAPI()
    await fake.start()
    injected: dict[str, float] = {}
    kinds: dict[str, str] = {}  # query id -> the caller's label for the press
    messages_injected: dict[tuple[int, int], float] = {}  # (chat, message id) -> when it was sent

    async def inject_message(request: web.Request) -> web.Response:
        body = await request.json()
        fake.inject_message(body["chat_id"], body["user_id"], body.get("text"))
        return web.json_response({"ok": True})

    async def inject_messages(request: web.Request) -> web.Response:
        """Messages each at its own offset `at` (seconds from now), timed here, where they happen."""
        messages = sorted((await request.json())["messages"], key=lambda m: m["at"])

        async def send_all() -> None:
            started = time.monotonic()
            for m in messages:
                delay = started + m["at"] - time.monotonic()
                if delay > 0:
                    await asyncio.sleep(delay)
                update = fake.inject_message(m["chat_id"], m["user_id"], m["text"],
                                             first_name=m.get("first_name", "Tester"))
                messages_injected[(m["chat_id"], update["message"]["message_id"])] = time.monotonic()

        asyncio.get_running_loop().create_task(send_all())
        return web.json_response({"ok": True})

    async def inject_callbacks(request: web.Request) -> web.Response:
        """Press buttons spread evenly over `spread_seconds`, timed here, where they happen."""
        body = await request.json()
        presses, spread = body["presses"], float(body.get("spread_seconds", 1.0))
        kind = body.get("kind", "press")

        async def press_all() -> None:
            started = time.monotonic()
            for i, press in enumerate(presses):
                delay = started + i * spread / len(presses) - time.monotonic()
                if delay > 0:
                    await asyncio.sleep(delay)
                query_id = fake.inject_callback_query(press["chat_id"], press["user_id"],
                                                      press["message_id"], press["data"])
                injected[query_id] = time.monotonic()
                kinds[query_id] = kind

        asyncio.get_running_loop().create_task(press_all())
        return web.json_response({"ok": True})

    pushing: dict[str, Any] = {"session": None, "next": 0}

    async def push(update: dict[str, Any], body: dict[str, Any]) -> None:
        """POST an update to the webhook, as Telegram does (with its secret header)."""
        if pushing["session"] is None:
            pushing["session"] = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=256))
        async with pushing["session"].post(body["webhook_url"], json=update, headers={
                "X-Telegram-Bot-Api-Secret-Token": body["secret"]}) as response:
            await response.read()

    async def push_message(request: web.Request) -> web.Response:
        """Webhook mode: a message posted to the bot (inject_message is for getUpdates)."""
        body = await request.json()
        update = fake.build_message_update(body["chat_id"], body["user_id"], body.get("text"))
        await push(update, body)
        return web.json_response({"ok": True})

    async def push_callbacks(request: web.Request) -> web.Response:
        """Webhook mode: presses posted to the bot, spread over `spread_seconds`, timed here."""
        body = await request.json()
        presses, spread = body["presses"], float(body.get("spread_seconds", 1.0))
        kind = body.get("kind", "press")

        async def press_all() -> None:
            started = time.monotonic()
            posts = []
            for i, press in enumerate(presses):
                delay = started + i * spread / len(presses) - time.monotonic()
                if delay > 0:
                    await asyncio.sleep(delay)
                update = fake.build_callback_query_update(press["chat_id"], press["user_id"],
                                                          press["message_id"], press["data"])
                query_id = str(update["callback_query"]["id"])
                injected[query_id] = time.monotonic()
                kinds[query_id] = kind
                posts.append(asyncio.ensure_future(push(update, body)))
            await asyncio.gather(*posts, return_exceptions=True)

        asyncio.get_running_loop().create_task(press_all())
        return web.json_response({"ok": True})

    async def sent(request: web.Request) -> web.Response:
        """The bot's messages; `chat_id`, or `chat_max` (chats with ids up to it) and
        `button` (messages with a button of that text) keep the answer small."""
        chat = request.query.get("chat_id")
        chat_max = int(request.query["chat_max"]) if "chat_max" in request.query else None
        label = request.query.get("button")

        def wanted(message: dict) -> bool:
            if chat_max is not None and message["chat"]["id"] > chat_max:
                return False
            return label is None or any(b["text"] == label for row in
                                        (message.get("reply_markup") or {}).get("inline_keyboard", [])
                                        for b in row)
        # Filtered before the fake copies them: copying every message of a storm on each
        # poll kept this server from answering the bot for a third of a second at a time.
        return web.json_response(fake.sent_messages(int(chat) if chat else None, keep=wanted))

    async def stats(request: web.Request) -> web.Response:
        answered = {r.params["callback_query_id"]: r.timestamp for r in fake.requests
                    if r.method == "answerCallbackQuery"}
        calls: dict[str, int] = {}
        for r in fake.requests:
            calls[r.method] = calls.get(r.method, 0) + 1
        edits_by_chat: dict[str, int] = {}
        for r in fake.requests:
            if r.method == "editMessageText":
                chat = str(r.params.get("chat_id"))
                edits_by_chat[chat] = edits_by_chat.get(chat, 0) + 1
        detail = {}
        if request.query.get("detail"):  # per press (injected, answered), for diagnosis
            detail = {q: [t, answered.get(q)] for q, t in injected.items()}
        by_kind: dict[str, list[float]] = {}
        for q, t in injected.items():
            if q in answered:
                by_kind.setdefault(kinds.get(q, "press"), []).append(answered[q] - t)
        return web.json_response({
            "latencies_by_kind": by_kind, "replies": _first_replies(fake, messages_injected),
            "messages_injected": len(messages_injected), "detail": detail, "count_429": fake.count_429, "calls": calls, "edits_by_chat": edits_by_chat,
            "latencies": [answered[q] - t for q, t in injected.items() if q in answered],
            "injected": len(injected), "answered": len(answered),
        })

    async def fail_ratio(request: web.Request) -> web.Response:
        """Fail a fraction of one method's calls (502 by default), as flaky networks do."""
        body = await request.json()
        fake.fail_ratio(body["method"], float(body["ratio"]), int(body.get("status", 502)))
        return web.json_response({"ok": True})

    control = web.Application()
    control.router.add_post("/inject_message", inject_message)
    control.router.add_post("/inject_callbacks", inject_callbacks)
    control.router.add_post("/inject_messages", inject_messages)
    control.router.add_post("/push_message", push_message)
    control.router.add_post("/push_callbacks", push_callbacks)
    control.router.add_post("/fail_ratio", fail_ratio)
    control.router.add_get("/sent", sent)
    control.router.add_get("/stats", stats)
    runner = web.AppRunner(control, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    control_port = runner.addresses[0][1]
    port_file.write_text(json.dumps({"root_url": fake.root_url, "token": fake.token,
                                     "control": f"http://127.0.0.1:{control_port}"}))
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(serve(Path(sys.argv[1])))
