"""Who a removal names: one rule for the chat's `/remove UNIT WHO` and the command
line's `liandong roster remove UNIT WHO`, so a duty officer gets the same answer
wherever they type it (see README.md, "Other commands").

The rule:

1. WHO is `telegram:ID` or `slack:ID` — that chat member — or else a name,
   compared within the unit with spaces, full-width forms and case aside.
2. Someone the organisation file lists in that unit (the same id, or the same
   name) is refused and nothing changes: the file is the declared base, and
   removing the database's entries would leave them in the organisation anyway.
   They are removed by editing the file.
3. A WHO that fits more than one entry of the roster (two people of one name,
   or a register contact and a chat member of the same name) is refused and the
   entries are listed with their ids: one command removes one person, never two
   by surprise. Chat members are then named by id; the contact is what the name
   fits once they are gone.
4. Otherwise the one entry is removed, or nothing fits (with close names).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Sequence

from config.names import close_names, same_name
from core.registry import PLATFORMS

if TYPE_CHECKING:
    from config.organisation import Organisation
    from storage.models import RosterMember


@dataclass(frozen=True)
class Who:
    """WHO as typed: a platform id (`platform`, `user_id`), or a name (`name`)."""

    text: str
    platform: str | None = None
    user_id: str | None = None

    @property
    def by_id(self) -> bool:
        return self.platform is not None

    def fits(self, platform: str | None, user_id: str | None, name: str) -> bool:
        if self.by_id:
            return platform == self.platform and user_id == self.user_id
        return same_name(name, self.text)


def parse_who(text: str) -> Who:
    text = text.strip()
    platform, colon, user_id = text.partition(":")
    if colon and platform.lower() in PLATFORMS.with_ids() and user_id.strip():
        return Who(text, platform.lower(), user_id.strip())
    return Who(text)


@dataclass(frozen=True)
class Removal:
    """The decision. `outcome` is one of:

    - "remove": `members` holds the one entry to remove;
    - "in_file": the organisation file lists them; nothing removed;
    - "ambiguous": `members` holds every entry WHO fits; nothing removed;
    - "not_found": nothing fits; `close` has names close to WHO.
    """

    outcome: str
    members: list["RosterMember"] = field(default_factory=list)
    close: list[str] = field(default_factory=list)


def _fits_file(who: Who, person: Any) -> bool:
    """`person` is a member as the organisation file lists them (config.schema.UnitMember)."""
    if not who.by_id:
        return who.fits(None, None, person.name)
    return any(who.fits(platform, user_id, person.name) for platform, user_id in person.platform_ids())


def decide_removal(org: "Organisation", code: str, members: Sequence["RosterMember"], who: str | Who) -> Removal:
    """Whom `who` names among the unit's live roster entries `members` (database), with the
    organisation file of `org` (`org.file_members`) as the base that is never removed here."""
    who = parse_who(who) if isinstance(who, str) else who
    if any(_fits_file(who, person) for person in org.file_members(code)):
        return Removal("in_file")
    found = [m for m in members if who.fits(m.platform, m.user_id, m.name)]
    if len(found) == 1:
        return Removal("remove", found)
    if found:
        return Removal("ambiguous", found)
    names = [m.name for m in members]
    if code in org.units:
        names += [m.name for m in org.spec_unit(code).members]
    return Removal("not_found", close=[] if who.by_id else close_names(who.text, names))


def entry_label(member: "RosterMember") -> str:
    """How an entry is told apart from another of the same name: its platform id, or "contact"."""
    return f"{member.platform}:{member.user_id}" if member.user_id else "contact"
