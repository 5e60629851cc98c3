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

from config.organisation import CONSOLE, Contact, DutyHolder, Organisation
from config.schema import PLATFORMS, OrganisationFile
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
        if unit is None or member.platform not in PLATFORMS or not member.user_id:
            continue  # a contact without a chat id, or a console user: not for the file
        if any(m.get(member.platform) == member.user_id for m in unit["members"]):
            continue  # already in the file; the file wins
        entry = {"name": member.name[:100], member.platform: member.user_id, "role": member.role}
        if member.phone:
            entry["phone"] = member.phone
        unit["members"].append(entry)
    for binding in roster.bindings:
        unit = units.get(binding.unit_code)
        if binding.platform not in PLATFORMS:
            continue
        if unit is not None and not any(c.get(binding.platform) == binding.chat_id for c in unit["channels"]):
            unit["channels"].append({binding.platform: binding.chat_id})
    return data


def merge(base: OrganisationFile, roster: RosterSnapshot, source: str = "<memory>") -> Organisation:
    try:
        org = Organisation(OrganisationFile.model_validate(merged_spec(base, roster)), source)
    except ValidationError as exc:  # a roster row the schema refuses must not take the bot down
        log.error("roster version %s does not fit the organisation; using the file alone: %s", roster.version, exc)
        org = Organisation(base, source)
    org.roster_version = roster.version
    for member in roster.members:
        if member.platform == CONSOLE and member.unit_code in org.units:
            org.add_console_member(member.unit_code, member.name, member.role)
    for binding in roster.bindings:
        if binding.platform == CONSOLE and binding.unit_code in org.units:
            org.add_console_room(binding.unit_code, binding.chat_id)
    org.contacts = _contacts(org, roster)
    org.duty = {code: DutyHolder(d.name, d.platform, d.user_id, d.at)
                for code, d in roster.duty.items() if code in org.units}
    return org


def _contacts(org: Organisation, roster: RosterSnapshot) -> dict[str, list[Contact]]:
    contacts: dict[str, list[Contact]] = {}
    for unit in org.spec.units:
        contacts[unit.code] = [Contact(m.name, m.phone, role=m.role, on_chat=True) for m in unit.members]
    for member in roster.members:
        if member.unit_code not in contacts:
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
