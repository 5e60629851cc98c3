"""A second opinion on where: a character-level CRF (python-crfsuite), trained on the
corpus's train split (`bench/train_place_model.py`), asked only when the rules
registered a report and found no place in it.

The rules find a place by the words they know (路, 镇, 小区, at / near …) and by where
a clause starts; a place told in a way they were not written for (养殖池塘边上, 我镇北部
海岸, a Chinese town beside English words) leaves the report placeless. Out of fold on
the train split this model named the right place in 11 of the 15 reports the rules
wrongly left placeless, and in none of the 21 that really name no place
(bench/corpus/README.md, "A sequence model for the place"). It never replaces a place
the rules found, and what it finds is marked unsure: the card shows it as a guess (❓)
and the reporter's receipt asks whether that is the place.

The model (`place_model.crfsuite`, beside this file, about 1.0 MB) is loaded once, when
the parser is imported; no download.
"""
from __future__ import annotations

import re
import threading
from pathlib import Path

import pycrfsuite

from handlers.intake import places  # the rules' place vocabulary (not their output)

MODEL_FILE = Path(__file__).with_name("place_model.crfsuite")
# A character more likely than this to be inside a place (by the CRF's marginals)
# belongs to the place; chosen by 5-fold cross-validation inside the train split.
INSIDE_ABOVE = 0.2

# Last characters of Chinese place names, from places.py's marker vocabulary.
_SUFFIX = frozenset("省市县区镇乡村街路巷弄桥港湾岛河江湖山厂站店场矿井园峡谷沟坪苑府滩堡铺岭峰崖楼馆室库庄屯寨坝堤口段处侧麓坡头队组院司校所")
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")
_EN_PREPS = frozenset("at near on in of off outside inside behind beside along by".split())


def _class(c: str) -> str:
    if "\u3400" <= c <= "\u9fff":
        return "h"
    if c.isascii() and c.isalpha():
        return "L" if c.isupper() else "l"
    if c.isdigit():
        return "d"
    return "s" if c.isspace() else "p"


def features(text: str) -> list[list[str]]:
    """Feature strings for each character of normalised text (as long as the raw text)."""
    low = text.lower()
    n = len(low)
    pad = ["^2", "^1", *low, "$1", "$2"]
    classes = ["^", "^", *(_class(c) for c in text), "$", "$"]
    marker = [0] * (n + 1)
    for m in places.ZH_MARKERS.finditer(text):
        for j in range(m.start(), m.end()):
            marker[j] = 1 if j < m.end() - 1 else 2
    word, prev_word, first = [""] * n, [""] * n, [0] * n
    last = ""
    for m in _LATIN_WORD.finditer(text):
        w = m.group().lower()
        for j in range(m.start(), m.end()):
            word[j], prev_word[j], first[j] = w, last, m.start()
        last = w
    out = []
    for i in range(n):
        k = i + 2
        c = pad[k]
        f = [
            "b", "c=" + c, "c-1=" + pad[k - 1], "c+1=" + pad[k + 1], "c-2=" + pad[k - 2], "c+2=" + pad[k + 2],
            "c-1c=" + pad[k - 1] + c, "cc+1=" + c + pad[k + 1], "c-2c-1=" + pad[k - 2] + pad[k - 1],
            "c+1c+2=" + pad[k + 1] + pad[k + 2],
            "k=" + classes[k], "k-1k=" + classes[k - 1] + classes[k], "kk+1=" + classes[k] + classes[k + 1],
            "pos=" + str(min(i, 8)), "m=" + str(marker[i]), "m+1=" + str(marker[i + 1]),
        ]
        if c in _SUFFIX:
            f.append("suf")
        if i + 1 < n and low[i + 1] in _SUFFIX:
            f.append("suf+1")
        if word[i]:
            w = word[i]
            f += ["w=" + w, "pw=" + prev_word[i], "wp=" + ("B" if first[i] == i else "I"),
                  "wcap=" + str(text[first[i]].isupper())]
            if w in places.EN_PLACE_NOUNS:
                f.append("wnoun")
            if prev_word[i] in _EN_PREPS:
                f.append("wafterprep")
        out.append(f)
    return out


def _open() -> pycrfsuite.Tagger:
    tagger = pycrfsuite.Tagger()
    tagger.open(str(MODEL_FILE))
    return tagger


_TAGGER = _open()  # once, when the parser is imported
_LOCK = threading.Lock()  # a Tagger holds the sequence it was last given


def place_span(text: str) -> tuple[int, int] | None:
    """(start, end) of the place in normalised text, or None: the run of characters
    around the one most likely to be inside a place, while each is likelier than
    INSIDE_ABOVE to be."""
    if not text.strip():
        return None
    items = features(text)
    with _LOCK:
        _TAGGER.set(items)
        inside = [1.0 - _TAGGER.marginal("O", j) for j in range(len(text))]
    return run_around_peak(inside, INSIDE_ABOVE)


def run_around_peak(inside: list[float], bar: float) -> tuple[int, int] | None:
    """(start, end) of the run of positions around the likeliest one while each is above
    bar, or None when none is."""
    peak = max(range(len(inside)), key=inside.__getitem__)
    if inside[peak] <= bar:
        return None
    start = end = peak
    while start > 0 and inside[start - 1] > bar:
        start -= 1
    while end + 1 < len(inside) and inside[end + 1] > bar:
        end += 1
    return start, end + 1
