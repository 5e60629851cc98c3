"""Rule-based parser for hurried Chinese and English emergency reports in chat.

`parse_report(text)` answers: is this a report, of what (type), where (a span
of the text), when (a stated HH:MM clock time), and how many dead / injured /
trapped / missing. It is pure, fast (well over 5,000 messages/s) and never
raises; only the first `MAX_CHARS` characters are read.

The work is split across private helpers in this package: `classify` (chatter
vetoes and incident type), `casualties` + `casualty_words` (counts), `places`
(location span), `clock` (times), `numbers` (Chinese/English numerals) and
`fastre` (regex compilation that keeps big word lists fast).

Decisions, in order: drills, tests, forecasts, meetings, notices, thanks and talk
about past incidents are not reports (vetoes); questions are blanked out; what
remains is a report when it names a hazard, states a casualty, or calls for help.

A message that is none of these but still sounds like something happening
(harm or sudden change with urgency, people or a place), or that the statistical
second opinion (`report_model`) thinks likely a report — or one a veto called
chatter that the model is all but sure of — is not a report but
*doubtful*: its is_report confidence is low, and intake puts it before the
centre instead of dropping it. One no veto spoke against and that asks nothing,
which the model is all but sure of, is registered with that low confidence
instead. A report the rules find no place in is given the place a second
statistical opinion (`place_model`) finds, and one they find no hazard word (or only
a weak one) in the type a third (`type_model`) names when it is sure; both are marked
unsure.

`ParsedReport.to_dict()` gives the contract keys of `liandong parse` (README, "How intake reads messages"): is_report,
type, location, time, casualties {dead, injured, trapped, missing}, language,
and (an addition) confidence {is_report, type, location, time, casualties},
each 0–1: how sure the parser is of that answer.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from handlers.intake import casualties as _casualties
from handlers.intake import classify, fastre, hanzi, place_model, places
from handlers.intake.clock import event_time, find_times
from handlers.intake.report_model import (
    DISBELIEVED_BELOW, DOUBT_ABOVE, REGISTER_ABOVE, VETO_DOUBT_ABOVE, report_probability,
)
from handlers.intake.type_model import second_opinion, type_probabilities

INCIDENT_TYPES: tuple[str, ...] = (
    "fire", "forest_fire", "flood", "earthquake", "geological", "hazmat", "traffic", "mine",
    "collapse", "water_rescue", "medical", "other",
)

# All that intake accepts of one message (a formal 初报 can run to a few thousand
# characters, its casualties last); beyond that it is pasted junk.
MAX_CHARS = 4000

# Offsets must survive normalisation (the location is cut from the original text),
# so every rewrite below maps one character to one character.
_FOLD = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}  # full-width ASCII → ASCII
_FOLD[0x3000] = 0x20  # ideographic space
_FOLD.update({c: 0x20 for c in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F)})
_FOLD.update({0x201C: 0x22, 0x201D: 0x22, 0x2018: 0x27, 0x2019: 0x27})
# Pinyin-input slips seen in hurried typing (same length, so offsets hold).
_TYPOS = {
    "泄露": "泄漏", "着伙": "着火", "起伙": "起火", "失伙": "失火", "火宅": "火灾", "小去": "小区",
    "被因": "被困", "被捆": "被困", "困注": "困住", "收伤": "受伤", "失连": "失联",
    "死网": "死亡", "演水": "淹水", "倒踏": "倒塌", "坍踏": "坍塌", "踏方": "塌方", "滑破": "滑坡", "地振": "地震",
    "车获": "车祸", "追为": "追尾", "侧番": "侧翻", "溺睡": "溺水", "泥石留": "泥石流", "漏汽": "漏气",
    # voice input hears the right sound and writes a common word for it; only where the
    # neighbouring characters leave no other reading (被烟熏 is smoke, 被烟了 is a flood)
    "被烟了": "被淹了", "被演了": "被淹了", "烟水了": "淹水了", "通道演了": "通道淹了", "地库演了": "地库淹了",
    "车库演了": "车库淹了", "地下室演了": "地下室淹了",
    "被车装": "被车撞", "相装": "相撞", "装倒": "撞倒", "装伤": "撞伤", "对装": "对撞",
    "他陷": "塌陷",
    "受商": "受伤", "失宗": "失踪", "婚迷": "昏迷", "暴炸": "爆炸", "就命": "救命",
    "爆扎": "爆炸", "蹋了": "塌了", "倒蹋": "倒塌", "坍蹋": "坍塌", "蹋方": "塌方", "话坡": "滑坡", "化坡": "滑坡",
    # the pinyin keyboard's first pick for the right sound (着活了 is no phrase; 干着活 has no 了
    # after it; 受上 in _HURT_TYPO)
    "着活了": "着火了", "背困": "被困",
    "调河里": "掉河里", "调海里": "掉海里", "调水里": "掉水里", "调井里": "掉井里",
}
_TYPO_RE = re.compile("|".join(map(re.escape, _TYPOS)))
# 两个车装了 / 车装树上了 is a crash (车装了一车货 is loading): 装 read as 撞 only where the
# clause ends or a thing hit follows.
_CRASH_TYPO = re.compile(r"(?<=车)装(?=了(?:[\s，,。！!]|$)(?![\s，,。！!]*(?:一车|满|货|明天|拉走|走了))|(?:了|到|上)了?(?:[人树墙杆桩车]|护栏|隔离|路灯|灯杆|栏杆|路牙)|(?:到)?(?:一块|一起))|"
                         r"(?<=车[把给将])(?:[^，,。 ]{0,8}?)装(?=了|倒|伤|死|飞)|"
                         # 在荣成大道装了一辆电动车: what is 装'd is a vehicle counted by 辆 (not 安装, 包装)
                         # (装了两辆车的货 is a load)
                         r"(?<![安包组改拆假伪服西])装(?=了?(?:一|两|俩|二|三|[0-9])辆(?![^，,。 ]{0,3}的))|"
                         # 小轿车装了两个骑电动车的学生: a vehicle 装'd people
                         r"(?<=车)装(?=了(?:一|两|俩|三|几|[0-9])个)")
# 房子他了 / 脚手架他了 / 路面他了个坑 / 让雪压他了: 塌 heard as 他 after what falls in
# (顶 only as a roof, 屋顶他了: 牛顶他了 is a cow that gored him)
_COLLAPSE_TYPO = re.compile(r"(?:(?<=[房屋墙棚楼桥架坝])|(?<=[屋房棚]顶)|(?<=[路地]面))(?:子)?他(?=了)")
# 大棚让雪压他了 is 压塌了 only after what can fall in; 雪压他了 俺爹在棚里 is a man pinned.
_PRESSED_TYPO = re.compile(r"(?<=[雪风水]压)他(?=了)")
# 3人受上 / 司机受上了: 受伤 as the pinyin keyboard first offers it, after people or before 了
# (not 受上级委托, 受上面指派)
_HURT_TYPO = re.compile(r"(?:(?<=[人个名])受上(?![级面头边午班]))|受上(?=了)")
_STRUCTURE_BEFORE = re.compile(r"[房屋墙棚楼桥架坝顶圈]")
_NEEDS_FOLD = re.compile("[\uff01-\uff5e\u3000\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u2018\u2019\u201c\u201d]")
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_CJK = re.compile(r"[\u3400-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]")


@dataclass(frozen=True)
class Casualties:
    dead: int = 0
    injured: int = 0
    trapped: int = 0
    missing: int = 0

    def to_dict(self) -> dict[str, int]:
        return {"dead": self.dead, "injured": self.injured, "trapped": self.trapped, "missing": self.missing}


# How sure the parser is of each answer. The figures are coarse levels, not
# probabilities fitted to data: sure, fairly sure, unsure.
SURE, FAIRLY_SURE, UNSURE = 0.9, 0.7, 0.4
# An answer below this is shown as unsure (cards mark it; intake asks the centre).
UNSURE_BELOW = 0.6


@dataclass(frozen=True)
class Confidence:
    is_report: float = SURE
    type: float = SURE
    location: float = SURE
    time: float = SURE
    casualties: float = SURE

    def to_dict(self) -> dict[str, float]:
        return {"is_report": self.is_report, "type": self.type, "location": self.location,
                "time": self.time, "casualties": self.casualties}


@dataclass(frozen=True)
class ParsedReport:
    is_report: bool
    type: str | None
    location: str | None
    time: str | None
    casualties: Casualties = field(default_factory=Casualties)
    language: str = "zh"
    confidence: Confidence = field(default_factory=Confidence)

    @property
    def unsure_fields(self) -> tuple[str, ...]:
        """Fields read with a value the parser is unsure of (a missing one is shown as missing)."""
        values = {"type": self.type not in (None, "other"), "location": self.location is not None,
                  "time": self.time is not None, "casualties": any(self.casualties.to_dict().values())}
        return tuple(name for name, present in values.items()
                     if getattr(self.confidence, name) < UNSURE_BELOW and (present or name == "type"))

    @property
    def hazard_named(self) -> bool:
        """The message names its hazard in words the rules know; not a default "other", nor the
        type model's guess (both unsure), which must not tell a follow-up from a new incident."""
        return self.type not in (None, "other") and self.confidence.type >= UNSURE_BELOW

    @property
    def doubtful(self) -> bool:
        """Read as not a report, but unsure of it: for a person to decide."""
        return not self.is_report and self.confidence.is_report < UNSURE_BELOW

    def to_dict(self) -> dict[str, object]:
        return {
            "is_report": self.is_report,
            "type": self.type,
            "location": self.location,
            "time": self.time,
            "casualties": self.casualties.to_dict(),
            "language": self.language,
            "confidence": self.confidence.to_dict(),
        }


