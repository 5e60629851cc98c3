"""The fake Telegram Bot API speaks what python-telegram-bot expects.

Every test drives the fake with PTB itself (``telegram.Bot``, or an ``Application``
polling for updates), so a pass means PTB parses the fake's answers and maps its
errors to the exceptions the adapter will see.
"""
from __future__ import annotations

import asyncio
import datetime as dtm
import json
import time
from typing import AsyncIterator

import aiohttp
import pytest
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllGroupChats,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    Conflict,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
)
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from tests.fakes.telegram_api import (
    NOT_MODIFIED,
    FakeTelegramAPI,
    HTMLParseError,
    RateLimits,
    command_entities,
    make_chat,
    make_message,
    make_update,
    make_user,
    parse_html,
)

# PTB 22 warns that RetryAfter.retry_after will become a timedelta; seconds() takes both.
pytestmark = pytest.mark.filterwarnings("ignore:.*retry_after.*:DeprecationWarning")

ORDER_KEYBOARD = InlineKeyboardMarkup(
    [[InlineKeyboardButton("接令", callback_data="tok:ack"), InlineKeyboardButton("无法执行", callback_data="tok:no")]]
)


class ManualClock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def ptb_message(description: str) -> str:
    """What PTB makes of a "Bad Request: ..." description (prefix cut, capitalized)."""
    return description.removeprefix("Bad Request: ").capitalize()


def seconds(value: int | dtm.timedelta) -> float:
    return value.total_seconds() if isinstance(value, dtm.timedelta) else float(value)


def make_bot(fake: FakeTelegramAPI, token: str | None = None) -> Bot:
    return Bot(token or fake.token, base_url=fake.base_url, base_file_url=fake.base_file_url)


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegramAPI]:
    async with FakeTelegramAPI() as api:
        yield api


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
async def timed_fake(clock: ManualClock) -> AsyncIterator[FakeTelegramAPI]:
    async with FakeTelegramAPI(clock=clock) as api:
        yield api


@pytest.fixture
async def bot(fake: FakeTelegramAPI) -> AsyncIterator[Bot]:
    async with make_bot(fake) as b:
        yield b


# -- identity, tokens, unknown methods ---------------------------------------


async def test_get_me_names_the_bot_by_its_token(fake: FakeTelegramAPI, bot: Bot) -> None:
    me = await bot.get_me()
    assert me.id == int(fake.token.split(":")[0]) == bot.id
    assert me.is_bot and me.username == "liandong_test_bot" and bot.username == "liandong_test_bot"
    assert fake.base_url.startswith("http://127.0.0.1:") and fake.base_url.endswith("/bot")
    assert [r.method for r in fake.requests][-1] == "getMe"


async def test_wrong_token_raises_invalid_token(fake: FakeTelegramAPI) -> None:
    with pytest.raises(InvalidToken):
        await make_bot(fake, "999:not-the-token").get_me()
    with pytest.raises(InvalidToken):  # malformed: 404 Not Found, also InvalidToken
        await make_bot(fake, "garbage").get_me()


async def test_unknown_method_is_an_unknown_endpoint(bot: Bot) -> None:
    with pytest.raises(EndPointNotFound):
        await bot.do_api_request("launchRockets")


