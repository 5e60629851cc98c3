"""Where: the span of a report that names the place.

Private helper of the intake parser. Returns (start, end) offsets so the caller
can cut the span from the *original* text (normalisation keeps offsets).

Chinese reports put the place first in a clause and then say what happened
("人民路化工厂起火", "G18荣乌高速K38+300处三车追尾"), so a candidate runs from the
start of a clause (past any time, emoji or "续报：") to the first word that starts
the event: a hazard or casualty word, a quantity ("一辆", "2名"), a time, or a
verb such as 发生/突然/因. "地址是…"/"位于…" name it explicitly; a place after 在
("渔船在石岛东南约15海里处进水") ranks below one that opens a clause.

English reports name it after a preposition ("at the Longyan port container
yard"); the span runs on through place words and "of/near/off/to + Capitalised"
until a function word, a time or punctuation. "from/into/of the …", "the Name…"
and the name just before the hazard word ("Jinhai warehouse fire") rank lower.

Every candidate is scored by the place words it holds (路, 镇, 村, 小区, road,
village, capitalised names…); the best one wins, the earliest on a tie. Where the
reporter is not the place (震中, 指挥中心) the candidate is dropped.
"""
from __future__ import annotations

import re

from handlers.intake import casualty_words, fastre
from handlers.intake.boat_words import ZH_REGISTRATION
from handlers.intake.clock import ClockTime

_I = re.IGNORECASE

# --- Chinese --------------------------------------------------------------------------

