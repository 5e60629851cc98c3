"""Process settings from the environment (README, "Environment").

The bot's own variables are fields here; each platform's (LIANDONG_TELEGRAM_TOKEN, …)
are declared by the platform (its PlatformSpec in the registry) and kept by key in
`platform_values`, so a new platform needs no line in this file.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Mapping

from core.platform import PlatformSpec
from core.registry import PLATFORMS
from storage.db import DATABASE_FILE, UnknownDatabaseURL, default_data_dir, normalise_url, sqlite_path, sqlite_url

DEFAULT_ORG = str(Path(__file__).with_name("org.example.yaml"))


class SettingsError(Exception):
    pass


class StorageSettingsError(SettingsError):
    """Where the data goes cannot be used: an unknown database URL scheme, or a data
    directory that cannot be written. The CLI exits 2 for it, like an unreachable database."""


@dataclass(frozen=True)
class Settings:
    org_path: str = DEFAULT_ORG
    # Unset: the SQLite file liandong.db in the data directory (data_path).
    database_url: str = ""
    public_url: str | None = None  # where webhooks reach the bot's HTTP server from outside
    http_host: str = "127.0.0.1"
    http_port: int = 8080
    # A platform asking to wait longer than this (a 429's retry_after) is treated as a
    # failed attempt retried after this long: one day-long answer must not hold a chat.
    max_retry_after_s: float = 300.0
    # Where the bot keeps files of its own: the default SQLite database and the inbound
    # spool. Unset: the per-user data directory (storage.db.default_data_dir), whatever
    # directory the bot was started in.
    data_dir: str | None = None
    # Button tokens, platform update ids and delivered outbox rows older than this are
    # deleted (storage/retention.py); the incident record itself is kept.
    retention_days: float = 90.0
    # The web board (adapters/web): a URL template of the office's own map tiles
    # ({z}/{x}/{y}; none: a plain map that requests nothing), and how long a browser
    # stays signed in (a shift).
    map_tiles: str | None = None
    board_session_hours: float = 12.0
    # CAP 1.2 warnings (#17): the bearer token of /cap/… (unset: those endpoints are off), the
    # Atom/RSS feeds of CAP alerts to poll, and how often.
    cap_token: str | None = None
    cap_feeds: tuple[str, ...] = ()
    cap_poll_s: float = 60.0
    # Every platform's settings by key ("telegram_token"), as given; see value().
    platform_values: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        url = self.database_url or sqlite_url(self.data_path / DATABASE_FILE)
        try:
            url = normalise_url(url)
        except UnknownDatabaseURL as exc:
            raise StorageSettingsError(f"LIANDONG_DATABASE_URL {exc}") from None
        object.__setattr__(self, "database_url", url)

    @property
    def data_path(self) -> Path:
        """The data directory: LIANDONG_DATA_DIR, or the per-user one."""
        return Path(self.data_dir).expanduser().absolute() if self.data_dir else default_data_dir()

    @classmethod
    def of(cls, **options: Any) -> "Settings":
        """Settings from keyword options, platform keys included:
        `Settings.of(database_url=…, telegram_token=…, console=False)`."""
        own = {f.name for f in fields(cls)} - {"platform_values"}
        declared = {s.key: s for spec in PLATFORMS.all() for s in spec.settings}
        values: dict[str, str] = {}
        for key, value in options.items():
            if key in own:
                continue
            if key not in declared:
                raise TypeError(f"no setting {key!r}")
            if value is not None:
                values[key] = ("1" if value else "0") if isinstance(value, bool) else str(value)
        settings = cls(**{k: v for k, v in options.items() if k in own}, platform_values=values)
        settings.check_platforms()
        return settings

    def value(self, key: str) -> str | None:
        """A platform's setting, or its declared default."""
        if key in self.platform_values:
            return self.platform_values[key]
        if key == "public_url":  # shared by every platform that takes webhooks
            return self.public_url
        return next((s.default for spec in PLATFORMS.all() for s in spec.settings if s.key == key), None)

    def values_for(self, spec: PlatformSpec) -> dict[str, str | None]:
        """What one platform's checks and factory read: its settings and the shared ones."""
        return {"public_url": self.public_url, **{s.key: self.value(s.key) for s in spec.settings}}

    def secrets(self) -> list[str]:
        """Values never to print: tokens and signing secrets."""
        return [value for spec in PLATFORMS.all() for s in spec.settings
                if s.secret and (value := self.value(s.key))] + ([self.cap_token] if self.cap_token else [])

    @property
    def spool_path(self) -> Path:
        """Events the database could not take wait here (bot/spool.py)."""
        return self._spool_dir() / "inbound-spool.jsonl"

    def _spool_dir(self) -> Path:
        # An explicit SQLite file without an explicit data directory keeps its spool beside
        # it, so two bots on two databases never share one.
        database = sqlite_path(self.database_url)
        if self.data_dir or database is None:
            return self.data_path
        return database.parent

    def check_storage(self) -> None:
        """Refuse (StorageSettingsError) a data directory, or SQLite file directory, that
        cannot be created or written; nothing is created to find out."""
        places = [("LIANDONG_DATA_DIR", self._spool_dir())]
        if (database := sqlite_path(self.database_url)) is not None:
            places.append(("LIANDONG_DATABASE_URL", database.parent))
        for variable, place in places:
            if (problem := _unwritable(place)) is not None:
                raise StorageSettingsError(f"{variable}: cannot keep data in {place}: {problem}")

    def enabled_platforms(self) -> tuple[str, ...]:
        """The platforms to run, in the registry's order. A platform that mirrors the
        organisation (the console) also runs when nothing else is configured, unless
        switched off."""
        specs = PLATFORMS.all()
        configured = {spec.name for spec in specs if spec.configured(self.values_for(spec))}
        fallback = not any(not spec.mirrors_organisation and not spec.companion
                           for spec in specs if spec.name in configured)
        running = [
            spec.name for spec in specs
            if spec.name in configured or (spec.mirrors_organisation and fallback and not self._off(spec))
        ]
        # A companion (the phone) with nothing configured runs beside a mirroring platform (the console).
        if any(PLATFORMS.mirrors(name) for name in running):
            running += [spec.name for spec in specs if spec.companion and spec.name not in running]
        return tuple(spec.name for spec in specs if spec.name in running)

    def _off(self, spec: PlatformSpec) -> bool:
        return any(s.choices == ("0", "1") and self.value(s.key) == "0" for s in spec.settings)

    def check_platforms(self) -> None:
        """Refuse a setting outside its choices, or one a platform says it cannot run with."""
        for spec in PLATFORMS.all():
            for setting in spec.settings:
                value = self.value(setting.key)
                if setting.choices and value is not None and value not in setting.choices:
                    raise SettingsError(f"{setting.variable} must be {_either(setting.choices)}, not {value!r}")
            if (problem := spec.problem(self.values_for(spec))) is not None:
                raise SettingsError(problem)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "Settings":
        env = os.environ if env is None else env

        def get(name: str, default: str | None = None) -> str | None:
            value = env.get(f"LIANDONG_{name}")
            return value if value not in (None, "") else default

        max_retry_after = _number(get("MAX_RETRY_AFTER", "300"), "LIANDONG_MAX_RETRY_AFTER", 1, 86_400)
        port_text = get("HTTP_PORT", "8080")
        try:
            port = int(port_text)  # type: ignore[arg-type]
            if not 0 <= port <= 65535:
                raise ValueError
        except ValueError:
            raise SettingsError(f"LIANDONG_HTTP_PORT must be a port number, not {port_text!r}") from None
        platform_values = {
            s.key: value for spec in PLATFORMS.all() for s in spec.settings
            if (value := get(s.key.upper())) is not None
        }
        settings = cls(
            org_path=get("ORG", DEFAULT_ORG),  # type: ignore[arg-type]
            database_url=get("DATABASE_URL", ""),  # type: ignore[arg-type]
            public_url=get("PUBLIC_URL"),
            http_host=get("HTTP_HOST", "127.0.0.1"),  # type: ignore[arg-type]
            http_port=port,
            max_retry_after_s=max_retry_after,
            data_dir=get("DATA_DIR"),
            retention_days=_number(get("RETENTION_DAYS", "90"), "LIANDONG_RETENTION_DAYS", 7, 36_500),
            map_tiles=_tiles(get("MAP_TILES")),
            board_session_hours=_number(get("BOARD_SESSION_HOURS", "12"), "LIANDONG_BOARD_SESSION_HOURS", 0.1, 168),
            cap_token=get("CAP_TOKEN"),
            cap_feeds=_feeds(get("CAP_FEEDS", "")),  # type: ignore[arg-type]
            cap_poll_s=_number(get("CAP_POLL_SECONDS", "60"), "LIANDONG_CAP_POLL_SECONDS", 10, 86_400),
            platform_values=platform_values,
        )
        settings.check_platforms()
        settings.check_storage()
        return settings


