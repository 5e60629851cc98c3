"""Casualty counts (dead, injured, trapped, missing) from a hurried report.

Private helper of the intake parser. The text is cut into clauses; in each clause
we find *counts of people* (3人, 一名, 十余名, 2 kids, one tourist) and *predicates*
(受伤, 被困, 失联, killed, trapped, missing) and pair every predicate with the
nearest unused count before it (or just after it: 压伤2名商户). Rules that come
from how people write reports:

* Numbers that are not people are never counts: 3号楼, K756, 2号码头, 10岁,
  phone numbers, 30 houses, 6 engines, 83公里 — a count needs a person classifier
  (名/个/位/口/人) or a person noun.
* Headcounts without a predicate are not casualties (车上7人, 18 kids on board).
* Negated or unknown predicates count nothing (无人受伤, 伤亡不详, no injuries).
* A trapped/missing person in a clause that says they are out is no longer
  trapped (被困老人已救出, 被困人员已全部救出).
* Subsets (其中…, (…), "6 of them", "2 seriously") only count when the category
  has no figure yet; "还有/仍有/still" and "目前共/in total" state the current
  figure and replace it. Follow-ups state current totals.
* A predicate without a count counts one when a person is named (货车司机轻伤,
  有人被困, a cyclist knocked down); 都/均 refer back to an earlier headcount
  (里面住着老两口，现在都埋在里面 → 2 trapped). Vague counts (几个, 多人,
  several) count nothing.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from handlers.intake import fastre
from handlers.intake.numbers import EN_VAGUE, en_to_int, zh_to_int

KINDS = ("dead", "injured", "trapped", "missing")
MAX_PREDICATES = 40
_N = "0-9零〇一二两俩三四五六七八九十百千"

# --- Chinese --------------------------------------------------------------------------

_ZH_COUNT = fastre.compile(
    rf"(?<![{_N}A-Za-z第.:+\-#])(?:约|大约|近|至少|超过|共|共有|有)?"
    rf"(?P<num>[0-9]{{1,4}}|[{_N[3:]}]{{1,5}})(?P<approx>余|多|来|几)?(?P<cl>名|个|位|口|人|具)"
)
_ZH_SOMEONE = fastre.compile(r"(?<![没无所])有(?:个)?人(?!员|家|数)")
_ZH_VAGUE = fastre.compile(r"(?:好几|几十|几|数十|数|若干|不少|许多|一些|部分|大批|多)(?:名|个|位|人)")
# 一死两伤 / 2死5伤 / 1死3伤2失联
_ZH_COMPACT = fastre.compile(
    rf"(?<![{_N}])(?P<num>[0-9]{{1,3}}|[{_N[3:]}]{{1,3}})(?P<kind>死|伤|失联|失踪)(?![亡者员口痕心])"
)
ZH_PERSON = (
    r"有人|人员|司机|驾驶员|男子|女子|男孩|女孩|小孩|孩子|儿童|学生|老人|老太|大爷|大妈|老汉|村民|居民|住户|群众|"
    r"工人|员工|职工|游客|乘客|旅客|行人|孕妇|师傅|患者|病人|渔民|船员|矿工|队员|民警|消防员|老师|婴儿|妇女|"
    r"市民|业主|保安|店主|商户|押运员|操作工|钓鱼的|骑车的|一人|女士|男士|小伙|老者|骑手|外卖员|快递员|"
    r"骑[^，,。 ]{1,3}的|小哥|阿姨|大叔|大姐|宿管|保洁|环卫工|学员|游泳的|驴友"
)
_ZH_PERSON_RE = fastre.compile(ZH_PERSON)
_ZH_PREDICATES: tuple[tuple[str, str], ...] = (
    ("dead", r"死亡|身亡|遇难|丧生|罹难|殒命|死了|去世|牺牲|不治|无生命体征|没有生命体征|没了呼吸|当场死亡|尸体|遗体|死者|溺亡|遇难者"),
    ("missing", r"失联|失踪|走失|生死不明|下落不明|失去联系|联系不上|找不到|不见了|未找到|没找到|没有找到"),
    ("trapped", r"被困|受困|困住|困在|困于|困了|困着|被卡|卡住了|被夹|夹住|没撤出|未撤出|没能撤出|没有撤出|还在里面|仍在里面|没下来|没出来|没逃出|没跑出|被埋|埋压|埋在|被压|压在|压住|卡在|卡住|出不来|困人|没能逃出|无法脱身|未能撤离"),
    (
        "injured",
        r"受伤|受了伤|伤员|伤者|伤亡|轻伤|重伤|烧伤|烫伤|灼伤|砸伤|压伤|撞伤|摔伤|跌伤|刺伤|割伤|划伤|擦伤|扭伤|咬伤|"
        r"呛伤|炸伤|冻伤|骨折|流血|出血|中毒|中暑|昏迷|晕倒|昏倒|晕厥|休克|头晕|呕吐|腹痛|腹泻|胸闷|呼吸困难|抽搐|"
        r"不适|送医|就医|住院|撞飞|被撞倒|撞倒|被撞伤|躺地上|倒地不起|不省人事|没有意识|失去意识|意识不清|神志不清|倒地|心脏病|窒息|受轻伤|受重伤|烧烫伤",
    ),
)
ZH_PRED = fastre.compile("|".join(f"(?P<{k}>{p})" for k, p in _ZH_PREDICATES))
# 个 counts people only before 人, a person noun, or a predicate (其中1个已经抽搐).
_ZH_GE_PERSON = re.compile(rf"人|.{{0,4}}(?:{ZH_PERSON})|(?:已经|已|都|也|还|又)?(?:{ZH_PRED.pattern})")
_ZH_NEGATION = fastre.compile(r"(?:无(?!法)|没|未|毫无|并无|暂无|不见)[^，,。；;]{0,6}$")
_ZH_UNKNOWN = fastre.compile(r"(?:情况)?(?:人数)?(?:不详|不明|未知|待核实|待查|待确认)")
_ZH_RESOLVED = fastre.compile(r"救出|获救|脱困|脱险|救起|救上岸|救上来|爬出|已找到|找到了|联系上|已撤出|已转移|安全撤离")
_ZH_COLLECTIVE = fastre.compile(r"(?:都|均|全部|全都)[^，,。]{0,3}$")
# A clause that gives how many people a previous predicate was about.
_ZH_HEADCOUNT = fastre.compile(r"里面|里边|里头|车里|车内|车上|船上|屋里|屋内|室内|轿厢|在里|一共|总共|共有|共计|船员")
# Trapped in a lift: the people are implied (电梯困人), their number may follow.
_ZH_LIFT = fastre.compile(r"电梯|轿厢")
_ZH_VEHICLE = fastre.compile(r"车|船|艇|电梯|吊厢|缆车|索道")
_ZH_RESCUED = fastre.compile(r"救出|获救|脱困|脱险|救起|救上|抬出|挖出|转移出")
_ZH_FOUND = fastre.compile(r"找到|联系上|寻回|获救")
_ZH_ADDITIVE = fastre.compile(r"另有|另外|还有|也有|又有|此外")
_ZH_SUBSET = fastre.compile(r"^\W*(?:其中|包括|含|内有)")
_ZH_OVERRIDE = fastre.compile(r"^\W*(?:还有|仍有|尚有|目前共|目前|现共|共有|共计|累计|总共|合计)")
# Clauses split at punctuation and spaces, not at 、 (2名老人、1名儿童受伤 is one list).
# …and before 其中/另有/还有…, which start a new statement even without a comma.
_ZH_CLAUSE_SEP = fastre.compile(
    r"[，,。；;！!？?\n\r\t ]|(?<!\d)[:：]|[:：](?!\d)|(?=其中|另有|还有|另外|目前|其余|仍有|尚有)"
)
_PAREN = fastre.compile(r"[(（][^()（）]{0,80}[)）]")

# --- English --------------------------------------------------------------------------

_EN_PERSON = (
    r"people|persons?|residents?|workers?|staff(?: members?)?|crew(?: members?|men)?|passengers?|kids?|children|child|"
    r"students?|villagers?|tourists?|swimmers?|miners?|men|man|women|woman|boys?|girls?|drivers?|occupants?|vendors?|"
    r"fishermen|fisherman|patients?|victims?|pupils?|elderly|others|adults?|employees?|guests?|customers?|"
    r"firefighters?|officers?|hikers?|family members?|visitors?|pedestrians?|cyclists?|teenagers?|divers?|anglers?|"
    r"shoppers?|spectators?|seniors?|individuals?|babies|baby|infants?|riders?|motorcyclists?|guards?|labou?rers?|"
    r"operators?|teachers?|climbers?|campers?|sailors?|someone|somebody|resident|tenants?|neighbou?rs?|elders?|"
    r"mother|father|mum|mom|dad|son|daughter|wife|husband|grandmother|grandfather|grandma|grandpa|toddler|"
    r"farmer|fishermen|owner|homeowner|shopkeeper|student|nurse|doctor|security guard|lorry driver|truck driver|"
    r"passer-by|bystander|he|she|soldiers?|troops|trainees?|recruits?|cadets?|guys?|folks|persons?|cooks?|"
    r"chefs?|waiters?|waitresses?|clerks?|cleaners?|porters?|visitors?"
)
_EN_PERSON_RE = fastre.compile(rf"\b(?:{_EN_PERSON})\b")
_EN_PREDICATES: tuple[tuple[str, str], ...] = (
    ("dead", r"dead|died|killed|dead body|body found|fatalit(?:y|ies)|deaths?|deceased|lost (?:his|her|their) li(?:fe|ves)|bodies|body recovered|drowned"),
    ("missing", r"missing|unaccounted(?: for)?|lost contact|not (?:yet )?(?:been )?found|can't be found|cannot be found"),
    ("trapped", r"trapped|stranded|stuck|pinned|buried|cut off|can't get out|cannot get out|unable to get out|"
                r"still inside|still in there|inside still"),
    (
        "injured",
        r"injur(?:ed|ies|y)|hurt|wounded|burns|burned|burnt|cuts|bruises|hospitali[sz]ed|taken to hospital|"
        r"sent to hospital|sick|ill|unconscious|collapsed|poisoned|irritation|casualt(?:y|ies)|bleeding|fractures?|"
        r"broken (?:leg|arm|bones?)|seriously|critically|badly|severely|knocked down|overcome by|heat ?stroke|"
        r"suffering|symptoms|in critical condition|hit by|treated|breathing (?:problems|difficulties)|"
        r"(?:smoke )?inhalation|concussion|scalded|electrocuted|vomiting|diarrho?ea|nausea|dizzy|dizziness|unwell|"
        r"fainted|passed out|bitten|admitted(?: to hospital)?|not breathing|unresponsive|no pulse|wounds?|"
        r"head injury|cuts? to",
    ),
)
_EN_PRED = fastre.compile(r"\b(?:" + "|".join(f"(?P<{k}>{p})" for k, p in _EN_PREDICATES) + r")\b")
# Predicates that name a part of the injured: "2 seriously", "6 hospitalised", "3人住院".
_EN_SUBSET_PRED = fastre.compile(
    r"seriously|critically|badly|severely|hospitali[sz]ed|taken to hospital|sent to hospital|admitted(?: to hospital)?"
)
_ZH_SUBSET_PRED = fastre.compile(r"送医|就医|住院|重伤")
_EN_SINGULAR = (
    r"man|woman|boy|girl|child|kid|baby|toddler|driver|cyclist|pedestrian|worker|resident|passenger|tourist|"
    r"swimmer|miner|victim|patient|student|fisherman|motorcyclist|rider|hiker|climber|villager|vendor|mother|"
    r"father|son|daughter|wife|husband|someone|somebody|teenager|pupil|surfer|diver|angler|farmer|owner|"
    r"occupant|operator|guard|casualty|person|customer|cook|soldier|firefighter|officer|nurse|teacher|"
    r"passer-by|bystander|he|she|lady|guy|elderly man|elderly woman|old man|old lady"
)
# One person named without a number: "a cyclist knocked down" is 1; "old people stuck" is unknown.
_EN_ONE_PERSON = fastre.compile(rf"\b(?:{_EN_SINGULAR})\b")
# A singular person without a number ("Child fell into…", "the driver"): one person the
# sentence may come back to ("…, unconscious").
_EN_SOMEONE = _EN_ONE_PERSON
_EN_SOMEONE_BEFORE = re.compile(r"(?:^|[.!?:]\s*|\b(?:the|this|that)\s+)(?:(?:young|old|elderly|little)\s+)?$")
# Where a bare number ("3 injured") may stand: after punctuation or a function word.
_EN_BARE_COUNT_AFTER = re.compile(
    r"(?:^|[,;:.!?(+&-]\s*|\b(?:with|and|of|leaving|including|left|were|are|have|had|killing|killed|injuring|plus|"
    r"about|around|nearly|over|least|than|total|another|further|some|approximately|approx|reportedly|now|far|only|"
    r"still|but|all|another|at|toll|count|casualties|seeing|by)\s+)$"
)
_EN_NOT_COUNT_BEFORE = fastre.compile(
    r"\b(?:no\.?|#|block|gate|km|room|floor|exit|route|bus|line|building|unit|pier|berth|shaft|lane|no one|number|"
    r"platform|ward|bay|level|warehouse|dock|zone|area|hall|car|truck|road|rd|street|st|avenue|ave|g\d+|s\d+)\s*$",
)
# A count of people: a number followed by a person noun within three words ("2 elderly
# residents"), or by a predicate after only function words ("1 still trapped", "6 of
# them hospitalised"); "a"/"an" only right before a person ("a man", "an elderly woman").
# "3 cars stuck", "30 houses", "a leg injury" are not people.
_EN_FILLER = r"(?:still|were|are|have|had|been|being|reported|confirmed|now|more|other|with|of|them|whom|minor|serious|severe|later|also|so|far)"
_EN_COUNT = fastre.compile(
    r"(?<![\w.#/:-])(?:(?:at least|about|around|approximately|approx\.?|nearly|over|more than|up to|some|another|"
    r"a further|further)\s+)?"
    r"(?:(?P<num>\d{1,4}|a dozen|dozens(?: of)?|a couple(?: of)?|twenty-\w+|thirty-\w+|one|two|three|four|five|six|"
    r"seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|"
    r"forty|fifty|hundred|several|many|a few|few|both)(?![\w:%/]|\.\d|-(?:year|yr|month|storey|story|floor))"
    rf"(?=(?P<who>[\s-]+(?:[\w'/-]+\s+){{0,3}}?(?:{_EN_PERSON})\b|\s+of (?:them|us|whom)\b)|\s+(?:{_EN_FILLER}\s+){{0,3}}"
    rf"(?:{'|'.join(p for _, p in _EN_PREDICATES)})\b)"
    rf"|(?P<one>an?)(?=[\s-]+(?:[\w'/-]+\s+)?(?:{_EN_PERSON})\b))",
)
_EN_NEGATION = fastre.compile(r"\b(?:no|not|nobody|none|without|zero|never|no one|neither|nor)\b[\w\s'-]{0,16}$")
_EN_UNKNOWN = fastre.compile(r"\s*(?:unknown|unclear|not known|tbc|to be confirmed)")
_EN_RESOLVED = fastre.compile(r"\b(?:rescued|freed|got out|brought out|all out|safe now|been found|were found|was found|located|accounted for|pulled free)\b")
_EN_COLLECTIVE = fastre.compile(r"\b(?:all|both|everyone)\b[\w\s]{0,12}$")
_EN_HEADCOUNT = fastre.compile(
    r"\binside\b|\bin the (?:car|lift|elevator|cab|vehicle|cabin)\b|\bon board\b|\bof them\b|\bin all\b|"
    r"\bin total\b|\baltogether\b|\bcrew\b"
)
_EN_LIFT = fastre.compile(r"\b(?:elevator|lift)s?\b")
_EN_ADDITIVE = fastre.compile(r"\b(?:another|also|other|others|plus|further|additional)\b")
_EN_RESCUED = fastre.compile(r"\b(?:rescued|freed|got out|brought out|pulled out|pulled free|extricated|cut free)\b")
_EN_FOUND = fastre.compile(r"\b(?:found|located|accounted for|rescued)\b")
_EN_VEHICLE = fastre.compile(
    r"\b(?:car|van|bus|truck|lorry|taxi|vehicle|boat|coach|minibus|vessel|ship|ferry|trawler|yacht|lift|elevator)s?\b"
)
_EN_SUBSET = fastre.compile(r"\b(?:of them|of whom|among them|including)\b")
_EN_OVERRIDE = fastre.compile(r"^\W*(?:still|now|total|in total|altogether|so far)\b|\b(?:still|in total|in all)\b")
_EN_CLAUSE_SEP = fastre.compile(r"[,;!?\n\r\t—–]|[.:](?!\d)|-(?!\S)")


@dataclass
class _Count:
    start: int
    end: int
    value: int | None  # None: a vague quantity (几个, several)
    used: bool = False
    someone: bool = False  # 有人 / someone: one person, but no number was written


@dataclass
class _Pred:
    start: int
    end: int
    kind: str
    subset: bool = False


class _Tally:
    """Running totals with the subset / override rules."""

    def __init__(self) -> None:
        self.counts = dict.fromkeys(KINDS, 0)
        self.stated: set[str] = set()
        # (kind, guess) for a predicate whose people were not counted (电梯困人 → trapped 1,
        # a car stuck / kids trapped / a vessel lost contact → 0): a headcount may follow.
        self.pending: tuple[str, int] | None = None

        # Figures guessed from a person without a number (工人晕倒 → 1) that a later
        # explicit count of the same people replaces (…，2人中毒昏迷 → 2, not 3).
        self.implied: dict[str, int] = {}

    def add(self, kind: str, value: int, *, subset: bool, override: bool, implied: bool, additive: bool) -> None:
        if subset and kind in self.stated:
            return
        if not implied and not additive and kind in self.implied:
            self.counts[kind] -= self.implied.pop(kind)
        if override:
            self.counts[kind] = value
        else:
            self.counts[kind] += value
        if implied:
            self.implied[kind] = self.implied.get(kind, 0) + value
        self.stated.add(kind)


def _clauses(text: str, separator: re.Pattern[str]) -> list[tuple[int, int, bool]]:
    """(start, end, in_parentheses) spans; parenthesised asides are their own (subset) clauses
    and are blanked out of the clause around them ("One tourist (72 y/o) collapsed")."""
    asides: list[tuple[int, int, bool]] = []
    body = text
    if "(" in text or "（" in text:
        for m in _PAREN.finditer(text):
            asides.append((m.start() + 1, m.end() - 1, True))
            body = body[: m.start()] + " " * (m.end() - m.start()) + body[m.end():]
    spans = [(a, b, False) for a, b in fastre.spans_between(separator, body)]
    if asides:
        spans = sorted(spans + asides)
    return spans


def _zh_counts(text: str) -> list[_Count]:
    counts: list[_Count] = []
    for m in _ZH_COUNT.finditer(text):
        if m["cl"] == "个" and not _ZH_GE_PERSON.match(text, m.end()):
            continue  # 一个坑 / 4个村 / 4个小时: not people
        counts.append(_Count(m.start(), m.end(), zh_to_int(m["num"])))
    for m in _ZH_SOMEONE.finditer(text):  # 有人 is one person the sentence may come back to
        counts.append(_Count(m.start(), m.end(), 1, someone=True))
    for m in _ZH_VAGUE.finditer(text):
        if not any(c.start <= m.start() < c.end for c in counts):
            counts.append(_Count(m.start(), m.end(), None))
    counts.sort(key=lambda c: c.start)
    return counts


def _en_counts(text: str) -> list[_Count]:
    counts: list[_Count] = []
    for m in _EN_COUNT.finditer(text):
        if m["one"]:
            counts.append(_Count(m.start(), m.end(), 1))
            continue
        at = m.start("num")
        if _EN_NOT_COUNT_BEFORE.search(text, max(0, at - 12), at):
            continue  # block 7, gate 2, no. 4
        if not m["who"] and not _EN_BARE_COUNT_AFTER.search(text, max(0, at - 24), at):
            continue  # "radio 3 is dead": a bare number after a noun is a name, not people
        word = m["num"]
        value = None if word in EN_VAGUE else en_to_int(word)
        if value is None and word not in EN_VAGUE:
            continue
        counts.append(_Count(m.start(), m.end(), value))
    for m in _EN_SOMEONE.finditer(text):
        if not _EN_SOMEONE_BEFORE.search(text, max(0, m.start() - 16), m.start()):
            continue  # only "The driver…", "Child fell…": a subject, not "mother has burns"
        if not any(c.start <= m.start() < c.end + 12 for c in counts):  # "a man" is counted already
            counts.append(_Count(m.start(), m.end(), 1, someone=True))
    counts.sort(key=lambda c: c.start)
    return counts


@dataclass(frozen=True)
class _Rules:
    """The language-specific halves of the pairing rules."""

    negation: re.Pattern[str]
    unknown: re.Pattern[str]
    resolved: re.Pattern[str]
    collective: re.Pattern[str]
    person: re.Pattern[str]
    one_person: re.Pattern[str]
    headcount: re.Pattern[str]
    lift: re.Pattern[str]
    vehicle: re.Pattern[str]
    rescued: re.Pattern[str]
    found: re.Pattern[str]
    subset: re.Pattern[str]
    override: re.Pattern[str]
    additive: re.Pattern[str]
    link: re.Pattern[str]
    window: int  # how far (chars) a count may stand before its predicate


_SENTENCE_END = fastre.compile(r"[。！!？?\n]|\.(?=\s)")


def _extract(text: str, counts: list[_Count], preds: list[_Pred], clauses: list[tuple[int, int, bool]],
             rules: _Rules) -> dict[str, int]:
    tally = _Tally()
    for c_start, c_end, in_paren in clauses:
        clause = text[c_start:c_end]
        here = [p for p in preds if c_start <= p.start < c_end]
        mine = [c for c in counts if c_start <= c.start < c_end]
        if not here:
            # 电梯困人，里面3个人 / 一辆小轿车被困，车上有一家三口 / kids trapped…, 5 of them /
            # vessel lost contact…, 8 crew: the headcount is the number (unless they are out:
            # 车里2人已自己爬出来).
            head = next((c for c in mine if c.value and not c.someone), None)
            if (tally.pending is not None and head is not None and rules.headcount.search(clause)
                    and not rules.resolved.search(clause)):
                kind, guess = tally.pending
                tally.counts[kind] += head.value - guess
                tally.stated.add(kind)
                tally.pending = None
                head.used = True
            elif head is not None and not head.used:
                # 3名工人被埋，已救出1人 / 2人失联，已找到1人: those out are no longer counted.
                for kind, out in (("trapped", rules.rescued), ("missing", rules.found)):
                    if kind in tally.stated and out.search(clause):
                        tally.counts[kind] = max(0, tally.counts[kind] - head.value)
                        head.used = True
                        break
            continue
        subset = in_paren or bool(rules.subset.search(clause))
        override = bool(rules.override.search(clause))
        additive = bool(rules.additive.search(clause))
        resolved = bool(rules.resolved.search(clause))
        done: set[str] = set()  # kinds already given a figure in this clause
        prev_end = c_start
        for i, p in enumerate(here):
            found = _pair(text, p, here[i + 1:], mine, counts, done, tally, rules, c_start, c_end, prev_end, resolved)
            prev_end = p.end
            if found is None:
                continue
            value, implicit = found
            done.add(p.kind)
            if value:
                tally.add(p.kind, value, subset=subset or p.subset, override=override and not implicit,
                          implied=implicit, additive=additive)
            if implicit and (value or 0) <= 1 and (value == 0 or p.kind == "trapped"):
                tally.pending = (p.kind, value or 0)
            elif tally.pending and tally.pending[0] == p.kind:
                tally.pending = None
    return tally.counts


def _with_listed(text: str, count: _Count, mine: list[_Count], later: list[_Pred], rules: _Rules) -> int | None:
    """count's value plus the counts listed with it: 2个老人1个小孩 / 3 customers and 1 cook."""
    if count.value is None:
        return None
    total = count.value
    left = count
    for c in reversed(mine):  # counts just before, joined by a person noun or "and"
        if c.end <= left.start and not c.used and c.value and rules.link.fullmatch(text, c.end, left.start):
            c.used = True
            total += c.value
            left = c
    right = count
    for c in mine:  # counts just after, before any further predicate
        if (c.start >= right.end and not c.used and c.value and not any(q.start < c.start for q in later)
                and rules.link.fullmatch(text, right.end, c.start)):
            c.used = True
            total += c.value
            right = c
    return total