# The words that say a Chinese span names a place (public: the place model reads them too).
ZH_MARKERS = fastre.compile(
    r"省|市|县|区|镇|乡|村|街道|街|路|大道|巷|胡同|弄|高速|公路|省道|国道|桥|隧道|港|码头|湾|岛|海滩|沙滩|海域|"
    r"海里|河|江|湖|水库|山|林场|景区|公园|广场|小区|花园|名苑|家园|公寓|大厦|楼|单元|厂|公司|车间|仓库|冷库|"
    r"园区|产业园|工地|学校|小学|中学|大学|幼儿园|医院|卫生院|站|车库|市场|商场|超市|酒店|宾馆|饭店|店|餐厅|"
    r"大棚|矿|井|采石场|养殖区|交叉口|路口|路段|处|侧|麓|坡|[A-Z]\d+|中段|地下室|停车场|候车室|机房|罐区|储罐|"
    r"社区|新村|庄|屯|寨|门口|附近|食品|宿舍|礁石|海边|堤|渔港|方向|水平|人行道|馆|出口|入口|"
    r"坝|通道|泊位|敬老院|养老院|服务区|收费站|加油站|车站|场|"
    # village groups, gorges, bases and estates that spoken reports name last (在沙洲村三组, 在石门峡)
    r"园|峡|谷|基地|沟|坪|苑|府|滩|堡|铺|度假村|项目部?|标段|机场|"
    # rooms and the parts of a chemical plant its safety officers name (化验室, 装车台, 管廊, 泵房)
    r"(?:实验|化验|办公|配电|控制|操作|值班|锅炉|设备)室|教室|装车台|装卸台|栈台|泵房|管廊|装置区|厂区|库区|"
    # rooms named by what is in them (锅炉房, 配电房, 病房)
    r"(?:锅炉|配电|变电|发电|机修|空压|开水|洗衣|热力|水泵|制冷|设备)房|库房|病房|"
    # the rooms and halls of hotels, pools and halls: 3106房, 806包间, 大堂, 男更衣室, 蒸汽房, 深水区
    r"[0-9]{3,4}(?:号)?房(?:间)?|包间|包厢|阳台|大堂|大厅|宴会厅|更衣室|淋浴间|卫生间|洗手间|楼梯间|(?:蒸汽|桑拿|汗蒸)房|深水区|浅水区|泳池|"
    # ridges and peaks; schools by number (荣成二中, 一中宿舍楼); a chemical works by name (蓝星化工)
    r"岭|峰|崖|(?<![其之])[一二三四五六七八九十]中(?![心间毒暑队年午旬途的])|化工|"
    # a position at sea: 北纬36°55′ 东经122°49′
    r"北纬|南纬|东经|西经"
)
_ZH_EXPLICIT = fastre.compile(r"(?:地址|地点|位置|事发地点|事发地|坐标)\s*(?:是|在|为|:|：)?\s*|位于")
# Clauses end at punctuation, and at spaces between Chinese words ("石岛龙云路 公交车…"),
# not at the space inside "S206 K45" or "北纬36度40分 东经122度50分".
_ZH_CLAUSE_SEP = fastre.compile(
    r"[，,。；;！!？?\n\r\t]|(?<!\d)[:：]|[:：](?!\d)| (?![A-Za-z0-9]|东经|西经)|(?<![A-Za-z0-9]) (?!东经|西经)"
)
_ZH_LEAD = fastre.compile(
    r"(?:[\W_]|今天|今日|今早|今晨|今晚|昨天|昨晚|昨夜|刚才|刚刚|现在|目前|此刻|大约|大概|约|在|于|据报|"
    r"我镇|我街道|我乡|我区|我市|我县|我村|我社区|我场|我司|我集团|我公司|辖区内|辖区|(?:事发)?(?:地点|地址|位置)(?:是|在|为)?|"
    r"紧急|突发|求助|求救|报告|续报|更新|快报|最新|注意|许|左右|前后|时分|分钟|的|"
    # a voice message's fillers (那个那个 就是说 嗯)
    r"那个|嗯|啊|哎|喂|就是说|然后|"
    # hotline summaries: who called, then the place (群众反映铁路桥下积水很深)
    r"(?:据|接)?(?:来电人|报警人|求助人|群众|村民|居民|市民|网友)(?:称|反映|反应|举报|报称|报警称)|"
    r"(?:我|俺|我们|俺们|咱们|咱)(?:家)?(?:住在|住|就在|在)|我们|俺们|咱们|来自|有个(?!人)|有一个(?!人)|有一座|有一家|有家|"
    r"(?:我|俺)?(?:刚才|刚刚|刚)?(?:看见|看到|瞅见|瞧见|路过|经过)(?:了)?|"
    # "就在 / 是 / 从 / 到达 the place": the words that point at it
    r"就在|就是|是(?=[^，,。 ]{3})|从(?=[^，,。 ]{3})|到达|(?:我|我们|俺)?(?:这里|这儿|这边)是(?![^，,。 ]{0,12}(?:派出所|中队|大队|支队|卫生院|医院|所|站|局|办|的)))+"
)
_ZH_STOP_EXTRA = (
    # (a boat's work at sea: 在北纬36°55′附近起网作业时)
    r"起网|放网|拖网|作业时|"
    # (who they were with ends it: 在鸡鸣岛码头和家人走散)
    r"(?:和|跟|与)(?:家人|父母|大人|同伴|队友|同学)|"
    r"发生|出现|突然|突发|发现|掉(?=了|下|进|落)|起火|起山火|因为|因|由于|导致|造成|被|把|正在|已经|已|这边|那边|这里|那里|"
    r"(?<=[房屋子车店厂棚库垛])着了|施工|有(?!限)|一带|不慎|玩耍|游玩|嬉戏|凌晨|早上|早晨|上午|中午|下午|傍晚|晚上|夜里|深夜|半夜|今天|今早|昨天|昨晚|刚才|刚刚|"
    r"现场|目前|情况|大量|严重|明显|很|好多|多名|了|啦|呢|吗|的人|我们|我|他|她|电梯|楼晃|晃|疑似|好像|可能|"
    r"搞|请|正在|在(?=做|搞|进行|抢|救|扑|疏|处)|大家|大伙|众人|人们|跑(?=下|出|到|了)|"
    # what the caller urges (上边赶紧封路, 快点来人): no place
    r"赶紧|赶快|快点|立刻|立即|封路|"
    # "again" starts what happened there again (那个河堤又有一个人被冲走了), and so does a follow-up's
    # "more" (马道村新增2人被困); no place name holds them
    r"又|新增|另有|"
    # the caller and what they are doing there (鸡鸣岛码头等着, 海边見到, 老李家办喜事), and when
    r"俺|等着|见到|見到|看到|装车|卸车|办喜事|停航|今日|续报|"
    # what befell the place, in words the hazard lists do not hold (大桥上结冰, 栈道护栏断裂,
    # 外墙保温层脱落, 河堤渗水, 上游漂下来, 扶梯人太多, 彩钢顶子叫雪压了)
    r"结冰|断裂|脱落|渗水|渗漏|故障|报警|滑下来|漂下来|漂着|连环|人太多|倒车|做实验|(?:叫|让|被)雪|"
    r"起飞(?!场|点)|检查(?!站)|侧滑|冲进|滚下来|作业时|闹事|哭|"
    # the passive of spoken Chinese, as 被 (俚岛路口让货车给别了, 门口叫狗咬了)
    r"(?:叫|让)(?=[^，,。 ]{0,2}(?:车|狗|水|浪|风|雪|石|树))|"
    # who it hit, and when it was found (弯道跟一辆面包车顶上了, 海晟花园刚又发现)
    r"跟(?=一辆|辆|[^，,。 ]{0,3}车)|刚(?=又|发现|看到|听到)"
)
# Words that start the event itself (the hazard), not words that describe a place (矿, 林场).
_ZH_EVENT = (
    r"起火|着火|失火|火灾|火情|大火|明火|火势|冒烟|浓烟|黑烟|爆炸|爆燃|闪爆|自燃|山火|林火|泄漏|漏气|漏氨|漏油|"
    r"溢油|地震|震感|滑坡|泥石流|塌方|塌陷|地陷|崩塌|落石|山体|洪水|内涝|积水|漫堤|决堤|溃坝|倒灌|进水|水淹|被淹|"
    # a dyke or dam giving way, in the words of those who watch it (河堤决口, 坝体管涌, 漫坝)
    r"决口|溃口|溃堤|管涌|漫坝|漫顶|垮坝|"
    # smoke of any colour, a boat aground, a pole or a line down (6号楼3楼冒黑烟, 东墩村电线杆倒了)
    r"冒(?:黑|白|浓|青|红|黄|灰)?烟|冒火|搁浅|触礁|倾覆|淹(?=了|到|没)|电线杆|电杆|高压线|变压器|撞(?=了|上|到|倒|伤|死|飞|翻)|"
    r"淹没|涨水|溺水|落水|翻船|沉船|倒塌|坍塌|垮塌|塌了|刮塌|车祸|追尾|相撞|撞车|剐蹭|刮蹭|侧翻|翻车|冒顶|透水|"
    r"瓦斯|中毒|中暑|晕倒|昏迷|停电|断电|踩踏|困人|涨潮|翻了|沉了|河水(?!库|位)|海水(?!浴)|江水(?!库|位)|湖水(?!库|位)|水位|靠近|整体|中断|阻断|堵塞|"
    r"脚手架|塔吊|吊车|广告牌|钢结构|屋顶|楼板|天花板|碰撞|撞上|撞到|撞倒|氯气|液氨|氨气|硫化氢|毒气|困了|"
    r"渔船|货船|客船|快艇|舢板|小船|船只|轿车|货车|卡车|客车|大巴|公交车|面包车|摩托车|电动车|三轮车|"
    # a fight (KTV 806包间打起来了, 男更衣室两伙人打架) and a ceiling that came down (大堂吊顶掉了一块)
    r"打起来|打架|斗殴|吊顶|"
    # a fall (菜市场门口滑倒了, 楼梯上摔了一跤)
    r"摔倒|滑倒|跌倒|绊倒|摔了|摔下|跌落|坠落|挤倒"
)
# A vehicle, person or structure word that goes on into a place noun names the place, not the
# event: 电动车维修店, 公交车站, 吊车租赁公司, 儿童医院, 工人宿舍.
_ZH_THING_STOP = re.compile(
    r"渔船|货船|客船|快艇|舢板|小船|船只|轿车|货车|卡车|客车|大巴|公交车|面包车|摩托车|电动车|三轮车|"
    r"脚手架|塔吊|吊车|广告牌|钢结构"
)
_ZH_PLACE_AFTER_THING = re.compile(
    r"(?:维修|修理|销售|专卖|租赁|配件|充电|停车|服务)?(?:店|厂|行|站|库|场|铺|部|公司|市场|城|码头|港)"
)
_ZH_PLACE_AFTER_PERSON = re.compile(r"医院|宿舍|公寓|之家|乐园|学校|活动中心|中心|文化宫|福利院|养老院|新村|村|小区")
_ZH_PERSON_STOP = re.compile(casualty_words.ZH_PERSON)