async def test_raw_http_shapes(fake: FakeTelegramAPI) -> None:
    """What a client that is not PTB sees: JSON, form and query parameters, error bodies."""
    async with aiohttp.ClientSession() as http:
        response = await http.post(fake.method_url("sendMessage"), json={"chat_id": 30, "text": "json"})
        body = await response.json()
        assert response.status == 200 and body["ok"] is True
        assert body["result"]["text"] == "json" and body["result"]["chat"] == {
            "id": 30, "type": "private", "first_name": "User 30",
        }
        response = await http.post(  # form values are strings; method names ignore case
            fake.method_url("sendmessage"),
            data={"chat_id": "30", "text": "form", "reply_markup": json.dumps(ORDER_KEYBOARD.to_dict())},
        )
        assert (await response.json())["result"]["reply_markup"] == ORDER_KEYBOARD.to_dict()
        response = await http.get(fake.method_url("getChat"), params={"chat_id": "30"})
        assert (await response.json())["result"]["id"] == 30

        response = await http.post(fake.method_url("launchRockets"))
        assert response.status == 404
        assert await response.json() == {"ok": False, "error_code": 404, "description": "Not Found"}
        response = await http.post(f"{fake.base_url}123:wrong/getMe")
        assert response.status == 401
        assert await response.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}

        fake.fail_next("sendMessage", 429, retry_after=3)
        response = await http.post(fake.method_url("sendMessage"), json={"chat_id": 30, "text": "x"})
        assert response.status == 429
        assert await response.json() == {
            "ok": False, "error_code": 429, "description": "Too Many Requests: retry after 3",
            "parameters": {"retry_after": 3},
        }
        fake.fail_next("*", 502)
        response = await http.post(fake.method_url("getMe"))
        assert response.status == 502 and response.content_type == "text/html"

        response = await http.post(fake.method_url("setWebhook"), json={"url": "https://x.example/hook"})
        assert await response.json() == {"ok": True, "result": True, "description": "Webhook was set"}
    assert [m["raw_text"] for m in fake.sent_messages(30)] == ["json", "form"]


# -- sending and editing --------------------------------------------------


async def test_html_message_with_keyboard_round_trips(fake: FakeTelegramAPI, bot: Bot) -> None:
    html = "<b>火警</b> 人民路 &amp; <i>3人受伤</i> <a href=\"https://example.org/i/1\">详情</a>"
    first = await bot.send_message(-1001, html, parse_mode=ParseMode.HTML, reply_markup=ORDER_KEYBOARD)
    second = await bot.send_message(-1001, "plain")

    assert (first.message_id, second.message_id) == (1, 2)
    assert first.text == "火警 人民路 & 3人受伤 详情"
    assert first.text_html == html
    assert first.chat.type == "supergroup" and first.chat.title
    assert first.from_user is not None and first.from_user.id == bot.id
    assert first.reply_markup == ORDER_KEYBOARD

    sent = fake.sent_messages(-1001)
    assert [m["message_id"] for m in sent] == [1, 2]
    assert sent[0]["raw_text"] == html and sent[0]["parse_mode"] == "HTML"
    assert sent[0]["reply_markup"] == ORDER_KEYBOARD.to_dict()
    assert [e["type"] for e in sent[0]["entities"]] == ["bold", "italic", "text_link"]
    assert fake.calls("sendMessage")[0]["chat_id"] == -1001  # form values decoded


async def test_private_chat_and_reply(fake: FakeTelegramAPI, bot: Bot) -> None:
    update = fake.inject_message(42, 42, "人民路化工厂起火", first_name="李四")
    reply = await bot.send_message(42, "已登记", reply_to_message_id=update["message"]["message_id"])
    assert reply.chat.type == "private" and reply.chat.first_name == "李四"
    assert reply.reply_to_message is not None and reply.reply_to_message.text == "人民路化工厂起火"
    with pytest.raises(BadRequest, match="Message to be replied not found"):
        await bot.send_message(42, "x", reply_to_message_id=999)


async def test_too_long_and_empty_texts_are_refused(fake: FakeTelegramAPI, bot: Bot) -> None:
    await bot.send_message(1, "字" * 4096)
    with pytest.raises(BadRequest, match="^Message is too long$"):
        await bot.send_message(1, "x" * 4097)
    with pytest.raises(BadRequest, match="^Message text is empty$"):
        await bot.send_message(1, "  ")
    with pytest.raises(BadRequest, match="^Message text is empty$"):
        await bot.send_message(1, "<b></b>", parse_mode="HTML")
    assert len(fake.sent_messages(1)) == 1


