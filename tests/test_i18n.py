"""Both catalogues say the same things with the same placeholders."""
from __future__ import annotations

import string

import pytest

from core.i18n import LANGUAGES, Translator, catalogue
from config.schema import INCIDENT_TYPES


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_catalogues_have_the_same_keys_and_placeholders() -> None:
    zh, en = catalogue("zh"), catalogue("en")
    assert zh.keys() == en.keys()
    for key in zh:
        assert _placeholders(zh[key]) == _placeholders(en[key]), key


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_incident_type_has_a_name(language: str) -> None:
    t = Translator(language)
    assert all(t.has(f"type.{kind}") for kind in INCIDENT_TYPES)


def test_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError):
        Translator("fr")


@pytest.mark.parametrize("language", LANGUAGES)
def test_strings_without_placeholders_read_as_str_format_reads_them(language: str) -> None:
    """The translator hands strings with no placeholder back without formatting them:
    the same text str.format gives, with or without (ignored) parameters."""
    t, messages = Translator(language), catalogue(language)
    for key, text in messages.items():
        if not _placeholders(text):
            assert t(key) == text.format() == t(key, unused=1), key
    with pytest.raises(KeyError):
        t("no.such.key")
