"""The web board (一张图): a read-only channel beside the chat platforms.

The command centre's big screen: every open incident, its units and their silence,
alerts and their confirmations, the roll-call, who is on duty, a map; live within a
second of a change in chat. Like a platform adapter it reads storage and config and
never the handlers; bot/app.py wires its routes onto the bot's HTTP server.
"""
