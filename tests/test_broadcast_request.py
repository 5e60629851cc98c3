"""Reading /broadcast's arguments: levels, audience selectors, schedule, text."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from config.organisation import Organisation
from handlers.broadcast.request import TEXT_LIMIT, parse_request

NOW = datetime(2026, 11, 22, 7, 0, tzinfo=timezone.utc)  # 15:00 in Asia/Shanghai


def _keys(args: str, org: Organisation) -> list[str]:
    return [key for key, _ in parse_request(args, org, NOW).problems]


def test_level_selectors_and_text_as_typed(org: Organisation) -> None:
    request = parse_request("红色预警 cap:hazmat  台风来袭：\n今晚停工", org, NOW)
    assert request.problems == []
    assert request.level == "red"
    assert request.audience == ["cap:hazmat"]
    assert request.text == "台风来袭：\n今晚停工"
    assert set(request.units) == {u.code for u in org.units.values() if "hazmat" in u.capabilities}


@pytest.mark.parametrize("selector, expected", [
    ("to:all", lambda org: set(org.units)),
    ("", lambda org: set(org.units)),
    ("kind:enterprise", lambda org: {u.code for u in org.units.values() if u.kind == "enterprise"}),
    ("unit:fire-01,MED-01", lambda org: {"FIRE-01", "MED-01"}),
    ("cap:water_rescue", lambda org: {u.code for u in org.units.values() if "water_rescue" in u.capabilities}),
    ("unit:FIRE-01 kind:expert", lambda org: {"FIRE-01"} | {u.code for u in org.units.values() if u.kind == "expert"}),
])
def test_each_selector_picks_its_units(org: Organisation, selector: str, expected) -> None:
    request = parse_request(f"yellow {selector} 注意", org, NOW)
    assert request.problems == []
    assert set(request.units) == expected(org) and request.units


def test_every_problem_is_reported_at_once(org: Organisation) -> None:
    keys = _keys("purple to:some kind:alien unit:FIRE-1 cap:zzz at:25:99 bogus:1", org)
    assert keys == [
        "broadcast.problem.level", "broadcast.problem.to", "broadcast.problem.kind", "broadcast.problem.unit",
        "broadcast.problem.cap", "broadcast.problem.at", "broadcast.problem.option", "broadcast.problem.empty",
    ]


@pytest.mark.parametrize("args", ["unit:ENV-01 at:16:00 注意", "kind:expert cap:hazmat 注意", "at:16:00 to:all 注意"])
def test_options_without_a_level(org: Organisation, args: str) -> None:
    assert _keys(args, org) == []


def test_a_link_starts_the_text(org: Organisation) -> None:
    request = parse_request("to:all https://example.org/typhoon 台风", org, NOW)
    assert request.problems == [] and request.text.startswith("https://example.org")


def test_close_unit_codes_are_suggested(org: Organisation) -> None:
    (key, params), *_ = parse_request("unit:FIRE-1 x", org, NOW).problems
    assert key == "broadcast.problem.unit" and "FIRE-01" in params["close"]


@pytest.mark.parametrize("args", ["", "red", "red to:all", "red to:all   "])
def test_no_text_is_refused(org: Organisation, args: str) -> None:
    assert "broadcast.problem.empty" in _keys(args, org)


def test_overlong_text_is_refused_not_cut(org: Organisation) -> None:
    assert _keys("x" * TEXT_LIMIT, org) == []
    assert _keys("x" * (TEXT_LIMIT + 1), org) == ["broadcast.problem.too_long"]


def test_an_audience_matching_nobody_is_refused(org: Organisation) -> None:
    if any(u.kind == "social" for u in org.units.values()):
        org = Organisation(org.spec.model_copy(update={"units": [u for u in org.spec.units if u.kind != "social"]}))
    assert _keys("kind:social 注意", org) == ["broadcast.problem.nobody"]


def test_words_with_colons_in_the_text_are_text(org: Organisation) -> None:
    request = parse_request("Note: typhoon at 20:00, see http://example.org", org, NOW)
    assert request.problems == [] and request.text.startswith("Note: typhoon")


def test_clock_time_means_the_next_such_time_in_the_organisations_zone(org: Organisation) -> None:
    later_today = parse_request("at:16:30 x", org, NOW).scheduled_for
    assert later_today == datetime(2026, 11, 22, 8, 30, tzinfo=timezone.utc)
    tomorrow = parse_request("at:09:00 x", org, NOW).scheduled_for
    assert tomorrow == datetime(2026, 11, 23, 1, 0, tzinfo=timezone.utc)


def test_full_date_times(org: Organisation) -> None:
    assert parse_request("at:2026-11-25T08:00 x", org, NOW).scheduled_for == datetime(
        2026, 11, 25, 0, 0, tzinfo=timezone.utc)
    assert _keys("at:2026-11-20T08:00 x", org) == ["broadcast.problem.at_past"]
    assert _keys("at:2026-02-30T08:00 x", org) == ["broadcast.problem.at"]
    assert _keys("at:2030-01-01T08:00 x", org) == ["broadcast.problem.at_far"]
