"""The Telegram platform on python-telegram-bot.

PTB receives updates (long polling, or our own HTTP server's webhook route) and
calls the bot; every send goes through the outbox, which calls `deliver`. PTB's
own rate limiter and callback-data cache are not used: pacing lives in the
outbox sender (durable, shared by all sends) and buttons carry database tokens.

Button presses, the bulk of updates in an emergency, take a shorter way: they
are read from the raw JSON before PTB parses an update (presses.py) and
answered with one small request of our own (answers.py). PTB still does
everything else: messages, commands, presses of an unusual shape, polling,
webhooks and sending.
"""
from __future__ import annotations

import asyncio
import hmac
import itertools
import logging
import warnings
from datetime import datetime, timedelta, timezone
from typing import Any

from aiohttp import web
from telegram import (
    BotCommand, BotCommandScopeAllGroupChats, BotCommandScopeAllPrivateChats, InputFile, LinkPreviewOptions,
    Message as TgMessage, ReplyParameters, Update,
)
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest, ChatMigrated, EndPointNotFound, Forbidden, InvalidToken, RetryAfter, TelegramError,
)
from telegram.ext import Application, ApplicationBuilder, Defaults, TypeHandler
from telegram.warnings import PTBDeprecationWarning

from adapters.telegram.aiohttp_request import AiohttpRequest
from adapters.telegram.answers import CallbackAnswers
from adapters.telegram.edits import TextEdits
from adapters.telegram.presses import Press, read_press, take_presses
from adapters.telegram.render import keyboard, render_html
from adapters.telegram.updates import PLATFORM, moved_event, to_event, xml_document
from core.events import Actor, ConversationRef
from core.messages import MOVED_ERROR, Delivery, DeliveryError
from core.platform import (
    CommandInfo, EventSink, HandleResult, HttpRoute, PlatformBase, PlatformError, Reachability, ReachabilityTracker,
)
from core.ratelimit import RateLimiter, RateLimits
from config.organisation import Organisation
from config.settings import Settings

log = logging.getLogger(__name__)

WEBHOOK_PATH = "/telegram/webhook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY, Update.CHANNEL_POST]  # channel posts: /bind only
CONCURRENT_UPDATES = 64
# The bot's messages show no link previews: a map link or an address a reporter typed would
# otherwise have Telegram fetch that page and put a large card under an order or alert.
NO_LINK_PREVIEW = LinkPreviewOptions(is_disabled=True)
# Between two getUpdates that returned something. Without it a storm of presses was
# fetched a few at a time, ~300 polls a second, each costing both ends more than the
# presses it carried. Each poll's updates are handled in one transaction, whose
# statements cost the same for one press as for ten, so the pause sets the CPU a
# steady stream costs: at 170 presses/s (a roll-call of 10,000 in a minute) 20 ms
# brought 4 a poll, 50 ms brings 9, at 50 ms of waiting at most. An idle long poll
# is unaffected: it returns the moment an update arrives.
POLL_PAUSE_S = 0.05
# Telegram: about 30 messages/s overall, 20 per minute in a group, about 1/s in a chat
# with short bursts allowed. A little under each; the limiter counts a send until its
# answer, so delays between here and Telegram cannot tip a window over on arrival (see
# core.ratelimit). The burst lets a group that reported three things at once have its
# three receipts at once, not over two seconds.
TELEGRAM_LIMITS = RateLimits(per_second=29, chat_interval_s=1.05, chat_burst=3, group_per_minute=20)
# A later part of a long message waits this long at most for its slot: a longer wait
# goes back to the outbox (which resumes from that part), so one chat never holds others.
MAX_PART_WAIT_S = 3.0
# A long poll returns at least every 25 s while the Bot API answers; past this without
# an answer (a poll hanging on a dead connection) Telegram counts as unreachable.
POLLING_OK_WITHIN = timedelta(seconds=90)


def is_group_chat(chat_id: str) -> bool:
    return chat_id.startswith("-")  # groups, supergroups and channels have negative ids


# Telegram shows these as photos in the chat (sendPhoto, up to 10 MB); other files are documents.
PHOTO_TYPES = frozenset({"image/png", "image/jpeg"})
MAX_PHOTO_BYTES = 10 * 1024 * 1024