async def test_bad_html_is_refused_like_telegram(fake: FakeTelegramAPI, bot: Bot) -> None:
    with pytest.raises(BadRequest) as info:
        await bot.send_message(2, "<b>unclosed", parse_mode="HTML")
    assert str(info.value) == "Can't parse entities: can't find end tag corresponding to start tag \"b\""
    with pytest.raises(BadRequest, match='unsupported start tag "br" at byte offset 4'):
        await bot.send_message(2, "line<br>line", parse_mode="HTML")
    # The same text without a parse mode is fine.
    await bot.send_message(2, "<b>unclosed")
    assert [m["text"] for m in fake.sent_messages(2)] == ["<b>unclosed"]


@pytest.mark.parametrize(
    ("html", "reason"),
    [
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("a < b", 'Unsupported start tag "" at byte offset 2'),
        ("人<foo>", 'Unsupported start tag "foo" at byte offset 3'),
        ("<b", "Unclosed start tag at byte offset 0"),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        ("<a href>x</a>", 'Expected equal sign in declaration of an attribute of the tag "a" at byte offset 7'),
    ],
)
def test_html_parser_reasons(html: str, reason: str) -> None:
    with pytest.raises(HTMLParseError) as info:
        parse_html(html)
    assert str(info.value) == reason


def test_html_parser_entities_and_offsets() -> None:
    text, entities = parse_html(
        '😀<b>a<i>b</i></b> &lt;&#x4e2d;&gt; & <pre><code class="language-python">x=1</code></pre>'
        '<blockquote expandable>q</blockquote><a href="tg://user?id=5">u</a>'
    )
    assert text == "😀ab <中> & x=1qu"
    assert entities == [
        {"type": "bold", "offset": 2, "length": 2},  # the emoji is two UTF-16 units
        {"type": "italic", "offset": 3, "length": 1},
        {"type": "pre", "offset": 11, "length": 3, "language": "python"},
        {"type": "expandable_blockquote", "offset": 14, "length": 1},
        {"type": "text_mention", "offset": 15, "length": 1, "user": {"id": 5, "is_bot": False, "first_name": ""}},
    ]


async def test_callback_data_over_64_bytes_is_refused(fake: FakeTelegramAPI, bot: Bot) -> None:
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("接令", callback_data="令" * 22)]])  # 66 bytes
    with pytest.raises(BadRequest) as info:
        await bot.send_message(3, "order", reply_markup=markup)
    assert str(info.value).upper() == "BUTTON_DATA_INVALID"
    assert fake.sent_messages(3) == []


async def test_edits_follow_telegram_rules(fake: FakeTelegramAPI, bot: Bot) -> None:
    order = await bot.send_message(4, "<b>调度指令</b>", parse_mode="HTML", reply_markup=ORDER_KEYBOARD)

    with pytest.raises(BadRequest) as info:
        await bot.edit_message_text(
            "<b>调度指令</b>", chat_id=4, message_id=order.message_id, parse_mode="HTML",
            reply_markup=ORDER_KEYBOARD,
        )
    assert str(info.value) == ptb_message(NOT_MODIFIED)

    # Same text without reply_markup is a change: Telegram drops the keyboard.
    edited = await bot.edit_message_text(
        "<b>调度指令</b>", chat_id=4, message_id=order.message_id, parse_mode="HTML"
    )
    assert isinstance(edited, type(order)) and edited.reply_markup is None
    assert edited.edit_date is not None
    assert "reply_markup" not in fake.sent_messages(4)[0]

    await bot.edit_message_reply_markup(chat_id=4, message_id=order.message_id, reply_markup=ORDER_KEYBOARD)
    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_reply_markup(chat_id=4, message_id=order.message_id, reply_markup=ORDER_KEYBOARD)
    with pytest.raises(BadRequest, match="^Message to edit not found$"):
        await bot.edit_message_text("x", chat_id=4, message_id=999)

    user_message = fake.inject_message(4, 4, "hi")["message"]
    with pytest.raises(BadRequest, match="Message can't be edited"):
        await bot.edit_message_text("x", chat_id=4, message_id=user_message["message_id"])

    assert [entry.action for entry in fake.chat_log(4)] == ["send", "edit_text", "edit_reply_markup"]
    [current] = fake.sent_messages(4)
    assert current["reply_markup"] == ORDER_KEYBOARD.to_dict() and current["text"] == "调度指令"


