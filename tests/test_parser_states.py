"""Intake parser, third round: casualties told by the body and the spoken passive, counts
given last, the place that decides a kind, and alarming talk that is not an event.

Hand-written phrasings of each rule (none is a corpus line), so that a later change that
undoes a rule is caught here, not only as a figure in bench/intake_accuracy.py."""
from __future__ import annotations

import pytest

from handlers.intake.parser import normalise, parse_report
from tests.parser_readings import counts


@pytest.mark.parametrize("text, expected", [
    # the spoken passive (叫/让/给) and harm verbs of animals
    ("俺侄子让驴踢了 在西山村", (0, 1, 0, 0)),
    ("一个老太太叫电动车刮倒了 在北街", (0, 1, 0, 0)),
    # a state in its own clause is the person named just before
    ("俺奶奶在院里摔了一跤 起不来 腿断了 东庄村", (0, 1, 0, 0)),
    # a bodily state with nobody named is one person, never a second one
    ("工地上一名工人被砸中 当场死亡", (1, 0, 0, 0)),
    ("河边捞上来一个人 没有呼吸了 正在做心肺复苏", (0, 1, 0, 0)),
    # pinned, held down, still inside
    ("墙倒了 压着她呢 在南村", (0, 0, 1, 0)),
    ("车翻了 司机压底下了 在国道边", (0, 0, 1, 0)),
    ("着火了 他家老爷子还在屋里", (0, 0, 1, 0)),
    # a pit, a well, a tank: who has not come up is down there
    ("俩人下窨井 都没上来 在工业路", (0, 0, 2, 0)),
    ("两个人掉海里了 没上来 在东港", (0, 0, 0, 2)),
    # fuzzy and trailing counts
    ("仓库塌了 压着人 起码仨", (0, 0, 3, 0)),
    ("山上着火 俩扑火队员烧伤了", (0, 2, 0, 0)),
    ("鞭炮厂炸了 死了俩 在南山", (2, 0, 0, 0)),
    ("俺爹俺娘困在二楼了 水上来了", (0, 0, 2, 0)),
    ("一个骑三轮的大爷叫车撞了 躺着不动", (0, 1, 0, 0)),  # 骑三轮的大爷: one person
    ("一村民家中失火 无人受伤", (0, 0, 0, 0)),  # 一村民家中 names a home
    # English
    ("a 9 year old boy fell into the farm silo, we cannot reach him", (0, 0, 1, 0)),
    ("Two lorry drivers hurt, thirty-odd passengers shaken but fine", (0, 2, 0, 0)),
    ("Update on the warehouse blast: death toll now 3", (3, 0, 0, 0)),
    ("Both missing anglers found safe at dawn", (0, 0, 0, 0)),
    ("孩子吃果冻卡住了 喘不上气", (0, 1, 0, 0)),       # choking, not held in a wreck
    ("俩人吃了野蘑菇 手脚发麻", (0, 2, 0, 0)),
    ("两车相撞，3人轻微伤", (0, 3, 0, 0)),
    ("工地塌方，2人送医后不治", (2, 0, 0, 0)),       # died after treatment: dead, not injured
])
def test_casualty_states(text: str, expected: tuple[int, int, int, int]) -> None:
    assert counts(text) == expected


@pytest.mark.parametrize("text", [
    "俺孙子考试考砸了 急死了",               # a mood, not a death
    "我胳膊断了两年了 阴天还疼",              # an old injury
    "转发：外省某地化工厂爆炸 多人遇难",        # news from elsewhere
    "听说邻县昨天翻了一辆大巴",
    "这风刮得跟台风似的 不过没啥事",           # a simile
    "村里要多备沙袋 防止明天涨水",             # a precaution
    "气象局说下周有大风 注意收衣服",
    "Watching a film about the tsunami tonight",
    "Quarterly summary: 4 fires, 1 injured",
    "Planned power cut in Renhe on Thursday, 9 to 12",
    "Scenario for the exercise: a ferry capsizes with 50 people aboard",
    "Gale warning issued for the coast tonight",
    "上周东村那起火灾的调查报告写好了 发你邮箱",  # paperwork
    "那个弯道老是出车祸 建议设置减速带",           # a complaint about a place
    "河水涨了一点 还在正常范围",
    "去年冲毁的大棚保险能赔吗",
])
def test_alarming_talk_is_not_a_report(text: str) -> None:
    assert not parse_report(text).is_report