class TelegramAdapter(PlatformBase):
    platform = PLATFORM

    def __init__(self, settings: Settings, sink: EventSink, commands: list[CommandInfo]):
        self.settings = settings
        self.sink = sink
        self.commands = commands
        self.limiter = RateLimiter(TELEGRAM_LIMITS, is_group=is_group_chat)
        self.webhook = settings.value("telegram_mode") == "webhook"
        self._connected = False
        self._closing = False
        self._presses: set[asyncio.Task[None]] = set()  # in flight, awaited on stop
        self._organisation: Organisation | None = None  # who may drop a CAP file, before it is fetched
        # outbox id -> (parts sent, id of the last): a retry goes on from the part that failed.
        self._progress: dict[int, tuple[int, str]] = {}
        api = (settings.value("telegram_api_url") or "").rstrip("/")
        self._reachability = ReachabilityTracker(ok_within=None if self.webhook else POLLING_OK_WITHIN)
        self.answers = CallbackAnswers(api, settings.value("telegram_token") or "", reachability=self._reachability)
        self.edits = TextEdits(api, settings.value("telegram_token") or "", reachability=self._reachability)
        # The long poll waits up to 25 s for updates: it needs a connection of its own.
        self._requests = (
            AiohttpRequest(connections=16, reachability=self._reachability),
            AiohttpRequest(connections=1, read_timeout=35, updates_tap=self._take_presses,
                           reachability=self._reachability),
        )
        builder = (
            ApplicationBuilder()
            .token(settings.value("telegram_token") or "")
            .base_url(f"{api}/bot")
            .base_file_url(f"{api}/file/bot")
            .request(self._requests[0])
            .get_updates_request(self._requests[1])
            .concurrent_updates(CONCURRENT_UPDATES)  # the pipeline batches them into transactions
            .defaults(Defaults(link_preview_options=NO_LINK_PREVIEW))
        )
        if self.webhook:
            builder = builder.updater(None)
        self.app: Application = builder.build()
        self.app.add_handler(TypeHandler(Update, self._on_update))

    # -- lifecycle -------------------------------------------------------------

    @property
    def needs_http(self) -> bool:
        return self.webhook

    def http_routes(self) -> list[HttpRoute]:
        return [("POST", WEBHOOK_PATH, self._on_webhook)] if self.webhook else []

    async def start(self) -> None:
        await self.answers.start()
        await self.edits.start()
        await self._connect()
        await self._set_commands()
        await self.app.start()
        if self.webhook:
            url = f"{(self.settings.public_url or '').rstrip('/')}{WEBHOOK_PATH}"
            await self.app.bot.set_webhook(
                url, secret_token=self.settings.value("telegram_webhook_secret"), allowed_updates=ALLOWED_UPDATES,
            )
        else:
            await self.app.bot.delete_webhook()
            assert self.app.updater is not None
            await self.app.updater.start_polling(
                allowed_updates=ALLOWED_UPDATES, timeout=timedelta(seconds=25), poll_interval=POLL_PAUSE_S,
                error_callback=lambda exc: log.warning("Telegram polling: %s", exc),
            )
        log.info("Telegram connected as @%s (%s)", self.app.bot.username, "webhook" if self.webhook else "polling")

    def reachability(self) -> Reachability:
        return self._reachability.status()

    async def _connect(self) -> None:
        """getMe until it works: a wrong token stops the bot, a network outage waits."""
        for attempt in itertools.count(1):
            try:
                await self.app.initialize()
                self._connected = True
                return
            except (InvalidToken, EndPointNotFound) as exc:
                raise PlatformError(
                    f"Telegram refused the token ({exc.message}): check LIANDONG_TELEGRAM_TOKEN "
                    f"and LIANDONG_TELEGRAM_API_URL"
                ) from exc
            except TelegramError as exc:
                delay = min(60.0, 2.0 ** attempt)
                log.warning("Telegram not reachable (%s); trying again in %.0f s", exc.message, delay)
                await asyncio.sleep(delay)

    async def stop(self) -> None:
        self._closing = True
        if not self._connected:  # PTB never took over the connections: close them here
            for request in self._requests:
                await request.shutdown()
            await self.answers.close()
            await self.edits.close()
            return
        if self.app.updater is not None and self.app.updater.running:
            await self.app.updater.stop()
        # Presses already taken in are recorded and answered before the connections close.
        if self._presses:
            await asyncio.gather(*self._presses, return_exceptions=True)
        if self.app.running:
            await self.app.stop()
        await self.app.shutdown()
        await self.answers.close()
        await self.edits.close()

    async def _set_commands(self) -> None:
        # Clients in other languages see the organisation's default.
        for language in ("zh", "en", "default"):
            commands = [BotCommand(c.name, c.descriptions[language]) for c in self.commands]
            code = None if language == "default" else language
            for scope in (BotCommandScopeAllPrivateChats(), BotCommandScopeAllGroupChats()):
                await self.app.bot.set_my_commands(commands, scope=scope, language_code=code)

    # -- incoming --------------------------------------------------------------

    async def _on_webhook(self, request: web.Request) -> web.Response:
        expected = self.settings.value("telegram_webhook_secret") or ""
        given = request.headers.get(SECRET_HEADER, "")
        if not expected or not hmac.compare_digest(given.encode(), expected.encode()):
            log.warning("Telegram webhook: request without the right secret from %s", request.remote)
            return web.Response(status=403, text="forbidden")
        if self._closing:  # Telegram retries the update later, when the bot is back
            return web.Response(status=503, text="stopping")
        try:
            data = await request.json()
        except Exception:  # malformed JSON
            return web.Response(status=400, text="bad update")
        if (press := read_press(data)) is not None:
            self._on_press(press)
            return web.Response(text="ok")
        try:
            update = Update.de_json(data, self.app.bot)
        except Exception:  # not an update
            return web.Response(status=400, text="bad update")
        if update is None:
            return web.Response(status=400, text="bad update")
        await self.app.update_queue.put(update)
        return web.Response(text="ok")

    def _take_presses(self, updates: list[object]) -> list[object]:
        return take_presses(updates, self._on_press)

    def _on_press(self, press: Press) -> None:
        task = asyncio.get_running_loop().create_task(self._handle_press(press))
        self._presses.add(task)
        task.add_done_callback(self._presses.discard)

    async def _handle_press(self, press: Press) -> None:
        try:
            result = await self.sink(press.event)
        except Exception:  # the pipeline apologises itself; this is a bug, but the spinner must stop
            log.exception("handling a press from %s failed", press.event.actor)
            result = HandleResult()
        await self.answers.answer(press.query_id, result.private_answer)

    def use_organisation(self, organisation: Organisation) -> None:
        self._organisation = organisation

    async def _xml_text(self, update: Update) -> str | None:
        """An XML file a centre member drops into a centre conversation (a CAP warning), read
        as the message's text so handlers see it as if pasted; anyone else's file is not
        fetched at all, and one that cannot be fetched is skipped."""
        file_id = xml_document(update.message)
        if file_id is None or not self._may_drop_files(update):
            return None
        try:
            content = await (await self.app.bot.get_file(file_id)).download_as_bytearray()
        except TelegramError as exc:
            log.warning("XML file %s not fetched: %s", file_id, exc)
            return None
        return bytes(content).decode("utf-8", errors="replace")

    def _may_drop_files(self, update: Update) -> bool:
        message, org = update.message, self._organisation
        if message is None or message.from_user is None or org is None:
            return False
        return org.centre_member_in_centre(ConversationRef(PLATFORM, str(message.chat_id)), str(message.from_user.id))

    async def _on_update(self, update: Update, _context: object) -> None:
        query = update.callback_query
        event = to_event(update, self.app.bot.username, await self._xml_text(update))
        if event is None:
            if query is not None:
                await self.answers.answer(query.id, None)
            return
        result = await self.sink(event)
        if query is not None:
            # Every press is answered, so the client's spinner stops; refusals visibly.
            await self.answers.answer(query.id, result.private_answer)
        elif result.degraded and result.private_answer:
            await self._tell_directly(event.conversation.ref.chat_id, result.private_answer)

    async def _follow_move(self, old: str, new: str) -> None:
        actor = Actor(PLATFORM, old, "Telegram")
        try:
            await self.sink(moved_event(old, new, actor, datetime.now(timezone.utc)))
        except Exception:  # the next attempt is refused the same way and tries again
            log.exception("recording that chat %s moved to %s failed", old, new)

    async def _tell_directly(self, chat_id: str, text: str) -> None:
        """The one message that bypasses the outbox: the outbox is in the database, which is
        down, and the person must hear that their report is kept (or was not)."""
        try:
            await self.app.bot.send_message(int(chat_id), text)
        except TelegramError as exc:
            log.warning("could not tell chat %s that the bot is degraded: %s", chat_id, exc.message)

    # -- outgoing --------------------------------------------------------------

    async def deliver(self, delivery: Delivery) -> str:
        parts_before = self._progress.get(delivery.outbox_id, (0, ""))[0]
        try:
            return await self._deliver(delivery)
        except RetryAfter as exc:
            progressed = self._progress.get(delivery.outbox_id, (0, ""))[0] > parts_before
            raise DeliveryError(str(exc), retry_after=_retry_after_seconds(exc), progressed=progressed,
                                rate_limited=True) from exc
        except BadRequest as exc:  # must precede NetworkError: BadRequest subclasses it
            if "message is not modified" in exc.message.lower():  # PTB capitalises the text
                return delivery.target_message_id or ""
            raise DeliveryError(f"Telegram refused: {exc.message}", permanent=True) from exc
        except ChatMigrated as exc:
            # The group became a supergroup: once the move is recorded the retry goes there.
            await self._follow_move(delivery.to.chat_id, str(exc.new_chat_id))
            raise DeliveryError(f"group {MOVED_ERROR} {exc.new_chat_id}", retry_after=1.0) from exc
        except (Forbidden, InvalidToken, EndPointNotFound) as exc:
            raise DeliveryError(f"Telegram forbids: {exc.message}", permanent=True) from exc
        except TelegramError as exc:  # network errors, timeouts, 5xx
            raise DeliveryError(f"{type(exc).__name__}: {exc.message}") from exc

    async def _deliver(self, delivery: Delivery) -> str:
        chat_id = int(delivery.to.chat_id)
        parts = render_html(delivery.message)
        if delivery.kind == "edit":
            assert delivery.target_message_id is not None
            # The target is the last part (the one with the buttons): it gets the last part's text.
            await self.edits.edit(chat_id, int(delivery.target_message_id), parts[-1], delivery.message.buttons)
            return delivery.target_message_id
        markup = keyboard(delivery.message.buttons)
        reply = (
            ReplyParameters(int(delivery.reply_to_message_id), allow_sending_without_reply=True)
            if delivery.reply_to_message_id else None
        )
        files = delivery.message.files
        steps: list[str | InputFile] = [*parts, *(InputFile(f.content, filename=f.name) for f in files)]
        # A chart is shown in the chat as a photo; everything else (PDF, CSV) is a document.
        photos = {len(parts) + i for i, f in enumerate(files)
                  if f.mime in PHOTO_TYPES and len(f.content) <= MAX_PHOTO_BYTES}
        first, sent_id = self._progress.get(delivery.outbox_id, (0, ""))
        for index in range(first, len(steps)):
            if index > first:  # the sender paced this try's first part
                await self._pace_part(delivery.to.chat_id)
            last_text = index == len(parts) - 1
            sent = await self._send_part(
                chat_id, steps[index], document=index >= len(parts), photo=index in photos,
                parse_mode=ParseMode.HTML,
                reply_markup=markup if last_text else None, reply_parameters=reply if index == 0 else None,
            )
            if index < len(parts):
                sent_id = str(sent.message_id)  # the part with the buttons: the one later edits change
            if len(steps) > 1:
                self._progress[delivery.outbox_id] = (index + 1, sent_id)
        self._progress.pop(delivery.outbox_id, None)
        return sent_id

    async def _pace_part(self, chat_id: str) -> None:
        """Each part of a long message is a message to Telegram's limits: the sender
        paced the first; a later one waits for its slot when it is near, else goes
        back to the outbox, which resumes from it (an alert of 4 parts at once drew
        a 429 on the 4th, and a retry of the whole sent all four again)."""
        self.limiter.settled(chat_id)  # the part before was answered
        wait = self.limiter.reserve(chat_id, max_wait=MAX_PART_WAIT_S)
        if wait is None:
            raise DeliveryError("the next part's slot is not near", retry_after=self.limiter.earliest(chat_id),
                                progressed=True)
        await asyncio.sleep(wait)
        while (hold := self.limiter.hold_back(chat_id)) > 0:
            await asyncio.sleep(hold)
        self.limiter.sent(chat_id)

    async def _send_part(self, chat_id: int, content: str | InputFile, *, document: bool = False,
                         photo: bool = False, **options: Any) -> TgMessage:
        if document:
            options = {k: v for k, v in options.items() if k == "reply_parameters"}
            if photo:
                return await self.app.bot.send_photo(chat_id, content, **options)
            return await self.app.bot.send_document(chat_id, content, **options)
        return await self.app.bot.send_message(chat_id, content, **options)


def _retry_after_seconds(exc: RetryAfter) -> float:
    # PTB 22 warns that retry_after will become a timedelta; accept either.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)