def _pair(text: str, p: _Pred, later: list[_Pred], mine: list[_Count], counts: list[_Count], done: set[str],
          tally: _Tally, rules: _Rules, c_start: int, c_end: int, prev_end: int,
          resolved: bool) -> tuple[int | None, bool] | None:
    """(count, implied?) for predicate p, or None when it states no casualty."""
    if resolved and p.kind in ("trapped", "missing"):
        return None  # 被困老人已救出
    if rules.unknown.match(text, p.end, p.end + 8):
        return None  # 伤亡不详
    count = next((c for c in reversed(mine) if not c.used and prev_end <= c.start and c.end <= p.start
                  and p.start - c.end <= rules.window), None)
    # 无人受伤 / no injuries / 没看到有人受伤; a number after the negator wins (未见明火3人受伤).
    neg = rules.negation.search(text, max(c_start, p.start - 12), p.start)
    if neg and not (count and not count.someone and count.start > neg.start()):
        return None
    if count is None:  # 压伤2名商户 / 被困人员3名 / 砸伤路过行人2名: the count follows
        nxt = later[0].start if later else c_end
        count = next((c for c in mine if not c.used and not c.someone and c.end <= nxt
                      and (c.start <= p.end + 3 or (c.start <= p.end + 12 and rules.person.search(text, p.end, c.start)))
                      and c.start >= p.end and not any(q.start > c.end for q in later)), None)
    if count is not None:
        count.used = True
        if count.someone:  # 有人被困: one person, but a headcount may follow
            return 1, True
        return _with_listed(text, count, mine, later, rules), False
    if p.kind in done:
        return None  # 2人受伤已送医: one figure per clause and kind
    before = text[c_start:p.start]
    if rules.collective.search(before):  # 里面住着老两口，现在都埋在里面
        earlier = next((c for c in reversed(counts) if not c.used and c.end <= c_start), None)
        if earlier is None:
            return None
        earlier.used = True
        return earlier.value, False
    if p.kind in tally.stated:
        return None
    if p.kind == "trapped" and (rules.lift.search(before) or text.startswith("困人", p.start)):
        return 1, True  # 电梯困人 / lift stuck: people implied, number may follow
    if rules.one_person.search(before):
        return 1, True  # 货车司机轻伤 / a cyclist knocked down
    if rules.vehicle.search(before) or rules.person.search(before):
        # 一辆小轿车被困 / kids trapped / vessel lost contact: how many may follow
        # (车上有一家三口, 5 of them, 8 crew); "old people stuck" alone is no figure.
        return 0, True
    # "A worker fell into the river…, still missing": the singular subject of the sentence.
    single = next((c for c in reversed(counts) if not c.used and c.end <= c_start and c.value == 1), None)
    if single is not None and not _SENTENCE_END.search(text, single.end, p.start):
        single.used = True
        return 1, True
    return None


