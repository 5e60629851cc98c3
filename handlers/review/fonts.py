"""Finding a font that has Chinese, for the charts.

matplotlib's default font has no CJK glyphs: Chinese would come out as empty boxes.
The CJK fonts come from the system (the fonts-noto-cjk package on Debian and Ubuntu,
installed by CI); matplotlib's font cache may predate them, so known files are
added by path too. Without any, charts are still drawn (boxes for Chinese), with one
warning in the log: a chart with boxes beats no answer at all.
"""
from __future__ import annotations

import logging
from functools import cache
from pathlib import Path

log = logging.getLogger(__name__)

# Simplified Chinese first: a Japanese face draws some hanzi differently.
FAMILIES = (
    "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Source Han Sans CN", "Noto Serif CJK SC",
    "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "Droid Sans Fallback", "AR PL UMing CN", "SimHei",
    "Microsoft YaHei", "PingFang SC", "Heiti SC", "Noto Sans CJK JP", "Noto Sans CJK TC",
)
FILES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/System/Library/Fonts/PingFang.ttc",
    "C:/Windows/Fonts/msyh.ttc",
    "C:/Windows/Fonts/simhei.ttf",
)


@cache
def cjk_family() -> str | None:
    """The family name of a CJK font matplotlib can use, or None (logged once)."""
    from matplotlib import font_manager

    def known() -> str | None:
        names = {entry.name for entry in font_manager.fontManager.ttflist}
        return next((family for family in FAMILIES if family in names), None)

    if (found := known()) is not None:
        return found
    for path in FILES:
        if Path(path).is_file():
            try:
                font_manager.fontManager.addfont(path)
            except Exception as exc:  # a damaged or unreadable file: try the next
                log.debug("cannot use font %s: %s", path, exc)
    if (found := known()) is not None:
        return found
    # Any other face that says it is CJK (a distribution's own naming).
    for entry in font_manager.fontManager.ttflist:
        if "CJK" in entry.name or "Han Sans" in entry.name or "Hei" in entry.name:
            return entry.name
    log.warning("no CJK font found (install fonts-noto-cjk): Chinese in charts will show as boxes")
    return None


def rc() -> dict[str, object]:
    """matplotlib settings for the charts: the CJK font first, DejaVu for the rest."""
    family = cjk_family()
    return {
        "font.family": "sans-serif",
        "font.sans-serif": ([family] if family else []) + ["DejaVu Sans"],
        "axes.unicode_minus": False,  # the CJK fonts lack U+2212; a hyphen-minus reads the same
    }