@pytest.mark.parametrize("text, kind", [
    ("牛顶他了 在后山", "other"),               # not 顶塌了: a cow
    ("狗把孩子咬了 在东村", "other"),
    ("两个车装一起了 在路口", "traffic"),         # voice input: 装 = 撞
    ("仨人下污水井 都没上来", "hazmat"),
    ("菜窖里晕倒一个人", "hazmat"),
    ("老人一个人住 在家中去世了 邻居发现的", "medical"),
    ("我们村感觉到明显震动 墙上掉灰", "earthquake"),
    ("消防到了 火还没灭", "fire"),
    ("渔民出海未归 家属报警", "water_rescue"),
    ("Our trawler lost power off the cape, 6 crew", "water_rescue"),
    ("A man was gored by a bull at the farm", "other"),
    ("She is in labour at the bus stop", "medical"),
    ("走廊里一屋子黑烟 在二号宿舍楼", "fire"),
    ("水一下子涨起来了 路基冲垮了", "flood"),
    ("俺家房子裂了大缝 地基往下沉", "collapse"),
    ("园区那边罐区有股怪味 好几个人头晕", "hazmat"),
    ("小船抛锚了 漂在海上 在外岛", "water_rescue"),
    ("庙会上人太多 有人被踩了", "other"),
])
def test_kinds_told_by_verbs(text: str, kind: str) -> None:
    parsed = parse_report(text)
    assert parsed.is_report and parsed.type == kind


def test_a_load_is_not_a_crash() -> None:
    assert "撞" not in normalise("车装了 满满一车白菜 明天拉走")
    assert "撞" in normalise("两个车装了 有人受伤")


def test_snow_pressing_a_shed_is_a_collapse_but_pressing_a_man_is_not() -> None:
    assert "塌" in normalise("大棚让雪压他了")
    assert "塌" not in normalise("雪压他了 俺爹在里头")


@pytest.mark.parametrize("text, hhmm", [
    ("Smoke seen at 2215 from the grain store in Renhe", "22:15"),
    ("Van hit a cyclist at 07.40 near the school gate", "07:40"),
    ("Boat taking water at about 0530, 4 crew", "05:30"),
    ("Landslide at 1200 metres on the ridge road", None),   # a distance, not a time
    ("Tanker leaking at 40.5 tonnes load", None),
    ("Roof fell in at 5 this morning at the old mill", "05:00"),
    ("Shed burning since about 8 o'clock tonight", "20:00"),
])
def test_english_24_hour_times_after_at(text: str, hhmm: str | None) -> None:
    assert parse_report(text).time == hhmm


@pytest.mark.parametrize("text, expected", [
    ("Barn roof fell in at Xizhuang, old woman still inside", (0, 0, 1, 0)),
    ("Mud buried a cottage at Houshan, couple believed inside", (0, 0, 2, 0)),
    ("Trench collapsed, 3 workers buried, 2 dug out", (0, 0, 1, 0)),
    # a bus load told before the casualty is not its count
    ("Coach slid off the road, 30 passengers, a few bruised, driver pinned", (0, 0, 1, 0)),
    ("Toddler choking on a grape at the Yatou nursery", (0, 1, 0, 0)),
])
def test_english_people_inside_and_loads(text: str, expected: tuple[int, int, int, int]) -> None:
    assert counts(text) == expected


@pytest.mark.parametrize("text, place", [
    ("事发地点为滕家镇后店村北山，火很大", "滕家镇后店村北山"),   # the label is not the place
    ("东山街道办事处报告，文化中心工地塔吊倒塌", "文化中心工地"),  # the sender before a comma
])
def test_labels_and_senders_are_not_places(text: str, place: str) -> None:
    assert parse_report(text).location == place


@pytest.mark.parametrize("text", [
    "俺爷在地里不会动了 快来救人 在北坡村",
    "需要救护车 老人在院子里起不来 东庄",
    "Please come quickly, my husband is on the kitchen floor, 4 Harbour Lane",
])
def test_asking_for_someone_to_come_is_a_report(text: str) -> None:
    assert parse_report(text).is_report