def normalise(text: str) -> str:
    """Same-length rewrite for matching: full-width folded, controls blanked, traditional
    characters and written Cantonese made simplified Mandarin, typos fixed."""
    if _NEEDS_FOLD.search(text):
        text = text.translate(_FOLD)
    text = hanzi.fold(text)
    if "装" in text:
        text = _CRASH_TYPO.sub(lambda m: m.group()[:-1] + "撞", text)
    if "他" in text:
        text = _COLLAPSE_TYPO.sub(lambda m: m.group()[:-1] + "塌", text)
        text = _PRESSED_TYPO.sub(lambda m: "塌" if _structure_fell(text, m.start()) else m.group(), text)
    if "受上" in text:
        text = _HURT_TYPO.sub("受伤", text)
    return _TYPO_RE.sub(lambda m: _TYPOS[m.group()], text) if _TYPO_RE.search(text) else text


def _structure_fell(text: str, at: int) -> bool:
    """A building word shortly before `at`, in the same clause: what 压他了 crushed is a structure."""
    before = re.split(r"[\s，,。！!；;]", text[max(0, at - 10):at])[-1]
    return bool(_STRUCTURE_BEFORE.search(before))


# A formal report opens with who sends it ("港西镇政府：", "荣成港公安：", "成山镇报告："):
# that is the sender, not the place; blanked (same length) before the place is looked for.
_HEADER = re.compile(
    r"^(?P<sender>[^：:，,。\n【】]{1,14}?(?:政府|办事处|公安|派出所|卫生院|医院|急救中心|大队|中队|支队|局|安全部|安全科|公司|"
    r"管委会|应急办|镇|街道|乡|管理区|开发区|所|厂|站|物业|学校|小学|中学|幼儿园|养老院|敬老院|院|园|中心|集团|港|码头|"
    r"值班室|调度室|指挥部))"
    # 园区消防站出警：… / 渔业公司值班室转北斗短报文：…
    r"(?:报告|通报|汇报|报|出警|接报|快报|转[^：:，,。\n]{1,10})?[:：]"
    r"|^[^：:，,。\n【】]{2,14}(?:报告|通报|汇报)[:：，,]"  # 人和镇网格员报告：… / 王连街道办事处报告，…
)
# A formal notice may end with who sent it, on a line of its own (…\n\n人和镇人民政府).
_SIGNATURE = re.compile(r"\n\s*[^\n，,。：:]{2,16}(?:政府|办事处|办公室|应急办|指挥部|委员会|管委会|局|大队|支队|中心|公司)\s*$")


