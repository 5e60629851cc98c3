"""Button actions of roll-calls."""

ANSWER = "rollcall.answer"            # 到 / 不在岗, pressed in a unit's conversation
CANCEL_SCHEDULE = "rollcall.cancel"   # /rollcalls: cancel a temporary schedule
