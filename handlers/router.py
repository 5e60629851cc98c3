"""Routes neutral events to handlers: commands by name, submitted forms by the
form's name, free text and locations to the message handlers, button presses by
the action their token stands for.

A button's token is looked up here, and refused when unknown, expired or pressed
in another conversation than the one it was sent to, before any handler runs.
"""
from __future__ import annotations

import difflib
import logging
import re
from dataclasses import dataclass, replace
from typing import Any, Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.context import Context, HandlerContext
from handlers.replies import Reply, ReplyKey
from core.events import (
    ButtonEvent, CommandEvent, ConversationMovedEvent, Conversation, ConversationRef, Event, FormEvent,
    KeyPressEvent, LocationEvent, MessageEvent, PhoneStatusEvent,
)
from core.messages import Message
from core.phone import SMS, split_chat_id
from core.text import strip_invisible
from config.organisation import Organisation, PersonInfo
from storage.buttons import ButtonRepository, ResolvedButton
from storage.outbox import OutboxRepository
from storage.phone import PhoneRepository

log = logging.getLogger(__name__)

CommandHandler = Callable[[HandlerContext, CommandEvent], Awaitable[None]]
FormHandler = Callable[[HandlerContext, FormEvent], Awaitable[None]]
MessageHandler = Callable[[HandlerContext, MessageEvent], Awaitable[bool]]
LocationHandler = Callable[[HandlerContext, LocationEvent], Awaitable[bool]]
ButtonHandler = Callable[[HandlerContext, ButtonEvent, ResolvedButton], Awaitable[None]]
MoveHandler = Callable[[HandlerContext, ConversationMovedEvent], Awaitable[None]]
PhoneStatusHandler = Callable[[HandlerContext, PhoneStatusEvent], Awaitable[None]]
# Takes a reply to a question it asked; False: not for it after all (e.g. not the
# person asked), and the message goes on to the message handlers.
ReplyHandler = Callable[[HandlerContext, MessageEvent, Reply], Awaitable[bool]]
Audience = Callable[[PersonInfo | None], bool]
# Loads what a batch of presses of one action will need, in a few queries.
Prefetch = Callable[[AsyncSession, list[dict[str, Any]]], Awaitable[None]]
# Redraws one view of an incident after commit (Context.redraw_after_commit), the
# incident held and found in ctx.work.incidents_held.
Redraw = Callable[[Context, str], Awaitable[None]]
# Told of each event as it arrives, before it waits for its transaction: starts work
# that needs no database (reading a report's words in a worker process). Never blocks.
ArrivalHook = Callable[[Organisation, Event], None]


_HYPHEN_TAIL = re.compile(r"-([A-Za-z][A-Za-z-]*)(?=\s|$)")
# Chinese keyboards type the full-width slash: "／dispatch …" is the command, not a report.
_FULL_WIDTH_COMMAND = re.compile(r"\s*／([A-Za-z][A-Za-z0-9_-]{0,31})(?:@\S+)?(?:\s+(.*))?", re.DOTALL)


def _full_width_command(event: MessageEvent) -> CommandEvent | None:
    found = _FULL_WIDTH_COMMAND.fullmatch(event.text)
    if found is None:
        return None
    return CommandEvent(actor=event.actor, conversation=event.conversation, received_at=event.received_at,
                        platform_event_id=event.platform_event_id, platform_message_id=event.platform_message_id,
                        reply_to_message_id=event.reply_to_message_id,
                        name=found.group(1).lower(), args=(found.group(2) or "").strip())


def everyone(_: PersonInfo | None) -> bool:
    return True


def centre_only(person: PersonInfo | None) -> bool:
    return bool(person and person.centre)


def centre_or_upper(person: PersonInfo | None) -> bool:
    """The centre, or the upper centre's members: the handler then checks the incident
    was escalated to them (handlers/dispatch/upper_centre.may_act)."""
    return bool(person and (person.centre or person.upper))