# --- fourth round: hand-written phrasings of this round's rules (none is a corpus line) ---

@pytest.mark.parametrize("text, expected", [
    # a spoken count that closes the message before the place
    ("天黑了困在山上下不来 三个中学生 在鹰嘴崖", (0, 0, 3, 0)),
    ("房子塌了 压着人 两三个 在后营村", (0, 0, 2, 0)),
    # a ride stopped in mid-air holds its riders
    ("摩天轮卡在半空了 上面有六个人", (0, 0, 6, 0)),
    # the body part before the harm; lying still where one fell; harm with its count as object
    ("饭店后厨油锅起火 小工手烫了", (0, 1, 0, 0)),
    ("一辆货车把骑三轮的老头刮倒了 人在路边不动", (0, 1, 0, 0)),
    ("蒸汽管道爆了 烫着仨工人 在纸厂", (0, 3, 0, 0)),
    ("大爷被楼上掉下来的花盆砸了 流了好多血", (0, 1, 0, 0)),
    # 死者 / 遗体 alone is one body; CPR being done now is one injured
    ("续报：河道内发现的遗体身份已确认", (1, 0, 0, 0)),
    ("池塘里捞上来一个孩子 大人正在给他做人工呼吸", (0, 1, 0, 0)),
    # couples and listed people
    ("泥石流冲了两间房 一对老夫妻找不着了", (0, 0, 0, 2)),
    ("电梯困人 两个大人一个孩子", (0, 0, 3, 0)),
    # animals as victims, and what is being prevented, are no casualty
    ("黄鼠狼把鸡咬死了好几只", (0, 0, 0, 0)),
    ("井口加了盖子 防止孩子掉下去", (0, 0, 0, 0)),
    # English
    ("Flood water all round the farmhouse at Lowmoor, 5 of us and we can't leave", (0, 0, 5, 0)),
    ("Update: the missing diver's body was recovered off Point Reyes", (1, 0, 0, 0)),
    ("Lab fire at the college, a technician is unconscious", (0, 1, 0, 0)),
    ("my aunt hasn't been seen since Friday, 22 Mill Close", (0, 0, 0, 1)),
])
def test_fourth_round_counts(text: str, expected: tuple[int, int, int, int]) -> None:
    assert counts(text) == expected


@pytest.mark.parametrize("text, kind", [
    ("维修工在配电柜上触电了 人昏迷 在水泥厂", "other"),          # electrocution before medical words
    ("Electric shock at the pump house, worker unconscious", "other"),
    ("工厂实验室操作失误引起小火", "fire"),
    ("俩钓鱼的被困河心洲上了 水还在涨", "water_rescue"),
    ("小孩在鱼塘边玩 到现在没回来", "water_rescue"),
    ("轿车卡在护栏上了 司机出不来", "traffic"),
    ("森林公园里着火了 烟很大", "forest_fire"),
    ("基坑边坡塌了 埋了一个工人", "collapse"),
    ("大车把一辆三轮挤到沟里了", "traffic"),
    ("上游水库漫坝了 下游村子要淹", "flood"),
    ("Minibus lying on its side on the ring road", "traffic"),
    ("Part of the cliff gave way at Redcar, two walkers hurt", "geological"),
])
def test_fourth_round_types(text: str, kind: str) -> None:
    assert parse_report(text).type == kind


@pytest.mark.parametrize("text", [
    "Update: both hikers on Scar Fell have been reached by the mountain team",
    "续报：被困的三名矿工已全部救出",
])
def test_an_update_on_people_brought_out_is_a_report(text: str) -> None:
    assert parse_report(text).is_report


@pytest.mark.parametrize("text", [
    "来电人咨询暴雨天能不能开车上高速",
    "气象台发布暴雨橙色预警 请注意防范",
    "寻狗 黄色土狗 昨天在北门走丢了",
    "Lost dog near the harbour, answers to Max",
    "转发：外地一工厂爆炸 死亡3人 请引以为戒",
    "Fwd: earthquake kills 40 in the mountains",
    "Watched the rescue on TV last night, amazing",
    "这天热得快中暑了",
    "前年发大水把桥冲了 到现在还没修好",
    "Can you send me the contact details of the flood wardens",
])
def test_fourth_round_non_reports(text: str) -> None:
    r = parse_report(text)
    assert not r.is_report


