"""The fake Slack speaks what the real libraries expect.

The Web API half is driven by slack-sdk's AsyncWebClient, the sender half by a
slack-bolt AsyncApp mounted in an aiohttp application on 127.0.0.1, the way the
bot's own HTTP server will mount it.
"""
from __future__ import annotations

import asyncio
import time
from typing import Any, AsyncIterator

import aiohttp
import pytest
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.signature import SignatureVerifier
from slack_sdk.webhook.async_client import AsyncWebhookClient
from slack_sdk.web.async_client import AsyncWebClient

from tests.fakes.slack_api import (
    BOT_ID,
    BOT_USER_ID,
    DEFAULT_SIGNING_SECRET,
    TEAM_ID,
    FakeChannel,
    FakeSlackAPI,
    FakeUser,
    SlackEventSender,
    Signing,
    message_event,
    new_trigger_id,
    sign_request,
    validate_blocks,
)

SECRET = DEFAULT_SIGNING_SECRET


class ManualClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def section(text: str, block_id: str | None = None) -> dict[str, Any]:
    block: dict[str, Any] = {"type": "section", "text": {"type": "mrkdwn", "text": text}}
    if block_id:
        block["block_id"] = block_id
    return block


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlackAPI]:
    async with FakeSlackAPI() as api:
        yield api


@pytest.fixture
def client(fake: FakeSlackAPI) -> AsyncWebClient:
    return AsyncWebClient(token=fake.bot_token, base_url=fake.base_url)


# ---------------------------------------------------------------------------
# Web API through slack-sdk


async def test_auth_test_returns_bot_identity_and_scopes(client: AsyncWebClient) -> None:
    resp = await client.auth_test()
    assert (resp["team_id"], resp["user_id"], resp["bot_id"]) == (TEAM_ID, BOT_USER_ID, BOT_ID)
    assert "chat:write" in resp.headers["x-oauth-scopes"]


async def test_post_update_and_thread_appear_in_messages(fake: FakeSlackAPI, client: AsyncWebClient) -> None:
    blocks = [section("*Fire* at the chemical plant", "b1")]
    first = await client.chat_postMessage(channel="C1", text="fire", blocks=blocks)
    assert first["ok"] and first["channel"] == "C1" and first["message"]["blocks"] == blocks
    reply = await client.chat_postMessage(channel="C1", text="on our way", thread_ts=first["ts"])
    assert float(reply["ts"]) > float(first["ts"])

    updated = await client.chat_update(channel="C1", ts=first["ts"], text="fire (acknowledged)")
    assert updated["ts"] == first["ts"]

    parent, child = fake.messages("C1")
    assert parent["text"] == "fire (acknowledged)" and parent["blocks"] == blocks and "edited" in parent
    assert parent["reply_count"] == 1
    assert child["thread_ts"] == first["ts"] and child["bot_id"] == BOT_ID
    assert [r.method for r in fake.requests] == ["chat.postMessage", "chat.postMessage", "chat.update"]
    assert fake.requests[0].body_format == "json" and fake.requests[0].params["channel"] == "C1"


async def test_update_of_unknown_message_fails(client: AsyncWebClient) -> None:
    with pytest.raises(SlackApiError) as err:
        await client.chat_update(channel="C1", ts="1700000000.999999", text="x")
    assert err.value.response["error"] == "message_not_found"


