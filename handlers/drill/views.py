"""What a drill says: the announcement, the injects, /drills, and the evaluation's text."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from core.i18n import Translator
from config.organisation import Organisation
from handlers.drill.evaluation import CENTRE, MET, MISSED, NOT_REACHED
from storage.models import DrillRun


def hhmm(at: datetime, org: Organisation) -> str:
    return at.astimezone(org.timezone).strftime("%H:%M")


def took(t: Translator, seconds: int) -> str:
    minutes, seconds = divmod(max(0, seconds), 60)
    return t("drill.took", minutes=minutes, seconds=seconds) if seconds else t("drill.took_minutes", minutes=minutes)


def who(t: Translator, unit: str) -> str:
    if unit == CENTRE:
        return t("drill.who.centre")
    if unit in ("each", "first"):
        return t(f"drill.who.{unit}")
    return unit


def evaluation_text(t: Translator, org: Organisation, run: DrillRun, evaluation: dict[str, Any]) -> str:
    """The centre's evaluation message: the targets one by one, scores, slower than target, comparison."""
    lines = [t("drill.eval.title", mark=t("drill.mark"), title=run.title, id=run.id),
             t("drill.eval.when", start=hhmm(run.started_at, org),
               end=hhmm(run.ended_at or run.started_at, org), status=t(f"drill.status.{run.status}"))]
    if run.status == "stopped":
        lines.append(t("drill.eval.stopped_note"))
    lines.append(t("drill.eval.targets"))
    for outcome in evaluation["outcomes"]:
        icon = {MET: "✅", MISSED: "❌", NOT_REACHED: "➖"}.get(outcome["state"], "⏳")
        actual = took(t, outcome["actual"]) if outcome["actual"] is not None else t(f"drill.eval.{outcome['state']}")
        lines.append(t("drill.eval.outcome", icon=icon, who=who(t, outcome["unit"]),
                       what=t(f"drill.expect.{outcome['expect']}"), of=outcome["of"], actual=actual,
                       target=took(t, outcome["within"])))
    lines.append(t("drill.eval.scores"))
    compared = evaluation.get("compared") or {}
    for unit, (met, total) in sorted(evaluation["scores"].items()):
        change = t(f"drill.compare.{compared[unit]}") if unit in compared else ""
        lines.append(t("drill.eval.score", who=who(t, unit), met=met, total=total, change=change).rstrip())
    if evaluation.get("previous_run") is None:
        lines.append(t("drill.eval.first_run"))
    else:
        lines.append(t("drill.eval.compared_with", id=evaluation["previous_run"]))
    slow = [o for o in evaluation["outcomes"] if o["state"] == MISSED]
    if slow:
        lines.append(t("drill.eval.slower"))
        for outcome in slow:
            lines.append(t("drill.eval.slow_line", who=who(t, outcome["unit"]),
                           what=t(f"drill.expect.{outcome['expect']}"), of=outcome["of"],
                           actual=took(t, outcome["actual"]) if outcome["actual"] is not None
                           else t("drill.eval.missed"), target=took(t, outcome["within"])))
    return "\n".join(lines)