async def test_documents_are_uploaded_and_served(fake: FakeTelegramAPI, bot: Bot) -> None:
    message = await bot.send_document(
        5, document=b"after-action review\n", filename="review.txt",
        caption="<b>总结评估</b>", parse_mode="HTML",
    )
    assert message.document is not None and message.document.file_name == "review.txt"
    assert message.caption == "总结评估"
    [document] = fake.sent_documents
    assert (document.filename, document.content, document.chat_id) == ("review.txt", b"after-action review\n", 5)

    file = await bot.get_file(message.document.file_id)
    assert file.file_path is not None and file.file_path.startswith(fake.base_file_url)
    assert bytes(await file.download_as_bytearray()) == b"after-action review\n"
    with pytest.raises(BadRequest, match="Invalid file_id"):
        await bot.get_file("nope")


async def test_chat_action_chat_and_membership(fake: FakeTelegramAPI, bot: Bot) -> None:
    assert await bot.send_chat_action(6, "typing")
    fake.add_chat(-100900, title="消防救援支队", username="fire_team")
    chat = await bot.get_chat("@fire_team")
    assert (chat.id, chat.type, chat.title) == (-100900, "supergroup", "消防救援支队")

    assert (await bot.get_chat_member(-100900, bot.id)).status == "member"
    fake.set_member_status(-100900, 55, "administrator")
    assert (await bot.get_chat_member(-100900, 55)).status == "administrator"
    assert (await bot.get_chat_member(-100900, 56)).status == "left"

    fake.remove_bot_from_chat(-100900)
    assert (await bot.get_chat_member(-100900, bot.id)).status == "left"
    with pytest.raises(Forbidden, match="not a member of the supergroup chat"):
        await bot.send_message(-100900, "x")
    fake.set_bot_status(77, "kicked")
    with pytest.raises(Forbidden, match="blocked by the user"):
        await bot.send_message(77, "x")
    notice = fake.set_bot_status(-100901, "administrator", notify=True)
    assert notice is not None
    membership = Update.de_json(notice, bot).my_chat_member
    assert membership is not None and membership.new_chat_member.status == "administrator"
    assert fake.sent_messages(-100900) == [] and fake.sent_messages(77) == []


async def test_commands_are_kept_per_scope_and_language(fake: FakeTelegramAPI, bot: Bot) -> None:
    scope = BotCommandScopeAllGroupChats()
    assert await bot.set_my_commands([BotCommand("report", "上报警情")], scope=scope, language_code="zh")
    assert await bot.set_my_commands([BotCommand("help", "help")])
    assert [c.command for c in await bot.get_my_commands(scope=scope, language_code="zh")] == ["report"]
    assert [c.command for c in await bot.get_my_commands()] == ["help"]
    assert await bot.get_my_commands(scope=scope) == ()
    assert fake.commands(scope.to_dict(), "zh") == [{"command": "report", "description": "上报警情"}]
    with pytest.raises(BadRequest, match="Bot_command_invalid"):
        await bot.set_my_commands([BotCommand("Bad-Name", "x")])
    assert await bot.delete_my_commands(scope=scope, language_code="zh")
    assert await bot.get_my_commands(scope=scope, language_code="zh") == ()


# -- flood control ---------------------------------------------------------