@pytest.mark.filterwarnings("ignore:The top-level `text` argument is missing")
@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"channel": "", "text": "x"}, "channel_not_found"),
        ({"channel": "CUNKNOWN", "text": "x"}, "channel_not_found"),
        ({"channel": "COLD", "text": "x"}, "is_archived"),
        ({"channel": "C1"}, "no_text"),
        ({"channel": "C1", "text": "x" * 40_001}, "msg_too_long"),
        ({"channel": "C1", "text": "x", "blocks": [section("y" * 3001)]}, "invalid_blocks"),
        ({"channel": "C1", "text": "x", "blocks": [section("y")] * 51}, "invalid_blocks"),
        ({"channel": "C1", "text": "x", "blocks": [{"text": "no type"}]}, "invalid_blocks"),
    ],
)
async def test_post_message_validation(kwargs: dict[str, Any], error: str) -> None:
    async with FakeSlackAPI(channels=["C1", FakeChannel("COLD", is_archived=True)]) as fake:
        client = AsyncWebClient(token=fake.bot_token, base_url=fake.base_url)
        with pytest.raises(SlackApiError) as err:
            await client.chat_postMessage(**kwargs)
        assert err.value.response.status_code == 200
        assert err.value.response["error"] == error
        assert fake.messages("C1") == [] and fake.requests[-1].outcome == error


def test_validate_blocks_reports_json_pointers() -> None:
    assert validate_blocks([section("ok")]) == []
    errors = validate_blocks([{"type": "header", "text": {"type": "plain_text", "text": "h" * 151}}])
    assert errors == ["must be less than 151 characters [json-pointer:/blocks/0/text/text]"]


async def test_form_encoded_token_and_auth_errors(fake: FakeSlackAPI) -> None:
    async with aiohttp.ClientSession() as http:
        async with http.post(fake.base_url + "chat.postMessage",
                             data={"token": fake.bot_token, "channel": "C1", "text": "form",
                                   "blocks": '[{"type": "divider"}]'}) as resp:
            body = await resp.json()
    assert body["ok"] is True and fake.messages("C1")[0]["blocks"] == [{"type": "divider"}]
    assert fake.requests[-1].body_format == "form" and "token" not in fake.requests[-1].params

    with pytest.raises(SlackApiError) as err:
        await AsyncWebClient(token="xoxb-wrong", base_url=fake.base_url).auth_test()
    assert err.value.response.status_code == 200 and err.value.response["error"] == "invalid_auth"
    with pytest.raises(SlackApiError) as err:
        await AsyncWebClient(base_url=fake.base_url).auth_test()
    assert err.value.response["error"] == "not_authed"
    with pytest.raises(SlackApiError) as err:
        await AsyncWebClient(token=fake.bot_token, base_url=fake.base_url).api_call("pins.add", json={})
    assert err.value.response["error"] == "unknown_method"


async def test_channel_rate_limit_gives_429_with_retry_after_and_no_retry(
    fake: FakeSlackAPI, client: AsyncWebClient
) -> None:
    for i in range(3):  # the burst
        await client.chat_postMessage(channel="C1", text=f"m{i}")
    await client.chat_postMessage(channel="C2", text="other channel has its own bucket")
    with pytest.raises(SlackApiError) as err:
        await client.chat_postMessage(channel="C1", text="too fast")
    resp = err.value.response
    assert resp.status_code == 429 and resp["error"] == "ratelimited"
    assert int(resp.headers["Retry-After"]) == 1
    assert fake.count_429 == 1
    assert len(fake.calls("chat.postMessage")) == 5  # slack-sdk did not retry by itself
    assert len(fake.messages("C1")) == 3


async def test_rate_limit_retry_handler_honours_retry_after(fake: FakeSlackAPI) -> None:
    client = AsyncWebClient(token=fake.bot_token, base_url=fake.base_url,
                            retry_handlers=[AsyncRateLimitErrorRetryHandler(max_retry_count=2)])
    for i in range(4):
        await client.chat_postMessage(channel="C1", text=f"m{i}")
    assert fake.count_429 == 1 and len(fake.messages("C1")) == 4


async def test_tier_limit_per_method_and_limits_off() -> None:
    clock = ManualClock()
    async with FakeSlackAPI(tier_limits={"users.info": 2}, clock=clock) as fake:
        client = AsyncWebClient(token=fake.bot_token, base_url=fake.base_url)
        await client.users_info(user="U1")
        clock.now += 30
        await client.users_info(user="U1")
        with pytest.raises(SlackApiError) as err:
            await client.users_info(user="U1")
        assert err.value.response.status_code == 429
        assert err.value.response.headers["Retry-After"] == "30"
        clock.now += 30
        await client.users_info(user="U1")

        fake.limits = False
        for _ in range(5):
            await client.users_info(user="U1")
        assert fake.count_429 == 1


