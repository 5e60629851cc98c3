"""OASIS CAP 1.2 (Common Alerting Protocol) documents: the model, writing one,
reading and checking one against the official schema shipped beside this file,
and polling feeds of them. Nothing here knows the bot: handlers turn alerts into
broadcasts and back."""