async def test_one_chat_gets_a_small_burst_then_retry_after(
    timed_fake: FakeTelegramAPI, clock: ManualClock
) -> None:
    async with make_bot(timed_fake) as bot:
        for _ in range(3):
            await bot.send_message(10, "x")
        with pytest.raises(RetryAfter) as info:
            await bot.send_message(10, "x")
        assert seconds(info.value.retry_after) == 1
        assert timed_fake.count_429 == 1 and len(timed_fake.sent_messages(10)) == 3
        clock.advance(1.0)
        await bot.send_message(10, "x")  # one message per second again


async def test_thirty_messages_per_second_overall(timed_fake: FakeTelegramAPI, clock: ManualClock) -> None:
    async with make_bot(timed_fake) as bot:
        for chat_id in range(100, 130):
            await bot.send_message(chat_id, "x")
        with pytest.raises(RetryAfter):
            await bot.send_message(200, "x")
        clock.advance(1.0)
        await bot.send_message(200, "x")
        assert timed_fake.count_429 == 1


async def test_twenty_messages_per_minute_into_a_group(timed_fake: FakeTelegramAPI, clock: ManualClock) -> None:
    async with make_bot(timed_fake) as bot:
        for _ in range(20):
            clock.advance(1.0)
            await bot.send_message(-100777, "x")
        clock.advance(1.0)
        with pytest.raises(RetryAfter) as info:
            await bot.send_message(-100777, "x")
        assert seconds(info.value.retry_after) == 40  # the first of the 20 leaves the window then
        await bot.send_message(-100778, "another group is not affected")


async def test_limits_can_be_switched_off(fake: FakeTelegramAPI, bot: Bot) -> None:
    fake.limits = False
    for _ in range(10):
        await bot.send_message(11, "x")
    fake.limits = RateLimits(per_chat_burst=1)
    with pytest.raises(RetryAfter):
        await bot.send_message(11, "x")
        await bot.send_message(11, "x")


# -- faults ----------------------------------------------------------------


async def test_injected_faults_lose_nothing_silently(fake: FakeTelegramAPI, bot: Bot) -> None:
    fake.limits = False
    fake.fail_next("sendMessage", 502)
    with pytest.raises(NetworkError) as info:
        await bot.send_message(12, "a")
    assert type(info.value) is NetworkError and "Bad Gateway" in str(info.value)

    fake.fail_next("sendMessage", 403, description="Forbidden: bot was blocked by the user")
    with pytest.raises(Forbidden):
        await bot.send_message(12, "b")

    fake.fail_next("sendMessage", 429, retry_after=7)
    with pytest.raises(RetryAfter) as retry:
        await bot.send_message(12, "c")
    assert seconds(retry.value.retry_after) == 7 and fake.count_429 == 1

    fake.drop_next("sendMessage")
    with pytest.raises(NetworkError) as dropped:
        await bot.send_message(12, "d")
    assert type(dropped.value) is NetworkError
    assert fake.sent_messages(12) == []

    fake.drop_next("sendMessage", after_processing=True)  # done, but the answer is lost
    with pytest.raises(NetworkError):
        await bot.send_message(12, "e")
    await bot.send_message(12, "f")
    assert [m["text"] for m in fake.sent_messages(12)] == ["e", "f"]
    assert len(fake.calls("sendMessage")) == 6


async def test_fail_ratio_is_repeatable_with_a_seed(fake: FakeTelegramAPI, bot: Bot) -> None:
    async def pattern() -> list[bool]:
        fake.fail_ratio("sendChatAction", 0.5, seed=3)
        outcome = []
        for _ in range(12):
            try:
                await bot.send_chat_action(13, "typing")
                outcome.append(True)
            except NetworkError:
                outcome.append(False)
        return outcome

    first = await pattern()
    assert first == await pattern()
    assert 0 < first.count(False) < 12
    fake.fail_ratio("sendChatAction", 0)
    assert await bot.send_chat_action(13, "typing")


