"""Loading and checking the organisation file, and the lookups the bot needs.

`load_organisation` returns an `Organisation` or raises `OrganisationError` with
every problem found, each on its own line and prefixed with its key path, so a
duty officer editing the file can fix them all in one pass.
"""
from __future__ import annotations

import difflib
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from config.places import Gazetteer
from config.register.checks import normalise_phones  # the register's phone rules, one for both
from config.schema import DEFAULT_LEVELS, INCIDENT_TYPES, WEEKDAYS, Channel, OrganisationFile, Unit, UnitMember
from config.unit_lookup import close_units
from config.yamlfile import YamlProblem, format_validation_errors, parse_yaml, read_text
from core.events import ConversationRef
from core.phone import PLATFORM as PHONE, dialable
from core.registry import PLATFORMS

# A platform that mirrors the organisation (the console, see PlatformSpec) knows people
# by name and has a room for each conversation: these two shared ones, and each unit's
# under its code.
MIRROR_CENTRE = "centre"
MIRROR_REPORTING = "reporting"
MIRROR_UPPER = "upper"  # the upper centre's room; a region's centre room is the region's code


class OrganisationError(Exception):
    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(eq=False)
class PersonInfo:
    """One person: everything the organisation says about them, on every platform.

    A person is who their platform ids say. Entries of the file (and of the roster
    laid over it) that share an id are one person; a name is only a label, so two
    people called 张伟 stay two people and nobody becomes someone by their name.
    """

    name: str
    phone: str | None = None
    centre: bool = False
    upper: bool = False  # a member of the upper centre (acts only on incidents escalated to it)
    unit_roles: dict[str, str] = field(default_factory=dict)  # unit code -> role
    # (platform, user id), the file's order; the console's id, the name, comes last.
    ids: list[tuple[str, str]] = field(default_factory=list)

    @property
    def key(self) -> str:
        """A stable handle for the person across platforms: their first id."""
        platform, user_id = self.ids[0]
        return f"{platform}:{user_id}"

    def is_member_of(self, unit_code: str) -> bool:
        return unit_code in self.unit_roles

    def has_id(self, platform: str, user_id: str) -> bool:
        return (platform, user_id) in self.ids


@dataclass
class ConversationInfo:
    """What a conversation is for. One chat may serve several roles."""

    centre: bool = False
    reporting: bool = False
    units: list[str] = field(default_factory=list)
    announce_only: bool = False  # a Telegram channel: posts without buttons, nothing read
    upper: bool = False  # one of the upper centre's conversations
    region: str | None = None  # a neighbouring region's centre conversation (its code)


@dataclass(frozen=True)
class Contact:
    """A unit's contact from the register, or a member added in chat (phone may be unknown)."""

    name: str
    phone: str | None = None
    department: str | None = None
    title: str | None = None
    role: str = "member"
    on_chat: bool = False


@dataclass(frozen=True)
class DutyHolder:
    """Who took the unit's duty in chat (/onduty) and since when."""

    name: str
    platform: str | None
    user_id: str | None
    since: datetime


@dataclass(frozen=True)
class UnitInfo:
    code: str
    name: str
    kind: str
    capabilities: tuple[str, ...]
    requires_approval: bool
    conversations: tuple[ConversationRef, ...]
    notify: tuple[ConversationRef, ...] = ()  # told of its orders, read-only (报备)
    region: str | None = None  # a neighbouring region's unit: asked for through the upper centre
    areas: tuple[str, ...] = ()  # the towns or places it covers (none: the whole region)