async def test_fail_next_502_records_nothing(fake: FakeSlackAPI, client: AsyncWebClient) -> None:
    fake.fail_next("chat.postMessage", status=502)
    with pytest.raises(SlackApiError) as err:
        await client.chat_postMessage(channel="C1", text="lost")
    assert err.value.response.status_code == 502
    assert fake.messages("C1") == [] and fake.requests[-1].outcome == "http_502"
    await client.chat_postMessage(channel="C1", text="second try")
    assert [m["text"] for m in fake.messages("C1")] == ["second try"]


async def test_fail_ratio_is_reproducible(fake: FakeSlackAPI) -> None:
    fake.limits = False
    client = AsyncWebClient(token=fake.bot_token, base_url=fake.base_url)

    async def outcomes() -> list[bool]:
        fake.fail_ratio("auth.test", 0.5, status=503, seed=7)
        results = []
        for _ in range(12):
            try:
                await client.auth_test()
                results.append(True)
            except SlackApiError as e:
                assert e.response.status_code == 503
                results.append(False)
        return results

    first, second = await outcomes(), await outcomes()
    assert first == second and True in first and False in first
    fake.fail_ratio("auth.test", 0)
    await client.auth_test()


async def test_drop_next_closes_connection(fake: FakeSlackAPI) -> None:
    no_retry = AsyncWebClient(token=fake.bot_token, base_url=fake.base_url, retry_handlers=[])
    fake.drop_next("chat.postMessage")
    with pytest.raises(aiohttp.ServerDisconnectedError):
        await no_retry.chat_postMessage(channel="C1", text="dropped")
    assert fake.messages("C1") == [] and fake.requests[-1].outcome == "dropped"

    # slack-sdk's default handlers retry a connection error once: with the answer
    # lost *after* Slack posted, that makes a duplicate.
    default = AsyncWebClient(token=fake.bot_token, base_url=fake.base_url)
    fake.drop_next("chat.postMessage", after_processing=True)
    await default.chat_postMessage(channel="C1", text="twice")
    assert [m["text"] for m in fake.messages("C1")] == ["twice", "twice"]


async def test_delay_next_slows_one_answer(fake: FakeSlackAPI, client: AsyncWebClient) -> None:
    fake.delay_next("auth.test", 0.3)
    started = time.monotonic()
    await client.auth_test()
    assert time.monotonic() - started >= 0.3
    started = time.monotonic()
    await client.auth_test()
    assert time.monotonic() - started < 0.3


async def test_response_url_replaces_deletes_and_posts(fake: FakeSlackAPI, client: AsyncWebClient) -> None:
    order = await client.chat_postMessage(channel="C1", text="order")
    sender = SlackEventSender(SECRET, "http://unused", response_url_base=fake.response_url_base)
    url = sender.response_url("actions", "C1", order["ts"])
    hook = AsyncWebhookClient(url)
    assert (await hook.send(text="order (accepted)", replace_original=True)).body == "ok"
    assert fake.messages("C1")[0]["text"] == "order (accepted)"
    assert (await hook.send(text="everyone sees this", response_type="in_channel")).status_code == 200
    assert (await hook.send(delete_original=True)).status_code == 200
    assert [m["text"] for m in fake.messages("C1")] == ["everyone sees this"]
    assert (await hook.send(text="only you")).status_code == 200
    assert fake.ephemerals[-1]["text"] == "only you"
    assert (await hook.send(text="fifth use")).body == "ok"
    assert (await hook.send(text="sixth use")).body == "used_url"  # Slack allows 5 uses
    assert len(fake.responses) == 5


