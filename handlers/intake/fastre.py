"""Compile big word-list regexes so that searching them is cheap.

Python's `re` tries every alternative at every position of the text. A pattern
such as "起火|着火|失火|…" (hundreds of words) is about eight times faster to
search when it starts with a lookahead on the set of characters any alternative
can start with: positions that cannot start a match are skipped at once.

The lookahead class is read under the same flags, so IGNORECASE covers both
cases. English word lists gain little from it (most letters start some word), but
when every alternative opens on `\\b` the pattern is given a leading `\\b` as well:
only the starts of words are tried, which makes them two to three times faster. The
alternatives then lose their own opening `\\b`, so that each opens on a letter: sre
passes over an alternative whose first letter is not the text's at once, and tries
in full every one that opens on anything else.

`compile()` works that set out for the shapes our word lists use (literals,
`\\b`, lookbehinds, `[classes]`, groups, escapes such as `\\d`); for anything
else it leaves the pattern as it is, so it is always correct, only sometimes
not faster.
"""
from __future__ import annotations

import re

_SPECIAL = set("\\[(.^$*+?{|)")
_CLASS_ESCAPES = {"d": r"\d", "w": r"\w", "s": r"\s", "W": r"\W", "D": r"\D", "S": r"\S"}


class _Unknown(Exception):
    """The first characters of a pattern could not be worked out."""


def _split_top(pattern: str) -> list[str]:
    """Top-level alternatives of a pattern."""
    parts, depth, start, i = [], 0, 0, 0
    in_class = False
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if in_class:
            if c == "]":
                in_class = False
        elif c == "[":
            in_class = True
            if pattern[i + 1:i + 2] == "]" or pattern[i + 1:i + 3] == "^]":
                i += 2 if pattern[i + 1] == "]" else 3
                continue
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "|" and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
        i += 1
    parts.append(pattern[start:])
    return parts


def _group_end(pattern: str, i: int) -> int:
    """Index just past the group opening at pattern[i] == '('."""
    depth, in_class = 0, False
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    raise _Unknown


def _class_end(pattern: str, i: int) -> int:
    j = i + 1
    if pattern[j:j + 1] == "^":
        raise _Unknown  # negated classes start almost anywhere
    if pattern[j:j + 1] == "]":
        j += 1
    while j < len(pattern):
        if pattern[j] == "\\":
            j += 2
            continue
        if pattern[j] == "]":
            return j + 1
        j += 1
    raise _Unknown


def _group_body(inner: str) -> str:
    """A group's alternatives without its (?: or (?P<name> opening; _Unknown for other (?… kinds."""
    if inner.startswith("?:"):
        return inner[2:]
    if inner.startswith("?P<"):
        return inner[inner.index(">") + 1:]
    if inner.startswith("?"):
        raise _Unknown
    return inner


def _optional_after(pattern: str, j: int) -> bool:
    return pattern[j:j + 1] in ("?", "*") or pattern[j:j + 2] == "{0"


def _past_quantifier(pattern: str, j: int) -> int:
    """Index just past the quantifier at pattern[j] (?, *, {0,3}) and its lazy ?: what follows
    can start a match too. (Skipping one character only read {0,3}'s 0 as a first character.)"""
    end = pattern.index("}", j) + 1 if pattern[j] == "{" else j + 1
    return end + 1 if pattern[end:end + 1] == "?" else end


def _firsts(pattern: str) -> str:
    """Class text (without brackets) of the characters a match of pattern can start with."""
    out = []
    for alt in _split_top(pattern):
        out.append(_firsts_seq(alt))
    return "".join(out)


