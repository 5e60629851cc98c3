"""Button actions of dispatch, shared with the incident card that offers them."""

DISPATCH = "dispatch.open"      # card → draft
TOGGLE = "dispatch.toggle"      # draft: add or remove a unit
SEND = "dispatch.send"          # draft → orders
CANCEL = "dispatch.cancel"
PRESS = "order.press"           # a unit's answer: acknowledged, en_route, on_scene, declined
APPROVE = "order.approve"
REJECT = "order.reject"
