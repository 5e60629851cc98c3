"""The Slack platform on slack-bolt (asyncio).

Slack reaches the bot over HTTP (`/slack/events` on the bot's own server:
events, slash commands and interactivity on one URL, every request's signature
checked by Bolt) or, for agencies without a public URL, over Socket Mode.
Either way the request is acknowledged first and the work done after: Slack
wants an answer within three seconds and retries events that get none.

Over HTTP, events, commands and button presses are answered as soon as their
signature is checked, and Bolt dispatches them once a storm of requests has
passed (adapters.slack.requests). Over Socket Mode, Bolt acknowledges events
before their listener runs, and commands and presses are acknowledged by a
middleware; the listeners wait for the storm to pass. The listener then turns
the payload into a neutral event and hands it to the bot.
A redelivered event carries the same `event_id`, which the pipeline remembers
in the database, so a retry creates nothing twice.

Everything the bot says goes through the outbox, which calls `deliver`;
answers meant for one person (refusals, "recorded") go as ephemeral messages
straight away.
"""
from __future__ import annotations

import asyncio
import logging
import re
from datetime import datetime, timezone
from collections import OrderedDict
from typing import Any, Awaitable, Callable, Optional

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.async_app import AsyncApp
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.authorization.async_authorize import AsyncAuthorize
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.middleware.async_middleware import AsyncMiddleware
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.errors import SlackApiError, SlackRequestError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import broadcast_form, report_form
from adapters.slack.cap_files import CapFiles, Refused
from adapters.slack.names import DisplayNames
from adapters.slack.requests import (
    AfterTheStorm, Signatures, answered_at_once, bolt_http_request, parse_body,
)
from adapters.slack.render import escape, render
from adapters.slack.texts import SlackTexts
from adapters.slack.updates import (
    PLATFORM, button_event, cap_file, command_event, command_name_and_args, file_shared_message, form_event,
    message_event, spoken_message, thread_parent,
)
from core.events import Event
from core.messages import Delivery, DeliveryError, OutgoingFile
from core.platform import (
    EventSink, Failure, HandleResult, HttpRoute, PlatformBase, PlatformError, Reachability, ReachabilityTracker,
)
from core.ratelimit import RateLimiter, RateLimits
from config.settings import Settings

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
# chat.postMessage: about one message per second per channel (short bursts
# allowed), several hundred a minute per workspace; chat.update is Tier 3.
# The outbox paces per channel; a 429 brings Slack's Retry-After.
SLACK_LIMITS = RateLimits(per_second=None, chat_interval_s=1.0, chat_burst=3)
MAX_REQUEST_BYTES = 1_000_000  # Slack's payloads are a few kilobytes; a modal's state at most tens
PART_INTERVAL_S = 1.0  # between the parts of one long message, same channel
WEB_API_TIMEOUT_S = 10.0
RESPONSE_URL_TIMEOUT_S = 5.0
STOP_TIMEOUT_S = 10.0
MAX_THREAD_ROOTS = 50_000

# Commands that open a form when typed without text: its view, and the usage
# answered instead when the form cannot be opened.
FORMS: dict[str, tuple[Callable[[SlackTexts, str], dict[str, Any]], str]] = {
    "report": (report_form.build_view, "report.usage"),
    "broadcast": (broadcast_form.build_view, "broadcast.usage"),
}

# Errors about the message or the channel itself: trying again cannot help.
PERMANENT_ERRORS = frozenset({
    "channel_not_found", "not_in_channel", "is_archived", "channel_is_archived", "msg_too_long", "no_text",
    "invalid_blocks", "invalid_blocks_format", "invalid_attachments", "too_many_attachments",
    "message_not_found", "cant_update_message", "edit_window_closed", "restricted_action",
    "restricted_action_read_only_channel", "restricted_action_thread_only_channel",
    "restricted_action_non_threadable_channel", "cannot_reply_to_message", "invalid_arguments",
    "user_not_in_channel", "ekm_access_denied", "team_access_not_granted", "missing_scope", "no_permission",
    "as_user_not_supported",
})
# A bad token is the operator's to fix (not the message's): those are retried, with backoff.
AUTH_ERRORS = frozenset({"invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired",
                         "not_allowed_token_type"})


