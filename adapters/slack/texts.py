"""Slack's user-facing strings: the translation catalogue, under `slack.` keys."""
from __future__ import annotations

from core.i18n import Translator

# The report form's labels, errors and the text it composes for the intake parser
# live in core/locales/<lang>.py like every other string.
SlackTexts = Translator
