"""Do two reports name the same place? Do two pins lie within reach?

Pure functions for duplicate linking. Place names come from hurried reports, so
they are compared after normalising away what varies between reporters of one
scene: 的, 在/位于 in front, 附近/门口/一带 behind, punctuation, spacing, case,
English articles and prepositions, Rd/Road. What is left must be equal, one must
contain the other (at least three characters of it), or the two must be nearly
the same string. Numbers are never fuzzy: 3号楼 and 5号楼 are different places.
"""
from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from difflib import SequenceMatcher
from functools import lru_cache

SIMILAR = 0.85  # SequenceMatcher ratio for "nearly the same"; 东港区化工厂/西港区化工厂 is 0.83
MIN_CONTAINED = 3  # characters of the shorter name that must appear in the longer
MIN_CONTAINED_LATIN = 6  # "road" alone must not match every road
EARTH_RADIUS_KM = 6371.0088

_ZH_LEADING = re.compile(r"^(?:另外|还有|就在|位于|靠近|地点|位置|在)+")
_ZH_TRAILING = re.compile(
    r"(?:附近|旁边|门口|一带|周边|周围|这边|那边|这里|那里|现场|里面|外面|处|内|里|边|旁|外)+$"
)
_ZH_FILLER = re.compile(r"的")
_EN_WORD = re.compile(r"[a-z]+|\d+")
_EN_STOP = frozenset({
    "the", "a", "an", "at", "on", "in", "of", "near", "by", "next", "to", "outside", "inside",
    "behind", "opposite", "around", "beside", "area", "site", "from", "and",
})
_EN_ABBREVIATIONS = {
    "rd": "road", "st": "street", "ave": "avenue", "av": "avenue", "bldg": "building", "blvd": "boulevard",
    "hwy": "highway", "no": "", "nr": "", "chem": "chemical",
}
_CJK = re.compile(r"[\u3400-\u9fff]")
_DIGITS = re.compile(r"\d+")
_NOT_WORD = re.compile(r"[^\w]+")


def normalise_place(name: str | None) -> str:
    """A comparable form of a place name ("" when nothing is left)."""
    if not name:
        return ""
    text = unicodedata.normalize("NFKC", name).lower()
    if _CJK.search(text):
        text = _NOT_WORD.sub("", text).replace("_", "")
        text = _ZH_FILLER.sub("", text)
        text = _ZH_LEADING.sub("", text)
        text = _ZH_TRAILING.sub("", text) or text
        return text
    words = [_EN_ABBREVIATIONS.get(w, w) for w in _EN_WORD.findall(text)]
    return " ".join(w for w in words if w and w not in _EN_STOP)


@lru_cache(maxsize=8192)
def _key(name: str) -> tuple[str, frozenset[str], bool, tuple[str, ...]]:
    """Normalised name, its numbers, whether it is all Latin, its sorted words (cached:
    every report is compared with every open incident of its type)."""
    normal = normalise_place(name)
    latin = not _CJK.search(normal)
    words = tuple(sorted(normal.split())) if latin else ()
    return (normal.replace(" ", "") if latin else normal), frozenset(_DIGITS.findall(normal)), latin, words


def same_place(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return False
    left, numbers_left, latin_left, words_left = _key(a)
    right, numbers_right, latin_right, words_right = _key(b)
    if not left or not right:
        return False
    if left == right:
        return True
    if numbers_left and numbers_right and numbers_left != numbers_right:
        return False
    latin = latin_left and latin_right
    if latin and words_left == words_right:
        return True
    shorter, longer = sorted((left, right), key=len)
    if len(shorter) >= (MIN_CONTAINED_LATIN if latin else MIN_CONTAINED) and shorter in longer:
        return True
    # Cheap upper bounds of the ratio first (SequenceMatcher's real_quick_ratio and
    # quick_ratio, without building its index of `right`, which cost more than the rest
    # of duplicate linking): most pairs of places differ in length or share few characters.
    total = len(left) + len(right)
    if 2 * len(shorter) < SIMILAR * total:
        return False
    if 2 * sum((_characters(left) & _characters(right)).values()) < SIMILAR * total:
        return False
    return SequenceMatcher(None, left, right, autojunk=False).ratio() >= SIMILAR


@lru_cache(maxsize=8192)
def _characters(normal: str) -> Counter[str]:
    return Counter(normal)


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine): plenty for "within about a kilometre"."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlam = phi2 - phi1, math.radians(lon2 - lon1)
    h = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlam / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))