def _names_a_place(text: str, stop: re.Match[str], end: int) -> bool:
    """The stop word is the first half of a place noun (电动车维修店, 儿童医院)."""
    word = stop.group()
    if word.startswith("司") and text[stop.start() - 1:stop.start()] == "公":
        return True  # 移动公司机房: the 司机 inside 公司机房 is nobody
    if _ZH_THING_STOP.fullmatch(word):
        return bool(_ZH_PLACE_AFTER_THING.match(text, stop.end(), end))
    return bool(_ZH_PERSON_STOP.fullmatch(word)) and bool(_ZH_PLACE_AFTER_PERSON.match(text, stop.end(), end))


_ZH_EVENT_LEAD = fastre.compile(
    rf"(?:{_ZH_EVENT}|发生|突发|山洪|暴雨|大雨|大风|台风|大雪|暴雪|强降雨)+"
    r"(?:致|导致|造成|阻断|堵塞|冲毁了?|冲垮了?|淹没了?|波及|把|将)"
)
# "一辆/2名/三车" start the event; "一家烧烤店" is still the place, "一家三口" is people.
_ZH_QUANTITY = (
    r"(?<![0-9+\-A-Za-z.])[0-9零〇一二两三四五六七八九十几多数]+(?:辆|名|个|位|人|处|户|间|座|条|艘|台|只|车|口|起|次|块|根|棵|伙|帮)"
    # 3栋 after an estate's name is its building number (海景花园3栋), elsewhere a quantity
    r"|(?<![0-9+\-A-Za-z.园区苑城厦院舍里])[0-9零〇一二两三四五六七八九十几多数]+栋"
    r"|[一二两三四五六七八九十0-9]家(?=[一二两三四五六七八九十0-9]+口|人|老小)"
)
# A subject before 在 that names no place (校车, 养护工, 车停) is at most this long.
_SUBJECT_AT_MOST = 6
_ZH_AT = fastre.compile(r"(?<![正还所存实仍])(?<!(?<!出)现)在(?!建|内|于)|位于")  # 现在 is now; 出现在 is where
# Not where it happened: the recipient of the report, the epicentre of a felt quake,
# the hospital the hurt were taken to, the reporter introducing themselves.
_NOT_A_PLACE = ("指挥中心", "震中", "震源", "送医", "转送", "送往", "治疗", "救治", "接诊", "症状",
                # the reporter introducing themselves, in any person: 我是 / 俺是 / 我们这是 / 这里是
                "我是", "俺是", "咱是", "们是",
                # …or named by their post, as a heading: 石岛管理区信息员：海上起水龙卷了
                "信息员", "联络员", "网格员", "监测员",
                # a time of the caller's doing, not a place: 下山的时候看到…
                "时候",
                # help on its way, not where it happened: 救护车在路上, 消防车在路上了, 厂医在路上
                "救护车", "消防车", "警车", "厂医", "校医", "队医", "大夫", "民警", "医生在", "警察在", "交警在", "疾控",
                # where the boat is heading back to: 正返航石岛渔港
                "返航", "返港",
                # someone calling for help or taking the hurt away: 车间主任在打120, 准备送人民医院
                "打120", "打119", "打110", "打电话", "准备送", "正往", "往医院")


