"""Button actions of dispatch, shared with the incident card that offers them."""

DISPATCH = "dispatch.open"      # card → draft
TOGGLE = "dispatch.toggle"      # draft: add or remove a unit
SEND = "dispatch.send"          # draft → orders
CANCEL = "dispatch.cancel"
PRESS = "order.press"           # a unit's answer: acknowledged, en_route, on_scene, declined
APPROVE = "order.approve"
TAKE_COMMAND = "board.take_command"  # the board's 现场指挥: as /commander ID
LEVEL_MENU = "board.level_menu"  # the board's 响应级别: offers the levels as buttons
LEVEL_SET = "board.level_set"    # one of those: as /level ID N
REJECT = "order.reject"
SUPPORT_ASK = "order.support"          # an order's 请求支援: asks the unit on scene what it needs
SUPPORT_DISPATCH = "support.dispatch"  # a request within the region: the centre's pre-filled draft
SUPPORT_APPROVE = "support.approve"    # a request across regions: the upper centre decides
SUPPORT_REJECT = "support.reject"