# A formal report's title and addressee, each on a line of its own ("港西镇关于台风“海葵”造成内涝的
# 紧急报告" / "市防指："): who writes about what, to whom — not where it happened.
_TITLE_LINES = re.compile(
    r"^\s*[^\n]{0,40}关于[^\n]{0,60}(?:报告|续报|通报|快报|情况|说明)\s*\n(?:\s*[^\n，,。]{2,16}[:：]\s*\n)?"
)


def _without_header(text: str) -> str:
    signature = _SIGNATURE.search(text)
    if signature is not None:
        text = text[:signature.start()] + " " * (len(text) - signature.start())
    title = _TITLE_LINES.match(text)
    if title is not None:
        text = " " * title.end() + text[title.end():]
    header = _HEADER.match(text)
    return text if header is None else " " * header.end() + text[header.end():]


_PREMISES = re.compile(r"(?:厂|站|物业|学校|小学|中学|幼儿园|养老院|敬老院|(?<!法)院|园|公司|集团|港|码头)$")


def _sender(text: str) -> tuple[int, int] | None:
    """The sender's span in a header that names a unit or premises (幼儿园报：, 市人民医院：, 成山镇：)."""
    header = _HEADER.match(text)
    if header is None or header["sender"] is None or not _PREMISES.search(header["sender"]):
        return None  # a town, an office or the police send news of somewhere else in their area
    return header.start("sender"), header.end("sender")


