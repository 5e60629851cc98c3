"""The example organisation with the tiers of #14 added: an upper centre (the city above
the county) and a neighbouring region with a rescue team, on Telegram, Slack and the console.

Upper centre: Telegram -1009000 / Slack C0UPPER, 市指挥 (Telegram 9001, Slack U9001).
Region WENDENG (文登区): centre Telegram -1008000 / Slack C0WD; unit WD-RESCUE-01 on
Telegram -1008001 / Slack C0WDR, 文队长 (Telegram 8001, Slack U8001, duty officer).
"""
from __future__ import annotations

import copy
from typing import Any

import yaml

from config.organisation import Organisation, parse_organisation
from config.settings import DEFAULT_ORG

UPPER_TG, UPPER_SLACK, UPPER_MEMBER_TG, UPPER_MEMBER_SLACK = -1009000, "C0UPPER", 9001, "U9001"
REGION_TG, REGION_SLACK = -1008000, "C0WD"
WD_TG, WD_SLACK, WD_LEAD_TG, WD_LEAD_SLACK = -1008001, "C0WDR", 8001, "U8001"

UPPER_CENTRE: dict[str, Any] = {
    "name": "威海市应急指挥中心",
    "channels": [{"telegram": str(UPPER_TG)}, {"slack": UPPER_SLACK}],
    "members": [{"name": "市指挥", "telegram": str(UPPER_MEMBER_TG), "slack": UPPER_MEMBER_SLACK}],
}
REGION: dict[str, Any] = {
    "code": "WENDENG", "name": "文登区",
    "channels": [{"telegram": str(REGION_TG)}, {"slack": REGION_SLACK}],
    "units": [{
        "code": "WD-RESCUE-01", "name": "文登区应急救援队", "kind": "social",
        "capabilities": ["rescue", "search", "boats"],
        "channels": [{"telegram": str(WD_TG)}, {"slack": WD_SLACK}],
        "members": [{"name": "文队长", "telegram": str(WD_LEAD_TG), "slack": WD_LEAD_SLACK, "role": "duty_officer"}],
    }],
}


def example_data() -> dict[str, Any]:
    with open(DEFAULT_ORG, encoding="utf-8") as file:
        return yaml.safe_load(file)


def tier_data(*, upper: bool = True, regions: bool = True) -> dict[str, Any]:
    data = example_data()
    if upper:
        data["upper_centre"] = copy.deepcopy(UPPER_CENTRE)
    if regions:
        data["regions"] = [copy.deepcopy(REGION)]
    return data


def tier_org(**kwargs: bool) -> Organisation:
    return parse_organisation(yaml.safe_dump(tier_data(**kwargs), allow_unicode=True))