def _feeds(text: str) -> tuple[str, ...]:
    """LIANDONG_CAP_FEEDS: URLs separated by spaces or commas, each http(s)."""
    urls = tuple(u for u in text.replace(",", " ").split() if u)
    for url in urls:
        if not url.startswith(("http://", "https://")):
            raise SettingsError(f"LIANDONG_CAP_FEEDS: {url!r} is not an http(s) URL")
    return urls


def _unwritable(directory: Path) -> str | None:
    """Why files cannot be made in directory (or in it once created), or None."""
    probe = directory.absolute()
    while not probe.exists() and probe.parent != probe:
        probe = probe.parent
    if not probe.is_dir():
        return f"{probe} is not a directory"
    if not os.access(probe, os.W_OK | os.X_OK):
        return f"{probe} is not writable"
    return None


def _either(choices: tuple[str, ...]) -> str:
    return " or ".join(choices)


def _number(text: str | None, name: str, low: float, high: float) -> float:
    """A number of seconds, days, … within bounds, or a SettingsError naming the variable."""
    try:
        value = float(text or "")
    except ValueError:
        raise SettingsError(f"{name} must be a number, not {text!r}") from None
    if not low <= value <= high:
        raise SettingsError(f"{name} must be between {low:g} and {high:g}, not {text}")
    return value


def _tiles(template: str | None) -> str | None:
    """LIANDONG_MAP_TILES: an http(s) URL template naming {z}, {x} and {y}."""
    if template is None:
        return None
    if not template.startswith(("http://", "https://")) or not all(f"{{{k}}}" in template for k in "zxy"):
        raise SettingsError(f"LIANDONG_MAP_TILES must be an http(s) URL with {{z}}, {{x}} and {{y}}, not {template!r}")
    return template