# What may stand between two counts of one list: a person noun and/or a conjunction.
_ZH_LINK = re.compile(rf"[\u4e00-\u9fff]{{0,3}}?(?:{ZH_PERSON})\s*(?:和|与|及|以及|、|加|还有)?\s*|\s*(?:和|与|及|以及|、|加)\s*")
_EN_LINK = re.compile(rf"[\s-]+(?:[\w'-]+\s+){{0,2}}?(?:{_EN_PERSON})\s*(?:,\s*)?(?:and|&|\+|plus)\s+|\s*(?:and|&|\+|plus)\s+")

_ZH_RULES = _Rules(_ZH_NEGATION, _ZH_UNKNOWN, _ZH_RESOLVED, _ZH_COLLECTIVE, _ZH_PERSON_RE, _ZH_PERSON_RE, _ZH_HEADCOUNT, _ZH_LIFT,
                   _ZH_VEHICLE, _ZH_RESCUED, _ZH_FOUND, _ZH_SUBSET, _ZH_OVERRIDE, _ZH_ADDITIVE, _ZH_LINK, 20)
_EN_RULES = _Rules(_EN_NEGATION, _EN_UNKNOWN, _EN_RESOLVED, _EN_COLLECTIVE, _EN_PERSON_RE, _EN_ONE_PERSON, _EN_HEADCOUNT, _EN_LIFT,
                   _EN_VEHICLE, _EN_RESCUED, _EN_FOUND, _EN_SUBSET, _EN_OVERRIDE, _EN_ADDITIVE, _EN_LINK, 45)


