"""Slack's user-facing strings: the translation catalogue, under `slack.` keys."""
from __future__ import annotations

from core.i18n import Translator

# The forms' labels and errors live in core/locales/<lang>.py like every other string.
SlackTexts = Translator
