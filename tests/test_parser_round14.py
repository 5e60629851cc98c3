"""Intake parser, fourteenth round: the fleet's Beidou messages and duty logs, Taiwan
Mandarin, outdoor clubs and translated English.

Hand-written phrasings of each rule (none is a corpus line), so that a later change that
undoes a rule is caught here, not only as a figure in bench/intake_accuracy.py."""
from __future__ import annotations

import pytest

from handlers.intake.parser import parse_report
from tests.parser_readings import counts


@pytest.mark.parametrize("text", [
    "鲁荣渔61207 机舱进水 抽不过来 请求救援",          # a boat named by its registration
    "右舷被撞破了 一直在进水 船上6人",
    "进水严重 鲁威渔3302 位置36-58N 122-40E",         # the registration after the trouble
])
def test_a_boat_taking_on_water_is_a_rescue_at_sea_not_a_flood(text: str) -> None:
    assert parse_report(text).type == "water_rescue"


def test_a_house_taking_on_water_is_still_a_flood() -> None:
    assert parse_report("下大雨 俺家一楼进水了 在西河村").type == "flood"


@pytest.mark.parametrize("text, hhmm", [
    ("渔政值班：0420 鲁荣渔50211在镆铘岛东南碰撞，2人落水", "04:20"),
    ("鲁荣渔50211报 2310 一名船员被缆绳打伤", "23:10"),
    ("1745 与货船擦碰 左舷破损 人员无伤", "17:45"),
    ("船长来电称该船于0135在鸡鸣岛北侧触礁", "01:35"),
    # the log's own time is when the call came in, not the event's
    ("值班记录 09:40 接鲁荣渔50211船东电话，该船09:10许主机起火", "09:10"),
])
def test_a_duty_log_and_a_beidou_message_give_their_clock_time(text: str, hhmm: str) -> None:
    assert parse_report(text).time == hhmm


@pytest.mark.parametrize("text", [
    "鲁荣渔50211 船员腿被缆绳打伤 预计1600到港",       # an arrival estimate
    "船上 1200 箱货物落海 一人受伤",                   # a quantity
    "2024年港西镇一仓库着火 三人受伤",                  # a year
])
def test_four_digits_that_are_not_a_clock_time(text: str) -> None:
    assert parse_report(text).time is None


@pytest.mark.parametrize("text, trapped", [
    ("赶海的仨人在沙洲上回不来了 潮水上来了", 3),
    ("涨潮了 我们5个在礁石上 回不去了 在镆铘岛东边", 5),
    ("我们俩钓鱼的路被潮水淹了 回不去了 在成山头下面", 2),
    ("Help, 3 of us are on the rock off Moye island, the tide is coming in, we cannot get back to the beach", 3),
    ("a boy swam out and cannot come back, the waves are big, Silver Beach", 1),
])
def test_cut_off_by_the_tide_is_trapped_in_a_rescue_at_sea(text: str, trapped: int) -> None:
    report = parse_report(text)
    assert (report.is_report, report.type, counts(text)[2]) == (True, "water_rescue", trapped)


@pytest.mark.parametrize("text", [
    "他今天回不来了 在外地出差",          # away, not cut off
    "他们三个开会去了 下午回不来",
])
def test_not_getting_back_without_the_tide_is_no_emergency(text: str) -> None:
    assert not parse_report(text).is_report


def test_we_and_a_number_are_people() -> None:
    assert counts("车翻了 我们3个被卡在里面 在荣乌高速") == (0, 0, 3, 0)
    assert counts("雨太大 我们几个在山上 3个村都停电了") == (0, 0, 0, 0)  # 3个村: villages


def test_last_time_is_not_a_rock_and_getting_back() -> None:
    assert not parse_report("上回那场大火烧了三天 吓死人").is_report


@pytest.mark.parametrize("text, kind", [
    ("宿舍廚房的瓦斯爐燒起來了 火很大 在石島", "fire"),        # Taiwan's 瓦斯 is a household's gas
    ("飯店後面瓦斯外洩 味道超重 大家都跑出來了 寧津街道", "hazmat"),
    ("工地的鷹架倒了 壓到兩台車 在崖頭街道", "collapse"),       # 鷹架: a scaffold
    ("井下瓦斯浓度超限 3人被困 在石岛煤矿", "mine"),            # a mine's 瓦斯 is still a mine's
])
def test_taiwan_mandarin_words_for_gas_and_scaffolds(text: str, kind: str) -> None:
    assert parse_report(text).type == kind