# Where the place ends and the event begins: a verb, a quantity, the hazard, a person, a casualty.
_ZH_STOP = fastre.compile("|".join(
    f"(?:{words})"
    for words in (_ZH_STOP_EXTRA, _ZH_QUANTITY, _ZH_EVENT, casualty_words.ZH_PERSON, casualty_words.ZH_PRED.pattern)
))


# Two characters are a place only when one of them says what kind (商场, 港区, 国道, 桥下),
# not the reporter's own spot (现场, 这里) or a direction.
_ZH_NOT_A_SHORT_PLACE = frozenset(("现场", "附近", "这里", "那里", "这边", "那边", "门口", "路口", "路段", "方向",
                                   "处", "侧", "上面", "下面", "里面", "外面", "楼上", "楼下", "路上", "山上", "河里"))


# A reporter named by their post as a message's heading (石岛管理区信息员：, 港西镇网格员报告：).
_ZH_POST_HEADING = re.compile(r"(?:灾害)?(?:信息员|网格员|联络员|监测员)(?:报告|报)?\s*[:：]")
# …a word that points the way to that side is no town: 别往那边去, 快到这边来
_ZH_TOWARDS = re.compile(r"^[别不快都]|[往去到向朝从来]$")
_ZH_NEAR_HERE = re.compile(r"这边|那边|那片|这片|这块|那块|一带|附近")
_ZH_HOSPITAL = re.compile(r"(?:医院|卫生院|急救中心|诊所|卫生室)$")
_ZH_TREATED = re.compile(r"接诊|收治|送医|送往|转送|送到|送至|送入|已送|准备送|治疗|救治|接了|抢救")


def _zh_score(span: str) -> int:
    if len(span) < 2 or any(bad in span for bad in _NOT_A_PLACE):
        return 0
    if len(span) == 2 and (span in _ZH_NOT_A_SHORT_PLACE or span[1] in "处侧边面"):
        return 0
    return len({m.group() for m in ZH_MARKERS.finditer(span)})


# 现场 (and 施工 before it) stop a place as the event's words, but at the very end of a clause
# they close it: 在崖头街道南海路施工现场.
_ZH_SITE_AT_END = re.compile(r"(?:施工|检修|作业)?现场(?=\s*$)")


_ZH_BOAT = re.compile(rf"[\u4e00-\u9fff]{{0,3}}{ZH_REGISTRATION}号?")


def _zh_candidate(text: str, start: int, end: int, time_spans: list[tuple[int, int]]) -> tuple[int, int] | None:
    """The place that opens text[start:end], or None."""
    while True:  # step over leading times, emoji and filler words
        lead = _ZH_LEAD.match(text, start, end)
        moved = lead is not None and lead.end() > start
        if moved:
            start = lead.end()
        for a, b in time_spans:
            if a <= start < b:
                start, moved = b, True
        if not moved:
            break
    led = _ZH_EVENT_LEAD.match(text, start, end)
    if led:  # 山体滑坡致省道S206 K45处道路中断: the place follows the cause
        start = led.end()
    boat = _ZH_BOAT.match(text, start, end)  # 鲁荣渔56108在北纬…: a boat's registration is a subject
    subject_end = boat.end() if boat else start
    at = _ZH_AT.search(text, subject_end, min(end, subject_end + _SUBJECT_AT_MOST + 1))
    if at and at.start() - start >= 2 and not ZH_MARKERS.search(text, start, at.start()):
        # 校车在崖头街道观海路…, 游船在天鹅湖中间…: what was there, then where; taken only for a
        # name of two place words, for a lone 公园 or 村道 can be where the caller says next
        after = _zh_span_up_to_the_event(text, at.end(), end, time_spans)
        if after is not None and _zh_score(text[after[0]:after[1]]) >= 2:
            return after
    return _zh_span_up_to_the_event(text, start, end, time_spans)


def _zh_span_up_to_the_event(text: str, start: int, end: int,
                             time_spans: list[tuple[int, int]]) -> tuple[int, int] | None:
    stop = _ZH_STOP.search(text, start, end)
    while stop and _names_a_place(text, stop, end):
        stop = _ZH_STOP.search(text, stop.end(), end)  # 电动车维修店起火: the shop, then the event
    stop_at = stop.start() if stop else end
    if stop and stop_at - start >= 2 and (site := _ZH_SITE_AT_END.match(text, stop_at, end)):
        stop_at = site.end()  # 在崖头街道南海路施工现场 / 金海石化检修现场: the site ends the place
    if stop and stop.group() == "山火" and stop_at - start >= 2:
        stop_at += 1  # 北岭山火已扑灭: the 山 belongs to the name
    for a, _b in time_spans:
        if start < a < stop_at:
            stop_at = a
    span_end = stop_at
    while span_end > start and text[span_end - 1] in " 的上里内在-一" and not (
            text[span_end - 1] == "里" and text[span_end - 2:span_end] in ("海里", "公里", "英里", "华里")):
        span_end -= 1
    if span_end - start < 2:
        return None
    return start, span_end