async def test_ephemeral_users_and_conversations() -> None:
    async with FakeSlackAPI(
        channels=[FakeChannel("C1", name="command-centre", members=["U1", "U2", "U3"])],
        users=[FakeUser("U1", real_name="Wang Zhihui", display_name="王指挥")],
    ) as fake:
        client = AsyncWebClient(token=fake.bot_token, base_url=fake.base_url)
        resp = await client.chat_postEphemeral(channel="C1", user="U1", text="only you")
        assert fake.ephemerals[0]["message_ts"] == resp["message_ts"] and fake.ephemerals[0]["user"] == "U1"
        with pytest.raises(SlackApiError, match="user_not_in_channel"):
            await client.chat_postEphemeral(channel="C1", user="U9", text="x")

        profile = (await client.users_info(user="U1"))["user"]["profile"]
        assert (profile["real_name"], profile["display_name"]) == ("Wang Zhihui", "王指挥")
        with pytest.raises(SlackApiError, match="user_not_found"):
            await client.users_info(user="U404")

        assert (await client.conversations_info(channel="C1"))["channel"]["name"] == "command-centre"
        members = [m async for page in await client.conversations_members(channel="C1", limit=2)
                   for m in page["members"]]
        assert members == ["U1", "U2", "U3"]


async def test_views_open_checks_trigger_ids(fake: FakeSlackAPI, client: AsyncWebClient) -> None:
    view = {"type": "modal", "callback_id": "dispatch", "title": {"type": "plain_text", "text": "Dispatch"},
            "blocks": [section("Pick units")]}
    trigger = new_trigger_id()
    opened = (await client.views_open(trigger_id=trigger, view=view))["view"]
    assert opened["id"].startswith("V") and fake.views_opened[0]["callback_id"] == "dispatch"

    for bad_trigger, error in [(trigger, "exchanged_trigger_id"),
                               (new_trigger_id(time.time() - 10), "expired_trigger_id"),
                               ("12345.67890.abcdef", "invalid_trigger_id")]:
        with pytest.raises(SlackApiError) as err:
            await client.views_open(trigger_id=bad_trigger, view=view)
        assert err.value.response["error"] == error

    too_long_title = {**view, "title": {"type": "plain_text", "text": "x" * 25}}
    with pytest.raises(SlackApiError, match="invalid_arguments"):
        await client.views_open(trigger_id=new_trigger_id(), view=too_long_title)

    updated = await client.views_update(view_id=opened["id"], hash=opened["hash"],
                                        view={**view, "blocks": [section("Done")]})
    assert fake.views[opened["id"]]["blocks"][0]["text"]["text"] == "Done"
    with pytest.raises(SlackApiError, match="hash_conflict"):
        await client.views_update(view_id=opened["id"], hash=opened["hash"], view=view)
    assert updated["view"]["id"] == opened["id"]


async def test_file_upload_v2_flow(fake: FakeSlackAPI, client: AsyncWebClient) -> None:
    resp = await client.files_upload_v2(channel="C1", content="incident log", filename="log.txt",
                                        title="Log", initial_comment="after-action review")
    assert resp["file"]["title"] == "Log"
    assert fake.files[0]["content"] == b"incident log" and fake.files[0]["channels"] == ["C1"]
    shared = fake.messages("C1")[0]
    assert shared["text"] == "after-action review" and shared["files"][0]["id"] == resp["file"]["id"]


def test_signature_matches_slack_sdk_verifier() -> None:
    ts, body = int(time.time()), '{"type":"event_callback"}'
    verifier = SignatureVerifier(SECRET)
    assert verifier.is_valid(body, str(ts), sign_request(SECRET, ts, body))
    assert not verifier.is_valid(body, str(ts), sign_request("other", ts, body))


# ---------------------------------------------------------------------------
# A Bolt app receiving what the sender sends


