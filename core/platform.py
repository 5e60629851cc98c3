"""What the bot needs from a chat platform adapter, and what an adapter declares about
itself (its `PlatformSpec`) so that settings, the organisation file, the CLI and the
wiring need no line of their own for it. The registry of specs is core/registry.py."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from enum import Enum
from typing import TYPE_CHECKING, Any, Awaitable, Callable, Mapping, Protocol

from core.events import Event
from core.messages import Delivery
from core.ratelimit import RateLimiter

if TYPE_CHECKING:  # the CLI imports this module, and a command that serves nothing need not load aiohttp
    from aiohttp import web


@dataclass(frozen=True)
class HandleResult:
    """What the pipeline tells an adapter about an event, beyond the outbox.

    `private_answer`: say this to the actor only (a button press's toast, Slack's
    ephemeral message). `duplicate`: the platform delivered this update before; it
    was handled then. `degraded`: the database could not take the event; it was kept
    in the local spool (or not even there: disk full), and `private_answer` says
    which; the adapter gives that answer itself, since the outbox is in the database.
    """

    private_answer: str | None = None
    duplicate: bool = False
    degraded: bool = False

    @property
    def answer_to_give(self) -> str | None:
        """The private answer, unless this update was answered when first delivered."""
        return None if self.duplicate else self.private_answer


EventSink = Callable[[Event], Awaitable[HandleResult]]
HttpRoute = tuple[str, str, Callable[["web.Request"], Awaitable["web.StreamResponse"]]]


class PlatformError(Exception):
    """A platform refused to start for a reason the operator must fix (e.g. a bad token)."""


@dataclass(frozen=True)
class CommandInfo:
    """A command for a platform's command menu, described in every language."""

    name: str
    descriptions: dict[str, str]  # language -> text, plus "default": the organisation's


class Failure(str, Enum):
    """Why a platform's API last failed, in words safe to show anyone (no host, no token)."""

    NETWORK = "network"  # no connection, reset, timed out
    SERVER = "server"    # the platform answered 5xx
    AUTH = "auth"        # the platform refused the bot's credentials


@dataclass(frozen=True)
class Reachability:
    """Whether a platform's API answers the bot, from the bot's own calls to it.

    `remote` is False for a platform with nothing to reach (the console): always
    reachable. `ok_within`: when the adapter calls its API at least this often while
    all is well (a long poll), a success older than that is itself a failure.
    One failed call after a success is not yet a problem (`FAILURES_TO_TELL`): a single
    502 that the next call gets past must not take the bot out of a load balancer.
    """

    FAILURES_TO_TELL = 2

    remote: bool = False
    last_ok: datetime | None = None
    last_failure: datetime | None = None
    failure: Failure | None = None
    ok_within: timedelta | None = None
    failures_in_a_row: int = 0

    def problem(self, now: datetime) -> str | None:
        """Why the platform is not reachable now (safe to publish), or None."""
        if not self.remote:
            return None
        failing = self.last_failure is not None and (self.last_ok is None or self.last_failure >= self.last_ok)
        if failing and (self.last_ok is None or self.failures_in_a_row >= self.FAILURES_TO_TELL):
            assert self.failure is not None
            return f"last call failed ({self.failure.value}) {_ago(now, self.last_failure)}"
        if self.last_ok is None:
            return "not connected yet"
        if self.ok_within is not None and now - self.last_ok > self.ok_within:
            return f"no answer since {_ago(now, self.last_ok)}"
        return None


def _ago(now: datetime, then: datetime) -> str:
    return f"{max(0, round((now - then).total_seconds()))} s ago"


class ReachabilityTracker:
    """What an adapter updates on each call to its platform's API; `status()` is the snapshot."""

    def __init__(self, ok_within: timedelta | None = None):
        self.ok_within = ok_within
        self._last_ok: datetime | None = None
        self._last_failure: datetime | None = None
        self._failure: Failure | None = None
        self._failures_in_a_row = 0

    def ok(self) -> None:
        self._last_ok = datetime.now(timezone.utc)
        self._failures_in_a_row = 0

    def failed(self, why: Failure) -> None:
        self._last_failure = datetime.now(timezone.utc)
        self._failure = why
        self._failures_in_a_row += 1

    def http_outcome(self, status: int | None) -> None:
        """One HTTP call's outcome: None when no answer came; 5xx the platform failing; 401/404
        a refused token; anything else (a 400 included) means the platform answered."""
        if status is None:
            self.failed(Failure.NETWORK)
        elif status >= 500:
            self.failed(Failure.SERVER)
        elif status in (401, 404):
            self.failed(Failure.AUTH)
        else:
            self.ok()

    def status(self) -> Reachability:
        return Reachability(remote=True, last_ok=self._last_ok, last_failure=self._last_failure,
                            failure=self._failure, ok_within=self.ok_within,
                            failures_in_a_row=self._failures_in_a_row)


