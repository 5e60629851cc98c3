"""Drill scenarios (#16 item 2): the shipped ones check against the example organisation,
and every kind of mistake is named with its key path, all of them at once."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from config.organisation import Organisation
from config.scenario import ScenarioError, parse_scenario
from tests.test_cli import run

DRILLS = sorted((Path(__file__).resolve().parents[1] / "config" / "drills").glob("*.yaml"))
GOOD = """
name: 演练
participants: [FIRE-01, MED-01]
injects:
  - {id: fire, at: 0m, by: 村主任, report: 人民路化工厂起火，3人受伤}
  - {at: 5m, follow_up: 又有1人受伤, of: fire}
  - {id: alert, at: 10m, broadcast: {level: red, text: 立即撤离}}
  - {id: check, at: 12m, rollcall: {units: [MED-01], deadline: 5m}}
expectations:
  - {expect: dispatch, of: fire, within: 5m}
  - {expect: acknowledge, of: fire, unit: each, within: 3m}
  - {expect: on_scene, of: fire, unit: FIRE-01, within: 20m}
  - {expect: confirm_alert, of: alert, unit: each, within: 10m}
  - {expect: answer_rollcall, of: check, unit: MED-01, within: 5m}
"""


def _problems(org: Organisation, change: dict) -> list[str]:
    data = yaml.safe_load(GOOD)
    data.update(change)
    with pytest.raises(ScenarioError) as refused:
        parse_scenario(yaml.safe_dump(data, allow_unicode=True), org)
    return refused.value.problems


def test_the_shipped_scenarios_are_three_and_check_against_the_example(org: Organisation) -> None:
    assert len(DRILLS) == 3
    for path in DRILLS:
        result = run("drill", "check", str(path))
        assert result.returncode == 0 and "OK" in result.stdout, result.stderr


def test_a_good_scenario_reads_its_durations_and_kinds(org: Organisation) -> None:
    scenario = parse_scenario(GOOD, org).scenario
    assert [i.kind for i in scenario.injects] == ["report", "follow_up", "broadcast", "rollcall"]
    assert scenario.injects[3].rollcall is not None and scenario.injects[3].rollcall.deadline.total_seconds() == 300
    assert scenario.expectations[1].within.total_seconds() == 180


@pytest.mark.parametrize("change, expected", [
    ({"participants": ["FIRE-01", "FIRE-1"]},
     "participants[1]: no unit with code 'FIRE-1' in the organisation file (did you mean FIRE-01?)"),
    ({"participants": ["FIRE-01", "FIRE-01"]}, "participants[1]: FIRE-01 is listed twice"),
    ({"injects": [{"at": "10m", "report": "起火"}, {"at": "5m", "report": "又起火"}]},
     "injects[1].at: offsets out of order (5 min after 10 min)"),
    ({"injects": [{"at": "soon", "report": "起火"}]}, "injects[0].at: not a duration: 'soon' (write e.g. 90s, 5m, 1h30m)"),
    ({"injects": [{"at": "0m", "report": "起火", "rollcall": {"units": "all"}}]},
     "injects[0]: each inject is exactly one of report, follow_up, broadcast, rollcall (this one has report, rollcall)"),
    ({"injects": [{"at": "0m", "follow_up": "又有1人受伤"}]},
     "injects[0]: a follow_up names the report it adds to with of: (an earlier inject's id)"),
    ({"injects": [{"at": "0m", "report": "起火", "where": "POWER-01"}]},
     "injects[0].where: 'POWER-01' is none of reporting, centre or a participant's code"),
    ({"injects": [{"at": "0m", "broadcast": {"level": "red", "text": "撤离", "to": ["FIRE-01", "CHEM-01"]}}]},
     "injects[0].broadcast.to[1]: CHEM-01 is not a participant (FIRE-01, MED-01)"),
    ({"expectations": [{"expect": "acknowledge", "of": "fire", "within": "3m"}]},
     "expectations[0].unit: acknowledge needs a unit (a participant's code, each or first)"),
    ({"expectations": [{"expect": "confirm_alert", "of": "fire", "unit": "each", "within": "3m"}]},
     "expectations[0].of: 'fire' is no broadcast inject (confirm_alert is measured from a broadcast)"),
    ({"expectations": [{"expect": "acknowledge", "of": "fire", "unit": "CHEM-01", "within": "3m"}]},
     "expectations[0].unit: 'CHEM-01' is not a participant (FIRE-01, MED-01), each or first"),
    ({"expectations": [{"expect": "acknowledge", "of": "fire", "unit": "each", "within": "3h"}]},
     "expectations[0].within: longer than the time limit (120 min)"),
    ({"expectations": [{"expect": "acknowlege", "of": "fire", "unit": "each", "within": "3m"}]},
     "expectations[0].expect: Input should be 'dispatch', 'acknowledge', 'on_scene', 'confirm_alert' or "
     "'answer_rollcall' (did you mean acknowledge?)"),
    ({"participent": ["FIRE-01"]}, "participent: unknown key (did you mean participants?)"),
])
def test_each_mistake_is_named_with_its_key_path(org: Organisation, change: dict, expected: str) -> None:
    assert expected in _problems(org, change)


def test_every_problem_at_once(org: Organisation) -> None:
    problems = _problems(org, {"participants": ["FIRE-1", "MED-01"],
                               "expectations": [{"expect": "on_scene", "of": "nothing", "within": "3m"}]})
    assert len(problems) >= 3, problems


def test_not_a_scenario(org: Organisation, tmp_path: Path) -> None:
    for text, expected in (("- a list", "(top): a scenario is a mapping"), ("a: &x [1]\nb: *x", "aliases"),
                           ("a: 1\na: 2", "duplicate key")):
        with pytest.raises(ScenarioError) as refused:
            parse_scenario(text, org)
        assert expected in refused.value.problems[0]
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nparticipants: [FIRE-1]\ninjects: []\n", encoding="utf-8")
    result = run("drill", "check", str(bad))
    assert result.returncode == 1 and "problem(s)" in result.stderr and "injects" in result.stderr
