"""The evaluation's chart and document (#16), built with the after-action review's
machinery (handlers/review: charts, document, PDF) in the report worker's process —
a drill's end never waits on matplotlib."""
from __future__ import annotations

from typing import Any

from matplotlib.axes import Axes

from core.i18n import Translator
from core.messages import MAX_FILE_BYTES, Message, OutgoingFile
from handlers.drill.evaluation import MET, MISSED, NOT_REACHED
from handlers.drill.views import took, who
from handlers.review import charts
from handlers.review.document import Document, Image, Table, pdf


def scores_chart(t: Translator, facts: dict[str, Any]) -> bytes:
    """Share of targets met per unit, this run beside the previous one."""
    evaluation = facts["evaluation"]
    units = sorted(evaluation["scores"])
    before = facts.get("previous_scores") or {}

    def bars(axes: Axes) -> None:
        if not units:
            charts.no_data_on(axes, t("drill.chart.no_data"))
            return
        share = [100 * met / total if total else 0 for met, total in (evaluation["scores"][u] for u in units)]
        positions = range(len(units))
        axes.barh([p + 0.2 for p in positions], share, height=0.4, color="#2e7d32", label=t("drill.chart.this_run"))
        if before:
            earlier = [100 * before[u][0] / before[u][1] if u in before and before[u][1] else 0 for u in units]
            axes.barh([p - 0.2 for p in positions], earlier, height=0.4, color="#9e9e9e",
                      label=t("drill.chart.previous_run"))
        axes.set_yticks(list(positions), [who(t, u) for u in units])
        axes.set_xlim(0, 100)
        axes.set_xlabel(t("drill.chart.axis"))
        axes.legend(loc="lower right")

    return charts.panels(t("drill.chart.title", title=facts["title"], id=facts["id"]), [bars])


def evaluation_document(t: Translator, facts: dict[str, Any], chart: bytes | None) -> Document:
    evaluation = facts["evaluation"]
    doc = Document(t("drill.eval.title", mark=t("drill.mark"), title=facts["title"], id=facts["id"]),
                   facts["summary"])
    targets = doc.section(t("drill.eval.targets"))
    states = {MET: t("drill.eval.met"), MISSED: t("drill.eval.missed"), NOT_REACHED: t("drill.eval.not_reached")}
    targets.tables.append(Table(
        (t("drill.doc.who"), t("drill.doc.what"), t("drill.doc.actual"), t("drill.doc.target"), t("drill.doc.result")),
        tuple((who(t, o["unit"]), f"{t('drill.expect.' + o['expect'])} ({o['of']})",
               took(t, o["actual"]) if o["actual"] is not None else "—", took(t, o["within"]),
               states.get(o["state"], o["state"])) for o in evaluation["outcomes"])))
    scores = doc.section(t("drill.eval.scores"))
    compared = evaluation.get("compared") or {}
    scores.tables.append(Table(
        (t("drill.doc.who"), t("drill.doc.score"), t("drill.doc.compared")),
        tuple((who(t, unit), f"{met}/{total}", t(f"drill.compare.{compared[unit]}") if unit in compared else "—")
              for unit, (met, total) in sorted(evaluation["scores"].items()))))
    if chart is not None:
        scores.images.append(Image(f"drill-{facts['id']}.png", chart))
    slow = [o for o in evaluation["outcomes"] if o["state"] == MISSED]
    if slow:
        doc.section(t("drill.eval.slower")).paragraphs.extend(
            t("drill.eval.slow_line", who=who(t, o["unit"]), what=t(f"drill.expect.{o['expect']}"), of=o["of"],
              actual=took(t, o["actual"]) if o["actual"] is not None else t("drill.eval.missed"),
              target=took(t, o["within"])) for o in slow)
    return doc


def evaluation_files(t: Translator, facts: dict[str, Any]) -> Message:
    """The chart and the PDF, sent after the evaluation's text (worker process)."""
    chart = scores_chart(t, facts)
    document = pdf(evaluation_document(t, facts, chart))
    if len(document) > MAX_FILE_BYTES:
        document = pdf(evaluation_document(t, facts, None))
    return Message(text=t("drill.files", mark=t("drill.mark"), id=facts["id"]), files=(
        OutgoingFile(f"drill-{facts['id']}.png", chart, "image/png"),
        OutgoingFile(f"drill-{facts['id']}.pdf", document, "application/pdf")))