class _CachedAuthorize(AsyncAuthorize):
    """Bolt's per-request authorisation, from the auth.test made at start.

    Bolt would otherwise call auth.test on the first request and, should that
    fail, drop the request with a 200. Until start has it (the HTTP server
    comes up first), the bot token alone authorises: the bot's own messages are
    still recognised by their `bot_id`. The app is installed in one workspace;
    the request's signature already proves it came from Slack for this app.
    """

    def __init__(self, token: str):
        self.token = token
        self.result: AuthorizeResult | None = None

    async def __call__(self, *, context: AsyncBoltContext, enterprise_id: Optional[str], team_id: Optional[str],
                       user_id: Optional[str], **_: Any) -> Optional[AuthorizeResult]:
        if self.result is None:
            return AuthorizeResult(enterprise_id=enterprise_id, team_id=team_id, bot_token=self.token)
        return self.result


class _AnswerFirst(AsyncMiddleware):
    """Acknowledges slash commands and button presses as soon as the request is
    verified and authorised, before any listener runs.

    The listener then works without holding the answer up (Bolt would poll for
    its `ack()` every 10 ms). Events are acknowledged by Bolt itself; form
    submissions are answered by their listener, which may have errors to show.
    Over Socket Mode this is the first the adapter sees of a request, so it counts
    towards the storm; over HTTP the request was counted when it came in.
    """

    def __init__(self, seen: Callable[[], None] | None):
        self.seen = seen

    @property
    def name(self) -> str:
        return "AnswerFirst"

    async def async_process(self, *, req: AsyncBoltRequest, resp: BoltResponse,
                            next: Callable[[], Awaitable[BoltResponse]]) -> Optional[BoltResponse]:
        if self.seen is not None:
            self.seen()
        body = req.body
        if "command" in body or body.get("type") in ("block_actions", "shortcut", "message_action", "view_closed"):
            await req.context.ack()
        return await next()