@pytest.mark.parametrize("text, expected", [
    ("Engine room fire on the fishing boat at berth 5, 3 sailor was burn", (0, 3, 0, 0)),
    ("three person was trap in the lift at Ocean hotel, nobody can open", (0, 0, 3, 0)),
    ("chlorine smell in the pool room, 2 children go hospital", (0, 2, 0, 0)),
    ("Forklift hit the worker leg, blood very much, Dock 3", (0, 1, 0, 0)),
    ("Boat turn over near the harbour mouth, 4 man fall in water, 2 still not see", (0, 0, 0, 2)),
    ("coal stove in the room, my uncle sleep not wake up", (0, 1, 0, 0)),
    ("one auntie feel dizzy after the gas smell in corridor", (0, 1, 0, 0)),
    ("Worker hand caught in the press, two fingers cut off", (0, 1, 0, 0)),  # two fingers, one worker
])
def test_english_as_translation_apps_and_learners_write_it(text: str, expected: tuple[int, int, int, int]) -> None:
    assert counts(text) == expected


def test_visiting_a_hospital_is_no_injury() -> None:
    assert counts("I will go to hospital tomorrow for my check") == (0, 0, 0, 0)


@pytest.mark.parametrize("text", [
    "防毒面具团购啦 矿山必备 99元一套 需要的私聊我",                 # an advert
    "看到新聞 高雄一間工廠爆炸 死了三個人 好可怕",                    # the news, in traditional characters
    "新闻说隔壁市化工厂着火了 大家注意安全",
    "In my country Korea last night big fire in market, 5 people die",
    "Statistic of fire brigade: this year 120 fire, 3 dead",
    "Weather say tomorrow typhoon come, wind very strong, please stay home",
    "Please send me Chinese version of the fire evacuation plan, thank you",
    "I want complain, the street lamp at the bus stop broken, somebody will be hit one day",
])
def test_alarming_words_in_adverts_news_and_requests_are_chatter(text: str) -> None:
    assert not parse_report(text).is_report


@pytest.mark.parametrize("text", [
    "新来的保安说 仓库后面着火了 在港西镇工业园",          # no news in it
    "Fire in the market of Shidao, 5 people hurt, it is in my street",
])
def test_reports_near_those_words_are_still_reports(text: str) -> None:
    assert parse_report(text).is_report


@pytest.mark.parametrize("text, expected", [
    ("小张从脚手架上摔下来了 在港西镇工地", (0, 1, 0, 0)),            # a colleague called 小+surname
    ("老李肋骨好像断了 喘气都疼 在槎山北坡", (0, 1, 0, 0)),
    ("小赵右边锁骨估计摔断了 在赤山下面", (0, 1, 0, 0)),
    ("有个钓友被浪打下去了 捞上来以后有点失温", (0, 1, 0, 0)),
    ("船上有个小工被绞网机夹了手 在海驴岛附近", (0, 1, 0, 0)),
    ("一个潜水的上来以后没意识了 在鸡鸣岛码头", (0, 1, 0, 0)),
    ("一名船员落水，搜寻半小时未见人", (0, 0, 0, 1)),
    ("码头有人掉下去了 人在水里扑腾", (0, 0, 1, 0)),
    ("騎士倒在路邊 臉都是血 在成山大道", (0, 1, 0, 0)),
])
def test_people_and_states_of_the_round(text: str, expected: tuple[int, int, int, int]) -> None:
    assert counts(text) == expected


def test_a_surname_before_a_village_is_a_place() -> None:
    assert parse_report("河堤决口了 水往村里灌 在沙河乡小王庄").location == "沙河乡小王庄"


def test_a_logs_time_stands_when_nothing_else_says_when_it_happened() -> None:
    assert parse_report("值班记录 09:40 接到电话 港西镇一仓库起火 预计11:00前扑灭").time == "09:40"


@pytest.mark.parametrize("text, place", [
    ("上山的时候看见伟德山北坡那片林子着火了 烟很大", "伟德山北坡那片林子"),   # a time of the caller's doing
    ("下坡摔车了 老刘腿断了 我们在海滨大桥东头桥下 快来个车", "海滨大桥东头桥下"),  # the caller says where they are
])
def test_the_place_is_where_the_caller_says_not_what_they_were_doing(text: str, place: str) -> None:
    assert parse_report(text).location == place


@pytest.mark.parametrize("text, place", [
    ("石岛渔港监督值班室：鲁荣渔50866在北纬37°01′、东经122°38′附近放网作业时一名船员落水", "北纬37°01′、东经122°38′附近"),
    ("渔业公司调度室转北斗短报文：北纬36度40分 东经122度50分 船员被缆绳打伤", "北纬36度40分 东经122度50分"),
])
def test_a_position_at_sea_is_the_place_not_the_office_that_relays_it(text: str, place: str) -> None:
    assert parse_report(text).location == place


def test_an_inspection_that_found_nothing_is_not_registered_on_the_models_word() -> None:
    assert not parse_report("排查完毕 未检测到有毒气体 继续监测").is_report


@pytest.mark.parametrize("forward", [
    # the report model alone would send both to triage: the words are a report's
    "转发：日本东京一栋公寓起火 1人死亡 多人受伤",
    "转发：美国加州山火 已致5人死亡",
])
def test_news_from_abroad_is_certain_chatter_but_a_visitor_from_abroad_is_not(forward: str) -> None:
    read = parse_report(forward)
    assert not read.is_report and not read.doubtful
    visitor = parse_report("日本游客在成山头礁石上落水了 快来人")
    assert visitor.is_report or visitor.doubtful  # not dropped: a person sees it at least


