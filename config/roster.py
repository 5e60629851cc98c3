"""The organisation as the bot sees it: the file, plus what the database adds.

The organisation file stays the declared base. Members who joined in chat,
groups bound in chat and units imported from the contact register live in the
database (storage/roster.py) and are laid over the file here, into one
validated `Organisation`; `liandong roster export` writes the same merge back
out so it can be folded into the file.
"""
from __future__ import annotations

import logging
from typing import Any

from pydantic import ValidationError

from config.organisation import Contact, DutyHolder, Organisation
from config.places import Gazetteer
from config.schema import OrganisationFile, Place
from core.registry import PLATFORMS
from storage.models import KnownPlace
from storage.roster import RosterSnapshot

log = logging.getLogger(__name__)


def merged_spec(base: OrganisationFile, roster: RosterSnapshot) -> dict[str, Any]:
    """The organisation file's data with the roster's units, members and bindings added."""
    data = base.model_dump(mode="json", exclude_none=True)
    units = {unit["code"]: unit for unit in data["units"]}
    for added in roster.units:
        if added.code not in units:
            units[added.code] = {"code": added.code, "name": added.name, "kind": added.kind,
                                 "capabilities": list(added.capabilities), "channels": [], "members": []}
            data["units"].append(units[added.code])
    for member in roster.members:
        unit = units.get(member.unit_code)
        if unit is None or member.platform not in PLATFORMS.with_ids() or not member.user_id:
            continue  # a contact without a chat id, or a console user: not for the file
        if any(m.get(member.platform) == member.user_id for m in unit["members"]):
            continue  # already in the file; the file wins
        entry = {"name": member.name[:100], member.platform: member.user_id, "role": member.role}
        if member.phone:
            entry["phone"] = member.phone
        unit["members"].append(entry)
    for binding in roster.bindings:
        unit = units.get(binding.unit_code)
        if binding.platform not in PLATFORMS.with_ids():
            continue
        if unit is not None and not any(c.get(binding.platform) == binding.chat_id for c in unit["channels"]):
            channel: dict[str, Any] = {binding.platform: binding.chat_id}
            if binding.announce_only:
                channel["announce_only"] = True
            unit["channels"].append(channel)
    _follow_moves(data, roster.moves)
    return data


def _follow_moves(data: dict[str, Any], moves: dict[tuple[str, str], str]) -> None:
    """The file's chats that have since become another chat are read as the new one."""
    if not moves:
        return
    holders = [data["command_centre"], data.get("reporting") or {}, *data["units"]]
    for holder in holders:
        kept: list[dict[str, Any]] = []
        for channel in holder.get("channels", []):
            for platform in PLATFORMS.with_ids():
                if (new := moves.get((platform, channel.get(platform)))) is not None:
                    log.warning("%s chat %s in the organisation file is now chat %s: update the file "
                                "(`liandong roster export` shows it)", platform, channel[platform], new)
                    channel[platform] = new
            if channel not in kept:  # a chat bound in chat too is listed once
                kept.append(channel)
        if "channels" in holder:
            holder["channels"] = kept


MAX_REPAIRS = 20  # rounds of dropping refused roster entries before falling back to the file alone


def _validated(data: dict[str, Any], version: int) -> OrganisationFile | None:
    """The merged file, leaving out only the roster entries the schema refuses.

    The file's own entries passed when it was loaded, so whatever fails was laid
    over it from the database: one bad row must not cost every join and binding.
    """
    for _ in range(MAX_REPAIRS):
        try:
            return OrganisationFile.model_validate(data)
        except ValidationError as exc:
            dropped = _drop_refused(data, exc)
            log.error("roster version %s: left out %s the schema refuses: %s", version, dropped or "nothing", exc)
            if not dropped:
                return None
    return None


def _drop_refused(data: dict[str, Any], exc: ValidationError) -> list[str]:
    """Remove the unit members, channels or units an error points at; what was removed."""
    doomed: set[tuple[Any, ...]] = set()
    for error in exc.errors():
        loc = error["loc"]
        if len(loc) >= 4 and loc[0] == "units" and loc[2] in ("members", "channels"):
            doomed.add(tuple(loc[:4]))
        elif len(loc) >= 2 and loc[0] == "units":
            doomed.add(tuple(loc[:2]))
    dropped = []
    # Members and channels first, then units; within a list the highest index first,
    # so no deletion shifts another's index.
    def order(path: tuple[Any, ...]) -> tuple[bool, int, str, int]:
        inner = len(path) == 4 and isinstance(path[3], int)
        return (not inner, -int(path[1]), str(path[2]) if inner else "", -path[3] if inner else 0)

    for path in sorted((p for p in doomed if isinstance(p[1], int)), key=order):
        holder = data["units"] if len(path) == 2 else data["units"][path[1]][path[2]]
        index = path[-1]
        if isinstance(index, int) and index < len(holder):
            dropped.append(".".join(str(part) for part in path))
            del holder[index]
    return dropped


def merge(base: OrganisationFile, roster: RosterSnapshot, source: str = "<memory>") -> Organisation:
    spec = _validated(merged_spec(base, roster), roster.version)
    org = Organisation(spec if spec is not None else base, source)
    org.file_spec = base
    org.roster_version = roster.version
    for member in roster.members:
        if PLATFORMS.mirrors(member.platform) and member.unit_code in org.units:
            org.add_mirrored_member(member.platform, member.unit_code, member.name, member.role)
    for binding in roster.bindings:
        if PLATFORMS.mirrors(binding.platform) and binding.unit_code in org.units:
            org.add_mirrored_room(binding.platform, binding.unit_code, binding.chat_id)
    org.contacts = _contacts(org, roster)
    if roster.places:  # the database's places after the file's: an import updates the file's
        org.gazetteer = Gazetteer.of([*org.spec.places, *map(_place, roster.places)])
    org.duty = {code: DutyHolder(d.name, d.platform, d.user_id, d.at)
                for code, d in roster.duty.items() if code in org.units}
    return org


def _place(row: KnownPlace) -> Place:
    return Place.model_construct(name=row.name, kind=row.kind, town=row.town,  # validated on the way in
                                 latitude=row.latitude, longitude=row.longitude)


def _contacts(org: Organisation, roster: RosterSnapshot) -> dict[str, list[Contact]]:
    contacts: dict[str, list[Contact]] = {}
    for unit in org.spec.units:
        contacts[unit.code] = [Contact(m.name, m.phone, role=m.role, on_chat=True) for m in unit.members]
    for member in roster.members:
        if member.unit_code not in contacts:
            continue
        if member.platform in PLATFORMS.with_ids() and member.user_id:
            # Joined in chat: already among the unit's members under their own id. Never
            # folded into a listed contact by name: a display name is whatever its owner typed.
            continue
        known = next((c for c in contacts[member.unit_code] if c.name == member.name), None)
        if known is not None:
            # The register knows the phone and the office of someone already in the file.
            contacts[member.unit_code][contacts[member.unit_code].index(known)] = Contact(
                known.name, known.phone or member.phone, member.department, member.title, known.role, known.on_chat)
        else:
            contacts[member.unit_code].append(Contact(member.name, member.phone, member.department, member.title,
                                                      member.role, bool(member.user_id)))
    return contacts