def _firsts_seq(seq: str) -> str:
    i = 0
    while i < len(seq):
        c = seq[i]
        if seq.startswith("\\b", i) or seq.startswith("\\B", i):
            i += 2
            continue
        if seq.startswith("(?<", i) and seq[i + 3:i + 4] in ("!", "="):
            i = _group_end(seq, i)  # lookbehinds consume nothing
            continue
        if seq.startswith("(?!", i) or seq.startswith("(?=", i):
            i = _group_end(seq, i)
            continue
        if c == "(":
            end = _group_end(seq, i)
            first = _firsts(_group_body(seq[i + 1:end - 1]))
            if _optional_after(seq, end):
                return first + _firsts_seq(seq[_past_quantifier(seq, end):])
            return first
        if c == "[":
            end = _class_end(seq, i)
            first = seq[i + 1:end - 1]
            if _optional_after(seq, end):
                return first + _firsts_seq(seq[_past_quantifier(seq, end):])
            return first
        if c == "\\":
            esc = seq[i + 1:i + 2]
            if esc in _CLASS_ESCAPES:
                first = _CLASS_ESCAPES[esc]
            elif esc.isalnum():
                raise _Unknown
            else:
                first = "\\" + esc
            if _optional_after(seq, i + 2):
                return first + _firsts_seq(seq[_past_quantifier(seq, i + 2):])
            return first
        if c in _SPECIAL or c in "^$":
            raise _Unknown
        first = "\\" + c if c in "]-^" else c
        if _optional_after(seq, i + 1):
            return first + _firsts_seq(seq[_past_quantifier(seq, i + 1):])
        return first
    raise _Unknown  # an alternative that can match the empty string


def _opens_on_boundary(pattern: str) -> bool:
    """Whether every alternative of pattern starts with \\b, so no match can begin inside a word."""
    return all(_seq_opens_on_boundary(alt) for alt in _split_top(pattern))


def _seq_opens_on_boundary(seq: str) -> bool:
    i = 0
    while i < len(seq):
        if seq.startswith("\\b", i):
            return True
        if seq.startswith(("(?<!", "(?<=", "(?!", "(?="), i):
            i = _group_end(seq, i)  # zero-width: the \\b may follow
            continue
        if seq[i] != "(":
            return False
        end = _group_end(seq, i)
        if _optional_after(seq, end):
            return False
        try:
            return _opens_on_boundary(_group_body(seq[i + 1:end - 1]))
        except _Unknown:
            return False
    return False


def _flat_alternatives(pattern: str) -> list[str]:
    """Top-level alternatives, with those that are a whole (?:…) group spliced in: the same
    alternatives tried in the same order, so the same first match."""
    out = []
    for alt in _split_top(pattern):
        if alt.startswith("(?:") and _group_end(alt, 0) == len(alt):
            out.extend(_flat_alternatives(alt[3:-1]))
        else:
            out.append(alt)
    return out


def _without_opening_boundary(pattern: str) -> str:
    """pattern, flattened, with each alternative's opening \\b dropped: for use behind a \\b
    of its own. sre skips an alternative at once when its first character differs from the
    text's, but only when it opens on a literal; behind a \\b it tries every one."""
    return "|".join(alt[2:] if alt.startswith("\\b") else alt for alt in _flat_alternatives(pattern))


_WRITTEN_AS: dict[re.Pattern[str], str] = {}


def written_as(compiled: re.Pattern[str]) -> str:
    """The pattern as it was given to compile() (the tests compare the two)."""
    return _WRITTEN_AS.get(compiled, compiled.pattern)


def compile(pattern: str, flags: int = 0) -> re.Pattern[str]:  # noqa: A001 - mirrors re.compile
    """re.compile(pattern, flags), with a first-character lookahead when one can be worked out."""
    compiled = _faster(pattern, flags)
    _WRITTEN_AS[compiled] = pattern
    return compiled


def _faster(pattern: str, flags: int) -> re.Pattern[str]:
    try:
        firsts = _firsts(pattern)
        boundary = "\\b" if _opens_on_boundary(pattern) else ""
        body = _without_opening_boundary(pattern) if boundary else pattern
    except (_Unknown, IndexError, ValueError):
        return re.compile(pattern, flags)
    try:
        return re.compile(f"{boundary}(?=[{firsts}])(?:{body})", flags)
    except re.error:
        return re.compile(pattern, flags)


def spans_between(separator: re.Pattern[str], text: str) -> list[tuple[int, int]]:
    """Non-empty stretches of text between matches of separator (which may be zero-width).

    Finding the few separators is much cheaper than matching every character of
    every clause with a "(?:[^…]|…)+" pattern.
    """
    spans = []
    start = 0
    for m in separator.finditer(text):
        if m.start() > start:
            spans.append((start, m.start()))
        start = max(start, m.end())
    if len(text) > start:
        spans.append((start, len(text)))
    return spans