class Organisation:
    """The validated organisation with lookups by platform id."""

    def __init__(self, spec: OrganisationFile, source: str = "<memory>"):
        self.spec = spec
        # The file as written, before config.roster lays the database over it (then `spec` is the merge).
        self.file_spec = spec
        self.source = source
        self.name = spec.organisation.name
        self.language = spec.organisation.language
        self.timezone = ZoneInfo(spec.organisation.timezone)
        self._people: dict[tuple[str, str], PersonInfo] = {}
        self._conversations: dict[ConversationRef, ConversationInfo] = {}
        self.units: dict[str, UnitInfo] = {}
        # Filled by config.roster when the database adds to the file.
        self.contacts: dict[str, list[Contact]] = {}
        self.duty: dict[str, DutyHolder] = {}
        self.roster_version = 0
        self.gazetteer = Gazetteer.of(spec.places)
        # What check-config should point out without refusing the file.
        self.warnings: list[str] = []
        self._index()

    # -- lookups -------------------------------------------------------------

    def person(self, platform: str, user_id: str) -> PersonInfo | None:
        return self._people.get((platform, user_id))

    def conversation(self, ref: ConversationRef) -> ConversationInfo:
        return self._conversations.get(ref) or ConversationInfo()

    def centre_member_in_centre(self, ref: ConversationRef, user_id: str) -> bool:
        """Whether this person speaks for the centre in one of its conversations: what a
        file dropped into a chat (a CAP warning) must be before the bot even fetches it."""
        person = self.person(ref.platform, user_id)
        return self.conversation(ref).centre and person is not None and person.centre

    def file_members(self, code: str) -> list[UnitMember]:
        """The unit's members as the organisation file itself lists them (none the database added)."""
        unit = next((u for u in self.file_spec.units if u.code == code), None)
        return list(unit.members) if unit is not None else []

    def spec_unit(self, code: str) -> "Unit":
        """The unit as the file declares it (members with their roles and ids)."""
        return next(u for u in [*self.spec.units, *(u for r in self.spec.regions for u in r.units)] if u.code == code)

    def centre_conversations(self) -> list[ConversationRef]:
        return [ref for ref, info in self._conversations.items() if info.centre]

    def reporting_conversations(self) -> list[ConversationRef]:
        return [ref for ref, info in self._conversations.items() if info.reporting]

    def upper_conversations(self) -> list[ConversationRef]:
        return [ref for ref, info in self._conversations.items() if info.upper]

    def region_conversations(self, code: str) -> list[ConversationRef]:
        return [ref for ref, info in self._conversations.items() if info.region == code]

    def home_units(self) -> dict[str, UnitInfo]:
        """The units this centre orders itself (a neighbouring region's are asked for)."""
        return {code: unit for code, unit in self.units.items() if unit.region is None}

    def region_name(self, code: str) -> str:
        region = next((r for r in self.spec.regions if r.code == code), None)
        return region.name if region else code

    def mirrored_people(self, platform: str) -> dict[str, PersonInfo]:
        """On a platform that mirrors the organisation: everyone, by name."""
        return {uid: p for (on, uid), p in self._people.items() if on == platform}

    def mirrored_rooms(self, platform: str) -> list[str]:
        """On a platform that mirrors the organisation: every room, by name."""
        return [ref.chat_id for ref in self._conversations if ref.platform == platform]

    # -- what the file cannot say: mirrored people and rooms added in chat ---------

    def add_mirrored_member(self, platform: str, unit_code: str, name: str, role: str) -> None:
        """A console user who joined a unit (the file has no console ids to declare them).

        The console is a terminal on the operator's own machine and knows people by
        name: joining there adds the unit to whoever goes by that name on the console.
        """
        key = (platform, name)
        info = self._people.get(key)
        if info is None:
            info = self._people[key] = PersonInfo(name=name, ids=[key])
        info.unit_roles.setdefault(unit_code, role)

    def add_mirrored_room(self, platform: str, unit_code: str, room: str) -> None:
        """A console room bound to a unit in chat."""
        ref = ConversationRef(platform, room)
        info = self._conversations.setdefault(ref, ConversationInfo())
        if unit_code not in info.units:
            info.units.append(unit_code)
        unit = self.units[unit_code]
        if ref not in unit.conversations:
            self.units[unit_code] = replace(unit, conversations=(*unit.conversations, ref))

    # -- building ------------------------------------------------------------

    def _index(self) -> None:
        spec = self.spec
        for channel in spec.command_centre.channels:
            for info in self._infos_for(channel, MIRROR_CENTRE):
                info.centre = True
        entries = [_Entry(p.name, p.platform_ids(), p.phone, centre=True) for p in spec.command_centre.members]
        if spec.upper_centre is not None:
            for channel in spec.upper_centre.channels:
                for info in self._infos_for(channel, MIRROR_UPPER):
                    info.upper = True
            entries += [_Entry(p.name, p.platform_ids(), p.phone, upper=True) for p in spec.upper_centre.members]
        for region in spec.regions:
            for channel in region.channels:
                for info in self._infos_for(channel, region.code):
                    info.region = region.code
            if not region.channels:  # the console shows every region's centre as a room all the same
                for mirror in PLATFORMS.mirroring():
                    self._conversations.setdefault(ConversationRef(mirror, region.code), ConversationInfo()).region = \
                        region.code
        for channel in spec.reporting.channels:
            for info in self._infos_for(channel, MIRROR_REPORTING):
                info.reporting = True
        # The console always has a reporting room, so a first run can show intake.
        for mirror in PLATFORMS.mirroring():
            self._conversations.setdefault(ConversationRef(mirror, MIRROR_REPORTING), ConversationInfo()).reporting = True
        regional = [(unit, region.code) for region in spec.regions for unit in region.units]
        for unit, region_code in [(unit, None) for unit in spec.units] + regional:
            refs: list[ConversationRef] = []
            for channel in unit.channels:
                for info in self._infos_for(channel, unit.code):
                    if unit.code not in info.units:
                        info.units.append(unit.code)
                channel_refs = [ConversationRef(p, i) for p, i in channel.platform_ids()]
                if channel.announce_only:  # the schema allows it on a channel of one id
                    self._conversations[channel_refs[0]].announce_only = True
                refs.extend(channel_refs)
            # Units with no chat yet still have their console room.
            for mirror in PLATFORMS.mirroring():
                mirror_ref = ConversationRef(mirror, unit.code)
                mirror_info = self._conversations.setdefault(mirror_ref, ConversationInfo())
                if unit.code not in mirror_info.units:
                    mirror_info.units.append(unit.code)
                refs.append(mirror_ref)
            entries.extend(_Entry(m.name, m.platform_ids(), m.phone, unit=(unit.code, m.role))
                           for m in unit.members)
            notify = [ConversationRef(p, i) for c in unit.notify for p, i in c.platform_ids()]
            if notify:  # the console shows them as a room of their own, CODE-notify
                notify += [ConversationRef(mirror, f"{unit.code}-notify") for mirror in PLATFORMS.mirroring()]
                for ref in notify:
                    self._conversations.setdefault(ref, ConversationInfo())
            self.units[unit.code] = UnitInfo(
                unit.code, unit.name, unit.kind, tuple(unit.capabilities),
                unit.requires_approval, tuple(dict.fromkeys(refs)), tuple(dict.fromkeys(notify)), region_code,
                tuple(dict.fromkeys(unit.areas)),
            )
        self._add_people(entries)

    def _infos_for(self, channel: Channel, room: str) -> list[ConversationInfo]:
        """The entries of every ref naming this channel, its console twin included.

        Each ref keeps its own entry: one chat may be, say, both reporting and
        centre while its console twins stay two separate rooms.
        """
        refs = [ConversationRef(p, i) for p, i in channel.platform_ids()]
        refs.extend(ConversationRef(mirror, room) for mirror in PLATFORMS.mirroring())
        return [self._conversations.setdefault(ref, ConversationInfo()) for ref in refs]

    def _add_people(self, entries: list["_Entry"]) -> None:
        """One PersonInfo per group of entries linked by a shared platform id.

        The centre's entries come first, so a person's name and phone are the
        centre's when it lists them. On the console, where people are known by
        name, the first person of a name takes it.
        """
        for group in _linked_by_id(entries):
            first = group[0]
            info = PersonInfo(name=first.name, phone=next((e.phone for e in group if e.phone), None))
            for entry in group:
                info.centre = info.centre or entry.centre
                info.upper = info.upper or entry.upper
                if entry.unit is not None:
                    info.unit_roles.setdefault(*entry.unit)
                for key in entry.ids:
                    if key not in info.ids:
                        info.ids.append(key)
                        self._people[key] = info
            for mirror in PLATFORMS.mirroring():
                by_name = (mirror, first.name)
                if by_name not in self._people:
                    self._people[by_name] = info
                    info.ids.append(by_name)
            # A key pressed on a call to their phone is theirs (core/phone.py): the number is an id.
            for number in dialable(info.phone):
                self._people.setdefault((PHONE, number), info)


