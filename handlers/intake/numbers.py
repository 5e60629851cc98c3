"""Numbers as hurried reporters write them: 3, 三, 两, 十余, 二十多, 一百二十, twenty-one.

Private helper of the intake parser. Pure functions, no regex state.
"""
from __future__ import annotations

ZH_DIGITS: dict[str, int] = {
    "零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "俩": 2, "三": 3, "四": 4,
    "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
}
ZH_UNITS: dict[str, int] = {"十": 10, "百": 100, "千": 1000, "万": 10000}
# Character class for regexes that look for a Chinese or Arabic number.

EN_NUMBERS: dict[str, int] = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40,
    "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
    "hundred": 100, "a hundred": 100, "a dozen": 12, "dozen": 12,
    "a couple": 2, "a couple of": 2, "couple of": 2, "both": 2,
}
# Quantities that say "some people" without saying how many: not a count.
EN_VAGUE = frozenset({"several", "many", "a few", "few", "dozens", "dozens of", "some", "multiple", "numerous"})


def zh_to_int(text: str) -> int | None:
    """Value of a Chinese/Arabic numeral ("十二", "两", "二十", "一百零五", "12").

    Returns None for anything that is not a well-formed number. Digit runs
    without units ("二〇二一") read positionally, as people write years.
    """
    if not text:
        return None
    if text.isascii():
        return int(text) if text.isdigit() else None
    # 七八 / 五六 / 两三: a spoken range, read at its lower end (not 78).
    if len(text) == 2 and all(ch in ZH_DIGITS for ch in text) and ZH_DIGITS[text[1]] == ZH_DIGITS[text[0]] + 1:
        return ZH_DIGITS[text[0]]
    total = 0          # completed 万 sections
    section = 0        # value below 万
    digit: int | None = None
    unit = 0           # the last unit read, and the digits written since it
    since_unit = ""
    for ch in text:
        if ch in ZH_DIGITS:
            d = ZH_DIGITS[ch]
            digit = d if digit is None else digit * 10 + d
            since_unit += ch
        elif ch in ZH_UNITS:
            unit = ZH_UNITS[ch]
            if unit == 10000:
                total += (section + (digit or 0)) * unit
                section = 0
            else:
                section += (1 if digit is None else digit) * unit
            digit = None
            since_unit = ""
        elif "0" <= ch <= "9":
            digit = (digit or 0) * 10 + (ord(ch) - 48)
            since_unit += ch
        else:
            return None
    if unit >= 100 and len(since_unit) == 1 and digit:
        # 一百二 / 三千五 / 一万二: one digit after 百, 千 or 万 is the next place down,
        # as people say them (120, 3500, 12000); 一百零二 keeps its 零 and is 102.
        digit *= unit // 10
    return total + section + (digit or 0)


def en_to_int(text: str) -> int | None:
    """Value of an English count ("3", "three", "twenty-one", "a dozen"); None if vague/unknown."""
    word = " ".join(text.lower().split())
    if word.isdigit():
        return int(word)
    if word in EN_NUMBERS:
        return EN_NUMBERS[word]
    if "-" in word:  # twenty-one; twenty-odd / thirty-something: at their lower end
        tens, _, unit = word.partition("-")
        if tens in EN_NUMBERS and unit in ("odd", "something", "plus", "ish"):
            return EN_NUMBERS[tens]
        if tens in EN_NUMBERS and unit in EN_NUMBERS and EN_NUMBERS[unit] < 10:
            return EN_NUMBERS[tens] + EN_NUMBERS[unit]
    return None
