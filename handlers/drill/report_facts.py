"""What the evaluation's chart and document need, read in the bot's process (plain data:
it crosses to the report worker)."""
from __future__ import annotations

from typing import Any

from config.organisation import Organisation
from core.i18n import Translator
from handlers.drill.views import hhmm
from storage.drill_runs import DrillRunRepository


async def load_drill_facts(session: Any, org: Organisation, run_id: int) -> dict[str, Any] | None:
    repo = DrillRunRepository(session)
    run = await repo.get(run_id)
    if run is None or run.evaluation is None:
        return None
    t = Translator(org.language)
    previous = await repo.previous(run)
    summary = t("drill.eval.when", start=hhmm(run.started_at, org), end=hhmm(run.ended_at or run.started_at, org),
                status=t(f"drill.status.{run.status}"))
    return {"id": run.id, "title": run.title, "summary": summary, "evaluation": run.evaluation,
            "previous_scores": (previous.evaluation or {}).get("scores") if previous is not None else None}