@dataclass
class _Entry:
    """One listing of a person: a centre member or a unit member."""

    name: str
    ids: list[tuple[str, str]]
    phone: str | None
    centre: bool = False
    unit: tuple[str, str] | None = None  # (unit code, role)
    upper: bool = False


def _linked_by_id(entries: list[_Entry]) -> list[list[_Entry]]:
    """Entries grouped so that entries sharing any platform id are in one group.

    Transitive (a centre entry with a Telegram id, a unit entry with both ids, a
    second unit entry with the Slack id only are one person); groups keep the
    order of their first entry, and entries their order within a group.
    """
    parent = list(range(len(entries)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    holder: dict[tuple[str, str], int] = {}
    for i, entry in enumerate(entries):
        for key in entry.ids:
            if key in holder:
                a, b = root(holder[key]), root(i)
                parent[max(a, b)] = min(a, b)
            else:
                holder[key] = i
    groups: dict[int, list[_Entry]] = {}
    for i, entry in enumerate(entries):
        groups.setdefault(root(i), []).append(entry)
    return list(groups.values())


# -- loading -----------------------------------------------------------------


MAX_FILE_BYTES = 2_000_000  # a county's organisation is tens of kilobytes


def load_organisation(path: str | Path) -> Organisation:
    try:
        text = read_text(Path(path), MAX_FILE_BYTES, "the organisation file")
    except YamlProblem as problem:
        raise OrganisationError([str(problem)]) from None
    return parse_organisation(text, str(path))


def parse_organisation(text: str, source: str = "<memory>") -> Organisation:
    try:
        data = parse_yaml(text)
    except YamlProblem as problem:
        raise OrganisationError([str(problem)]) from None
    if not isinstance(data, dict):
        raise OrganisationError(["(top): the file must be a mapping with organisation, command_centre, …"])
    problems: list[str] = []
    try:
        spec = OrganisationFile.model_validate(data)
    except ValidationError as exc:
        problems = format_validation_errors(exc, OrganisationFile)
    problems += _cross_reference_problems(data)
    problems += _policy_level_problems(data)
    people = _listed_people(data)
    problems += _shared_id_problems(people)
    if problems:
        raise OrganisationError(problems)
    org = Organisation(spec, source)
    org.warnings = _same_name_warnings(people) + _capability_warnings(spec) + _phone_warnings(data)
    org.warnings += _unreachable_by_phone_warnings(spec)
    return org


def _items(value: Any) -> list[tuple[int, dict[str, Any]]]:
    """(index, mapping) of a list, skipping what is not a mapping (the schema reports that)."""
    return [(i, v) for i, v in enumerate(value)] if isinstance(value, list) else []


def _ids(entry: dict[str, Any]) -> list[tuple[str, str]]:
    return [(p, str(entry[p])) for p in PLATFORMS.with_ids() if entry.get(p) is not None]


def _cross_reference_problems(data: dict[str, Any]) -> list[str]:
    """Checks across sections, made on the raw file so they are reported even when
    the schema found problems elsewhere: the operator sees everything at once."""
    problems: list[str] = []
    units = [(i, u) for i, u in _items(data.get("units")) if isinstance(u, dict)]
    codes = [str(u.get("code")) for _, u in units if u.get("code") is not None]
    for code, count in Counter(codes).items():
        if count > 1:
            first = next(i for i, u in units if str(u.get("code")) == code)
            problems.append(f"units[{first}].code: duplicate unit code {code!r} ({count} units)")
    known = {str(u["code"]): str(u.get("name") or "") for _, u in units if u.get("code") is not None}
    problems += _tier_problems(data, set(known))

    def check_unit(path: str, code: Any) -> None:
        if str(code) not in known:
            close = close_units(known, str(code))
            hint = f" (did you mean {', '.join(close)}?)" if close else ""
            problems.append(f"{path}: no unit with code {str(code)!r}{hint}")

    plans = data.get("dispatch_plans")
    for incident_type, plan in (plans.items() if isinstance(plans, dict) else ()):
        if incident_type not in INCIDENT_TYPES:
            problems.append(
                f"dispatch_plans.{incident_type}: unknown incident type (one of {', '.join(INCIDENT_TYPES)})"
            )
        for i, code in _items(plan):
            check_unit(f"dispatch_plans.{incident_type}[{i}]", code)
    for r, rollcall in _items(data.get("rollcalls")):
        if isinstance(rollcall, dict):
            for i, code in _items(rollcall.get("units")):
                check_unit(f"rollcalls[{r}].units[{i}]", code)
    problems += _target_level_problems(data)

    # One chat bound to two units would make "who may press" ambiguous.
    owner: dict[tuple[str, str], str] = {}
    for path, unit in [(f"units[{u}]", unit) for u, unit in units] + _region_units(data):
        code = str(unit.get("code"))
        for c, channel in _items(unit.get("channels")):
            for platform, chat_id in _ids(channel) if isinstance(channel, dict) else ():
                other = owner.setdefault((platform, chat_id), code)
                if other != code:
                    problems.append(f"{path}.channels[{c}].{platform}: chat {chat_id} already belongs to unit {other}")
        seen_people: set[tuple[str, str]] = set()
        for m, member in _items(unit.get("members")):
            for platform, user_id in _ids(member) if isinstance(member, dict) else ():
                if (platform, user_id) in seen_people:
                    problems.append(f"{path}.members[{m}].{platform}: {user_id} is listed twice in {code}")
                seen_people.add((platform, user_id))
        problems += _rota_problems(path, unit)
    return problems


def _region_units(data: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(key path, unit) of the neighbouring regions' units."""
    return [(f"regions[{r}].units[{i}]", unit)
            for r, region in _items(data.get("regions")) if isinstance(region, dict)
            for i, unit in _items(region.get("units")) if isinstance(unit, dict)]


def _tier_problems(data: dict[str, Any], home_codes: set[str]) -> list[str]:
    """The upper centre and the regions: unit and region codes unique across the file, a level
    that tells the upper centre only when there is one."""
    problems: list[str] = []
    seen = set(home_codes)
    region_codes: set[str] = set()
    for r, region in _items(data.get("regions")):
        if not isinstance(region, dict):
            continue
        code = str(region.get("code"))
        if region.get("code") is not None:
            if code in region_codes:
                problems.append(f"regions[{r}].code: duplicate region code {code!r}")
            elif code in seen or code in (MIRROR_CENTRE, MIRROR_REPORTING, MIRROR_UPPER):
                problems.append(f"regions[{r}].code: {code!r} is already a unit's code or a room's name")
            region_codes.add(code)
        for i, unit in _items(region.get("units")):
            if isinstance(unit, dict) and unit.get("code") is not None:
                unit_code = str(unit["code"])
                if unit_code in seen or unit_code in region_codes:
                    problems.append(f"regions[{r}].units[{i}].code: duplicate unit code {unit_code!r} "
                                    "(codes are unique across units and regions)")
                seen.add(unit_code)
    if data.get("upper_centre") is None:
        for n, level in _items(data.get("response_levels")):
            if isinstance(level, dict) and level.get("tell_upper_centre") is True:
                problems.append(f"response_levels[{n}].tell_upper_centre: there is no upper_centre to tell "
                                "(add upper_centre, or leave tell_upper_centre out)")
    return problems


def _target_level_problems(data: dict[str, Any]) -> list[str]:
    """Targets for a level must name a level the file has (response_levels, or 1–4)."""
    targets = data.get("targets")
    if not isinstance(targets, dict):
        return []
    declared = data.get("response_levels")
    numbers = ([level.get("level") for _, level in _items(declared) if isinstance(level, dict)]
               if declared is not None else [level.level for level in DEFAULT_LEVELS])
    known = sorted(n for n in numbers if isinstance(n, int))
    problems = []
    for i, entry in _items(targets.get("levels")):
        level = entry.get("level") if isinstance(entry, dict) else None
        if isinstance(level, int) and level not in known:
            problems.append(f"targets.levels[{i}].level: no response level {level} "
                            f"(levels: {', '.join(map(str, known)) or 'none'})")
    return problems


def _rota_problems(path: str, unit: dict[str, Any]) -> list[str]:
    """Everyone on a unit's rota must be one of its members (the schema checks the rest)."""
    rota = unit.get("rota")
    if not isinstance(rota, dict):
        return []
    names = [str(m["name"]) for _, m in _items(unit.get("members")) if isinstance(m, dict) and m.get("name")]
    problems = []
    for day, entry in rota.items():
        if day not in WEEKDAYS:
            continue
        for i, name in enumerate(entry if isinstance(entry, list) else [entry]):
            if isinstance(name, str) and name not in names:
                where = f"{path}.rota.{day}" + (f"[{i}]" if isinstance(entry, list) else "")
                close = difflib.get_close_matches(name, names, n=3, cutoff=0.3)
                hint = f" (did you mean {', '.join(close)}?)" if close else f" (members: {', '.join(names) or 'none'})"
                problems.append(f"{where}: {name!r} is not a member of {unit.get('code')}{hint}")
    return problems


def _listed_people(data: dict[str, Any]) -> list[tuple[str, _Entry]]:
    """(key path, entry) of every person the raw file lists, the centre's first."""
    return [(path, _Entry(str(member.get("name")), _ids(member), None)) for path, member in _members_with_paths(data)]


def _shared_id_problems(people: list[tuple[str, _Entry]]) -> list[str]:
    """One platform id under two names would make two people one: refused.

    The same name with the same id is one person listed in two places (the
    centre and a unit, say), which is how the file says so.
    """
    problems: list[str] = []
    first_holder: dict[tuple[str, str], tuple[str, str]] = {}  # id -> (path, name)
    for path, entry in people:
        for platform, user_id in entry.ids:
            held = first_holder.setdefault((platform, user_id), (path, entry.name))
            if held[1] != entry.name:
                problems.append(f"{path}.{platform}: {user_id} is already {held[1]!r} ({held[0]}); "
                                "one id is one person: give the same name, or correct the id")
    return problems


def _same_name_warnings(people: list[tuple[str, _Entry]]) -> list[str]:
    """People of the same name that no shared id links: kept apart, but worth a look."""
    entries = [entry for _, entry in people]
    paths = {id(entry): path for path, entry in people}
    by_name: dict[str, list[list[_Entry]]] = {}
    for group in _linked_by_id(entries):
        for name in dict.fromkeys(e.name for e in group):
            by_name.setdefault(name, []).append(group)
    warnings = []
    for name, groups in by_name.items():
        if len(groups) > 1:
            where = ", ".join(paths[id(g[0])] for g in groups)
            warnings.append(f"{where}: {len(groups)} different people named {name!r} (their ids differ); "
                            "if they are one person, give every entry of theirs the same ids")
    return warnings


# Capabilities most organisations use, besides the incident types: a near miss of one is a typo.
COMMON_CAPABILITIES = ("rescue", "search", "medical", "power", "water", "monitoring", "evacuation",
                       "communications", "lighting", "pumping", "diving", "boats", "engineering", "logistics")


def _capability_warnings(spec: OrganisationFile) -> list[str]:
    """A capability only one unit has and spelled almost like a known or more common one
    is likely a typo (`resuce` beside `rescue`): `/broadcast cap:rescue` would miss that unit."""
    holders: dict[str, list[int]] = {}
    for u, unit in enumerate(spec.units):
        for capability in unit.capabilities:
            holders.setdefault(capability, []).append(u)
    known = set(INCIDENT_TYPES) | set(COMMON_CAPABILITIES) | {c for c, units in holders.items() if len(units) > 1}
    warnings = []
    for capability, units in holders.items():
        if len(units) > 1 or capability in known:
            continue
        close = difflib.get_close_matches(capability, sorted(known), n=1, cutoff=0.75)
        if close:
            warnings.append(f"units[{units[0]}].capabilities: {capability!r} is on no other unit; "
                            f"did you mean {close[0]!r}?")
    return warnings


def _phone_warnings(data: dict[str, Any]) -> list[str]:
    """Phones the contact-register import would refuse: escalation would dial nothing useful."""
    warnings = []
    for path, member in _members_with_paths(data):
        phone = member.get("phone")
        if isinstance(phone, str) and phone.strip():
            _, problem = normalise_phones(phone)
            if problem:
                warnings.append(f"{path}.phone: {phone!r} {problem}")
    return warnings


def _members_with_paths(data: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    centre = data.get("command_centre")
    found = [(f"command_centre.members[{m}]", member)
             for m, member in _items(centre.get("members") if isinstance(centre, dict) else None)]
    upper = data.get("upper_centre")
    found += [(f"upper_centre.members[{m}]", member)
              for m, member in _items(upper.get("members") if isinstance(upper, dict) else None)]
    units = [(f"units[{u}]", unit) for u, unit in _items(data.get("units"))] + _region_units(data)
    for path, unit in units:
        found += [(f"{path}.members[{m}]", member)
                  for m, member in _items(unit.get("members") if isinstance(unit, dict) else None)]
    return [(path, member) for path, member in found if isinstance(member, dict)]


# -- escalation policies (#18) -----------------------------------------------------------

def _policy_level_problems(data: dict[str, Any]) -> list[str]:
    """A policy for a response level the file does not have would never run."""
    escalation = data.get("escalation")
    levels = data.get("response_levels")
    known = ({level.get("level") for _, level in _items(levels) if isinstance(level, dict)}
             if levels is not None else {1, 2, 3, 4})
    problems = []
    for i, policy in _items(escalation.get("policies") if isinstance(escalation, dict) else None):
        for j, number in _items(policy.get("levels") if isinstance(policy, dict) else None):
            if isinstance(number, int) and number not in known:
                listed = ", ".join(str(n) for n in sorted(n for n in known if isinstance(n, int)))
                problems.append(f"escalation.policies[{i}].levels[{j}]: no response level {number} (levels: {listed})")
    return problems


def _unreachable_by_phone_warnings(spec: OrganisationFile) -> list[str]:
    """SMS and call steps skip a duty officer without a phone (the centre is told then); say so now."""
    if not any(step.action in ("sms", "call") for policy in spec.escalation.policies for step in policy.steps):
        return []
    silent = [f"{unit.code} {m.name}" for unit in spec.units for m in unit.members
              if m.role == "duty_officer" and not dialable(m.phone)]
    if not silent:
        return []
    return [f"escalation.policies: duty officers without a phone in the file, whom SMS and call steps will "
            f"skip unless the contact register has their number: {', '.join(silent)}"]

