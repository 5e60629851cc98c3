"""`targets:` and `scheduled_reports:` in the organisation file: the example shows them,
check-config names each mistake with its key path (and the key meant)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from config.organisation import OrganisationError, load_organisation, parse_organisation
from config.settings import DEFAULT_ORG


def _with(**sections: object) -> str:
    data = yaml.safe_load(open(DEFAULT_ORG, encoding="utf-8"))
    data.pop("targets", None)
    data.pop("scheduled_reports", None)
    data.update(sections)
    return yaml.safe_dump(data, allow_unicode=True)


def _problems(text: str) -> list[str]:
    with pytest.raises(OrganisationError) as refused:
        parse_organisation(text)
    return refused.value.problems


def test_the_example_sets_targets_per_level_and_a_monthly_report() -> None:
    spec = load_organisation(DEFAULT_ORG).spec
    assert spec.targets is not None
    level_1, level_2, level_3, no_level = (spec.targets.for_level(n) for n in (1, 2, 3, None))
    assert (level_1.acknowledge_minutes, level_1.on_scene_minutes) == (2, 20)
    assert (level_2.acknowledge_minutes, level_2.on_scene_minutes) == (3, 30)  # on scene: the general one
    assert (level_3.acknowledge_minutes, level_3.on_scene_minutes) == (5, 30)
    assert (no_level.acknowledge_minutes, no_level.on_scene_minutes) == (5, 30)
    assert [r.cron for r in spec.scheduled_reports] == ["0 10 2 * *"]


def test_no_targets_is_allowed_and_gives_no_times() -> None:
    spec = parse_organisation(_with()).spec
    assert spec.targets is None and spec.scheduled_reports == []
    partial = parse_organisation(_with(targets={"on_scene_minutes": 45})).spec.targets
    assert partial is not None and partial.for_level(1).acknowledge_minutes is None
    assert partial.for_level(1).on_scene_minutes == 45


def test_each_mistake_is_named_with_its_key_path() -> None:
    problems = _problems(_with(
        targets={"acknowledge_minute": 5, "on_scene_minutes": 0,
                 "levels": [{"level": 1, "on_scene_minuts": 9}, {"level": 7, "acknowledge_minutes": 1}]},
        scheduled_reports=[{"name": "月报", "cron": "61 * * * *"}, {"nme": "x", "cron": "0 8 1 * *"}],
    ))
    assert "targets.acknowledge_minute: unknown key (did you mean acknowledge_minutes?)" in problems
    assert "targets.on_scene_minutes: Input should be greater than 0" in problems
    assert "targets.levels[0].on_scene_minuts: unknown key (did you mean on_scene_minutes?)" in problems
    assert "targets.levels[1].level: no response level 7 (levels: 1, 2, 3, 4)" in problems
    assert any(p.startswith("scheduled_reports[0].cron: bad cron expression '61 * * * *'") for p in problems)
    assert "scheduled_reports[1].nme: unknown key (did you mean name?)" in problems
    assert "scheduled_reports[1].name: required key is missing" in problems
    assert "targts: unknown key (did you mean targets?)" in _problems(_with(targts={}))
    twice = _problems(_with(targets={"levels": [{"level": 2}, {"level": 2}]}))
    assert "targets.levels: each level once: [2, 2]" in twice


def test_check_config_prints_them_and_fails(tmp_path: Path) -> None:
    bad = tmp_path / "org.yaml"
    bad.write_text(_with(targets={"levels": [{"level": 5}]}), encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "bot.cli", "check-config", str(bad)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert "targets.levels[0].level: no response level 5 (levels: 1, 2, 3, 4)" in done.stdout + done.stderr