def zh_location(text: str, times: list[ClockTime]) -> tuple[int, int] | None:
    """Best place span in a Chinese report; times: the clock times found in text."""
    time_spans = [(t.start, t.end) for t in times]
    best: tuple[int, int, int] | None = None  # (score, -start, ...) chosen by max
    best_span: tuple[int, int] | None = None

    def consider(span: tuple[int, int] | None, bonus: int, whole_only: bool = False, said: bool = False) -> None:
        nonlocal best, best_span
        if span is None:
            return
        place = text[span[0]:span[1]]
        score = _zh_score(place)
        said = said and place[-1] not in "喊叫等哭呢着了呀啊吧玩住"  # 在礁石上喊: where they are, doing what
        if said and score == 0 and len(place) >= 3 and not any(bad in place for bad in _NOT_A_PLACE):
            score = 1  # "…流了很多血 在新城二期": the caller's closing 在 names the place, whatever its words
        if (score == 0 and 2 <= len(place) <= 4 and _ZH_NEAR_HERE.match(text, span[1])
                and not _ZH_TOWARDS.search(place)):
            score = 1  # 荣成这边 / 崖头那片: a town named by the side the caller is on (not 别往那边去)
        if _ZH_HOSPITAL.search(place) and _ZH_TREATED.search(text):
            return  # the hospital the hurt were taken to, not where it happened
        if _ZH_POST_HEADING.match(text, span[1]):
            # 港西镇网格员：… — where the reporter serves, as a heading, not where it happened (网格员
            # is a person word and ends the span; a span that holds a post is no place: _NOT_A_PLACE)
            return
        if bonus > 0 and (score < (2 if bonus == 1 and whole_only else 1)
                          or not (said or _ZH_ENDS_AS_PLACE.search(place)) or _ZH_TREATED.search(place)):
            bonus = 0  # a bonus for where a place stands, only for a span that ends as a place does
        score += bonus
        if score <= 0:
            return
        key = (score, -span[0], span[1] - span[0])
        if best is None or key > best:
            best, best_span = key, span

    for m in _ZH_EXPLICIT.finditer(text):
        sep = _ZH_CLAUSE_SEP.search(text, m.end())
        consider(_zh_candidate(text, m.end(), sep.start() if sep else len(text), time_spans), 10)
    clauses = [(a, b) for a, b in fastre.spans_between(_ZH_CLAUSE_SEP, text) if b > a]
    for k, (start, end) in enumerate(clauses):
        span = _zh_candidate(text, start, end, time_spans)
        # A later clause that is nothing but a place ("…出不来 海景花园3栋", "…撞一块了 荣乌高速荣成段
        # 好多人受伤") is the caller saying where, after saying what: it outranks a place run into the event.
        whole = span is not None and k > 0 and span[1] >= end - 1
        # the last word on it wins; a clause in the middle needs two place words (荣乌高速荣成段)
        last = k == len(clauses) - 1
        said = whole and last and text[start:span[0]].strip() in ("在", "就在", "地点在", "位置在", "我在", "我们在", "人在")
        consider(span, (3 if last else 1) if whole else 0, whole_only=whole and not last, said=said)
        # 渔船在石岛东南约15海里处进水 / 一名工人在XX工地被砸伤: the place follows 在,
        # but ranks below a place that opens the clause — unless 在 opens the clause
        # ("…人当场就不行了 在工业路口"), which says where in so many words.
        for at in _ZH_AT.finditer(text, start, end):
            opens = k > 0 and text[start:at.start()] in _AT_OPENERS
            consider(_zh_candidate(text, at.end(), end, time_spans), 1 if opens else -1)
    return best_span


_ZH_ENDS_AS_PLACE = re.compile(
    r"(?:镇|街道|乡|村|社区|港|码头|景区|水库|公园|广场|小区|花园|大道|路|街|桥|山|岭|湾|岛|浴场|市场|学校|小学|中学|厂|"
    r"公司|化工|工地|海|河|海域|路口|车站|站|栋|号|号楼|单元|室|园|区|段|弯道?|边|口|场|店|馆|楼|矿|隧道|村委|高速|国道|省道|"
    r"庄|屯|寨|组|沟|坪|峡|谷|基地|苑|府|滩|塘|堡|铺|中心|项目部?|标段|机场|"
    # an end or the foot of something: 大桥西头, 村东头, 桥下, 山崖下
    r"(?<!里)头|(?:桥|树|山|楼|坡|崖)下|"
    r"[A-Z]\d+|\d+)$"
)
# (…人在, 我们在…: the caller saying where they are)
_AT_OPENERS = frozenset(("", "就", "是", "就是", "人在", "地方在", "位置在", "我", "我们", "俺", "俺们", "咱们"))


# --- English --------------------------------------------------------------------------