class BoltHarness:
    """An AsyncApp mounted on an aiohttp app (as bot/http.py will mount it) plus
    queues that its listeners fill."""

    def __init__(self, fake: FakeSlackAPI) -> None:
        self.client = AsyncWebClient(token=fake.bot_token, base_url=fake.base_url)
        self.app = AsyncApp(signing_secret=SECRET, client=self.client)
        self.seen: asyncio.Queue[tuple[str, dict[str, Any]]] = asyncio.Queue()
        self.runner: web.AppRunner | None = None
        self.url = ""

        @self.app.event("message")
        async def on_message(event: dict[str, Any], request: AsyncBoltRequest) -> None:
            retry = request.headers.get("x-slack-retry-num", [None])[0]
            await self.seen.put(("message", {**event, "_retry_num": retry}))

        @self.app.command("/report")
        async def on_report(ack: Any, command: dict[str, Any], respond: Any) -> None:
            await ack(f"Received: {command['text']}")
            await respond(text="Incident registered", response_type="ephemeral")
            await self.seen.put(("command", command))

        @self.app.action("dispatch_ack")
        async def on_ack_button(ack: Any, body: dict[str, Any], client: AsyncWebClient) -> None:
            await ack()
            await client.chat_update(channel=body["channel"]["id"], ts=body["container"]["message_ts"],
                                     text=f"acknowledged by {body['user']['id']}")
            await client.views_open(trigger_id=body["trigger_id"], view={
                "type": "modal", "callback_id": "details", "private_metadata": "order-7",
                "title": {"type": "plain_text", "text": "Details"},
                "blocks": [{"type": "input", "block_id": "eta", "label": {"type": "plain_text", "text": "ETA"},
                            "element": {"type": "plain_text_input", "action_id": "minutes"}}]})
            await self.seen.put(("action", body))

        @self.app.view("details")
        async def on_details(ack: Any, view: dict[str, Any]) -> None:
            await ack()
            await self.seen.put(("view", view))

    async def start(self) -> None:
        async def slack_events(request: web.Request) -> web.Response:
            bolt_response = await self.app.async_dispatch(await to_bolt_request(request))
            return await to_aiohttp_response(bolt_response)

        web_app = web.Application()
        web_app.router.add_post("/slack/events", slack_events)
        self.runner = web.AppRunner(web_app, access_log=None)
        await self.runner.setup()
        await web.TCPSite(self.runner, "127.0.0.1", 0).start()
        self.url = f"http://127.0.0.1:{self.runner.addresses[0][1]}/slack/events"

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()

    async def next_seen(self) -> tuple[str, dict[str, Any]]:
        return await asyncio.wait_for(self.seen.get(), 2)


@pytest.fixture
async def bolt(fake: FakeSlackAPI) -> AsyncIterator[BoltHarness]:
    harness = BoltHarness(fake)
    await harness.start()
    yield harness
    await harness.stop()


@pytest.fixture
async def sender(fake: FakeSlackAPI, bolt: BoltHarness) -> AsyncIterator[SlackEventSender]:
    async with SlackEventSender(SECRET, bolt.url, response_url_base=fake.response_url_base) as s:
        yield s


async def test_bolt_receives_signed_message_event(fake: FakeSlackAPI, bolt: BoltHarness,
                                                  sender: SlackEventSender) -> None:
    reply = await sender.send_event(message_event("C0REP", "U1001", "人民路化工厂起火，3人受伤"))
    assert reply.status == 200
    kind, event = await bolt.next_seen()
    assert kind == "message" and event["text"] == "人民路化工厂起火，3人受伤" and event["_retry_num"] is None
    assert fake.calls("auth.test")  # Bolt authorised the request lazily, via the fake

    retry = await sender.retry(reply, retry_num=1, retry_reason="http_timeout")
    assert retry.status == 200 and retry.payload["event_id"] == reply.payload["event_id"]
    assert (await bolt.next_seen())[1]["_retry_num"] == "1"

    # The bot's own message (bot_id/user of the bot) is dropped by Bolt's middleware.
    await sender.send_event(message_event("C0REP", BOT_USER_ID, "echo", bot_id=BOT_ID))
    await sender.send_event(message_event("C0REP", "U1001", "next"))
    assert (await bolt.next_seen())[1]["text"] == "next"