# -- updates ---------------------------------------------------------------


async def test_long_poll_waits_for_updates_and_offsets_confirm(fake: FakeTelegramAPI, bot: Bot) -> None:
    loop = asyncio.get_running_loop()
    loop.call_later(0.2, lambda: fake.inject_message(20, 20, "hello"))
    started = time.monotonic()
    updates = await bot.get_updates(timeout=5)
    assert time.monotonic() - started < 2
    assert [u.message.text for u in updates if u.message] == ["hello"]

    again = await bot.get_updates(timeout=0)  # not confirmed: handed out again
    assert [u.update_id for u in again] == [updates[0].update_id]
    assert await bot.get_updates(offset=updates[-1].update_id + 1, timeout=0) == ()
    assert fake.pending_updates == []

    started = time.monotonic()
    assert await bot.get_updates(offset=updates[-1].update_id + 1, timeout=1) == ()
    assert time.monotonic() - started >= 0.9


async def test_limit_allowed_updates_and_redelivery(fake: FakeTelegramAPI, bot: Bot) -> None:
    first = fake.inject_message(21, 21, "one")
    fake.inject_message(21, 21, "two")
    [got] = await bot.get_updates(limit=1, timeout=0)
    assert got.update_id == first["update_id"]
    batch = await bot.get_updates(timeout=0)
    offset = batch[-1].update_id + 1
    assert await bot.get_updates(offset=offset, timeout=0) == ()

    fake.inject_raw_update(first)  # a redelivery of an update already confirmed
    newer = fake.inject_message(21, 21, "three")
    ids = [u.update_id for u in await bot.get_updates(offset=offset, timeout=0)]
    assert ids == [first["update_id"], newer["update_id"]]
    await bot.get_updates(offset=ids[-1] + 1, timeout=0)

    sent = await bot.send_message(21, "order", reply_markup=ORDER_KEYBOARD)
    fake.inject_message(21, 21, "ignored")
    query_id = fake.inject_callback_query(21, 21, sent.message_id, "tok:ack")
    [press] = await bot.get_updates(offset=ids[-1] + 1, allowed_updates=["callback_query"], timeout=0)
    assert press.callback_query is not None and press.callback_query.id == query_id
    assert press.callback_query.message is not None and press.callback_query.message.message_id == sent.message_id


async def test_second_poller_terminates_the_first(fake: FakeTelegramAPI, bot: Bot) -> None:
    waiting = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.1)
    async with make_bot(fake) as other:
        assert await other.get_updates(timeout=0) == ()
    with pytest.raises(Conflict, match="terminated by other getUpdates request"):
        await waiting


async def test_get_updates_conflicts_while_a_webhook_is_set(fake: FakeTelegramAPI, bot: Bot) -> None:
    assert await bot.set_webhook("https://bot.example.org/telegram/webhook", secret_token="s3cret_T0ken")
    fake.inject_message(22, 22, "queued while the webhook is set")
    info = await bot.get_webhook_info()
    assert info.url == fake.webhook_url == "https://bot.example.org/telegram/webhook"
    assert info.pending_update_count == 1
    with pytest.raises(Conflict, match="can't use getUpdates method while webhook is active"):
        await bot.get_updates(timeout=0)
    with pytest.raises(BadRequest, match="Secret token contains unallowed characters"):
        await bot.set_webhook("https://bot.example.org/x", secret_token="not allowed!")
    assert await bot.delete_webhook()
    assert [u.message.text for u in await bot.get_updates(timeout=0) if u.message] == [
        "queued while the webhook is set"
    ]