_EN_PREP = fastre.compile(
    r"\b(?:at|in|on|near|off|from|into|of|through|across|within|outside|inside|along|beside|behind|under|above|"
    r"opposite|next to|close to|all over|(?:(?<=road )|(?<=path )|(?<=route )|(?<=way ))to|"
    r"the(?-i:(?=\s+[A-Z\u3400-\u9fff]))|"
    r"(?:north|south|east|west|north-?east|north-?west|south-?east|south-?west) of)\s+"
    r"(?:the\s+|a\s+|an\s+)?",
    _I,
)
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_EN_WORD = fastre.compile(r"[A-Za-z0-9\u3400-\u9fff][\w'+/&\u3400-\u9fff-]*\.?|[^\s\w]")
# English nouns of places (public: the place model reads them too).
EN_PLACE_NOUNS = frozenset(
    """road rd street st avenue ave lane ln highway expressway motorway freeway route village town city county
    district port harbour harbor beach bridge plant factory station school hospital mine yard area zone park
    building block market hall river lake island hill ridge mountain cliff path gate breakwater pier wharf dock
    canteen warehouse mall estate garden gardens tower square stage site farm forest quarry tunnel junction
    crossing community compound complex campus terminal airport railway rank coast bay sea miles km room plant
    office centre center store shop restaurant hotel apartment apartments flat flats residence tower seafront
    shore coastline reservoir dam canal creek valley slope field fields industrial port logistics container
    scenic trail car-park carpark parking basement floor storey well shaft pit kindergarten university college
    church temple clinic camp clubhouse course club arena stadium gym pool theatre theater cinema library museum
    bank supermarket plaza court depot workshop mill barn garage cafe bar pub kitchen dorm dormitory hostel
    marina lot underpass overpass flyover roundabout intersection crossroads tollgate toll checkpoint substation
    pipeline tank tanks berth jetty quay anchorage waters channel strait cape headland peninsula islet reef rocks
    beachfront promenade boardwalk playground campsite orchard greenhouse hotel motel inn guesthouse residence
    estate villas villa neighbourhood neighborhood suburb hamlet township borough lobby stairwell corridor
    platform concourse ward unit exit ramp drive close crescent grove terrace court parade""".split()
)
_EN_STOP_WORDS = frozenset(
    """since after before around about with when while but is was were are has have had this that which who where
    because due for from as so then into onto by following during until till per plus it its their his her my our
    your and or if than been being be lasted caught started starting spreading leaking blocking near-miss
    early late earlier today yesterday tonight overnight just""".split()
)
# What happened, after the place it happened at: "the Shidao port fire", "the Haibin Road crash".
_EN_EVENT_NOUNS = frozenset(
    """fire fires blaze crash collision explosion blast leak spill flood flooding landslide collapse accident
    incident emergency pile-up pileup outbreak rescue""".split()
)
# What a place name does not go on into, written in lower case: what happened to it (Xinhua St
# collapsed, the old cinema fell), when ("Shidao a few minutes ago", "Hekou village last night"),
# a count (Lidao Primary one kid), a denial (block 2 isn't).
_EN_RUN_ON = frozenset(
    """fell sank burnt burst hit struck spread gave went broke blew came froze tore shook slid ran flew sunk
    a an last ago one two three four five six seven eight nine ten""".split()
)
_EN_TIME_UNITS = frozenset("min mins minute minutes hr hrs hour hours sec secs seconds days".split())
_EN_CONTINUE = frozenset("of near off to at in on outside inside above below behind beside opposite along".split())
_EN_ABBREV = frozenset("no. st. rd. ave. mt. dr. ln. hwy.".split())
_EN_NON_PLACE_START = frozenset(
    "my your his her their our its scene board duty way foot least most time night noon dawn dusk once first last "
    "all risk moment same end start beginning top bottom rear front back side floodwater floodwaters water "
    "flood mud snow smoke traffic fog darkness".split()
)
_KM = fastre.compile(r"km\b|k\d|exit\b|gate\b|block\b|no\.", _I)
_DISTANCE_BEFORE = fastre.compile(
    r"\d+(?:\.\d+)?\s*(?:nautical miles|nm|miles|mi|km|kilometres|kilometers|m|metres|meters)\s+$",
    _I,
)


def _cap(token: str) -> bool:
    """Capitalised, a number or Chinese: part of a name."""
    first = token[:1]
    return first.isupper() or first.isdigit() or "\u3400" <= first <= "\u9fff"


