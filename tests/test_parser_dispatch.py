"""Intake parser: dispatchers' shorthand, Chinese-English code-switching, and people told by
who they are to the sender (我们, 我朋友, 我同事).

Hand-written phrasings (none is a corpus line), so that a later change that undoes a rule
is caught here, not only as a figure in bench/intake_accuracy.py."""
from __future__ import annotations

import pytest

from handlers.intake.parser import parse_report
from tests.parser_readings import counts


@pytest.mark.parametrize("text, expected", [
    ("Canteen at the tyre plant: 15+ workers vomiting after lunch", (0, 15, 0, 0)),
    ("UPD G228 MVC: NOW 4 INJ TOTAL, 1 more pulled from the ditch", (0, 4, 0, 0)),
    ("UPD capsized dinghy off Lidao: +1 missing, 3 MISSING TOTAL", (0, 0, 0, 3)),
    ("Rockfall on the scenic road, van hit, driver head lac. 1 inj.", (0, 1, 0, 0)),
    ("Kitchen fire bldg 3, 2 residents SOB, others out", (0, 2, 0, 0)),
    ("pt fell down the stairs at the market, c/o hip pain", (0, 1, 0, 0)),
    ("A loose dog bit 2 kids outside the school, one bleeding", (0, 2, 0, 0)),
    ("Wasp nest fell, bees stung three hikers, all three swelling up", (0, 3, 0, 0)),
    # a machine or a phone that died is not a death
    ("Ferry engine died, drifting toward the reef, about 40 people on board", (0, 0, 0, 0)),
])
def test_dispatch_shorthand(text: str, expected: tuple[int, int, int, int]) -> None:
    assert counts(text) == expected


@pytest.mark.parametrize("text", [
    "CANCEL: daughter says mum fainted but is up and talking, refuses amb",
    "Fall on Haibin Rd: U2 stood down, pt walked home with a bruised knee",
    "Shift handover 20:00: the S301 MVC is closed, nothing pending",
])
def test_cancelled_calls_and_handovers_are_not_reports(text: str) -> None:
    assert not parse_report(text).is_report


@pytest.mark.parametrize("text, expected", [
    # the callers, then their number
    ("快来人 我们被困在缆车里了 一共5个人 风很大", (0, 0, 5, 0)),
    # at least, told in a clause of its own
    ("仓库货架倒了 底下压着人 叉车师傅说起码三个", (0, 0, 3, 0)),
    # a friend, a colleague, told through English words
    ("我朋友在港口那边拍sunset 被一个big wave卷走了 现在找不到了", (0, 0, 0, 1)),
    ("我同事coffee break回来不久就collapse了，在座位旁边倒地", (0, 1, 0, 0)),
    # a road jammed to death is no death; marks on the skin are not people
    ("货车侧翻了 还有俩人受伤 路完全堵死了", (0, 2, 0, 0)),
    ("门口的狗把一个小孩咬了 腿上好几个牙印在流血", (0, 1, 0, 0)),
])
def test_people_told_by_who_they_are(text: str, expected: tuple[int, int, int, int]) -> None:
    assert counts(text) == expected


@pytest.mark.parametrize("text, expected", [
    # dispatch notes' times of incident, and a log line's time before a dash
    ("MVC G228 KM 9. RP STATES 1 PT PINNED. TOI 0752. EMS + FIRE DISPATCHED.", "07:52"),
    ("INC TIME 2315. Stabbing outside the bar on Xingang Rd, 1 male conscious", "23:15"),
    ("Diver overdue off the island, went down 1340, not surfaced", "13:40"),
    ("[09:02] kitchen fire in a flat, started 0850, smoke in the stairwell", "08:50"),
    ("2210 — man in the water off the north mole, waving", "22:10"),
    # pm right before a Chinese word; a duty log's time after its heading
    ("厂房后面的仓库着火了 5:35pm发现的 烟很大", "17:35"),
    ("【保安值班记录】0215 巡逻发现3号仓库冒烟", "02:15"),
    # the time a post was forwarded is not the event's; 事发于 is
    ("路口两车相撞 一个司机受伤 （转发于20:40）", None),
    ("事发于20:40，路口两车相撞 一个司机受伤", "20:40"),
])
def test_dispatch_and_log_times(text: str, expected: str | None) -> None:
    assert parse_report(text).to_dict()["time"] == expected


@pytest.mark.parametrize("text, expected", [
    # the person said again as 人 at the start of a clause
    ("码头有个钓鱼的滑下去了！！人在水里扑腾 快拿救生圈", (0, 0, 1, 0)),
    # the callers lost where they stand, then how many; a place between 我 and the word
    ("我们在伟德山上迷路了 六个人 手机快没电了", (0, 0, 6, 0)),
    ("救命 我和我表哥在槎山的林子里迷路了 天黑了", (0, 0, 2, 0)),
    # a state told only in the other language of a mixed message
    ("Fire panel ZONE 4 FIRE at Warehouse 3, Gangxi logistics park. Guard confirmed smoke on the racking, 3个搬运工还在里面没出来", (0, 0, 3, 0)),
    # being revived: alive to the centre, whatever state is told
    ("广场上一个大爷突然倒了 没气了 有人在按胸口", (0, 1, 0, 0)),
    ("孩子吃葡萄噎着了 脸都紫了 没气了 我在拍背", (0, 1, 0, 0)),
    # a stomach gone bad, a trip to the clinic
    ("村里办酒席 吃坏肚子的有七八个", (0, 7, 0, 0)),
    ("井水有股怪味 喝了的拉肚子 三四个人去卫生院了", (0, 3, 0, 0)),
])
def test_more_ways_people_are_told(text: str, expected: tuple[int, int, int, int]) -> None:
    assert counts(text) == expected


@pytest.mark.parametrize("text, expected", [
    # out of the muster's count; named by title
    ("Fire alarm at the resort, group of 20 mustered, Mr Becker (room 512) unaccounted for", (0, 0, 0, 1)),
    # seen in the water or in difficulty: held there
    ("Swimmer in difficulty 100m off the beach, lifeguard tower empty", (0, 0, 1, 0)),
    ("Man fell off the quay, crew see him in water by the buoy", (0, 0, 1, 0)),
    # fingers cut, and fingers that are not people (a guard: not three hurt)
    ("Kitchen porter's fingers cut on the meat slicer, need first aid", (0, 1, 0, 0)),
    ("Packer's hand caught in the sealer, three fingers cut off", (0, 1, 0, 0)),
])
def test_the_musters_missing_the_seen_in_the_water_and_fingers(text: str, expected: tuple[int, int, int, int]) -> None:
    assert counts(text) == expected
