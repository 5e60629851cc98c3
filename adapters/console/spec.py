"""The console as the registry knows it: a chat in the terminal that mirrors the
organisation by name, on when no other platform is configured."""
from __future__ import annotations

from core.platform import ChatPlatform, PlatformBuild, PlatformSpec, Setting

CONSOLE_HELP = """\
Console chat — type lines as any member into any conversation:
  NAME@ROOM: TEXT     speak as NAME in ROOM (both are remembered for later lines)
  TEXT                speak again as the last NAME in the last ROOM
  /command args       commands work as in any chat, e.g. /report, /status, /help
  !TOKEN              press the button shown as [label !TOKEN]
  ^N TEXT             reply to the bot's message #N
  :loc LAT,LON        share a location
  :room NAME          open a new group room with the bot in it (then /bind CODE there)
  :rooms  :people  :help  :quit
ROOM is centre, reporting, a unit code, or dm (a private chat with the bot);
phone shows escalation's SMS and calls: NAME@phone: 1 presses 1 on the call to NAME.
Example:  路人甲@reporting: 人民路化工厂起火，3人受伤"""


def _build(build: PlatformBuild) -> ChatPlatform:
    from adapters.console.adapter import ConsoleAdapter

    return ConsoleAdapter(build.organisation, build.output, sink=build.sink)


SPEC = PlatformSpec(
    name="console",
    build=_build,
    configured=lambda values: values.get("console") == "1",
    ids_in_organisation=False,
    mirrors_organisation=True,
    usage=CONSOLE_HELP,
    private_chat_id=lambda user_id: f"dm:{user_id}",  # the console's rooms are named
    settings=(
        Setting("console", "1: a chat in the terminal too; 0: never (default: on when no other platform is)",
                choices=("0", "1")),
    ),
)
