"""The organisation file: the example is valid, and every kind of mistake is
reported with its key path, all at once."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from core.events import ConversationRef
from config.organisation import OrganisationError, load_organisation, parse_organisation
from config.settings import DEFAULT_ORG

MINIMAL = """\
organisation: {name: 测试县, language: zh, timezone: Asia/Shanghai}
command_centre:
  channels: [{telegram: "-100"}]
  members: [{name: 王指挥, telegram: "1"}]
units:
  - code: FIRE-01
    name: 消防
    kind: government
    channels: [{telegram: "-200"}]
    members: [{name: 张三, telegram: "2", role: duty_officer}]
"""


def problems(text: str) -> list[str]:
    with pytest.raises(OrganisationError) as caught:
        parse_organisation(text)
    return caught.value.problems


def test_the_example_is_a_realistic_valid_county() -> None:
    org = load_organisation(DEFAULT_ORG)
    kinds = {unit.kind for unit in org.units.values()}
    assert kinds == {"government", "enterprise", "social", "expert"}
    assert 6 <= len(org.units) <= 8
    assert org.spec.reporting.channels and org.spec.rollcalls and org.spec.dispatch_plans


def test_lookups_by_platform_id() -> None:
    org = load_organisation(DEFAULT_ORG)
    commander = org.person("telegram", "1001")
    assert commander is not None and commander.centre
    assert org.person("slack", "U1001") is commander  # one person on two platforms
    duty = org.person("telegram", "2001")
    assert duty is not None and duty.unit_roles == {"FIRE-01": "duty_officer"} and not duty.centre
    assert org.person("telegram", "999999") is None
    assert org.conversation(ConversationRef("telegram", "-1003000")).reporting
    assert org.conversation(ConversationRef("slack", "C0POWER")).units == ["POWER-01"]
    assert not org.conversation(ConversationRef("telegram", "-1")).reporting
    assert ConversationRef("console", "centre") in org.centre_conversations()


def test_a_minimal_file_is_enough() -> None:
    org = parse_organisation(MINIMAL)
    assert org.language == "zh" and list(org.units) == ["FIRE-01"]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda t: t.replace("kind: government", "kind: government\n    colour: red"),
         "units[0].colour: unknown key"),
        (lambda t: t.replace('members: [{name: 张三, telegram: "2", role: duty_officer}]',
                             "members: [{name: 张三, role: duty_officer}]"),
         "units[0].members[0]: member '张三' has no telegram or slack id"),
        (lambda t: t.replace('telegram: "-200"', "telegram: -200"),
         "units[0].channels[0].telegram: must be a string in quotes (ids are strings)"),
        (lambda t: t.replace("timezone: Asia/Shanghai", "timezone: Mars/Base"),
         "organisation.timezone: unknown time zone 'Mars/Base'"),
        (lambda t: t.replace("language: zh", "language: fr"), "organisation.language:"),
        (lambda t: t.replace("kind: government", "kind: army"), "units[0].kind:"),
        (lambda t: t.replace("role: duty_officer", "role: boss"), "units[0].members[0].role:"),
        (lambda t: t + "rollcalls:\n  - {name: x, cron: '0 25 * * *'}\n",
         "rollcalls[0].cron: bad cron expression '0 25 * * *'"),
        (lambda t: t + "rollcalls:\n  - {name: x, cron: '0 0 30 2 *'}\n",
         "rollcalls[0].cron: cron expression '0 0 30 2 *' never fires"),
        (lambda t: t + "dispatch_plans:\n  fire: [FIRE-1]\n",
         "dispatch_plans.fire[0]: no unit with code 'FIRE-1' (did you mean FIRE-01?)"),
        (lambda t: t + "dispatch_plans:\n  volcano: [FIRE-01]\n", "dispatch_plans.volcano: unknown incident type"),
        (lambda t: t + "rollcalls:\n  - {name: x, cron: '0 9 1 * *', units: [NOPE]}\n",
         "rollcalls[0].units[0]: no unit with code 'NOPE'"),
        (lambda t: t + "escalation: {ack_timeout_minutes: 0}\n", "escalation.ack_timeout_minutes:"),
        (lambda t: t.replace("command_centre:\n  channels: [{telegram: \"-100\"}]\n", "command_centre:\n"),
         "command_centre.channels: required key is missing"),
        (lambda t: t + "organisation: {name: again}\n", "line 11: YAML: duplicate key 'organisation'"),
        (lambda t: t + "  - {oops\n", "YAML:"),
        (lambda t: "just a string\n", "(top): the file must be a mapping"),
    ],
)
def test_each_mistake_is_named_with_its_key_path(change, expected: str) -> None:
    found = problems(change(MINIMAL))
    assert any(p.startswith(expected) or expected in p for p in found), found


def test_duplicate_unit_codes_and_shared_chats_are_refused() -> None:
    text = MINIMAL + """\
  - code: FIRE-01
    name: 消防二队
    kind: government
    channels: [{telegram: "-300"}]
  - code: FIRE-02
    name: 消防三队
    kind: government
    channels: [{telegram: "-200"}]
"""
    found = problems(text)
    assert "units[0].code: duplicate unit code 'FIRE-01' (2 units)" in found
    assert any("chat -200 already belongs to unit FIRE-01" in p for p in found)


def test_every_problem_is_reported_at_once() -> None:
    text = MINIMAL.replace("kind: government", "kind: army\n    colour: red").replace(
        'telegram: "2"', "telegram: 2"
    )
    assert len(problems(text)) == 3


def test_an_unreadable_file_is_one_clear_problem(tmp_path: Path) -> None:
    with pytest.raises(OrganisationError) as caught:
        load_organisation(tmp_path / "missing.yaml")
    assert "cannot read" in caught.value.problems[0]
    binary = tmp_path / "binary.yaml"
    binary.write_bytes(b"\xff\xfe\x00junk")
    with pytest.raises(OrganisationError) as caught:
        load_organisation(binary)
    assert "not UTF-8" in caught.value.problems[0]


def test_an_alias_bomb_is_refused_before_it_expands() -> None:
    import resource

    from config.organisation import OrganisationError, parse_organisation

    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8))
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(OrganisationError) as refused:
        parse_organisation(bomb)
    assert "aliases (*name) are not allowed" in refused.value.problems[0]
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 100_000  # KB: nothing expanded


def test_a_misspelt_key_is_answered_with_the_key_meant() -> None:
    """Every section, new keys and platform ids included: the key the schema allows there."""
    data = yaml.safe_load(open(DEFAULT_ORG, encoding="utf-8"))
    data["units"][0]["notfy"] = [{"telegram": "1"}]
    data["units"][0]["members"][0]["telgram"] = "5"
    data["escalaton"] = {"ack_timeout_minutes": 3}
    data["response_levels"][0]["colur"] = "red"
    data["command_centre"]["channels"][0]["wibble"] = "C1"
    with pytest.raises(OrganisationError) as refused:
        parse_organisation(yaml.safe_dump(data, allow_unicode=True))
    problems = refused.value.problems
    assert "units[0].notfy: unknown key (did you mean notify?)" in problems
    assert "units[0].members[0].telgram: unknown key (did you mean telegram?)" in problems
    assert "escalaton: unknown key (did you mean escalation?)" in problems
    assert "response_levels[0].colour" not in " ".join(problems)  # only the misspelt key is named
    assert "response_levels[0].colur: unknown key (did you mean colour?)" in problems
    assert "command_centre.channels[0].wibble: unknown key" in problems  # nothing close: no guess