class ChatPlatform(Protocol):
    platform: str
    limiter: RateLimiter | None

    @property
    def needs_http(self) -> bool:
        """True when updates arrive through the bot's HTTP server (webhooks)."""
        ...

    def http_routes(self) -> list[HttpRoute]: ...

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    async def deliver(self, delivery: Delivery) -> str | None: ...

    def use_organisation(self, organisation: Any) -> None:
        """The organisation changed (someone joined, a chat was bound)."""
        ...

    async def run_foreground(self) -> bool:
        """Own the terminal until the user quits, then True (the console); others
        return False at once."""
        ...

    def stop_taking_updates(self) -> None:
        """The bot is stopping: take no new updates (what is in hand is finished);
        deliveries still go out until stop()."""
        ...

    def reachability(self) -> Reachability:
        """Whether the platform's API answered the bot lately (readiness, metrics)."""
        ...


class PlatformBase:
    """What most platforms do about the optional parts of ChatPlatform: nothing."""

    platform: str = ""
    limiter: RateLimiter | None = None

    @property
    def needs_http(self) -> bool:
        return False

    def http_routes(self) -> list[HttpRoute]:
        return []

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        return None

    def use_organisation(self, organisation: Any) -> None:
        return None

    async def run_foreground(self) -> bool:
        return False

    def stop_taking_updates(self) -> None:
        return None

    def reachability(self) -> Reachability:
        return Reachability()  # nothing remote to reach


@dataclass(frozen=True)
class Setting:
    """One environment variable of a platform, `LIANDONG_<KEY upper-cased>`."""

    key: str                      # e.g. "telegram_token": LIANDONG_TELEGRAM_TOKEN
    meaning: str                  # one line; the README's Environment table says more (a test checks it is there)
    default: str | None = None
    secret: bool = False          # never printed, and redacted from log lines
    choices: tuple[str, ...] = ()  # when set, any other value is refused at start

    @property
    def variable(self) -> str:
        return f"LIANDONG_{self.key.upper()}"


PlatformValues = Mapping[str, str | None]  # a platform's settings by key, defaults applied


@dataclass(frozen=True)
class PlatformBuild:
    """What a platform's factory is given. Typed loosely on purpose: core sits below
    config and cannot name its Settings or Organisation."""

    settings: Any           # config.settings.Settings
    values: PlatformValues  # this platform's own settings
    sink: EventSink         # where its events go (the pipeline)
    commands: list[CommandInfo]
    organisation: Any       # config.organisation.Organisation
    output: Any = None      # a text stream, for a platform that prints (the console)


def _always_fine(_: PlatformValues) -> str | None:
    return None


def _same_id(user_id: str) -> str:
    return user_id


@dataclass(frozen=True)
class PlatformSpec:
    """A platform as the rest of the house sees it. One per adapter package."""

    name: str
    build: Callable[[PlatformBuild], "ChatPlatform"]
    configured: Callable[[PlatformValues], bool]    # are its settings there to run it?
    settings: tuple[Setting, ...] = ()
    # A problem with its settings, said to the operator at start (None: fine).
    problem: Callable[[PlatformValues], str | None] = _always_fine
    # Members and chats carry ids of this platform in the organisation file
    # (`telegram: "123"`); False for a platform that names people as the file does.
    ids_in_organisation: bool = True
    # The platform mirrors the organisation instead: every member by name, every
    # conversation as a room named like the unit (the console). It runs when no
    # other platform is configured, unless switched off.
    mirrors_organisation: bool = False
    # Conversations that only the bot posts into (Telegram channels) are allowed.
    announce_only_chats: bool = False
    # The chat id of a user's private conversation with the bot.
    private_chat_id: Callable[[str], str] = _same_id
    # A channel that goes with the chat platforms rather than being one (the phone):
    # it never keeps the console from running, and it runs beside the console when
    # nothing configures it (the console shows what it sends).
    companion: bool = False
    label: str = ""  # how the README and messages name it (Telegram); the name when empty
    usage: str = ""  # how to use it, for `liandong run --help` (the console's keys)

    @property
    def title(self) -> str:
        return self.label or self.name.capitalize()
