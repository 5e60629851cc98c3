"""OASIS CAP 1.2 (Common Alerting Protocol) documents: the model, writing one,
reading and checking one against the official schema shipped beside this file,
and reading what a feed of them lists. No I/O here (bot/cap_feeds.py fetches the
feeds); nothing here knows the bot: handlers turn alerts into broadcasts and back."""