# News or a forward, then the sender's own "we have it here too" (【转】看新闻说文登那边地震了 我们这也
# 晃得厉害 崖头街道富民小区…).
_NEWS_THEN_OURS = re.compile(
    r"^[^\n]{0,200}?(?:【转(?:发)?】|转发|转[:：]|新闻|据[^，,。]{0,8}消息|视频|听说)[^\n]{0,200}?"
    # (not a plan: 我们这边也要提前防范)
    r"(?=(?:我们|俺们|咱们|我)(?:这|那)(?:边|里|儿)?(?:也(?!要|得|应|该|需|请|注意|做好|防)|刚)|我就在)"
)


def _own_part(text: str) -> int:
    """Where the sender's own words start after news or a forward they point to; 0 if none."""
    relayed = _NEWS_THEN_OURS.match(text)
    return 0 if relayed is None else relayed.end()


# An aside at the end, after the report (…120在路上 另外问一下 明天那个防汛培训还开不开; "btw, is
# the training still on tomorrow?"): what it asks about is not what the message reports.
_ASIDE = fastre.compile(
    r"(?:另外|顺便|还有个事|还有一件事|对了)[，,\s]{0,2}(?:再|想)?(?:问|说|提|请教)(?:一下|下)[^\n]*$|"
    r"\b(?:btw|by the way|unrelated|one more thing)[,:]?\s+(?:is|are|does|do|can|will|when|what|who)\b[^\n]*$"
)


def _without_aside(low: str) -> str:
    """The message for the vetoes to read: an aside at its end blanked, offsets kept."""
    aside = _ASIDE.search(low)
    return low if aside is None or aside.start() == 0 else low[:aside.start()] + " " * (len(low) - aside.start())


def _from(start: int, text: str) -> str:
    return text if start == 0 else " " * start + text[start:]


