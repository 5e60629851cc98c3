"""How a Chinese message names a fishing boat without saying 船.

Shared by the hazard words (a boat taking on water is a rescue at sea) and the place
reader (a boat's registration is the subject of 在…, not a place): both must know the
same spelling, or a boat read as one by one reader is missed by the other.
"""
from __future__ import annotations

# 鲁荣渔58327, 浙岱渔运00123: the province and port letters before it vary, the 渔 and its
# number do not. At most six digits: a longer run is a phone or a position, not a hull.
ZH_REGISTRATION = r"渔(?:运)?[0-9]{3,6}"