def _upto_enough(text: str, preds: list[_Pred]) -> str:
    """A report states its casualties in a few phrases; past MAX_PREDICATES it is pasted junk
    (and pairing is quadratic), so read no further than that."""
    if len(preds) <= MAX_PREDICATES:
        return text
    end = preds[MAX_PREDICATES - 1].end
    return text[:end] + " " * (len(text) - end)  # same length: offsets stay valid


def zh_casualties(text: str) -> dict[str, int]:
    preds = [_Pred(m.start(), m.end(), m.lastgroup or "injured", subset=bool(_ZH_SUBSET_PRED.fullmatch(m.group())))
             for m in ZH_PRED.finditer(text)]
    if not preds and not _ZH_COMPACT.search(text):
        return dict.fromkeys(KINDS, 0)
    text = _upto_enough(text, preds)
    preds = preds[:MAX_PREDICATES]
    counts = _zh_counts(text)
    clauses = _clauses(text, _ZH_CLAUSE_SEP)
    result = _extract(text, counts, preds, clauses, _ZH_RULES)
    # 一死两伤: counts and predicates in one breath.
    kinds = {"死": "dead", "伤": "injured", "失联": "missing", "失踪": "missing"}
    compact: dict[str, int] = {}
    for m in _ZH_COMPACT.finditer(text):
        if any(c.start <= m.start() < c.end for c in counts):
            continue
        value = zh_to_int(m["num"])
        if value and not _ZH_NEGATION.search(text[max(0, m.start() - 6):m.start()]):
            kind = kinds[m["kind"]]
            compact[kind] = compact.get(kind, 0) + value
    for kind, value in compact.items():
        result[kind] = max(result[kind], value)
    return result


def en_casualties(text: str) -> dict[str, int]:
    preds = []
    for m in _EN_PRED.finditer(text):
        kind = m.lastgroup or "injured"
        preds.append(_Pred(m.start(), m.end(), kind, subset=bool(_EN_SUBSET_PRED.fullmatch(m.group()))))
    if not preds:
        return dict.fromkeys(KINDS, 0)
    text = _upto_enough(text, preds)
    preds = preds[:MAX_PREDICATES]
    counts = _en_counts(text)
    clauses = _clauses(text, _EN_CLAUSE_SEP)
    return _extract(text, counts, preds, clauses, _EN_RULES)