_CJK_GAP = re.compile(r"(?<=[\u4e00-\u9fff]) (?=[\u4e00-\u9fff])")
# Written a word at a time, as deaf people often type in sign-language order (妈妈 倒 地 不 动
# 叫 不 醒), a message has a space between most of its Chinese words; elsewhere a space ends a
# clause (着火了 有人被困). Above this many gaps a Chinese character, the words are joined.
_WORD_BY_WORD = 0.4


def _typed_word_by_word(text: str, chinese_characters: int) -> bool:
    gaps = text.count(" ") and len(_CJK_GAP.findall(text))
    return bool(gaps) and gaps >= _WORD_BY_WORD * chinese_characters


def _words_joined(text: str) -> str:
    """Chinese typed word by word joined (叫 不 醒 → 叫不醒), for the hazard and casualty words
    to be read. Not for offsets: the place is cut from the text as sent."""
    return _CJK_GAP.sub("", text)


def _not_a_report(language: str, sure: float = SURE) -> ParsedReport:
    return ParsedReport(False, None, None, None, Casualties(), language, Confidence(is_report=sure))


def _vetoed(low: str, language: str) -> ParsedReport:
    """Chatter by a veto (a drill, a notice, talk of the past, training), unless the report
    model thinks it may be a report: vetoes fitted to the chatter the team wrote can
    silence a report nobody has seen ("test test 港西镇仓库起火 3人被困"), so that one goes to a person."""
    if report_probability(low) > VETO_DOUBT_ABOVE:
        return _not_a_report(language, sure=UNSURE)
    return _not_a_report(language)


def warm_up() -> None:
    """Load the models' weights now. Each is otherwise loaded by the first message that needs
    it, which then waits a third of a second: a bot's first report of the night, or every
    worker forked to read `liandong parse -` (loaded before the fork, they share the pages)."""
    report_probability("起火")
    type_probabilities("起火")


def parse_report(text: str, *, assume_report: bool = False) -> ParsedReport:
    """Parse one chat message. Never raises: on any internal surprise, "not a report".

    assume_report: a person said it is one (/report, or Register in triage): read its
    fields whatever the words, with no vetoes."""
    try:
        return _parse(text if isinstance(text, str) else str(text), assume_report)
    except Exception:  # noqa: BLE001 - a chat message must never crash intake
        return _not_a_report("zh")


# Latin letters from which a Chinese message is also read in English, and the other way round
# (a code like AED or K13 alone is not English).
_MIXED_LATIN = 8


@dataclass(frozen=True)
class _Prepared:
    """A message made ready to read: what every field's reading starts from."""

    text: str        # normalised (offsets as in the raw text cut to MAX_CHARS)
    low: str         # lower-cased, offsets kept
    cjk: int         # Chinese characters
    latin: int       # Latin letters
    language: str
    own: int         # where the sender's own part begins (after news or a forward)
    joined: Callable[[str], str]  # Chinese typed word by word joined, or the text as it is


def _prepare(raw: str) -> _Prepared:
    text = normalise(raw[:MAX_CHARS])
    cjk = len(_CJK.findall(text))
    latin = len(_LATIN.findall(text))
    low = text.lower()  # classify and casualties match lowercase; offsets must be kept
    if len(low) != len(text):  # a few letters (İ) lowercase to two characters
        low = text.translate(_ASCII_LOWER)
    return _Prepared(
        text, low, cjk, latin,
        language="en" if latin > 3 * cjk else "zh",  # emoji/digits only: the working language, zh
        # After news or a forward, the vetoes, counts and place read the sender's own part (the news
        # of elsewhere is what vetoes are for); the hazard may be named in the news it points to.
        own=_own_part(text),
        # decided once, on the whole message (str: each text as it is)
        joined=_words_joined if _typed_word_by_word(low, cjk) else str,
    )


def _statements(low: str) -> str:
    """What the message states: evidence comes from statements, not questions or similes."""
    return classify.drop_similes(classify.drop_questions(low))


