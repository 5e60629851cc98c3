"""Traditional characters and written Cantonese, folded to the simplified Mandarin the
rules and the models read.

Visitors from Hong Kong, Macau and Taiwan, and some older people, type traditional
characters (車禍, 受傷, 火燭); Cantonese speakers write their own words (俾車撞咗 for
被车撞了, 揾唔到人 for 找不到人). The word lists know simplified Mandarin only, so on the
tenth round's Cantonese lines the parser found one report in two. Folding is one
character for one character, so every offset into the folded text is an offset into
what was sent (the place is cut from the original).

The traditional → simplified table is OpenCC's t2s conversion, character by character,
built once at import (about 12 ms); the Cantonese table is ours: only characters
Mandarin writing does not use in these senses.
"""
from __future__ import annotations

import re

import opencc

_HAN = "".join(chr(c) for c in range(0x3400, 0xA000))  # extension A and the unified block

# Written Cantonese particles and verbs → their Mandarin (咗 了, 喺 在, 冇 没, 唔 不, 俾 被 …).
_CANTONESE = {"咗": "了", "喺": "在", "冇": "没", "唔": "不", "佢": "他", "嘅": "的", "睇": "看", "揾": "找",
              "搵": "找", "啲": "些", "嚟": "来", "俾": "被", "畀": "被", "嗰": "那", "咁": "这", "乜": "什",
              "哋": "们"}
# …and words, after the characters are simplified, each for a Mandarin word of its length:
# fire, flooding, fainting, taking in water, a fight, a hacking, yesterday, just now, now, luckily.
_CANTONESE_WORDS = {"火烛": "火灾", "水浸": "水淹", "晕低": "晕倒", "入紧水": "在进水", "打交": "打架", "斩了": "砍了",
                    "琴日": "昨天", "寻日": "昨天", "头先": "刚才", "而家": "现在", "好彩": "幸好", "细路": "小孩",
                    "企不起身": "站不起来", "捞返上来": "捞了上来", "船反了": "船翻了", "车反了": "车翻了"}
_WORD = re.compile("|".join(sorted(_CANTONESE_WORDS, key=len, reverse=True)))


def _simplified_by_character() -> dict[int, str]:
    converted = opencc.OpenCC("t2s").convert("\n".join(_HAN)).split("\n")
    return {ord(t): s for t, s in zip(_HAN, converted) if s != t and len(s) == 1}


FOLD: dict[int, str] = {**_simplified_by_character(), **{ord(k): v for k, v in _CANTONESE.items()}}
# Most messages hold no character to fold; finding that out in one scan is cheaper than
# translate's lookup of every character.
_FOLDABLE = re.compile("[" + "".join(map(chr, sorted(FOLD))) + "]")


def fold(text: str) -> str:
    """text in simplified Mandarin characters and words, the same length."""
    if _FOLDABLE.search(text):
        text = text.translate(FOLD)
    return _WORD.sub(lambda m: _CANTONESE_WORDS[m.group()], text) if _WORD.search(text) else text
