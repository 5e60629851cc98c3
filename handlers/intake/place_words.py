"""A place named by a word of jieba's dictionary, for a report the rules found no place in.

Private helper of the intake parser (issue #13). The rules in places.py find a place
by its shape (a clause that opens with it, a marker such as 镇/路/小区, 在 before it);
a bare name with no marker in a run-on message (震中在临沂附近, 路过小石岛那个大桥)
has no shape to find. jieba's bundled dictionary tags about 17,700 words as place
names (ns); the message is cut into words as jieba cuts it (dictionary only, no HMM:
the HMM adds nothing here and costs its tables) and the first place-name word is
taken. Asked only when a report has no place at all, so it never overrules a rule.

The dictionary is read once (`load()`, about 0.8 s, about 120 MB), straight from the
file in the wheel: jieba's own start-up would read and write a cache file in /tmp (a
marshal file anyone could have put there), so it is not used.
"""
from __future__ import annotations

import threading

import jieba

_lock = threading.Lock()
_tokenizer: jieba.Tokenizer | None = None
_PLACE_NAMES: frozenset[str] = frozenset()


def load() -> None:
    """Read jieba's dictionary (once; later calls return at once)."""
    global _tokenizer, _PLACE_NAMES
    if _tokenizer is not None:
        return
    with _lock:
        if _tokenizer is not None:
            return
        tokenizer = jieba.Tokenizer()
        freq: dict[str, int] = {}
        total = 0
        places = set()
        with tokenizer.get_dict_file() as lines:  # the same prefix dictionary as Tokenizer.gen_pfdict
            for raw in lines:
                word, count, *tag = raw.decode("utf-8").split()
                freq[word] = int(count)
                total += int(count)
                if tag == ["ns"]:
                    places.add(word)
                for end in range(1, len(word)):
                    freq.setdefault(word[:end], 0)
        tokenizer.FREQ, tokenizer.total, tokenizer.initialized = freq, total, True
        _PLACE_NAMES = frozenset(places)
        _tokenizer = tokenizer


def first_place(text: str) -> tuple[int, int] | None:
    """(start, end) of the first word of text that jieba's dictionary names a place, or None."""
    load()
    assert _tokenizer is not None
    at = 0
    for word in _tokenizer.cut(text, HMM=False):
        if word in _PLACE_NAMES:
            return at, at + len(word)
        at += len(word)
    return None