def _en_span(text: str, low: str, pos: int, time_starts: frozenset[int], limit: int) -> tuple[int, float] | None:
    """(end, score) of the place phrase that starts at text[pos], or None.

    Tokens are read lazily (most phrases stop after a few words); low is text lowercased.
    """
    tokens = _EN_WORD.finditer(text, pos, limit)
    w = next(tokens, None)
    nxt = next(tokens, None)
    end = end_before_number = -1
    score = 0.0
    taken = 0
    prev_cap = prev_number = False
    while w is not None and taken < 10:
        s, e = w.span()
        token, lw = text[s:e], low[s:e]
        stop = False
        if token[-1] == "." and e - s > 1 and lw not in _EN_ABBREV:
            token, lw, e, stop = token[:-1], lw[:-1], e - 1, True  # "yard." ends the sentence; "No." does not
        if token in (",", "/", "&", "+") or lw == "and":
            # "Guoji Beach, Weihai" / "expressway, km 92" / "Xinhua Rd / Beihai Rd": only on to a name.
            if not (taken and nxt is not None):
                break
            nt = nxt.group()
            nl = low[nxt.start():nxt.end()]
            if nl in _EN_STOP_WORDS or nt == "I" or not (nt[:1].isupper() or "\u3400" <= nt[:1] <= "\u9fff"
                                            or (token == "," and _KM.match(nl))):
                break
            w, nxt = nxt, next(tokens, None)
            continue
        if not (token[:1].isalnum() or "\u3400" <= token[:1] <= "\u9fff"):
            break
        is_time = s in time_starts
        if taken == 0 and (lw in _EN_NON_PLACE_START or lw in _EN_STOP_WORDS or is_time):
            return None
        if lw in _EN_STOP_WORDS or is_time or (taken and (token in _EN_RUN_ON or "n't" in lw)):
            break
        if taken > 1 and lw in _EN_TIME_UNITS and prev_number:
            end = end_before_number  # "Xiazhuang roundabout 20 minutes ago": the number was a time
            break
        if lw in _EN_CONTINUE:  # "… of the Weihai water plant", "… near Qiaotou bridge"
            if nxt is not None and low[nxt.start():nxt.end()] in ("the", "a", "an"):
                nxt = next(tokens, None)
            if nxt is None or nxt.start() in time_starts:
                break
            nl = low[nxt.start():nxt.end()]
            if not (_cap(nxt.group()) or _KM.match(nl)):
                break
            w, nxt = nxt, next(tokens, None)
            continue
        if taken and lw in _EN_EVENT_NOUNS and not (nxt is not None and low[nxt.start():nxt.end()] in EN_PLACE_NOUNS):
            break  # "the Shidao port fire", but "the Shidao port fire station"
        cap = _cap(token)
        if (taken and not cap and (lw.endswith("ed") or lw.endswith("ing")) and lw not in EN_PLACE_NOUNS
                and (lw.endswith("ed") or not prev_cap)
                and not (nxt is not None and (low[nxt.start():nxt.end()] in EN_PLACE_NOUNS or _cap(nxt.group())))):
            break  # a verb: "car tilted", "Xinhua St collapsed", "flames spreading"; not "Shidao fishing festival"
        if cap and not token.isdigit():
            score += 1
        if lw in EN_PLACE_NOUNS or lw.rstrip("s") in EN_PLACE_NOUNS:
            score += 1
        end_before_number, prev_number = end, token.isdigit()
        end = e
        taken += 1
        prev_cap = cap
        if stop:
            break
        w, nxt = nxt, next(tokens, None)
    return (end, score) if taken else None


_LOW_PREPS = frozenset(("from", "into", "of", "the", ""))
# "Jinhai warehouse fire contained": the name just before the hazard word (a low-rank candidate).
_EN_BEFORE_HAZARD = fastre.compile(
    r"(?<![\w'-])(?-i:[A-Z\u3400-\u9fff])[\w'-]*(?:\s+[\w'-]+){0,4}?(?=\s+(?:fire|blaze|explosion|collapse|leak|spill|"
    r"flooding|flood|landslide|mudslide|crash|collision|sinkhole|accident)\b)",
    _I,
)
_FROM_DISTANCE = frozenset(
    "off north south east west northeast northwest southeast southwest north-east north-west south-east "
    "south-west".split()
)


_EN_HOSPITAL = re.compile(r"\b(?:hospital|clinic|infirmary|health cent(?:re|er))\b")
_EN_TREATED_BEFORE = re.compile(
    r"\b(?:taken|rushed|sent|admitted|died|treated|airlifted|flown|transferred|transported|brought|recovering|being treated|"
    r"drive|driving|drove|driven|take|taking|rush|rushing|heading|headed)"
    r"\s+(?:\w+\s+)?(?:to|in|at|into)\s+(?:the\s+|a\s+)?$"
)
# Port and factory staff open with the numbered spot: Quay crane 7, Pier 2, Cold store 3, Berth 5.
_EN_OPENING_PLACE = re.compile(
    r"\s*((?:[A-Z][a-z]+\s+)?(?:[A-Za-z]+\s+)?(?:crane|berth|pier|quay|wharf|dock|store|warehouse|yard|gate|block|tank|hold|"
    r"shed|building|hall|workshop|room|platform|hangar|terminal|jetty|silo|Crane|Berth|Pier|Quay|Wharf|Dock|Store|Warehouse|"
    r"Yard|Gate|Block|Tank|Hold|Shed|Building|Hall|Workshop|Room|Platform|Hangar|Terminal|Jetty|Silo)\s+(?:No\.?\s*)?\d+[A-Za-z]?)(?=[\s,:;.])"
)
_EN_COORDINATES = re.compile(
    r"\b(?:position|posn|pos|location|coordinates|lat)\b[:\s]*((?:\d{1,2}[\s°-]*\d{1,2}(?:\.\d+)?['′]?\s*[NS])[\s,/]*(?:lon\s*)?(?:\d{1,3}[\s°-]*\d{1,2}(?:\.\d+)?['′]?\s*[EW]))\b",
    _I,
)
_EN_FINAL_PLACE = re.compile(r"[,;:–—-]\s*((?:\d+[A-Za-z]?\s+)?(?:[A-Z][\w'-]*\s+){0,4}[A-Z][\w'-]*)\s*[.!]*\s*$")


