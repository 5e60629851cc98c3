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

    def __call__(self, key: str, **params: Any) -> str:
        template = self._messages[key]
        # Most texts have no placeholder and are returned as they are, unparsed; a brace
        # means a placeholder (or an escaped brace), and those are formatted.
        return template.format(**params) if "{" in template or "}" in template else template

    def has(self, key: str) -> bool:
        return key in self._messages