@pytest.mark.parametrize("sign", [Signing.WRONG, Signing.MISSING, Signing.STALE])
async def test_bolt_rejects_bad_signatures(bolt: BoltHarness, sender: SlackEventSender, sign: Signing) -> None:
    reply = await sender.send_event(message_event("C0REP", "U1001", "forged"), sign=sign)
    assert reply.status == 401
    command = await sender.send_command("/report", "forged", sign=sign)
    assert command.status == 401
    assert bolt.seen.empty()


async def test_bolt_answers_url_verification(sender: SlackEventSender) -> None:
    reply = await sender.send_url_verification("challenge-123")
    assert reply.status == 200 and reply.json() == {"challenge": "challenge-123"}


async def test_bolt_command_ack_is_the_http_response(fake: FakeSlackAPI, bolt: BoltHarness,
                                                     sender: SlackEventSender) -> None:
    reply = await sender.send_command("/report", "人民路化工厂起火", user_id="U1001", channel_id="C0REP")
    assert reply.status == 200 and reply.body == "Received: 人民路化工厂起火"
    kind, command = await bolt.next_seen()
    assert kind == "command" and command["user_id"] == "U1001" and command["channel_id"] == "C0REP"
    assert command["trigger_id"] and command["response_url"].startswith(fake.response_url_base)
    assert fake.ephemerals[-1]["text"] == "Incident registered" and fake.ephemerals[-1]["source"] == "response_url"


async def test_bolt_action_then_modal_submission(fake: FakeSlackAPI, bolt: BoltHarness,
                                                 sender: SlackEventSender) -> None:
    client = AsyncWebClient(token=fake.bot_token, base_url=fake.base_url)
    order = await client.chat_postMessage(channel="C0FIRE", text="Dispatch order", blocks=[
        section("Dispatch order #7"),
        {"type": "actions", "block_id": "order-7", "elements": [
            {"type": "button", "action_id": "dispatch_ack", "value": "tok-abc",
             "text": {"type": "plain_text", "text": "接令"}}]}])

    reply = await sender.send_action("U2002", "C0FIRE", order["ts"], "dispatch_ack",
                                     message=fake.message("C0FIRE", order["ts"]))
    assert reply.status == 200 and reply.body == ""
    kind, body = await bolt.next_seen()
    assert kind == "action" and body["actions"][0]["value"] == "tok-abc"
    assert body["actions"][0]["block_id"] == "order-7"
    assert fake.messages("C0FIRE")[0]["text"] == "acknowledged by U2002"

    modal = fake.views_opened[-1]
    reply = await sender.send_view_submission(
        "U2002", state_values={"eta": {"minutes": {"type": "plain_text_input", "value": "15"}}}, view=modal)
    assert reply.status == 200
    kind, view = await bolt.next_seen()
    assert kind == "view" and view["private_metadata"] == "order-7"
    assert view["state"]["values"]["eta"]["minutes"]["value"] == "15"


async def test_bolt_swallows_requests_while_auth_test_fails(fake: FakeSlackAPI, bolt: BoltHarness,
                                                            sender: SlackEventSender) -> None:
    """Bolt calls auth.test on its first request; if that fails it answers 200
    with an apology and the listener never runs (and Slack will not retry)."""
    fake.fail_next("auth.test", status=503)
    reply = await sender.send_event(message_event("C0REP", "U1001", "lost"))
    assert reply.status == 200 and "reinstall" in reply.body
    await sender.send_event(message_event("C0REP", "U1001", "kept"))
    assert (await bolt.next_seen())[1]["text"] == "kept"
    assert len(fake.calls("auth.test")) == 2
