"""Casualty counts (dead, injured, trapped, missing) from a hurried report.

Private helper of the intake parser; the words live in casualty_words.py. The text
is cut into clauses; in each we find *counts of people* (3人, 一名, 十余名, 2 kids,
one tourist) and *predicates* (受伤, 被困, 失联, killed, trapped, missing) and pair
every predicate with the nearest unused count before it, or just after it
(压伤2名商户). Rules that come from how people write reports:

* Numbers that are not people are never counts: 3号楼, K756, 2号码头, 10岁, phone
  numbers, 30 houses, 6 engines, 83公里, "radio 3" — a count needs a person
  classifier (名/个/位/口/人) or a person noun.
* Headcounts without a predicate are not casualties (车上7人, 18 kids on board),
  unless they say how many a predicate was about: 电梯困人，里面3个人; 一辆小轿车
  被困，车上有一家三口; kids trapped…, 5 of them.
* Negated or unknown predicates count nothing (无人受伤, 伤亡不详, no injuries).
* People who are out are no longer trapped or missing: 被困老人已救出 (same
  clause); 3名工人被埋，已救出1人 → 2.
* Subsets (其中…, (…), "6 of them", "2 seriously", 送医) only count when the kind
  has no figure yet; 还有/仍有/still and 目前共/in total give the current figure
  and replace it — follow-ups state current totals.
* Lists add up: 2个老人1个小孩, 3 customers and 1 cook, 1人轻度烧伤、1人胸闷.
* A predicate without a count is one when one person is named (货车司机轻伤, 有人
  被困, a cyclist knocked down) — replaced by a later count of the same people
  (工人晕倒，2人中毒 → 2); 都/均 refer back to an earlier headcount (里面住着老两口，
  现在都埋在里面 → 2). Vague counts (几个, 多人, several, 15户村民) count nothing.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from handlers.intake import casualty_words as w
from handlers.intake import fastre
from handlers.intake.casualty_words import KINDS, Rules
from handlers.intake.corrections import corrected
from handlers.intake.numbers import EN_VAGUE, en_to_int, zh_to_int

_EN_TIMES = re.compile(r"(?<![\w.])(?:[x×](?P<after>\d{1,2})|(?P<before>\d{1,2}) ?[x×])(?![\w.])")
_EN_FAMILY = re.compile(r"\bfamily of (?P<num>two|three|four|five|six|seven|eight|\d)\b")
# The writer and those with them: "me and my two boys" is three, "my wife and I" two.
_EN_ME_AND = re.compile(
    r"\b(?:me|i|myself) and (?:my|our) (?:(?P<num>two|three|four|five|six|\d) \w+|(?:son|daughter|wife|husband|kid|child|"
    r"boy|girl|baby|mum|mom|dad|mother|father|friend|brother|sister|grandma|grandpa|partner|co-?driver|colleague|"
    r"co-?worker|workmate|mate|buddy))\b|"
    r"\bmy (?:son|daughter|wife|husband|kid|child|boy|girl|mum|mom|dad|mother|father|friend|brother|sister|partner|"
    r"co-?driver|colleague|co-?worker|workmate|mate|buddy) and (?:i|me)\b"
)
# A report states its casualties in a few phrases; past this many predicates it is
# pasted junk (and pairing is quadratic), so read no further.
MAX_PREDICATES = 40


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
        # The kinds of every predicate read so far that states a casualty, counted or not
        # (好多人拉肚子: injured, no figure).
        self.told: set[str] = set()

    def add(self, kind: str, value: int, *, subset: bool, override: bool, implied: bool, additive: bool) -> None:
        if subset and kind in self.stated and kind not in self.implied:
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
        for m in w.PAREN.finditer(text):
            asides.append((m.start() + 1, m.end() - 1, True))
            body = body[: m.start()] + " " * (m.end() - m.start()) + body[m.end():]
    spans = [(a, b, False) for a, b in fastre.spans_between(separator, body)]
    if asides:
        spans = sorted(spans + asides)
    return spans


# What ends a sentence between two clauses (a comma does not).
_SENTENCE_BREAK = re.compile(r"[。；;\n!！?？]")
_PEOPLE_JUST_BEFORE = re.compile(r"(?:我们|咱们|俺们|他们|她们|你们)$")
# The other one of two, doing what the first did (一个下去就晕了 另一个下去救也…): a person.
_THE_OTHER_ONE = re.compile(r"另(?:外)?一个(?:也|还|又|人|下去|进去|跳下|去救|下井|下池|下罐)")


def _zh_counts(text: str) -> list[_Count]:
    counts: list[_Count] = []
    for m in w.ZH_COUNT.finditer(text):
        if (m["cl"] == "个" and not w.ZH_GE_IS_PERSON.match(text, m.end())
                and not _PEOPLE_JUST_BEFORE.search(text, max(0, m.start() - 3), m.start())
                and not _THE_OTHER_ONE.search(text, max(0, m.start() - 2), m.end() + 3)):
            continue  # 一个坑 / 4个村 / 4个小时: not people (我们4个, 他们三个, 另一个下去救: people)
        # 有 before the number may end a predicate (井下还有七个人): the count starts at the number
        start = m.start("num") if m.group().startswith("有") else m.start()
        counts.append(_Count(start, m.end(), zh_to_int(m["num"])))
    for m in w.ZH_PAIR.finditer(text):  # 俩孩子, 仨人: a number and its classifier in one word
        counts.append(_Count(m.start(), m.end(), 2 if m.group() == "俩" else 3))
    for m in w.ZH_ONE.finditer(text):
        counts.append(_Count(m.start(), m.end(), 1))
    for m in w.ZH_COUPLE.finditer(text):  # 一对老夫妻 / 母子俩: two
        if not any(c.start <= m.start() < c.end or m.start() <= c.start < m.end() for c in counts):
            counts.append(_Count(m.start(), m.end(), 2))
    for m in w.ZH_TWO_PEOPLE.finditer(text):  # 老母亲和小孙子: two, unless a number is there already
        if not any(m.start() <= c.start < m.end() or c.start <= m.start() < c.end for c in counts):
            counts.append(_Count(m.start(), m.end(), 2))
    for m in w.ZH_SOMEONE.finditer(text):  # 有人 is one person the sentence may come back to
        counts.append(_Count(m.start(), m.end(), 1, someone=True))
    for m in w.ZH_VAGUE.finditer(text):
        if m.group().endswith("个") and not w.ZH_GE_IS_PERSON.match(text, m.end()):
            continue  # 好几个牙印: not people
        if not any(c.start <= m.start() < c.end for c in counts):
            counts.append(_Count(m.start(), m.end(), None))
    counts.sort(key=lambda c: c.start)
    return counts


def _en_counts(text: str) -> list[_Count]:
    counts: list[_Count] = []
    for m in w.EN_COUNT.finditer(text):
        if m["one"]:
            counts.append(_Count(m.start(), m.end(), 1))
            continue
        at = m.start("num")
        if w.EN_NOT_COUNT_BEFORE.search(text, max(0, at - 12), at):
            continue  # block 7, gate 2, no. 4
        if not m["who"] and not w.EN_BARE_COUNT_AFTER.search(text, max(0, at - 24), at):
            continue  # "radio 3 is dead": a bare number after a noun is a name, not people
        if m["who"] and _SEARCHING.match(text, m.end("who")):
            continue  # "20 volunteers searching": the people looking, not the people sought
        word = m["num"]
        value = None if word in EN_VAGUE else en_to_int(word)
        if value is None and word not in EN_VAGUE:
            continue
        counts.append(_Count(m.start(), m.end(), value))
    for m in _EN_TIMES.finditer(text):  # "heat exhaustion x3", "1x dead": dispatchers' shorthand
        counts.append(_Count(m.start(), m.end(), int(m["after"] or m["before"])))
    for m in _EN_FAMILY.finditer(text):  # "family of four": that many people
        if (value := en_to_int(m["num"])) is not None:
            counts.append(_Count(m.start(), m.end(), value))
    for m in w.EN_PAIR.finditer(text):  # "an elderly couple", "twins": two people
        counts.append(_Count(m.start(), m.end(), 2))
    for m in _EN_ME_AND.finditer(text):  # "me and my two boys": the writer counts too
        value = (en_to_int(m["num"]) or 0) + 1 if m["num"] else 2
        counts = [c for c in counts if not (m.start() <= c.start < m.end())]
        counts.append(_Count(m.start(), m.end(), value))
    for m in w.EN_ONE_PERSON.finditer(text):
        if not w.EN_SUBJECT_BEFORE.search(text, max(0, m.start() - 16), m.start()):
            continue  # only "The driver…", "Child fell…": a subject, not "mother has burns"
        if not any(c.start <= m.start() < c.end + 12 for c in counts):  # "a man" is counted already
            counts.append(_Count(m.start(), m.end(), 1, someone=True))
    counts.sort(key=lambda c: c.start)
    # "9 of my 26 guests", "3 of the 5 workers": the part is the count, the group is not
    return [c for i, c in enumerate(counts)
            if not (i and counts[i - 1].value and _PART_OF.fullmatch(text, counts[i - 1].end, c.start))]


_SEARCHING = re.compile(r"\s+(?:are |were |now |still )?(?:searching|looking|combing|deployed|on scene|on site|responding|assisting|helping (?:search|look))\b")
_PART_OF = re.compile(r"\s+of\s+(?:my|our|the|their|his|her|these|those)?\s*")


@dataclass
class _Clause:
    start: int
    end: int
    preds: list[_Pred]
    counts: list[_Count]
    resolved: bool  # says people got out: 被困老人已救出


def _extract(text: str, counts: list[_Count], preds: list[_Pred], spans: list[tuple[int, int, bool]],
             rules: Rules) -> dict[str, int]:
    tally = _Tally()
    breakdown = False  # within a sentence whose earlier clause opened a part (其中重伤2人，轻伤5人)
    for c_start, c_end, in_paren in spans:
        words = text[c_start:c_end]
        if breakdown and _SENTENCE_BREAK.search(text, max(0, c_start - 2), c_start):
            breakdown = False
        clause = _Clause(c_start, c_end, [p for p in preds if c_start <= p.start < c_end],
                         [c for c in counts if c_start <= c.start < c_end], bool(rules.resolved.search(words)))
        if not clause.preds:
            _headcount(words, clause, tally, rules)
            continue
        opens_part = bool(rules.subset.search(words))
        additive = bool(rules.additive.search(words))
        # 共7名，其中重伤2人，轻伤5人: the clauses after 其中 go on listing the part (另有 / 还有
        # add, as before)
        subset = in_paren or opens_part or (breakdown and rules is w.ZH and not additive)
        breakdown = breakdown or (opens_part and not in_paren)
        # (还有一家三口也下不来: more of the same, added; 还有2人被困: the figure now)
        override = bool(rules.override.search(words)) and not (rules is w.ZH and _ALSO.search(words))
        done: set[str] = set()  # kinds already given a figure in this clause
        prev_end = c_start
        for i, p in enumerate(clause.preds):
            found = _pair(text, p, i, prev_end, clause, counts, done, tally, rules)
            prev_end = p.end
            if found is None:
                continue  # (a negated state is not told: 无人受伤 is no kind a tally could count)
            tally.told.add(p.kind)
            value, implicit = found
            done.add(p.kind)
            if (value and (subset or p.subset) and p.kind in ("missing", "dead") and p.kind not in tally.stated
                    and tally.counts["trapped"] > value):
                # 俩游客被潮水困住了，其中一个已经被浪卷下去看不见了: one of those held is gone now,
                # no longer held (the other one still is)
                tally.counts["trapped"] -= value
            if value:
                tally.add(p.kind, value, subset=subset or p.subset, override=override and not implicit,
                          implied=implicit, additive=additive)
            if implicit and (value or 0) <= 1 and (value == 0 or p.kind == "trapped"):
                tally.pending = (p.kind, value or 0)
            elif tally.pending and tally.pending[0] == p.kind:
                tally.pending = None
    return tally.counts


def _headcount(words: str, clause: _Clause, tally: _Tally, rules: Rules) -> None:
    """A clause with a count but no predicate: a headcount for what came before, or people out."""
    if _ALL_WELL.search(words):
        return  # 咱车上22个孩子都好好的: those counted are fine, not a headcount of the held
    head = next((c for c in clause.counts if c.value and not c.someone), None)
    if head is None and tally.pending is not None and rules.headcount.search(words):
        head = next((c for c in clause.counts if c.someone), None)  # 车困在水里了 里面有人: one
    if head is None:
        # 1名工人被埋，经全力搜救已救出 / 被困的人已全部救出: nobody left trapped.
        if (tally.counts["trapped"] and rules.rescued.search(words) and not clause.preds
                and (tally.counts["trapped"] == 1 or rules.collective_all.search(words))):
            tally.counts["trapped"] = 0
        return
    if rules is w.ZH and _ALSO_HAVE.search(words) and len(tally.stated) == 1 and not clause.resolved and not head.used:
        # 我们家仨人上吐下泻，邻居家也有俩: more of the one kind stated, in a clause of its own
        kind = next(iter(tally.stated))
        tally.counts[kind] += head.value
        head.used = True
        return
    if (rules is w.ZH and _TALLY_SO_FAR.search(words) and len(tally.told) == 1 and not clause.resolved
            and not head.used):
        # 好多人上吐下泻 现在已经有十来个了 / 数了数九个了: the figure so far of what was told
        kind = next(iter(tally.told))
        tally.counts[kind] = head.value
        tally.stated.add(kind)
        tally.implied.pop(kind, None)
        head.used = True
        return
    if rules.override.search(words) and len(tally.stated) == 1 and not clause.resolved and not head.used:
        # 新增就诊患者4人，现累计16人 / 目前共3人: the current figure of the one kind stated
        kind = next(iter(tally.stated))
        tally.counts[kind] = head.value
        tally.implied.pop(kind, None)
        head.used = True
        return
    if tally.pending is not None and rules is w.ZH and not clause.resolved and _only_people(words):
        # 电梯困人 一个老人一个小孩: a clause that only lists people says who the predicate was about
        kind, guess = tally.pending
        listed = [c for c in clause.counts if c.value and not c.someone and not c.used]
        tally.counts[kind] += sum(c.value for c in listed) - guess
        for c in listed:
            c.used = True
        tally.stated.add(kind)
        tally.pending = None
        return
    if tally.pending is not None and rules.headcount.search(words) and not clause.resolved:
        # 电梯困人，里面3个人 / 一辆小轿车被困，车上有一家三口 / kids trapped…, 5 of them /
        # vessel lost contact…, 8 crew (but not 车里2人已自己爬出来).
        kind, guess = tally.pending
        tally.counts[kind] += head.value - guess
        tally.stated.add(kind)
        tally.pending = None
        head.used = True
        return
    if not head.used and not _ANOTHER.match(words):
        # 3名工人被埋，已救出1人 / 2人失联，已找到1人: those out are no longer counted
        # (压着一个 另一个跑出来了: another one, never held, got out)
        for kind, out in (("trapped", rules.rescued), ("missing", rules.found)):
            # (more got out than were held are others, evacuated: 一家三口困在二楼, 旁边几户转移出来7个人)
            if kind in tally.stated and out.search(words) and (kind != "trapped" or head.value <= tally.counts[kind]):
                tally.counts[kind] = max(0, tally.counts[kind] - head.value)
                return  # the count stays free: "1人已救出，伤势较重" is also 1 injured


# A tally that is a clause of its own: (现在)已经有十来个了, 一共六个了, 数了一下九个了 — nothing
# between its words and the number (已经疏散了200人了 counts the evacuated, not the sick).
_TALLY_SO_FAR = re.compile(
    r"^\W*(?:现在|目前|到现在)?(?:已经|已)?(?:数了(?:一下|数|一遍)?)?(?:有|共|一共|总共|共计|累计|达到?)?\s*"
    r"(?:[0-9]+|[一二两三四五六七八九十百]+[来多余]?)(?:个|人|名|例|位)了\W*$")
# …also N, the count ending the clause (邻居家也有俩; not 车上也有5名乘客, people aboard)
_ALSO_HAVE = re.compile(r"也有(?:[0-9]+|[一二两俩仨三四五六七八九十几]+)(?:个|人|名|位)?(?:人)?\W*$")
_ANOTHER = re.compile(r"\W*(?:另外|另)(?:一个|一人|一名|一位|个)")
_INSIDE = re.compile(r"^\s*(?:里面|里头|里边|车上|车里|船上|屋里|轿厢里|轿厢内)(?:还)?(?:有|是)?")
_LIST_JOINERS = re.compile(r"[\s和、及跟与加还有另]+")


def _only_people(words: str) -> bool:
    """A clause that is nothing but counted people: 一个老人一个小孩, 两个大人三个孩子."""
    words = _INSIDE.sub("", words, count=1)  # 里面一个大人一个小孩: where they are, then who
    rest = w.ZH_PERSON_RE.sub("", w.ZH_COUNT.sub("", w.ZH_PAIR.sub("", words))).replace("人", "")  # 五个人
    return bool(w.ZH_COUNT.search(words) or w.ZH_PAIR.search(words)) and not _LIST_JOINERS.sub("", rest)


def _with_listed(text: str, count: _Count, mine: list[_Count], later: list[_Pred], rules: Rules) -> int | None:
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


# How far before a predicate its negator may stand: the negation patterns bound their own
# reach (a Chinese one within nine characters, "nearly" and up to 16 more in English:
# "nearly had a heart attack"); this only keeps the search short.
_NEGATION_REACH = 26


def _pair(text: str, p: _Pred, i: int, prev_end: int, clause: _Clause, counts: list[_Count], done: set[str],
          tally: _Tally, rules: Rules) -> tuple[int | None, bool] | None:
    """(count, implied?) for predicate p, the i-th of its clause, or None when it states no casualty."""
    if clause.resolved and p.kind in ("trapped", "missing"):
        return None  # 被困老人已救出
    if rules.unknown.match(text, p.end, p.end + 8):
        return None  # 伤亡不详
    later = clause.preds[i + 1:]
    mine = clause.counts
    count = next((c for c in reversed(mine) if not c.used and prev_end <= c.start and c.end <= p.start
                  and p.start - c.end <= rules.window), None)
    # 无人受伤 / no injuries / 没看到有人受伤; a number after the negator wins (未见明火3人受伤).
    neg = rules.negation.search(text, max(clause.start, p.start - _NEGATION_REACH), p.start)
    if neg and not (count and not count.someone and count.start > neg.start()):
        return None
    if count is None:  # 压伤2名商户 / 被困人员3名 / 砸伤路过行人2名: the count follows
        nxt = later[0].start if later else clause.end
        count = next((c for c in mine if not c.used and not c.someone and p.end <= c.start and c.end <= nxt
                      and (c.start <= p.end + 3 or w.POST_GAP.fullmatch(text, p.end, c.start)
                           or (c.start <= p.end + 12 and (rules.person.search(text, p.end, c.start)
                                                          or rules.person.match(text, c.end))))
                      and not any(q.start > c.end for q in later)), None)
    if count is None:  # 砸着个人 / 压着人: the person is named inside the predicate, or right after (掉进去个孩子)
        count = next((c for c in mine if not c.used and c.someone
                      and (c.start == p.start and c.end > p.end or c.start == p.end)), None)
    if count is not None:
        count.used = True
        if count.someone:  # 有人被困: one person, but a headcount may follow
            if w.HOW_MANY_UNKNOWN.search(text, p.end):
                return None  # 有人受伤 具体几个不知道: people, but no figure
            if text[count.start:count.end] == "人" and tally.implied.get(p.kind) == 1:
                return None  # 电工…被电打了 人倒地上了: a bare 人 is the one already told of
            if (text[count.start:count.end] == "有人" and tally.implied.get(p.kind) == 1
                    and not _MORE_BEFORE.search(text, max(0, count.start - 2), count.start)):
                return None  # 底下压着人 听见有人在里头喊救命: the one held, heard; 还有人 would be more
            if text[count.start:count.end] in ("he", "she") and tally.counts[p.kind]:
                return None  # a boy was hit by a car…, he's bleeding: the pronoun is one already told of

            return 1, True
        if p.kind in tally.stated and text[count.start:count.end].strip() == "both":
            return None  # "two persons in the water, both hanging onto a float": the same two
        if p.subset and rules is w.ZH and _ANOTHER_BEFORE.search(text, max(0, count.start - 4), count.start):
            # 一名工人昏倒，另一名工友下井施救也昏迷: 昏迷 usually tells of some of those counted
            # (3人受伤，1人昏迷), but "another" is one more
            p.subset = False
        if (tally.counts[p.kind] >= 2 and _ONE_OF_THEM.fullmatch(text, count.start, count.end)
                and not rules.override.search(text, clause.start, clause.end)):
            # 砸到两个顾客，一个头出血: one of the two already counted, not a third
            # (一个还没找到 still gives the current figure)
            p.subset = True
        return _with_listed(text, count, mine, later, rules), False
    if p.kind in done:
        return None  # 2人受伤已送医: one figure per clause and kind
    before = text[clause.start:p.start]
    if rules.collective.search(before):  # 里面住着老两口，现在都埋在里面
        earlier = next((c for c in reversed(counts) if not c.used and c.end <= clause.start), None)
        if earlier is None:
            return None
        earlier.used = True
        return earlier.value, False
    if (rules is w.ZH and p.kind in tally.stated and before.endswith("也") and rules.one_person.search(before)
            and not rules.group.search(before)):
        return 1, True  # 有2个受伤 司机也伤了: one more, named with 也
    if p.kind in tally.stated or w.HOW_MANY_UNKNOWN.search(text, p.end, p.end + 16):
        return None  # …有咳嗽症状，人数待统计: people, but no figure
    if p.kind == "missing" and text.startswith("少了", p.start):
        return {"两": 2, "俩": 2, "三": 3}.get(text[p.start + 2], 1), False  # 游泳的少了一个 / 少了个孩子: one fewer
    if rules is w.EN and p.kind == "missing" and text.startswith("mob", p.start):
        return 1, True  # MOB (man overboard, as crews write it): the one gone over
    if p.kind == "dead" and _A_BODY.fullmatch(text, p.start, p.end):
        return 1, True  # 死者身份已确认 / the body was recovered: the dead one, named by the word
    if p.kind == "trapped" and (rules.lift.search(before) or text.startswith("困人", p.start)):
        return 1, True  # 电梯困人 / lift stuck: people implied, number may follow
    if (rules is w.EN and p.kind in ("missing", "dead") and _HIM_OR_HER.search(text, p.start, p.end)
            and sum(tally.counts.values()) == tally.counts["trapped"] == 1):
        return _same_person_again(text, p, tally)  # "my son was in the water … now I can't see him": gone from sight
    if rules.one_person.search(before) and not rules.group.search(before):
        if (rules is w.EN and p.kind == "trapped" and _HE_OR_SHE.search(before)
                and tally.counts["missing"] == sum(tally.counts.values()) == 1):
            # "man overboard…, he's in the water holding a rope": the one gone over, in sight now
            tally.counts["missing"] = 0
            tally.implied.pop("missing", None)
        return 1, True  # 货车司机轻伤 / a cyclist knocked down (not 15户村民被困: households)
    if rules is w.ZH and _BARE_PERSON.match(text, clause.start, p.end):  # (its 在 may open the predicate: 还在水里)
        return 1, True  # 有人掉海里了！！人在水里扑腾: the person, said again at the start of the clause
    named = rules.one_person.match(text, p.start)
    if named is not None and named.end() < p.end:
        return 1, True  # the person is the predicate's first word: "old man inside" (not 伤者 alone)
    if rules.one_person.match(text, p.end) and not rules.group.match(text, p.end):
        return 1, True  # the person is the object right after it: 砸着他爹, 压着俺娘
    if rules is w.EN and p.kind == "injured" and w.EN_VICTIM_AFTER.match(text, p.end):
        return 1, True  # the victim is the object: "hit one of the dads", "bit the postman", "ran over him"
    if rules is w.ZH and _ANOTHER.match(text, p.end):
        return 1, True  # 俩老板打起来了，一个拿刀划了另一个胳膊: the other one of them, not both
    if rules is w.EN and _HIM_OR_HER.search(text, p.start, p.end):
        return 1, True  # "we cannot see him", "can't find her": one person, named by the pronoun
    if rules is w.ZH and _callers_before(text, p.start, reach=6, plural=True, since=clause.start):
        return 0, True  # 我们被困电梯里了 … 一共4个人: the callers, counted by the headcount that follows
    if rules is w.EN and p.kind == "trapped" and _WE_ARE.search(text, max(clause.start, p.start - 24), p.start):
        return 0, True  # "we're stuck in the underpass … me and my two boys in the car": likewise
    if rules is w.EN and p.kind == "trapped" and not text[:p.start].strip(" .!-*#>") and _WHERE_HELD.match(text, p.end):
        # A message that opens on the state, with no subject, and then says where, is the
        # writer's own: one, unless a headcount follows ("stuck in snow…, me and my co-driver").
        # Not a state said of what follows it ("Stuck lift at Block 3", "Trapped miners…").
        return 1, True
    if rules.vehicle.search(before) or rules.person.search(before):
        # 一辆小轿车被困 / kids trapped / vessel lost contact: how many may follow
        # (车上有一家三口, 5 of them, 8 crew); "old people stuck" alone is no figure.
        return 0, True
    # "A worker fell into the river…, still missing": the singular subject of the sentence.
    single = next((c for c in reversed(counts) if not c.used and c.end <= clause.start and c.value), None)
    if single is not None and not w.SENTENCE_END.search(text, single.end, p.start) and (
        single.value == 1 or clause.start - single.end <= rules.window
    ):
        # "Two kids went through the ice, haven't come back up" / 俩学生游泳 没上来: the subject
        # of the clause before, told without punctuation or with a comma.
        single.used = True
        return single.value, single.value == 1
    if _person_just_before(text, clause.start, rules) or rules.bodily.match(text, p.start):
        # 俺爷叫马蜂蜇了 喘不上气: the one named in the clause before; 没气了 / 腿断了 / not
        # breathing: somebody's body, though nobody is named.
        return _same_person_again(text, p, tally)
    return None


_MORE_BEFORE = re.compile(r"[还又另也再]$")
_ALL_WELL = re.compile(r"(?:都|均|全)(?:好好的|没事|安全|平安|无恙|正常)|\b(?:all|everyone|are|were) (?:fine|ok|okay|safe|unhurt)\b")
_ANOTHER_BEFORE = re.compile(r"另(?:外)?(?:还)?有?$")
_ALSO = re.compile(r"也(?:被|都|在|没|出不|下不|上不|困|压|埋|受|伤|晕|倒)")
# One of a group told one by one (两个学生 一个躺地上不动 一个腿流血, two hurt, one unconscious).
_ONE_OF_THEM = re.compile(r"一个|一人|一名|一位|one")
# 人 alone opening a clause, where it is (人在水里扑腾, 人还在里面).
_BARE_PERSON = re.compile(r"\W*人(?:还|已经|已|都|也)?在")
# Words for the dead that name one body: 死者, 遗体, "body recovered".
_A_BODY = re.compile(r"死者|遗体|尸体|(?:男|女|无名)尸|遇难者|dead body|body (?:recovered|of)|body (?:was |has been |had been )?(?:recovered|found|pulled out|retrieved|washed up)")
# Someone being resuscitated is alive to the centre (injured), whatever state is told.
_RESUSCITATING = re.compile(r"\bcpr\b|心肺复苏|正在按|按胸口|按压胸口|做按压|在按压|胸外按压|在拍背|人工呼吸|正在(?:全力)?抢救|抢救中|\bresuscitat")
# …unless it was given up: 心肺复苏30分钟无效，已宣告死亡 / CPR stopped, pronounced dead.
_RESUSCITATION_FAILED = re.compile(
    r"(?:复苏|抢救|按压|除颤)[^，,。]{0,8}(?:无效|未成功|失败)|宣(?:告|布)(?:临床)?死亡|\b(?:pronounced|declared) dead\b|\bcpr (?:stopped|ceased|abandoned)\b"
)
# … and being done now, on somebody (not CPR training): one injured even when nobody is counted.
_RESUSCITATING_NOW = re.compile(
    r"(?:正在|在给|给他|给她|在)(?:做|进行|按|施行|实施)?(?:心肺复苏|人工呼吸|胸外按压)|(?:心肺复苏|胸外按压|人工呼吸)中(?=[，,。！!\s]|$)|正在按|在按胸口|在拍背|"
    r"\b(?:doing|giving|performing|started|starting|began|begun) (?:him |her |them )?cpr\b|\bcpr (?:is )?(?:in progress|underway|ongoing|being (?:done|given|performed))\b|\bresuscitating\b"
)


# States that say nothing of a body already held or hurt: a call for help, no answer.
_NOT_A_SECOND_STATE = re.compile(r"呼救|不应|没动静|没反应|没回应")


def _same_person_again(text: str, p: _Pred, tally: _Tally) -> tuple[int, bool] | None:
    """A state told of nobody new: the one person of the report, if it has one already
    (被砸中头部，当场死亡 — the injured man died: dead now, no longer injured)."""
    kind = p.kind
    if not any(tally.counts.values()):
        return 1, True
    if ({kind, *(k for k, n in tally.counts.items() if n)} == {"injured", "trapped"}
            and sum(tally.counts.values()) == 1 and not _NOT_A_SECOND_STATE.search(text, p.start, p.end)):
        return 1, True  # 司机卡里头了 腿流血: the one pinned is hurt too, and counted in both
    if kind in ("missing", "dead") and tally.counts["trapped"] == 1 and sum(tally.counts.values()) == 1 and not (
            kind == "dead" and _resuscitating(text)):
        # 小孩掉进池塘了 已经看不见了 / 司机压底下 没气了: the one held is now gone from sight, or dead
        tally.counts["trapped"] = 0
        tally.implied.pop("trapped", None)
        return 1, True
    if (kind == "dead" and tally.counts["injured"] == 1 and not tally.counts["dead"]
            and not _resuscitating(text)):
        tally.counts["injured"] = 0
        tally.implied.pop("injured", None)
        return 1, True
    return None


def _person_just_before(text: str, at: int, rules: Rules) -> bool:
    """One person named in the clause(s) just before `at`, in the same sentence: spoken reports
    name the person and then say what is wrong in a clause of its own."""
    start = max(0, at - rules.window)
    # an English word in a Chinese sentence (我同事lunch回来…collapse了) is one word, not five
    # characters: the reach grows by the letters it holds (in English, about twice as far back)
    start = max(0, start - sum(len(m) for m in _LATIN_WORD.findall(text, start, at)))
    before = text[start:at]
    end = None
    for end in w.SENTENCE_END.finditer(before):
        pass
    if end is not None:
        before = before[end.end():]
    return bool(rules.one_person.search(before)) and not rules.group.search(before)


def _upto_enough(text: str, preds: list[_Pred]) -> str:
    """text blanked after the MAX_PREDICATES-th predicate."""
    if len(preds) <= MAX_PREDICATES:
        return text
    end = preds[MAX_PREDICATES - 1].end
    return text[:end] + " " * (len(text) - end)  # same length: offsets stay valid


def zh_casualties(text: str) -> dict[str, int]:
    """Counts in a Chinese report (normalised, lowercased text)."""
    text = corrected(text)  # 伤了3个 刚才说错了 不是3个是2个: 2
    # 重伤 is a part of the injured (5人受伤（2人重伤）), unless set against 轻伤 (2人轻伤1人重伤).
    subset_pred = w.ZH_SUBSET_PRED if "轻伤" not in text else w.ZH_SUBSET_PRED_NOT_SEVERE
    preds = [_Pred(m.start(), m.end(), kind, subset=bool(subset_pred.fullmatch(m.group()) or (
                 m.group() in ("伤情", "伤势") and w.ZH_GRAVE_AFTER.match(text, m.end()))))
             for m in w.ZH_PRED.finditer(text) if (kind := _zh_kind(m, text)) is not None]
    if not preds and not w.ZH_COMPACT.search(text) and not w.ZH_COMPACT_STATE_FIRST.search(text):
        return _being_resuscitated(text, dict.fromkeys(KINDS, 0))
    text = _upto_enough(text, preds)
    preds = preds[:MAX_PREDICATES]
    counts = _zh_counts(text)
    if _LATIN_WORD.search(text):
        # port and factory staff write the people in English and the state in Chinese
        # ("two workers 晕倒", "around 15 kids"): English counts of people count here too
        counts = sorted(counts + [c for c in _en_counts(text) if c.value and not c.someone
                                  and not any(c.start < d.end and d.start < c.end for d in counts)],
                        key=lambda c: c.start)
    result = _extract(text, counts, preds, _clauses(text, w.ZH_CLAUSE_SEP), w.ZH)
    # 一死两伤: counts and predicates in one breath.
    compact: dict[str, int] = {}
    shorthand: list[tuple[int, int]] = []  # spans of 困1 伤2 chains, read state first
    for m in w.ZH_COMPACT_STATE_FIRST.finditer(text):
        start = m.start()
        while m is not None:
            if value := zh_to_int(m["num"]):
                kind = w.COMPACT_STATE_FIRST_KINDS[m["kind"]]
                compact[kind] = compact.get(kind, 0) + value
            end = m.end()
            m = w.ZH_COMPACT_STATE_FIRST_NEXT.match(text, end)
        shorthand.append((start, end))
    for m in w.ZH_COMPACT.finditer(text):
        if any(c.start <= m.start() < c.end for c in counts) or any(a <= m.start() < b for a, b in shorthand):
            continue
        value = zh_to_int(m["num"])
        if value and not w.ZH_NEGATION.search(text[max(0, m.start() - 6):m.start()]):
            kind = w.COMPACT_KINDS[m["kind"]]
            compact[kind] = compact.get(kind, 0) + value
    for kind, value in compact.items():
        result[kind] = max(result[kind], value)
    result = _died_of_injuries(text, result, counts, preds, w.ZH_DIED_LATER)
    return _being_resuscitated(text, _with_trailing_count(text, result, {p.kind for p in preds}))


def _resuscitating(text: str) -> bool:
    return bool(_RESUSCITATING.search(text)) and not _RESUSCITATION_FAILED.search(text)


def _being_resuscitated(text: str, result: dict[str, int]) -> dict[str, int]:
    """One told without breath while people do CPR on them is alive to the centre: injured."""
    if result["dead"] == 1 and not result["injured"] and _resuscitating(text):
        result["dead"], result["injured"] = 0, 1
    elif not any(result.values()) and _RESUSCITATING_NOW.search(text):
        result["injured"] = 1  # 救上来了 正在做心肺复苏: somebody is being brought back
    return result


_ANIMAL_BEFORE = re.compile(
    r"(?<![钓养捕打放喂杀])(?:鸡|鸭|鹅|猪|羊|牛|狗|猫|鱼|兔|牲口|牲畜)(?![者的人民户工倌])(?:都|全|也)?(?:被|叫|让|给)?[^，,。 人他她者]{0,2}$"
)
_CHOKING = re.compile(r"吃|噎|喉咙|嗓子|气管|喘不")
_BITES = re.compile(r"(?:咬|踢|顶)(?:了|伤|倒)$")  # 狗咬了一个快递员: the animal is the one that bit
_NOT_FOUND = frozenset({"找不到", "找不着", "没找到", "没有找到", "没找着", "未找到"})
_CALLERS = {False: re.compile(r"(?:我们|咱们|俺们|我)[^，,。！!？?]*$"),
            True: re.compile(r"(?:我们|咱们|俺们)[^，,。！!？?]*$")}  # (plural: 我院 is no caller)


def _callers_before(text: str, at: int, *, reach: int, plural: bool = False, since: int = 0) -> bool:
    """The sender and company (我们, 我) named at most `reach` characters before `at`, in the same
    clause: 我找半天没找着, 我们被困电梯里了, 我和我同学在虎山镇的山上迷路了."""
    return bool(_CALLERS[plural].search(text, max(since, at - reach - 2), at))
# "Man overboard" is someone in the sea when it is the message's cry ("MAN OVERBOARD –") or
# what the sender reports ("we have a man overboard"), not when it is a drill's or a talk's topic.
_LATIN_WORD = re.compile(r"[a-z]{3,}")
_OVERBOARD_REPORTED = re.compile(r"(?:we have|there is|there's|report of|reports)(?: a)? $")


def _overboard_as_a_cry(text: str, start: int) -> bool:
    return not _LATIN_WORD.search(text, 0, start) or bool(_OVERBOARD_REPORTED.search(text, max(0, start - 16), start))


_EN_ANIMAL_BEFORE = re.compile(
    r"\b(?:dog|dogs|cat|cats|puppy|kitten|cow|cows|horse|horses|sheep|goat|goats|pig|pigs|bird|birds|snake|"
    r"animal|animals)\b(?: is| was| are| were| has been| have been| got| gets)?(?: now| still| all)?\s*$"
)
_EN_OVERBOARD = re.compile(r"\boverboard\b|\bmob\b")
_EN_SIGHTED = re.compile(r"(?<!keep )(?<!keeping )\beyes on\b|\bin sight\b|\bstill visible\b|\b(?:can|we|i) (?:still )?see (?:him|her)\b|\bvisual on\b")
_CAME_UP = re.compile(r"come (?:back )?up|came (?:back )?up")
_EN_CONFINED = re.compile(r"\b(?:pit|tank|well|shaft|sewer|manhole|silo|hold|cellar|vat|hopper|culvert)s?\b")
_WE_ARE = re.compile(r"\bwe(?:'re| are| were| have been|'ve been| got)?(?: all| still| now)?\s+$")
_WE_BEFORE_EN = re.compile(r"\b(?:we|we're|we are|our|us|i'm|i am|i)\b[^.!?,]{0,30}$")
# (a list of kinds closed by 等 before 人次: 接诊中毒患者23人次 is still 23 people poisoned)
_VISITS_AFTER = re.compile(r"[^，,。；;]{0,8}?等(?:[0-9]+|[一二两三四五六七八九十百]+)人次")
_FIELD_LABEL = re.compile(r"(?:情况|人数)?\s*[:：]")


def _zh_kind(m: re.Match[str], text: str) -> str | None:
    """The kind a predicate states, where the place changes it: who has not come up from a
    pit, a well or a tank (仨工人下污水井 都没上来) is down there, trapped, not swept away."""
    kind = m.lastgroup or "injured"
    if m.group() in w.ZH_CUT_OFF and not w.ZH_TIDE.search(text):
        return None  # 他今天回不来了: away, not cut off
    if kind == "missing" and w.ZH_OUT_OF_SIGHT.search(m.group()) and not w.ZH_WATER.search(text):
        return None  # 烟太大 什么都看不见了: the caller's view, not someone gone
    if _FIELD_LABEL.match(text, m.end()):
        return None  # 伤亡：…, 人员伤亡情况：暂无 — the heading of a field in a formatted report, not a state
    if _VISITS_AFTER.match(text, m.end()):
        return None  # 医疗点处置擦伤、中暑等9人次: kinds of visit in a tally, not people hurt now
    if _ANIMAL_BEFORE.search(text, max(0, m.start() - 6), m.start()) and not _BITES.match(m.group()):
        return None  # 把邻居的鸡咬死了 / 羊叫水冲走了: animals, not people
    if (m.group() in _NOT_FOUND and _callers_before(text, m.start(), reach=6)
            and not w.ZH_PERSON_RE.match(text, m.end())):
        return None  # 我找半天没找着 (the form): the caller searched; nobody is missing
    if m.group() == "迷路" and _callers_before(text, m.start(), reach=14):
        return "trapped"  # 我们在大黑山上迷路了 五个人: the callers, lost where they stand
    if m.group() in ("没上来", "没拉上来") and (w.ZH_CONFINED.search(text) or _ON_A_SHOAL.search(text)):
        return "trapped"  # down a well, or out on a shoal with the tide coming in
    if m.group() in ("卡住了", "卡住", "被卡") and _CHOKING.search(text):
        return "injured"  # 吃了花生卡住了: choking on food, not held in a wreck
    if kind == "trapped" and _ON_THE_ROOF.match(m.group()) and _THREATENS_TO_JUMP.search(text):
        return None  # 楼顶上坐着个小伙子 说要跳: threatening to jump, not cut off up there
    if m.group() == "掉下去" and not w.ZH_CONFINED.search(text):
        return None  # fell down a slope or off a bridge: state unknown (a manhole, a pit: trapped)
    return kind


_ON_THE_ROOF = re.compile(r"(?:车顶|房顶|屋顶|楼顶|在(?:房顶|楼顶|屋顶))")
_THREATENS_TO_JUMP = re.compile(r"要跳|就跳|跳楼|跳下去|跳下来|想不开|轻生")
_ON_A_SHOAL = re.compile(r"(?:礁石|礁盘|沙洲|沙坝|滩涂)上")
_SEPARATOR = re.compile(r"[，,。；;\n]")
_HIM_OR_HER = re.compile(r"\b(?:him|her)\b")
_HE_OR_SHE = re.compile(r"\b(?:he|she)\b")
_WHERE_HELD = re.compile(r"\s+(?:in|inside|at|on|under|behind|between|up|down)\b|\s*(?:[!.,]|$)")


_ONE_MORE_DIED = re.compile(r"(?:另有|另外|此外|\banother\b|\bone more\b|\bin addition\b)[^，,。；;.!?]*$")


def _died_of_injuries(text: str, result: dict[str, int], counts: list[_Count], preds: list[_Pred],
                      died_later: re.Pattern[str]) -> dict[str, int]:
    """Those who died after treatment (经抢救无效死亡, died in hospital) were counted among the
    injured first: they are dead now, no longer injured."""
    m = died_later.search(text)
    if m is None:
        return result
    if _ONE_MORE_DIED.search(text, max(0, m.start() - 12), m.start()):
        return result  # 现场共5名伤员，另有1人抢救无效死亡: one more, not one of the injured
    near = next((c for c in counts if c.value and m.start() <= c.start < m.end()), None) or next(
        (c for c in reversed(counts) if c.value and c.end <= m.start() and m.start() - c.end <= 12
         and not _SEPARATOR.search(text, c.end, m.start())), None)  # 经抢救2人死亡 / 1名重伤员经抢救无效死亡
    if not result["dead"] and near is None:
        # 一名工人被砸中，经抢救无效死亡: the one just named (whose count is spent) died
        if result["injured"] == 1 or not any(result.values()):
            result["injured"] = 0
            result["dead"] = 1
        return result
    if not result["dead"] and near is not None and near.value and result["injured"] >= near.value:
        # 1人送医后不治: the count went to 送医 (injured); they died: dead now, no longer injured
        result["injured"] -= near.value
        result["dead"] = near.value
        return result
    if not (result["dead"] and result["injured"]):
        return result
    if not any(p.kind == "injured" and p.end <= m.start() for p in preds):
        return result
    result["injured"] = max(0, result["injured"] - min(near.value if near else 1, result["dead"]))
    return result


def _with_trailing_count(text: str, result: dict[str, int], mentioned: set[str]) -> dict[str, int]:
    """Spoken reports give the number last, in a clause of its own ("老人出不来 有三个",
    "好多孩子肚子疼 吐 得有二十来个"): it is the count of the one kind stated."""
    stated = [kind for kind in KINDS if result[kind]] or sorted(mentioned)
    trailing = w.ZH_TRAILING_COUNT.search(text)
    if trailing is None or len(stated) != 1 or result[stated[0]] > 1:
        return result
    value = {"俩": 2, "仨": 3}[trailing["pair"]] if trailing["pair"] else zh_to_int(trailing["num"])
    if value:
        result[stated[0]] = value
    return result


# The writer introducing themselves by where they come from ("here is volunteer from Korea team"):
# who writes, not who is hurt. Blanked (same length) before the people are counted. (Not "this
# is the driver of the bus, I'm trapped": the writer may well be the one in trouble.)
_EN_INTRODUCTION = fastre.compile(
    r"\b(?:here is|this is|i am|i'm|we are|we're)\s+(?:a |an |the )?(?:[\w-]+\s+){0,2}?[\w-]+(?=\s+from\s)"
)


def en_casualties(text: str) -> dict[str, int]:
    """Counts in an English report (normalised, lowercased text)."""
    if _EN_INTRODUCTION.search(text):
        text = _EN_INTRODUCTION.sub(lambda m: " " * len(m.group()), text)
    preds = []
    for m in w.EN_PRED.finditer(text):
        kind = m.lastgroup or "injured"
        if kind == "missing" and m.group().endswith("lost") and _WE_BEFORE_EN.search(text, max(0, m.start() - 40), m.start()):
            kind = "trapped"  # "our hiking group is lost": the callers, not people nobody can find
        if (m.group().endswith(" overboard") or m.group() == "mob") and not _overboard_as_a_cry(text, m.start()):
            continue  # "what to do if you see a man overboard": a topic, not someone in the sea
        if kind in ("trapped", "missing") and _EN_ANIMAL_BEFORE.search(text, max(0, m.start() - 24), m.start()):
            continue  # "the dog is now locked in the store", "cat stuck up a tree": no person
        if kind == "missing" and _CAME_UP.search(m.group()) and _EN_CONFINED.search(text):
            kind = "trapped"  # "went down in the sewage pit, didn't come up": down there, as 没上来 in a pit
        preds.append(_Pred(m.start(), m.end(), kind, subset=bool(w.EN_SUBSET_PRED.fullmatch(m.group()))))
    if not preds:
        return _being_resuscitated(text, dict.fromkeys(KINDS, 0))
    text = _upto_enough(text, preds)
    preds = preds[:MAX_PREDICATES]
    counts = _en_counts(text)
    result = _extract(text, counts, preds, _clauses(text, w.EN_CLAUSE_SEP), w.EN)
    result = _died_of_injuries(text, result, counts, preds, w.EN_DIED_LATER)
    stated = [kind for kind in KINDS if result[kind]] or sorted({p.kind for p in preds})
    trailing = w.EN_TRAILING_COUNT.search(text) or w.EN_HEDGED_TRAILING.search(text)
    if (len(stated) == 1 and result[stated[0]] <= 1 and trailing
            and any(p.kind == stated[0] and p.end <= trailing.start() for p in preds)):
        # (only after what it counts: "…, 20 passengers, …, driver trapped" is a bus load)
        # "Miners trapped after a roof fall, 4 men" / "…under it, maybe two": the number in a
        # clause of its own.
        if (value := en_to_int(trailing["num"])) is not None:
            result[stated[0]] = value
    if (toll := w.EN_DEATH_TOLL.search(text)) is not None:
        result["dead"] = int(toll["num"])  # "death toll now 2": the current figure
    for total in w.EN_KIND_TOTAL.finditer(text):  # "total injured now 4": the current figure
        kind = total["kind"] or total["kind2"] or total["kind3"]
        result["injured" if kind in ("hurt", "inj") else kind] = int(total["num"] or total["num2"])
    if (result["missing"] == 1 and sum(result.values()) == 1 and (gone := _EN_OVERBOARD.search(text))
            and _EN_SIGHTED.search(text, gone.end())):
        result["missing"], result["trapped"] = 0, 1  # "MOB stbd side, eyes on!": in the water, still seen
    return _being_resuscitated(text, result)