@pytest.mark.parametrize("text, place", [
    ("河堤决口了 水往村里灌 快派人 在白沙乡王家庄", "白沙乡王家庄"),
    ("一个工人被钢管砸了头 昏过去了 在滨江二期", "滨江二期"),
    ("渔船机器坏了 在漂 在东山岛东南15海里", "东山岛东南15海里"),
    ("Water coming in through the doors, we're upstairs, Mill Close", "Mill Close"),
])
def test_fourth_round_places(text: str, place: str) -> None:
    assert parse_report(text).location == place


@pytest.mark.parametrize("text, hhmm", [
    ("下午2点 人困在电梯里了 建设路", "14:00"),       # a clause after a space is not minutes or a unit
    ("上午9点 一名工人受伤 在北港", "09:00"),
    ("中午12点 人民路一家饭店着火", "12:00"),         # 人民路 is no 人 after a number
    ("下午4点零5分 建设路着火", "16:05"),
    ("约14时建设路着火", "14:00"),
    ("接报时间：15时10分，建设路一仓库起火，起火时间约14时50分", "14:50"),
    ("Fire at the Elm St depot around 4.30 this afternoon", "16:30"),
])
def test_fourth_round_times(text: str, hhmm: str) -> None:
    assert parse_report(text).time == hhmm


@pytest.mark.parametrize("text", [
    "滨江路一民房起火，2人受伤送医，其余人员均正常",       # 均正常 in passing
    "纸厂氯气泄漏 3名工人中毒 伤者名单正在核实",
    "突发：北山隧道坍塌 4人被困 市里正在召开紧急调度会",
    "东湖路口两车相撞 2人受伤 请各单位注意绕行",         # an instruction to units at the end
    "earthquake了 刚才晃得很厉害 两个人被砸伤 在 Rongcheng",  # mixed text: English word before Chinese
])
def test_reports_that_carry_chatter_words_in_passing(text: str) -> None:
    assert parse_report(text).is_report


@pytest.mark.parametrize("text", [
    "明天召开防汛会议 总结上次洪水3人死亡的教训",
    "哈哈 我快被作业压死了",
    "请各镇街做好防范，近期外地已发生多起溺水事故，死亡5人",
])
def test_chatter_words_still_veto_without_a_present_casualty(text: str) -> None:
    assert not parse_report(text).is_report


@pytest.mark.parametrize("text, expected", [
    ("死了一个 伤了仨 还有俩找不着 在东河滩", (1, 3, 0, 2)),      # 俩 straight before what happened
    ("被困的9名矿工已全部升井 其中1人受轻伤", (0, 1, 0, 0)),      # 升井: out of the mine
    ("井下6人 已升井4人 2人未联系上", (0, 0, 0, 2)),
])
def test_fourth_round_mine_and_spoken_counts(text: str, expected: tuple[int, int, int, int]) -> None:
    assert counts(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("Three people taken to hospital after the fire at Elm Court, one with serious burns", (0, 3, 0, 0)),
    ("We have 4 casualties, 1 critical", (0, 4, 0, 0)),
    ("A father and his two sons are trapped in the cellar", (0, 0, 3, 0)),
    ("crash on the ring road, one man dead maybe two injured", (1, 2, 0, 0)),
])
def test_fourth_round_english_subsets_and_lists(text: str, expected: tuple[int, int, int, int]) -> None:
    assert counts(text) == expected


@pytest.mark.parametrize("text, kind", [
    ("老房子走水了 在南街", "fire"),
    ("电瓶车在楼道里充电 突然炸了", "fire"),
    ("泥浆从后山冲下来了 在石门村", "geological"),
    ("一辆电动车把老大爷碰了 在菜场门口", "traffic"),
    ("冷库制冷剂漏了 一股味", "hazmat"),
    ("枯井里有人 听见喊了", "other"),
    ("下水道冒黑水 一股臭味 好几个人头晕", "hazmat"),
])
def test_fourth_round_words_the_lists_lacked(text: str, kind: str) -> None:
    assert parse_report(text).type == kind


