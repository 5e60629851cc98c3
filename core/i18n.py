"""The translation layer: every user-facing string comes from a catalogue.

Catalogues are plain dicts (core/locales/<lang>.py) keyed by dotted names;
placeholders use str.format. Chinese is the default language.
"""
from __future__ import annotations

from importlib import import_module
from typing import Any

LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"


def catalogue(language: str) -> dict[str, str]:
    if language not in LANGUAGES:
        raise ValueError(f"unsupported language {language!r}")
    return import_module(f"core.locales.{language}").MESSAGES


class Translator:
    def __init__(self, language: str = DEFAULT_LANGUAGE):
        self.language = language
        self._messages = catalogue(language)
        # Strings without a placeholder or an escaped brace: str.format would return them
        # unchanged, and a report's receipt, card and notice ask for dozens of them.
        self._plain = {key: text for key, text in self._messages.items() if "{" not in text and "}" not in text}

    def __call__(self, key: str, **params: Any) -> str:
        plain = self._plain.get(key)
        if plain is not None:
            return plain
        return self._messages[key].format(**params)

    def has(self, key: str) -> bool:
        return key in self._messages