@dataclass(frozen=True)
class CommandSpec:
    name: str
    handler: CommandHandler
    help_key: str
    audience: Audience = everyone
    in_channels: bool = False  # heard in a one-way Telegram channel too (where nothing else is read)


@dataclass(frozen=True)
class FormSpec:
    name: str
    handler: FormHandler
    audience: Audience = everyone


class Router:
    def __init__(self) -> None:
        self.commands: dict[str, CommandSpec] = {}
        self.forms: dict[str, FormSpec] = {}
        self._message_handlers: list[MessageHandler] = []
        self._location_handlers: list[LocationHandler] = []
        self._button_handlers: dict[str, ButtonHandler] = {}
        self._prefetchers: dict[str, Prefetch] = {}
        self._move_handlers: list[MoveHandler] = []
        self._reply_handlers: dict[ReplyKey, ReplyHandler] = {}
        self._phone_status_handlers: list[PhoneStatusHandler] = []
        self._arrival_hooks: list[ArrivalHook] = []
        self.redraws: dict[str, Redraw] = {}

    def command(self, name: str, handler: CommandHandler, help_key: str, audience: Audience = everyone,
                *, in_channels: bool = False) -> None:
        self.commands[name] = CommandSpec(name, handler, help_key, audience, in_channels)

    def form(self, name: str, handler: FormHandler, audience: Audience = everyone) -> None:
        """A submitted form by its name (core.events.FormEvent names the forms and their fields)."""
        self.forms[name] = FormSpec(name, handler, audience)

    def on_message(self, handler: MessageHandler) -> None:
        """Handlers are tried in order; the first to return True has taken the message."""
        self._message_handlers.append(handler)

    def on_reply(self, question: ReplyKey, handler: ReplyHandler) -> None:
        """Replies to messages sent under `question`'s keys go to `handler`, and only to it."""
        if any(known.kind == question.kind for known in self._reply_handlers):
            raise ValueError(f"two handlers for replies to {question.kind}")
        self._reply_handlers[question] = handler

    def on_redraw(self, kind: str, redraw: Redraw) -> None:
        self.redraws[kind] = redraw

    def on_arrival(self, hook: ArrivalHook) -> None:
        self._arrival_hooks.append(hook)

    def arrived(self, org: Organisation, event: Event) -> None:
        """Tell the arrival hooks; one failing costs only the head start it would have given."""
        for hook in self._arrival_hooks:
            try:
                hook(org, event)
            except Exception:  # noqa: BLE001 - an event must reach its transaction whatever a hook does
                log.exception("arrival hook %s failed", getattr(hook, "__name__", hook))

    def on_location(self, handler: LocationHandler) -> None:
        self._location_handlers.append(handler)

    def on_move(self, handler: MoveHandler) -> None:
        """Every handler hears that a conversation became another chat."""
        self._move_handlers.append(handler)

    def on_phone_status(self, handler: PhoneStatusHandler) -> None:
        """A provider's news of an SMS or call (delivered, answered, no answer …)."""
        self._phone_status_handlers.append(handler)

    def on_button(self, action: str, handler: ButtonHandler, prefetch: Prefetch | None = None) -> None:
        self._button_handlers[action] = handler
        if prefetch is not None:
            self._prefetchers[action] = prefetch

    async def prepare(self, session: AsyncSession, events: list[Event]) -> None:
        """Load the rows a batch of events will read, in one query per kind.

        Handlers then find them in the session's identity map: a storm of
        presses costs a few queries per batch, not several per press.
        """
        await self._prefetch(session, [e.token for e in events if isinstance(e, ButtonEvent)])

    async def _prefetch(self, session: AsyncSession, tokens: list[str]) -> None:
        by_action: dict[str, list[dict[str, Any]]] = {}
        for button in await ButtonRepository(session).preload(tokens):
            by_action.setdefault(button.action, []).append(button.data)
        for action, data in by_action.items():
            if prefetch := self._prefetchers.get(action):
                await prefetch(session, data)

    def commands_for(self, person: PersonInfo | None) -> list[CommandSpec]:
        return [spec for spec in self.commands.values() if spec.audience(person)]

    async def route(self, ctx: HandlerContext) -> None:
        event = ctx.event
        if isinstance(event, CommandEvent):
            await self._route_command(ctx, event)
        elif isinstance(event, ButtonEvent):
            await self._route_button(ctx, event)
        elif isinstance(event, KeyPressEvent):
            await self._route_key(ctx, event)
        elif isinstance(event, PhoneStatusEvent):
            for status_handler in self._phone_status_handlers:
                await status_handler(ctx, event)
        elif isinstance(event, FormEvent):
            await self._route_form(ctx, event)
        elif isinstance(event, LocationEvent):
            await self._resolve_reply(ctx, event)
            for location_handler in self._location_handlers:
                if await location_handler(ctx, event):
                    return
        elif isinstance(event, ConversationMovedEvent):
            for move_handler in self._move_handlers:
                await move_handler(ctx, event)
        elif isinstance(event, MessageEvent):
            if (command := _full_width_command(event)) is not None:
                ctx.event = command
                await self._route_command(ctx, command)
                return
            reply = await self._resolve_reply(ctx, event)
            if reply is not None and reply.kind is not None:
                if await self._reply_handlers[reply.kind](ctx, event, reply):
                    return
            for message_handler in self._message_handlers:
                if await message_handler(ctx, event):
                    return

    async def _resolve_reply(self, ctx: HandlerContext, event: Event) -> Reply | None:
        """Which bot message the event replies to, looked up once for every handler."""
        if event.reply_to_message_id is None:
            return None
        ref = event.conversation.ref
        key = await OutboxRepository(ctx.session).key_of_delivered(ref.platform, ref.chat_id,
                                                                   event.reply_to_message_id)
        ctx.reply_to = Reply(key)
        if key is not None:
            for question in self._reply_handlers:
                if (ids := question.ids_in(key)) is not None:
                    ctx.reply_to = Reply(key, question, ids)
                    break
        return ctx.reply_to

    def _canonical(self, event: CommandEvent) -> CommandEvent:
        """`/broadcast-report 7` and `/broadcast_report 7` are one command.

        Telegram allows only [a-z0-9_] in command names and marks `/broadcast`
        alone as the command in `/broadcast-report 7`, so the hyphenated tail
        arrives in the arguments; it is joined back here for every platform.
        """
        name, args = event.name.replace("-", "_"), event.args
        if tail := _HYPHEN_TAIL.match(args):
            joined = f"{name}_{tail.group(1).lower().replace('-', '_')}"
            if joined in self.commands:
                name, args = joined, args[tail.end():].strip()
        if (name, args) == (event.name, event.args):
            return event
        return replace(event, name=name, args=args)

    async def _route_command(self, ctx: HandlerContext, event: CommandEvent) -> None:
        event = self._canonical(event)
        spec = self.commands.get(event.name)
        if spec is None:
            # In groups other bots' commands are common: there only a member's near miss of
            # one of ours (/dispach, /stauts) is answered; in private every unknown one is.
            if event.conversation.is_channel:
                return
            # Only commands this person may use: a unit member's /stauts means /status, not
            # the centre's /stats (which is closer by letters).
            usable = [name for name, command in self.commands.items() if command.audience(ctx.person)]
            close = difflib.get_close_matches(event.name, usable, n=2, cutoff=0.75)
            if close and (event.conversation.is_private or ctx.person is not None):
                # Two near misses (/stauts: /stats or /status?) are both offered: guessing one is worse.
                key = "command.did_you_mean_either" if len(close) == 2 else "command.did_you_mean"
                ctx.reply(Message(text=ctx.t(key, name=event.name[:32], command=close[0],
                                             other=close[-1])))
            elif event.conversation.is_private:
                ctx.reply(Message(text=ctx.t("command.unknown", name=event.name[:32])))
            return
        if event.conversation.is_channel and not spec.in_channels:
            return  # a channel's subscribers all read what the bot would answer there
        if not spec.audience(ctx.person):
            log.warning("refused /%s from %s in %s", event.name, event.actor, event.conversation.ref)
            ctx.reply(Message(text=ctx.t("button.refused_centre_only")))
            return
        await spec.handler(ctx, event)

    async def _route_form(self, ctx: HandlerContext, event: FormEvent) -> None:
        spec = self.forms.get(event.form)
        if spec is None:
            log.warning("unknown form %r from %s", event.form[:32], event.actor)
            return
        if event.conversation.is_channel:
            return  # as for a command: a channel's subscribers all read what the bot would answer there
        if not spec.audience(ctx.person):
            log.warning("refused form %s from %s in %s", event.form, event.actor, event.conversation.ref)
            ctx.reply(Message(text=ctx.t("button.refused_centre_only")))
            return
        # The pipeline takes direction overrides and zero-width characters out of a message's
        # text and a command's arguments; a form's fields are the same words, so here too.
        visible = tuple((name, strip_invisible(value)) for name, value in event.fields)
        if visible != event.fields:
            ctx.event = event = replace(event, fields=visible)
        await spec.handler(ctx, event)

    async def _route_button(self, ctx: HandlerContext, event: ButtonEvent) -> None:
        resolved = await ButtonRepository(ctx.session).resolve(event.token)
        if resolved is None or (resolved.expires_at is not None and resolved.expires_at < ctx.now):
            log.warning("unknown or expired button token from %s", event.actor)
            ctx.private_answer = ctx.t("button.unknown")
            return
        if resolved.conversation != event.conversation.ref:
            log.warning("button token pressed outside its conversation by %s", event.actor)
            ctx.private_answer = ctx.t("button.wrong_place")
            return
        handler = self._button_handlers.get(resolved.action)
        if handler is None:
            ctx.private_answer = ctx.t("button.unknown")
            return
        await handler(ctx, event, resolved)

    async def _route_key(self, ctx: HandlerContext, event: KeyPressEvent) -> None:
        """A key on a call (or an SMS reply) is the press of the menu's button it names:
        key 1 the first button of the call (or SMS) it answers, key 2 the second."""
        number = event.actor.user_id
        if split_chat_id(event.conversation.ref.chat_id)[0] == SMS and not ctx.org.spec.escalation.sms_replies:
            # A sender's number can be forged on some networks: this office acts on keys
            # pressed on the bot's own calls only (escalation.sms_replies: false).
            log.warning("SMS reply from %s not taken: escalation.sms_replies is off", event.actor)
            ctx.private_answer = ctx.t("phone.sms_replies_off")
            return
        menu = await PhoneRepository(ctx.session).menu_for(number, event.call_id)
        key = event.digits.strip()[:1]
        if menu is None or not key.isdigit() or not 1 <= int(key) <= len(menu.tokens):
            log.warning("key %r from %s answers no menu", event.digits[:8], event.actor)
            ctx.private_answer = ctx.t("phone.key_unknown")
            return
        press = ButtonEvent(actor=event.actor, received_at=event.received_at, token=menu.tokens[int(key) - 1],
                            conversation=Conversation(ConversationRef(event.conversation.ref.platform, menu.chat_id),
                                                      is_private=True),
                            platform_event_id=event.platform_event_id)
        ctx.event = press
        # Its rows are loaded as a batch's presses load theirs (prepare): an order is held and
        # read as last committed, so a key decides from what a press in the other bot
        # process wrote meanwhile, not over it (接令 on a call after 到场 in chat).
        await self._prefetch(ctx.session, [press.token])
        await self._route_button(ctx, press)

