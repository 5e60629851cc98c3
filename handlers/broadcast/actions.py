"""Button actions of broadcast alerts."""

SEND = "broadcast.send"          # preview → out now, or held until its time
CANCEL = "broadcast.cancel"      # a preview or a scheduled alert
CONFIRM = "broadcast.confirm"    # 收到, pressed in a unit's conversation
REPORT = "broadcast.report"      # the progress message's way to the report
RESEND = "broadcast.resend"      # the report's re-send to units not yet confirmed
CAP_EDIT = "broadcast.cap_edit"  # a draft from an outside CAP warning → the /broadcast line to change
TASK = "broadcast.task"  # a task on a unit's copy: 收到, then 已部署
