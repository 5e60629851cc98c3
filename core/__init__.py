"""The neutral model at the bottom of the house: events, messages, texts and clocks.

Nothing here imports another part of the project; everything else may import it.
"""