def en_location(text: str, times: list[ClockTime]) -> tuple[int, int] | None:
    """Best place span in an English report; times: the clock times found in text."""
    best: tuple[int, int] | None = None
    best_key: tuple[bool, float, bool, int] | None = None
    low = text.lower() if text.isascii() else text.translate(_ASCII_LOWER)
    time_starts = frozenset(t.start for t in times)
    candidates = [(m.end(), m.end() + 160, m) for m in _EN_PREP.finditer(text)]
    candidates += [(m.start(), m.end(), None) for m in _EN_BEFORE_HAZARD.finditer(text)]
    for c in _EN_COORDINATES.finditer(text):  # MAYDAY …, position 37 05N 122 40E: a position, whatever else is named
        return c.start(1), c.end(1)
    opening = _EN_OPENING_PLACE.match(text)
    if opening:  # "Quay crane 7 operator fainted", "Pier 2 lamp post came down": the numbered spot opens it
        candidates.append((opening.start(1), opening.end(1), None))
    final = _EN_FINAL_PLACE.search(text)
    if final:  # "…, we're upstairs with the kids, Riverside Drive": the caller ends with where
        candidates.append((final.start(1), len(text), None))
    for pos, limit, m in candidates:
        found = _en_span(text, low, pos, time_starts, limit)
        if found is None:
            continue
        end, score = found
        start = pos
        head = m.group().split()[0].lower() if m else ""
        if head in _FROM_DISTANCE:
            # "8 nautical miles off Shidao": the distance belongs to the place.
            d = _DISTANCE_BEFORE.search(text, max(0, m.start() - 40), m.start())
            if d:
                start = d.start()
        if _EN_HOSPITAL.search(low, start, end) and _EN_TREATED_BEFORE.search(low, max(0, pos - 40), pos):
            continue  # "died in hospital", "taken to the county hospital": where they went, not where it happened
        if score == 0:
            # "at the golf course": an unnamed place after "at the" is still a place.
            if m is None or not m.group().lower().startswith("at the"):
                continue
            score = 0.5
        # "from the basement", "into the reservoir", "Roof of the Dongfang supermarket" are places,
        # but rank below "near the breakwater", "at Qiaotou park".
        key = (head not in _LOW_PREPS, score, _cap(text[start:end]), -start)
        if score > 0 and (best_key is None or key > best_key):
            best_key, best = key, (start, end)
    return best


# --- when nothing else names a place -----------------------------------------------------

# Spoken reports often end with the place ("…快来人 在滕家镇", "…老年痴呆 崖西镇") or name a
# town or village in passing; read only when the clause-by-clause search found nothing.
_ZH_PLACE_AT_END = re.compile(r"(?:在|就在|位置在|地点在)?([\u4e00-\u9fffA-Za-z0-9]{2,16})[\s。！!]*$")
_ZH_AT_PLACE = re.compile(
    r"在([\u4e00-\u9fffA-Za-z0-9]{1,10}?(?:镇|街道|乡|村|社区|港|码头|景区|水库|公园|广场|小区|花园|大道|路|街|桥|山|湾|岛|"
    r"浴场|市场|医院|学校|厂|公司|工地|海|河|海域|路口|车站|国道|高速|中心)(?:上|边|里|附近|一带|那边)?)"
)
_ZH_AREA = re.compile(r"(?![我是在])[\u4e00-\u9fff]{2,4}(?:镇|街道|乡|村|港|湾|水库|景区|开发区)")
_ZH_PLACE_END = re.compile(r"(?:镇|街道|乡|村|社区|港|码头|景区|水库|公园|广场|小区|花园|大道|路|街|桥|山|湾|岛|浴场|市场|"
                           r"医院|学校|小学|中学|厂|公司|工地|海|河|下游|上游|海域|路口|车站)$")
_EN_PLACE = re.compile(
    r"\b((?:[A-Z][\w'-]*\s+){0,3}(?:\d+\s+)?(?:[A-Z][\w'-]*\s+)?"
    r"(?:Rd|Road|St|Street|Ave|Avenue|Lane|Garden|Estate|estate|village|mine|reservoir|port|island|School|school|"
    r"factory|plant|beach|bay|Bay|harbour|Tower|Plaza|Square|Park|park))\b"
)


# A place named only from where the writer stands ("俺们村", "路上", "the flat upstairs"):
# a named place elsewhere in the message is better.
_GENERIC = re.compile(
    r"^(?:俺们|我们|咱们|我家|俺家|这|那|隔壁|村里|路上|河里|山上|家里|楼上|楼下)|"
    r"^(?:the |my |our |a )?(?:flat|house|home|school|window|road|street|building|place)\b|^[a-z\d ]+$|^[A-Z][a-z]+$|"
    r"^[\u4e00-\u9fff]区$|^(?:沙滩|海边|河边|江边|湖边|岸边)$"
)


def generic(place: str) -> bool:
    return bool(_GENERIC.search(place))


def fallback_location(text: str) -> tuple[int, int] | None:
    """A place at the very end of a message, or the first town or village it names."""
    if _CJK.search(text):
        treated = bool(_ZH_TREATED.search(text))
        end = _ZH_PLACE_AT_END.search(text)
        if end and _ZH_PLACE_END.search(end.group(1)) and not (treated and _ZH_HOSPITAL.search(end.group(1))):
            return end.start(1), end.end(1)
        at = _ZH_AT_PLACE.search(text)
        if at and not (treated and _ZH_HOSPITAL.search(at.group(1))):
            return at.start(1), at.end(1)
        area = _ZH_AREA.search(text)
        return (area.start(), area.end()) if area else None
    found = next((m for m in _EN_PLACE.finditer(text) if not generic(m.group(1))), None)
    return (found.start(1), found.end(1)) if found else None


_CJK = re.compile(r"[\u4e00-\u9fff]")