@pytest.mark.parametrize("text, kind", [
    ("Lorry shed its load on the A1, two cars hit it", "traffic"),
    ("A van is on its roof in the ditch on Farm Lane", "traffic"),
    ("Ice on the pond cracked and two kids went through", "water_rescue"),
    ("Heavy snow collapsed a barn roof on Hill Farm, farmer trapped inside", "collapse"),
    ("Shots fired at the bus station, people running", "other"),
])
def test_fourth_round_english_kinds(text: str, kind: str) -> None:
    assert parse_report(text).type == kind


def test_a_tornado_watch_is_a_forecast() -> None:
    assert not parse_report("Tornado watch issued for the county until 9pm").is_report


@pytest.mark.parametrize("text, expected", [
    # where someone is held, told by where they are or what they cannot do
    ("渔船翻了 人还在水里扑腾", (0, 0, 1, 0)),
    ("七八个人困电梯里了 商场三楼", (0, 0, 7, 0)),
    ("隧道塌方 还有3人被堵在里面", (0, 0, 3, 0)),
    ("桥上一辆轿车熄火了 水漫上来了，车里有人", (0, 0, 1, 0)),
    ("房梁断了 底下有个干活的", (0, 0, 1, 0)),
    ("涵洞积水 车顶上趴着个人", (0, 0, 1, 0)),
    ("停车场一辆车里锁着个孩子 车主找不到", (0, 0, 1, 0)),
    ("电线杆倒了压在车上 司机不敢下来", (0, 0, 1, 0)),
    ("塌方砸了工棚 扒出来两个 还有三个在下面", (0, 0, 3, 0)),
])
def test_people_held_told_by_where_they_are(text: str, expected: tuple[int, int, int, int]) -> None:
    assert counts(text) == expected


@pytest.mark.parametrize("text", ["屋里有人在做饭 闻着有点糊味", "下面有个水池 小心别掉下去"])
def test_someone_at_home_or_a_thing_below_is_nobody_held(text: str) -> None:
    """Guard: 有人 held only where the clause ends there; 下面有个 only before a person."""
    assert counts(text) == (0, 0, 0, 0)


def test_the_car_owner_not_found_is_nobody_missing() -> None:
    assert counts("小区门口一辆车里锁着个孩子 车主找不到 电话打不通") == (0, 0, 1, 0)


@pytest.mark.parametrize("text, expected", [
    # hurt told by the limb caught, labour, not standing, consciousness lost, a low temperature
    ("脱粒机把他胳膊绞了 快叫人", (0, 1, 0, 0)),
    ("客车上有个孕妇羊水破了 要生了", (0, 1, 0, 0)),
    ("健身房一个大哥练着练着站不起来了 出冷汗", (0, 1, 0, 0)),
    ("一名老年男性意识丧失 家属在按压", (0, 1, 0, 0)),
    ("捞上来的钓友体温偏低 正在保暖", (0, 1, 0, 0)),
    # a bite or a blow, then 个 and who; someone lying there
    ("路口那条黄狗咬了个放学的孩子", (0, 1, 0, 0)),
    ("公路当间躺着个人 一动不动", (0, 1, 0, 0)),
    # couples said the northern way, and either side of a couple
    ("隔壁娘俩一早起来都头晕 屋里生着炉子", (0, 2, 0, 0)),
    ("小两口吵架 女方喝农药了", (0, 1, 0, 0)),
    ("婆婆在菜园被蛇咬了 脚肿了", (0, 1, 0, 0)),
])
def test_hurt_told_by_states_and_the_northern_way(text: str, expected: tuple[int, int, int, int]) -> None:
    assert counts(text) == expected


def test_a_limb_pinned_and_not_out_is_held_not_counted_twice() -> None:
    """Guard: 腿被压住了出不来 is one trapped (the labels say so); 腿压伤了 is hurt."""
    assert counts("围墙倒了 骑车的人腿被压住了出不来") == (0, 0, 1, 0)


def test_pain_indoors_is_hurt_not_held() -> None:
    """在屋里头疼: 头疼 in the house, not 在屋里头 (held inside)."""
    assert counts("老太太在屋里头疼得厉害 炉子没封好") == (0, 1, 0, 0)


def test_a_gate_stuck_holds_no_one() -> None:
    assert counts("我是闸管员老李 泄洪闸闸门卡住了 下游要淹") == (0, 0, 0, 0)