class SlackAdapter(PlatformBase):
    platform = PLATFORM

    def __init__(self, settings: Settings, sink: EventSink, language: str = "zh", organisation: Any = None):
        self.settings = settings
        self.sink = sink
        self.socket_mode = bool(settings.value("slack_app_token"))
        self.texts = SlackTexts(language)
        self.limiter = RateLimiter(SLACK_LIMITS)
        token = settings.value("slack_bot_token") or ""
        # No retries in the client: the outbox owns retries (a client retry after
        # a lost answer would post the message twice).
        self.client = AsyncWebClient(token=token, base_url=settings.value("slack_api_url"), timeout=WEB_API_TIMEOUT_S,
                                     retry_handlers=[])
        self.names = DisplayNames(self.client)
        self._authorize = _CachedAuthorize(token)
        self.app = AsyncApp(
            client=AsyncWebClient(base_url=settings.value("slack_api_url"), timeout=WEB_API_TIMEOUT_S, retry_handlers=[]),
            signing_secret=settings.value("slack_signing_secret") or "",
            authorize=self._authorize,
            process_before_response=False,  # answer Slack first, work after
            logger=_bolt_logger(),
            # Workflow steps and AI assistant threads are not used: no middleware for them.
            attaching_function_token_enabled=False,
            ignoring_self_assistant_message_events_enabled=False,
            attaching_conversation_kwargs_enabled=False,
        )
        self.storm = AfterTheStorm()
        self.signatures = Signatures(settings.value("slack_signing_secret") or "")
        self.app.middleware(_AnswerFirst(self.storm.request_seen if self.socket_mode else None))
        self._register_listeners()
        self._session: aiohttp.ClientSession | None = None
        self._socket: Any = None
        self._working: set[asyncio.Task[Any]] = set()
        self._thread_roots: OrderedDict[tuple[str, str], str] = OrderedDict()
        self._progress: dict[int, tuple[int, str]] = {}  # outbox id -> (parts sent, ts of the last)
        self.part_interval_s = PART_INTERVAL_S
        # Every Web API exchange says whether Slack answered (see _trace); Slack has no
        # steady call to it like a long poll, so an old success is not held against it.
        self._reachability = ReachabilityTracker()
        self.cap_files = CapFiles(self.client, self.texts, settings.value("slack_api_url"), lambda: self._session)
        self.cap_files.organisation = organisation

    # -- lifecycle -------------------------------------------------------------

    @property
    def needs_http(self) -> bool:
        return not self.socket_mode

    def http_routes(self) -> list[HttpRoute]:
        return [] if self.socket_mode else [("POST", EVENTS_PATH, self._on_http)]

    async def start(self) -> None:
        self._session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=32, keepalive_timeout=15),
            timeout=aiohttp.ClientTimeout(total=WEB_API_TIMEOUT_S),
            trace_configs=[self._trace()],
        )
        self.client.session = self._session
        self.app.client.session = self._session
        await self._authenticate()
        if self.socket_mode:
            from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

            self._socket = AsyncSocketModeHandler(self.app, self.settings.value("slack_app_token"))
            await self._socket.connect_async()
        result = self._authorize.result
        log.info("Slack connected to %s as %s (%s)", result.team_id if result else "?",
                 result.bot_user_id if result else "?", "Socket Mode" if self.socket_mode else "HTTP")

    def _trace(self) -> aiohttp.TraceConfig:
        """Slack answered (any status below 500) or did not; `invalid_auth` and its kin
        come in a 200's body and are recorded where they are read."""
        trace = aiohttp.TraceConfig()

        async def on_end(_session: Any, _context: Any, params: aiohttp.TraceRequestEndParams) -> None:
            if params.response.status >= 500:
                self._reachability.failed(Failure.SERVER)
            else:
                self._reachability.ok()

        async def on_exception(_session: Any, _context: Any, _params: Any) -> None:
            self._reachability.failed(Failure.NETWORK)

        trace.on_request_end.append(on_end)
        trace.on_request_exception.append(on_exception)
        return trace

    def reachability(self) -> Reachability:
        status = self._reachability.status()
        if self._socket is not None:  # Socket Mode: the socket itself must be up
            session = getattr(getattr(self._socket, "client", None), "current_session", None)
            if session is None or session.closed:
                now = datetime.now(timezone.utc)
                return Reachability(remote=True, last_ok=status.last_ok, last_failure=now, failure=Failure.NETWORK,
                                    failures_in_a_row=Reachability.FAILURES_TO_TELL)  # a closed socket is no blip
        return status

    def _auth_refused(self, exc: SlackApiError) -> None:
        error = exc.response.get("error") if isinstance(exc.response.data, dict) else None
        if error in AUTH_ERRORS:
            self._reachability.failed(Failure.AUTH)

    async def _authenticate(self) -> None:
        """auth.test until it works: a bad token stops the bot, an outage waits."""
        attempt = 0
        while True:
            attempt += 1
            try:
                response = await self.client.auth_test()
                self._authorize.result = AuthorizeResult.from_auth_test_response(
                    auth_test_response=response, bot_token=self.client.token, user_token=None,
                )
                return
            except SlackApiError as exc:
                self._auth_refused(exc)
                error = exc.response.get("error") if isinstance(exc.response.data, dict) else None
                if error in AUTH_ERRORS:
                    raise PlatformError(
                        f"Slack refused the bot token ({error}): check LIANDONG_SLACK_BOT_TOKEN "
                        f"and LIANDONG_SLACK_API_URL"
                    ) from exc
                reason = error or f"HTTP {exc.response.status_code}"
            except (aiohttp.ClientError, asyncio.TimeoutError, OSError) as exc:
                reason = f"{type(exc).__name__}: {exc}"
            delay = min(60.0, 2.0 ** attempt)
            log.warning("Slack not reachable (%s); trying again in %.0f s", reason, delay)
            await asyncio.sleep(delay)

    async def stop(self) -> None:
        if self._socket is not None:
            await self._socket.close_async()
            self._socket = None
        await self.finish_work(STOP_TIMEOUT_S)  # let presses in hand get their answer
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def finish_work(self, timeout: float) -> bool:
        """Wait until the requests in hand have been worked through; whether they were in time."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while self._working and loop.time() < deadline:
            await asyncio.wait(set(self._working), timeout=deadline - loop.time())
            await asyncio.sleep(0)  # a dispatch that has just ended started its listener: let it be counted
        return not self._working

    # -- incoming --------------------------------------------------------------

    async def _on_http(self, request: web.Request) -> web.Response:
        """Malformed requests get a 400 (or 413) here, before any work: a body that is not
        UTF-8, too large, or a timestamp that is not one used to end in a 500."""
        if (request.content_length or 0) > MAX_REQUEST_BYTES:
            return web.Response(status=413, text="too large")
        body = await request.content.read(MAX_REQUEST_BYTES + 1)
        if len(body) > MAX_REQUEST_BYTES:
            return web.Response(status=413, text="too large")
        if not request.headers.get("X-Slack-Request-Timestamp", "").isdigit():
            return web.Response(status=400, text="missing or bad X-Slack-Request-Timestamp")
        try:
            raw = body.decode("utf-8")
        except UnicodeDecodeError:
            return web.Response(status=400, text="body is not UTF-8")
        payload = parse_body(raw, request.content_type)
        if answered_at_once(payload) and self.signatures.hold(raw, request.headers):
            self.storm.request_seen()  # only Slack's own requests hold work back
            self._dispatch_after_storm(raw, request.query_string, request.headers, payload)
            return web.Response(status=200)
        bolt_request = bolt_http_request(raw, request.query_string, request.headers, payload)
        return await to_aiohttp_response(await self.app.async_dispatch(bolt_request))

    def _dispatch_after_storm(self, raw: str, query: str, headers: Any, body: dict[str, Any]) -> None:
        """Bolt dispatches an answered request once the storm has passed (Bolt checks the
        signature again: one HMAC, against a request that may be a second old by then)."""
        async def dispatch() -> None:
            await self.storm.wait()
            try:
                await self.app.async_dispatch(bolt_http_request(raw, query, headers, body))
            except Exception:  # noqa: BLE001 - Bolt logs its listeners' errors; this is for its own
                log.exception("dispatching an answered Slack request failed")

        task = asyncio.ensure_future(dispatch())
        self._working.add(task)
        task.add_done_callback(self._working.discard)

    def _register_listeners(self) -> None:
        app = self.app
        anything = re.compile(".*")
        # Every event type: those not for the bot are acknowledged all the same
        # (an unhandled event gets a 404, and Slack retries it).
        app.event(anything)(self._on_event)
        app.command(anything)(self._on_command)
        app.action(anything)(self._on_action)
        app.view(report_form.CALLBACK_ID)(self._on_report_form)
        app.view(broadcast_form.CALLBACK_ID)(self._on_broadcast_form)
        app.view(anything)(self._ack_only)
        app.view_closed(anything)(self._ack_only)
        app.shortcut(anything)(self._ack_only)

    def _track(self) -> None:
        """Count the listener running now as work to finish before stopping."""
        task = asyncio.current_task()
        if task is not None and task not in self._working:
            self._working.add(task)
            task.add_done_callback(self._working.discard)

    async def _working_on(self) -> None:
        """Start a listener's work once the requests of a storm have all been answered
        (over HTTP, Bolt's dispatch already waited for that)."""
        self._track()
        if self.socket_mode:
            await self.storm.wait()

    async def _ack_only(self, ack: Callable[..., Awaitable[Any]]) -> None:
        await ack()  # already answered by _AnswerFirst, except other forms' submissions

    def use_organisation(self, organisation: Any) -> None:
        self.cap_files.organisation = organisation

    async def _on_event(self, body: dict[str, Any], event: dict[str, Any]) -> None:
        """Messages people type, and CAP files shared in the centre; nothing else (mentions arrive as messages too)."""
        if event.get("type") == "file_shared":
            event = file_shared_message(event) or {}  # the file's details come from files.info
        if not spoken_message(event):
            return
        file = cap_file(event.get("files"))
        if file is not None and not (self.cap_files.from_centre_member(event["channel"], event["user"])
                                     and self.cap_files.take(file["id"])):  # before any await: both events race
            file = None
        await self._working_on()
        channel, ts = event["channel"], event["ts"]
        if parent := thread_parent(event):
            self._remember_thread(channel, ts, parent)
        document = None
        if file is not None:
            try:
                document = await self.cap_files.document(file)  # None: not XML after all
            except Refused as refused:
                await self._post_ephemeral(channel, event["user"], refused.answer, thread_parent(event))
                return
        name = await self.names.get(event["user"])
        neutral = message_event(body, event, name, document)
        if neutral is None:
            return
        result = await self._handle(neutral)
        answer = result.answer_to_give
        if answer:
            await self._post_ephemeral(channel, event["user"], answer, thread_parent(event))

    async def _on_command(self, command: dict[str, Any]) -> None:
        """(Answered already by _AnswerFirst.)"""
        self._track()  # before the first await: stopping waits for what follows
        parsed = command_name_and_args(command)
        if parsed is None:
            return
        name, args = parsed
        if name in FORMS and not args:
            await self._open_form(name, command)  # at once: the trigger expires in 3 s
            return
        if name == "bind" and not await self._bot_is_in(command["channel_id"]):
            # A slash command reaches the bot from any channel; a binding must be one it can post in.
            await self._answer_privately(self.texts("slack.bind_not_in_channel"), command["channel_id"],
                                         command["user_id"], response_url=command.get("response_url"))
            return
        await self._working_on()
        neutral = command_event(command, name, args, await self.names.get(command["user_id"]))
        result = await self._handle(neutral)
        answer = result.answer_to_give
        if answer:
            await self._answer_privately(answer, command["channel_id"], command["user_id"],
                                         response_url=command.get("response_url"))

    async def _bot_is_in(self, channel: str) -> bool:
        try:
            info = await self.client.conversations_info(channel=channel)
        except SlackApiError as exc:
            log.warning("conversations.info for %s failed: %s", channel, exc.response.get("error"))
            return False
        return bool((info.get("channel") or {}).get("is_member"))

    async def _open_form(self, name: str, command: dict[str, Any]) -> None:
        """The trigger id is good for three seconds: open the form before anything else.

        Anyone may open a form; what its submission asks for is checked by the
        bot like the typed command (/broadcast from outside the centre is refused).
        """
        self._track()
        build_view, usage_key = FORMS[name]
        view = build_view(self.texts, command["channel_id"])
        try:
            await self.client.views_open(trigger_id=command.get("trigger_id", ""), view=view)
        except (SlackApiError, aiohttp.ClientError, asyncio.TimeoutError) as exc:
            log.warning("views.open for /%s failed: %s", name, exc)
            await self._answer_privately(self.texts(usage_key), command["channel_id"], command["user_id"],
                                         response_url=command.get("response_url"))

    async def _on_action(self, body: dict[str, Any]) -> None:
        """(Answered already by _AnswerFirst.)"""
        await self._working_on()
        user = (body.get("user") or {}).get("id", "")
        name = await self.names.get(user) if user else user
        for action in body.get("actions") or ():
            neutral = button_event(body, action, name)
            if neutral is None:
                continue
            message = body.get("message") or {}
            if neutral.platform_message_id and (parent := thread_parent(message)):
                self._remember_thread(neutral.conversation.ref.chat_id, neutral.platform_message_id, parent)
            result = await self._handle(neutral)
            answer = result.answer_to_give
            if answer:
                await self._answer_privately(answer, neutral.conversation.ref.chat_id, user,
                                             response_url=body.get("response_url"),
                                             thread_ts=neutral.reply_to_message_id)

    async def _on_report_form(self, ack: Callable[..., Awaitable[Any]], body: dict[str, Any],
                              view: dict[str, Any]) -> None:
        form, errors = report_form.read_submission(self.texts, view)
        if errors:
            await ack(response_action="errors", errors=errors)
            return
        await ack()
        await self._working_on()
        if form is None:
            log.warning("a /report form without its conversation was submitted; ignored")
            return
        await self._submitted(body, form.channel_id, "report", report_form.fields(form))

    async def _on_broadcast_form(self, ack: Callable[..., Awaitable[Any]], body: dict[str, Any],
                                 view: dict[str, Any]) -> None:
        """Slack shows what it can inside the form; the bot's answer (problems
        or the preview with Send / Cancel) comes in the channel, as for a typed /broadcast."""
        form, errors = broadcast_form.read_submission(self.texts, view)
        if errors:
            await ack(response_action="errors", errors=errors)
            return
        await ack()
        await self._working_on()
        if form is None:
            log.warning("a /broadcast form without its conversation was submitted; ignored")
            return
        await self._submitted(body, form.channel_id, "broadcast", broadcast_form.fields(form))

    async def _submitted(self, body: dict[str, Any], channel: str, form: str,
                         fields: tuple[tuple[str, str], ...]) -> None:
        """A form's submission, handled as the neutral form event (its fields as chosen)."""
        user = body["user"]["id"]
        neutral = form_event(body, channel, form, fields, await self.names.get(user))
        result = await self._handle(neutral)
        answer = result.answer_to_give
        if answer:
            await self._post_ephemeral(channel, user, answer)

    async def _handle(self, event: Event) -> HandleResult:
        try:
            return await self.sink(event)
        except Exception:  # e.g. the database is away; Slack has had its answer already
            log.exception("Slack %s from %s could not be handled", type(event).__name__, event.actor.user_id)
            return HandleResult()

    # -- answers only one person sees -------------------------------------------

    async def _answer_privately(self, text: str, channel: str, user: str, *, response_url: str | None = None,
                                thread_ts: str | None = None) -> None:
        """Through the interaction's response_url (no rate tier, works without
        channel membership), else chat.postEphemeral."""
        if response_url and self._session is not None:
            body = {"response_type": "ephemeral", "replace_original": False, "text": escape(text)}
            try:
                async with self._session.post(response_url, json=body,
                                              timeout=aiohttp.ClientTimeout(total=RESPONSE_URL_TIMEOUT_S)) as resp:
                    if resp.status == 200:
                        return
                    log.info("response_url answered %s; trying chat.postEphemeral", resp.status)
            except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
                log.info("response_url failed (%s); trying chat.postEphemeral", exc)
        await self._post_ephemeral(channel, user, text, thread_ts)

    async def _post_ephemeral(self, channel: str, user: str, text: str, thread_ts: str | None = None) -> None:
        try:
            await self.client.chat_postEphemeral(channel=channel, user=user, text=escape(text), thread_ts=thread_ts,
                                                 parse="none", link_names=False)
        except (SlackApiError, aiohttp.ClientError, asyncio.TimeoutError) as exc:
            log.warning("ephemeral answer to %s in %s not delivered: %s", user, channel, exc)

    # -- threads -----------------------------------------------------------------

    def _remember_thread(self, channel: str, ts: str, parent: str) -> None:
        self._thread_roots[(channel, ts)] = parent
        while len(self._thread_roots) > MAX_THREAD_ROOTS:
            self._thread_roots.popitem(last=False)

    def thread_for(self, channel: str, message_ts: str | None) -> str | None:
        """The thread a reply to `message_ts` belongs in: a reply to a message that
        is itself in a thread goes to that thread's parent, as Slack wants."""
        if not message_ts:
            return None
        return self._thread_roots.get((channel, message_ts), message_ts)

    # -- outgoing --------------------------------------------------------------

    async def deliver(self, delivery: Delivery) -> str:
        try:
            return await self._deliver(delivery)
        except SlackApiError as exc:
            self._auth_refused(exc)
            raise delivery_error(exc) from exc
        except SlackRequestError as exc:  # the file upload URL did not take the file: try again
            raise DeliveryError(f"Slack upload failed: {exc}") from exc
        except (aiohttp.ClientError, asyncio.TimeoutError, OSError) as exc:  # network: try again
            raise DeliveryError(f"{type(exc).__name__}: {exc}") from exc

    async def _deliver(self, delivery: Delivery) -> str:
        channel = delivery.to.chat_id
        if delivery.kind == "edit":  # the text only: files went with the send
            assert delivery.target_message_id is not None
            part = render(delivery.message, single=True)[0]
            await self.client.chat_update(channel=channel, ts=delivery.target_message_id, text=part.text,
                                          blocks=part.blocks, parse="none", link_names=False)
            return delivery.target_message_id
        parts = render(delivery.message)
        files = delivery.message.files
        steps = len(parts) + len(files)
        thread_ts = self.thread_for(channel, delivery.reply_to_message_id)
        # A long message goes out in parts, then its files; a retry goes on from the step that failed.
        first, last_ts = self._progress.get(delivery.outbox_id, (0, ""))
        for index in range(first, steps):
            if index >= len(parts):
                await self._upload(channel, files[index - len(parts)], thread_ts)
                self._progress[delivery.outbox_id] = (index + 1, last_ts)
                continue
            if index > first:
                await asyncio.sleep(self.part_interval_s)
            part = parts[index]
            response = await self.client.chat_postMessage(
                channel=channel, text=part.text, blocks=part.blocks, thread_ts=thread_ts,
                unfurl_links=False, unfurl_media=False, parse="none", link_names=False,
            )
            last_ts = str(response["ts"])
            if steps > 1:
                self._progress[delivery.outbox_id] = (index + 1, last_ts)
        self._progress.pop(delivery.outbox_id, None)
        return last_ts  # the part with the buttons: the one later edits change

    async def _upload(self, channel: str, file: OutgoingFile, thread_ts: str | None) -> None:
        """One file shared in the channel (in the message's thread, if it has one).

        files_upload_v2: files.getUploadURLExternal, the bytes to the URL it gives,
        then files.completeUploadExternal, which shares the file in the channel.
        """
        await self.client.files_upload_v2(channel=channel, filename=file.name, content=file.content,
                                          title=file.name, thread_ts=thread_ts)

def _bolt_logger() -> logging.Logger:
    """Bolt's own logger, quiet below errors: its debug and warning lines carry whole request
    bodies (what people wrote, tokens of presses). The adapter logs what matters itself."""
    logger = logging.getLogger("slack_bolt")
    logger.setLevel(logging.ERROR)
    return logger


def delivery_error(exc: SlackApiError) -> DeliveryError:
    """A Web API refusal as the outbox understands it."""
    response = exc.response
    status = response.status_code
    error = response.get("error") if isinstance(response.data, dict) else None
    if status == 429 or error == "ratelimited":
        return DeliveryError("Slack rate limit", retry_after=_retry_after(response.headers), rate_limited=True)
    if status >= 500:
        return DeliveryError(f"Slack answered HTTP {status}")
    if error in PERMANENT_ERRORS:
        return DeliveryError(f"Slack refused: {error}", permanent=True)
    return DeliveryError(f"Slack error: {error or f'HTTP {status}'}")


def _retry_after(headers: Any) -> float:
    value = None
    if headers is not None:
        value = headers.get("Retry-After") or headers.get("retry-after")
    try:
        return max(0.0, float(value)) if value is not None else 1.0
    except (TypeError, ValueError):
        return 1.0
