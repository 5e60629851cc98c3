"""One removal rule for the chat's /remove and `liandong roster remove` (config/removal.py):
the same roster, the same WHO, the same answer on both paths."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import select

from storage.models import RosterMember
from storage.roster import RosterRepository
from tests.conftest import ConsoleBot
from tests.test_roster_import import cli

NOW = datetime(2026, 12, 1, 8, 0, tzinfo=timezone.utc)


async def _add(bot: ConsoleBot, name: str, platform: str | None, user_id: str | None, source: str) -> None:
    async with bot.app.db.transaction() as session:
        await RosterRepository(session).add(RosterMember(
            unit_code="FIRE-01", name=name, role="member", platform=platform, user_id=user_id, source=source,
            created_at=NOW, created_by="test"))


async def _live(bot: ConsoleBot) -> list[tuple[str, str | None]]:
    async with bot.app.db.transaction() as session:
        members = await session.scalars(select(RosterMember).where(
            RosterMember.unit_code == "FIRE-01", RosterMember.removed_at.is_(None)).order_by(RosterMember.id))
        return [(m.name, m.user_id) for m in members]


async def test_chat_and_cli_decide_a_removal_the_same_way(console_bot: ConsoleBot, database_url: str) -> None:
    # Two people of one name who joined in chat, and a register contact for 张三, whom the file lists.
    await _add(console_bot, "周明", "telegram", "5001", "chat")
    await _add(console_bot, "周明", "slack", "U5002", "chat")
    await _add(console_bot, "张三", None, None, "import")
    everyone = await _live(console_bot)

    # A name that fits two people: both paths refuse, list both ids, remove nobody.
    chat = await console_bot.say("王指挥@centre: /remove FIRE-01 周明")
    assert "未移出任何人" in chat and "telegram:5001" in chat and "slack:U5002" in chat
    command = cli(database_url, "roster", "remove", "FIRE-01", "周明")
    assert command.returncode == 1 and "nobody was removed" in command.stderr
    assert "telegram:5001" in command.stderr and "slack:U5002" in command.stderr
    assert await _live(console_bot) == everyone

    # Someone the organisation file lists, by name or by id: both paths refuse, even though the
    # database holds a contact of that name (the chat used to remove it, the CLI too).
    for who in ("张三", "telegram:2001", " 张 三 "):
        assert "请在文件中删除" in await console_bot.say(f"王指挥@centre: /remove FIRE-01 {who}"), who
        command = cli(database_url, "roster", "remove", "FIRE-01", who)
        assert command.returncode == 1 and "is in the organisation file" in command.stderr, who
    assert await _live(console_bot) == everyone

    # Named by id, one of the two goes (either path); then the name fits one person, on either path.
    command = cli(database_url, "roster", "remove", "FIRE-01", "telegram:5001")
    assert command.returncode == 0 and "removed 周明 (telegram 5001)" in command.stdout
    assert "已将 周明 移出 FIRE-01" in await console_bot.say("王指挥@centre: /remove FIRE-01 周明")
    assert await _live(console_bot) == [("张三", None)]

    # Nobody of that name: both say so.
    assert "没有通过聊天加入或导入的成员 周明" in await console_bot.say("王指挥@centre: /remove FIRE-01 周明")
    command = cli(database_url, "roster", "remove", "FIRE-01", "周明")
    assert command.returncode == 1 and "no member or contact '周明' in FIRE-01" in command.stderr