@pytest.mark.parametrize("text", [
    "Packing line is on fire today, 4,000 boxes before lunch",
    "That hotpot last night was fire 🔥🔥",
    "Monthly figures: 22 callouts, 2 fatalities, 6 false alarms",
    "Alarm summary for 3 Dec: 2 smoke alarms (both dust), 0 injuries",
    "可燃气体检测记录（白班）：罐区0.2%LEL 泵房0.1%LEL 均未超限",
    "除颤仪月检：门诊大厅 OK，急诊 电池需更换",
    "12345回访：您反映的小区燃气味问题经检测无泄漏，请问您是否满意？",
    "明天上午停电检修 9点到12点 电梯暂停使用",
    "需要补充：灭火器30具、防毒面具20个，请后勤科送到港西站",
])
def test_logs_checks_callbacks_and_slang_are_chatter(text: str) -> None:
    assert not parse_report(text).is_report


@pytest.mark.parametrize("text", [
    "Help, the kitchen is on fire, 2 people inside, Haijing Garden block 3",
    "锅炉房管道爆裂 一名工人被烫伤 在港西热电厂",
    "变电站2号主变起火 已扑灭 其余设备运行正常 无人受伤",   # what still works, in a report
])
def test_reports_beside_the_log_and_slang_words(text: str) -> None:
    assert parse_report(text).is_report


@pytest.mark.parametrize("text, expected", [
    ("一个老太太在菜市场门口滑倒了 腿动不了 起不来", (0, 1, 0, 0)),       # slipped, cannot get up
    ("小孩从滑梯上摔下来 头磕破了 血止不住 在海滨公园", (0, 1, 0, 0)),       # bleeding that will not stop
    ("仓库着火了 屋里好像有个老人 在港西镇后疃村", (0, 0, 1, 0)),           # someone maybe still inside
    ("饭店着火了 里面可能有人 现在还不确定", (0, 0, 0, 0)),                 # …but not when they say they do not know
    ("水太大了 俺俩爬到房顶上了 在埠柳镇河东村", (0, 0, 2, 0)),             # climbed onto a roof
    ("巷道顶板掉下来了 老刘给拍里头了 在金岭金矿", (0, 0, 1, 0)),           # pinned in there, in a miner's words
    ("A 45 y/o woman fell on the pier at Shidao, bleeding from the head", (0, 1, 0, 0)),  # an age, not a count
    ("Hikers walking down there lost contact in the flash flood", (0, 0, 0, 0)),          # walking down: no fall
    ("one worker fall down from the scaffold, head have blood", (0, 1, 0, 0)),
])
def test_casualty_classes_of_the_train_split(text: str, expected: tuple[int, int, int, int]) -> None:
    assert counts(text) == expected


def test_someone_still_inside_and_not_out_is_one_person() -> None:
    assert counts("喷漆房着火了 里面还有个工人没出来 在工业园") == (0, 0, 1, 0)


@pytest.mark.parametrize("text, kind", [
    ("港西镇大桥工地 一个钢筋工从8米高的桥墩上摔下来了 昏迷", "other"),          # a fall from a height at work
    ("厂房屋顶铺瓦的师傅踩空摔下来了 意识不清 在滕家镇工业园", "other"),
    ("工地施工升降机吊笼坠落 两名工人受伤 在崖头街道", "other"),
    ("庙会人太多 发生踩踏 有人晕倒 在赤山", "other"),                         # a crush, whatever state people are in
    ("浴室热水器漏电 把人电倒了 在荣成职业学院宿舍", "other"),                 # electrocution
    ("worker touched a live wire in the greenhouse and collapsed, Tengjia", "other"),
    ("guy fell from the mezzanine in Warehouse 3, not moving", "other"),
    ("一个小孩掉水湾里了 捞上来了 没有呼吸", "water_rescue"),                   # a pond by another name
    ("赶海的老人被困在沙坝上了 潮水涨上来了", "water_rescue"),                  # cut off by the tide, not a flood
    ("我在镆铘岛东边礁石上钓鱼 退路淹了 就我一个", "water_rescue"),
])
def test_kinds_of_the_train_split(text: str, kind: str) -> None:
    assert parse_report(text).type == kind


def test_a_childs_fall_at_school_is_still_a_medical_call() -> None:
    assert parse_report("a student fell down the stairs at Lidao Primary and is not responding").type == "medical"


def test_a_tip_to_prevent_a_state_is_no_casualty() -> None:
    report = parse_report("冬泳队的注意预防失温 下水前多热身")
    assert not report.is_report and counts("冬泳队的注意预防失温 下水前多热身") == (0, 0, 0, 0)


def test_not_seeing_a_thing_is_nobody_missing() -> None:
    assert counts("Truck hit the wall at Shidao port, the driver is fine, we do not see any leak") == (0, 0, 0, 0)