def _counts(m: _Prepared, telling: str) -> dict[str, int]:
    own_telling = m.joined(_from(m.own, telling))
    counts = _casualties.zh_casualties(own_telling) if m.language == "zh" else _casualties.en_casualties(own_telling)
    if m.cjk and m.latin >= _MIXED_LATIN:
        # Chinese and English in one message (十来个 kids started throwing up, my dad 心脏病发作): a kind
        # told only in the other language is read there too; where both count it, the main one's stands
        other = _casualties.en_casualties(own_telling) if m.language == "zh" else _casualties.zh_casualties(own_telling)
        counts = {kind: counts[kind] or other[kind] for kind in counts}
    return counts


def read_casualties(text: str) -> Casualties:
    """The casualty counts alone, exactly as parse_report(text, assume_report=True) reads them,
    without the type, place and time (each a model or many patterns): for the clauses of a
    follow-up, read in the bot's event loop. Never raises."""
    try:
        return Casualties(**_counts(m := _prepare(str(text)), _statements(m.low)))
    except Exception:  # noqa: BLE001 - a chat message must never crash intake
        return Casualties()


def _parse(raw: str, assume_report: bool = False) -> ParsedReport:
    raw = raw[:MAX_CHARS]
    m = _prepare(raw)
    text, low, cjk, latin, language, own, joined = m.text, m.low, m.cjk, m.latin, m.language, m.own, m.joined
    main = _without_aside(low)
    veto = None if assume_report else classify.veto(joined(_from(own, main)), zh=cjk > 0, en=latin > 1)
    if not assume_report and cjk == 0 and latin < 2:
        return _not_a_report(language)  # emoji, digits, junk: nothing to read, not even for triage
    if not assume_report and classify.tip_heading(low):
        return _not_a_report(language)  # what to do if it happens (急救常识：…): no person need look
    if veto == classify.HARD:
        if classify.news_from_afar(low):
            return _not_a_report(language)  # a forward of news from abroad: no person need look
        return _vetoed(low, language)

    telling = _statements(low)
    # English words inside a Chinese report are codes (AED, K13, G18), not hazards.
    # Chatter words a report may carry in passing name no hazard: 老板要爆炸了 beside 货车翻了压着人.
    family = classify.incident_family(classify.drop_ambient(joined(telling), zh=cjk > 0, en=latin > 1),
                                      zh=cjk > 0, en=language == "en" or latin >= 12)
    counts = _counts(m, telling)
    if veto == classify.AMBIENT and (family is None or not any(counts.values())):
        return _vetoed(low, language)  # chatter words, and no hazard with casualties to outweigh them
    if veto == classify.SOFT and not (
        # a report that ends with an instruction to units (…3人被困，请各救援力量迅速赶赴现场), or says
        # it is no drill (非演练！…冒烟伴明火…请各部门勿靠近: only the real thing is)
        family is not None and classify.notice_only(main, zh=cjk > 0)
        and (any(counts.values()) or classify.says_not_a_drill(low))
    ):  # a notice or talk of the past, naming a hazard: a person decides
        return _not_a_report(language, sure=UNSURE) if family is not None else _vetoed(low, language)
    cried_for_help = classify.distress(telling)
    called_for_help = cried_for_help or classify.follow_up(telling)
    times = find_times(text)
    place_text = _from(own, _without_header(text) if language == "zh" else text)
    span = places.zh_location(place_text, times) if language == "zh" else places.en_location(text, times)
    if span is None or places.generic(text[span[0]:span[1]]):
        span = places.fallback_location(place_text) or span
    if span is None and language == "zh":
        span = _sender(text)  # 幼儿园报：午睡时…, 市人民医院：我院门诊楼…: nothing else is named, the sender's premises are the place
    location = (raw[span[0]:span[1]].strip() if span else "") or None
    read_by_model = False
    if not assume_report and not any(counts.values()) and (
        family is None and not called_for_help or classify.about_training(main)
    ):
        training = classify.about_training(main)
        if training and not (family is None and classify.sounds_like_an_event(telling, location is not None)):
            return _vetoed(low, language)
        probability = report_probability(low)
        # Words the rules lack, but the report model is all but sure: registered, marked unsure,
        # rather than left waiting for a person to press Register (see REGISTER_ABOVE).
        # Not where part of it was a question: asking about a fire is not reporting one, and
        # the model, which reads n-grams, cannot tell the two apart.
        # Nor an inspection that found nothing (暂未发现泄漏): the model reads the word, not the denial.
        read_by_model = (probability > REGISTER_ABOVE and not training and classify.drop_questions(low) == low
                         and not classify.found_nothing(telling))
        if not read_by_model:
            if family is None and classify.sounds_like_an_event(telling, location is not None):
                return _not_a_report(language, sure=UNSURE)
            if probability > DOUBT_ABOVE:
                return _not_a_report(language, sure=UNSURE)  # a person decides
            return _not_a_report(language)

    if (not assume_report and not read_by_model and not any(counts.values()) and not cried_for_help
            and not _strong_with_a_place(family, location) and report_probability(low) < DISBELIEVED_BELOW):
        # Thin evidence (a weak hazard word, or a strong one with no place) and nobody hurt, and
        # the model all but rules it out (a log, a notice or banter no veto knows): a person
        # decides (DISBELIEVED_BELOW). A hazard at a named place, casualties or a cry for help
        # register at once: the model is sure of itself on short reports unlike the corpus
        # ("Fire at the Elm St depot…" below 0.001).
        return _not_a_report(language, sure=UNSURE)
    kind = family.removesuffix("_strong").removesuffix("_weak") if family else "other"
    # No hazard word, or only a weak one: the rules' answer is a default or a guess, and a
    # confident model may know better. A weak word the model overrules is marked unsure.
    overruled = second_opinion(family, low, classify.WEAK_FAMILIES)
    kind = overruled or kind
    stated_time = event_time(text, times)
    confidence = _confidence(family, location, stated_time, any(counts.values()))
    if overruled:
        confidence = replace(confidence, type=UNSURE)  # (no family is unsure already)
    if read_by_model:
        confidence = replace(confidence, is_report=UNSURE)
    if location is None and (guess := place_model.place_span(text)) is not None:
        location = raw[guess[0]:guess[1]].strip() or None  # the model's guess: shown as unsure
        confidence = replace(confidence, location=UNSURE if location else confidence.location)
    return ParsedReport(
        is_report=True,
        type=kind,
        location=location,
        time=stated_time,
        casualties=Casualties(**counts),
        language=language,
        confidence=confidence,
    )


def _strong(family: str | None) -> bool:
    """A hazard word of a strong family (fire, tremor, sinkhole), not a weak one (a road, a wall)."""
    return family is not None and family not in classify.WEAK_FAMILIES


def _strong_with_a_place(family: str | None, location: str | None) -> bool:
    return _strong(family) and location is not None


def _confidence(family: str | None, location: str | None, time: str | None, casualties: bool) -> Confidence:
    """Coarse: a hazard word of a strong family with a place or a casualty is a sure report;
    one standing on a weak word, a casualty or a cry for help alone is less sure."""
    strong = _strong(family)
    evidence = sum((strong, location is not None, casualties))
    return Confidence(
        # Never unsure: what is read as a report is registered (a doubt costs a delay, a
        # dropped report a life); only what is read as *not* one can be doubtful.
        is_report=SURE if evidence >= 2 else FAIRLY_SURE,
        type=SURE if strong else FAIRLY_SURE if family is not None else UNSURE,
        # A place phrase longer than a short line probably ran on into the event.
        location=FAIRLY_SURE if location is None else UNSURE if len(location) > 30 else SURE,
        time=SURE if time is not None else FAIRLY_SURE,
        casualties=FAIRLY_SURE if casualties else SURE,
    )