async def test_answering_a_callback_query(timed_fake: FakeTelegramAPI, clock: ManualClock) -> None:
    async with make_bot(timed_fake) as bot:
        sent = await bot.send_message(-100300, "order", reply_markup=ORDER_KEYBOARD)
        fresh = timed_fake.inject_callback_query(-100300, 9, sent.message_id, "tok:ack")
        stale = timed_fake.inject_callback_query(-100300, 9, sent.message_id, "tok:no")
        clock.advance(10)
        assert await bot.answer_callback_query(fresh, text="已接令", show_alert=True)
        with pytest.raises(BadRequest, match="Query is too old"):  # answered already
            await bot.answer_callback_query(fresh)
        clock.advance(6)
        with pytest.raises(BadRequest, match="Query is too old"):
            await bot.answer_callback_query(stale)
        with pytest.raises(BadRequest, match="Query is too old"):
            await bot.answer_callback_query("123")
        assert timed_fake.callback_answers == [{
            "callback_query_id": fresh, "text": "已接令", "show_alert": True, "url": None,
            "cache_time": 0,
        }]


def test_update_builders_make_valid_ptb_updates() -> None:
    user = make_user(7, first_name="张三", username="zhangsan")
    chat = make_chat(-100500, title="指挥中心")
    message = make_message(3, chat, user, text="/report@liandong_test_bot 人民路起火", date=1_700_000_000)
    assert command_entities("/report@liandong_test_bot 人民路起火") == [
        {"type": "bot_command", "offset": 0, "length": 25}
    ]
    update = Update.de_json(make_update(99, message=message), None)
    assert update.message is not None and update.message.chat.type == "supergroup"
    assert update.message.entities[0].type == "bot_command"
    with pytest.raises(ValueError):
        make_update(1)


# -- a whole Application polling the fake -------------------------------------


async def test_application_polls_messages_commands_and_button_presses(fake: FakeTelegramAPI) -> None:
    texts: list[str] = []
    command_args: list[list[str]] = []
    locations: list[tuple[float, float]] = []

    async def on_report(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None and update.message.text is not None
        texts.append(update.message.text)
        await update.message.reply_html("<b>已登记</b>", reply_markup=ORDER_KEYBOARD)

    async def on_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        command_args.append(list(context.args or []))

    async def on_location(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None and update.message.location is not None
        locations.append((update.message.location.latitude, update.message.location.longitude))

    async def on_press(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        await query.answer("已接令")
        await query.edit_message_text(f"已接令: {query.from_user.first_name}")

    app: Application = (
        ApplicationBuilder()
        .token(fake.token)
        .base_url(fake.base_url)
        .base_file_url(fake.base_file_url)
        .build()
    )
    app.add_handler(CommandHandler("start", on_start))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, on_report))
    app.add_handler(MessageHandler(filters.LOCATION, on_location))
    app.add_handler(CallbackQueryHandler(on_press))

    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(timeout=1, poll_interval=0)
        try:
            fake.inject_message(-100500, 7, "/start@liandong_test_bot now", first_name="张三")
            fake.inject_message(-100500, 7, "人民路化工厂起火，3人受伤")
            fake.inject_message(7, 7, None, location=(37.16, 122.42))
            [receipt] = await fake.wait_for_messages(-100500)
            assert receipt["text"] == "已登记" and receipt["reply_markup"] == ORDER_KEYBOARD.to_dict()

            query_id = fake.inject_callback_query(-100500, 8, receipt["message_id"], "tok:ack", first_name="王五")
            await fake.wait_until(
                lambda: bool(fake.callback_answers)
                and fake.sent_messages(-100500)[0]["text"] == "已接令: 王五"
            )
        finally:
            await app.updater.stop()
            await app.stop()

    assert texts == ["人民路化工厂起火，3人受伤"]
    assert command_args == [["now"]]
    assert locations == [(37.16, 122.42)]
    assert fake.callback_answers[0]["callback_query_id"] == query_id
    assert fake.callback_answers[0]["text"] == "已接令"
    assert "reply_markup" not in fake.sent_messages(-100500)[0]  # edit without markup drops it
    assert fake.pending_updates == []  # PTB confirmed everything on the way out
