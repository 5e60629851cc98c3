"""Slack as the registry knows it: its settings, its ids, its factory.

Kept free of slack-bolt imports, so reading settings or the organisation file does
not load the platform's library."""
from __future__ import annotations

from core.platform import ChatPlatform, PlatformBuild, PlatformSpec, Setting


def _build(build: PlatformBuild) -> ChatPlatform:
    from adapters.slack.adapter import SlackAdapter

    return SlackAdapter(build.settings, build.sink, build.organisation.language, build.organisation)


SPEC = PlatformSpec(
    name="slack",
    label="Slack",
    build=_build,
    # A bot token, and a way in: the signing secret (HTTP) or an app token (Socket Mode).
    configured=lambda values: bool(values.get("slack_bot_token")
                                   and (values.get("slack_signing_secret") or values.get("slack_app_token"))),
    settings=(
        Setting("slack_bot_token", "the app's bot token (xoxb-…)", secret=True),
        Setting("slack_signing_secret", "HTTP mode: the app's signing secret", secret=True),
        Setting("slack_app_token", "Socket Mode: an app-level token (xapp-…)", secret=True),
        Setting("slack_api_url", "the Web API", default="https://slack.com/api/"),
    ),
)
