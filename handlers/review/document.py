"""A report as a neutral document — title, sections of paragraphs and tables, images —
written out as Markdown, HTML or PDF. The review and the monthly bulletin are built
once as a Document; each format is only a way of writing it."""
from __future__ import annotations

import base64
import html
import io
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Image:
    name: str
    png: bytes


@dataclass
class Section:
    heading: str
    paragraphs: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    images: list[Image] = field(default_factory=list)


@dataclass
class Document:
    title: str
    subtitle: str = ""
    sections: list[Section] = field(default_factory=list)

    def section(self, heading: str) -> Section:
        found = Section(heading)
        self.sections.append(found)
        return found


FORMATS = ("pdf", "html", "md")


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def markdown(doc: Document, image_links: dict[str, str] | None = None) -> str:
    """Markdown; images by the links given (file names beside it), else left out."""
    lines = [f"# {doc.title}", ""]
    if doc.subtitle:
        lines += [doc.subtitle, ""]
    for section in doc.sections:
        lines += [f"## {section.heading}", ""]
        for paragraph in section.paragraphs:
            lines += [paragraph, ""]
        for table in section.tables:
            lines.append("| " + " | ".join(_md_cell(c) for c in table.header) + " |")
            lines.append("|" + "---|" * len(table.header))
            lines += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in table.rows]
            lines.append("")
        for image in section.images:
            if image_links and image.name in image_links:
                lines += [f"![{image.name}]({image_links[image.name]})", ""]
    return "\n".join(lines).rstrip() + "\n"


def html_page(doc: Document, language: str) -> str:
    """One self-contained page: images inline, so it forwards as one file."""
    e = html.escape
    out = [f'<!DOCTYPE html>\n<html lang="{e(language)}"><head><meta charset="utf-8"><title>{e(doc.title)}</title>',
           "<style>body{font-family:'Noto Sans CJK SC','Microsoft YaHei',sans-serif;max-width:60em;margin:2em auto}"
           "table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #999;padding:.2em .5em}"
           "th{background:#eee}img{max-width:100%}</style></head><body>",
           f"<h1>{e(doc.title)}</h1>"]
    if doc.subtitle:
        out.append(f"<p>{e(doc.subtitle)}</p>")
    for section in doc.sections:
        out.append(f"<h2>{e(section.heading)}</h2>")
        out += [f"<p>{e(p)}</p>" for p in section.paragraphs]
        for table in section.tables:
            out.append("<table><tr>" + "".join(f"<th>{e(c)}</th>" for c in table.header) + "</tr>")
            out += ["<tr>" + "".join(f"<td>{e(c)}</td>" for c in row) + "</tr>" for row in table.rows]
            out.append("</table>")
        for image in section.images:
            data = base64.b64encode(image.png).decode("ascii")
            out.append(f'<img alt="{e(image.name)}" src="data:image/png;base64,{data}">')
    out.append("</body></html>\n")
    return "\n".join(out)


# reportlab's built-in CID font for Simplified Chinese: every PDF reader has it (or
# substitutes it), nothing to install or embed, and its text extracts as Unicode.
CJK_PDF_FONT = "STSong-Light"


def pdf(doc: Document) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Image as PdfImage
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer
    from reportlab.platypus import Table as PdfTable
    from reportlab.platypus import TableStyle

    if CJK_PDF_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(CJK_PDF_FONT))
    body = ParagraphStyle("body", fontName=CJK_PDF_FONT, fontSize=10, leading=14, wordWrap="CJK")
    cell = ParagraphStyle("cell", parent=body, fontSize=8.5, leading=11)
    heading = ParagraphStyle("h2", parent=body, fontSize=13, leading=18, spaceBefore=8, spaceAfter=4)
    title = ParagraphStyle("h1", parent=body, fontSize=17, leading=22, spaceAfter=6)
    e = html.escape  # Paragraph reads a little markup: what we write is text
    out = io.BytesIO()
    page = SimpleDocTemplate(out, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=15 * mm,
                             bottomMargin=15 * mm, title=doc.title)
    width, height = A4[0] - 30 * mm, A4[1] - 45 * mm
    flow: list = [Paragraph(e(doc.title), title)]
    if doc.subtitle:
        flow.append(Paragraph(e(doc.subtitle), body))
    for section in doc.sections:
        flow.append(Paragraph(e(section.heading), heading))
        flow += [Paragraph(e(p).replace("\n", "<br/>"), body) for p in section.paragraphs]
        for table in section.tables:
            data = [[Paragraph(e(c), cell) for c in table.header],
                    *[[Paragraph(e(c), cell) for c in row] for row in table.rows]]
            grid = PdfTable(data, colWidths=[width / len(table.header)] * len(table.header), repeatRows=1)
            grid.setStyle(TableStyle([
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]))
            flow += [grid, Spacer(1, 4)]
        for image in section.images:
            picture = PdfImage(io.BytesIO(image.png))
            scale = min(1.0, width / picture.drawWidth, height / picture.drawHeight)  # fits one page
            picture.drawWidth, picture.drawHeight = picture.drawWidth * scale, picture.drawHeight * scale
            flow += [picture, Spacer(1, 4)]
    page.build(flow)
    return out.getvalue()


def write(doc: Document, fmt: str, language: str) -> bytes:
    if fmt == "pdf":
        return pdf(doc)
    if fmt == "html":
        return html_page(doc, language).encode("utf-8")
    if fmt == "md":
        return markdown(doc).encode("utf-8")
    raise ValueError(f"unknown format {fmt!r}: one of {', '.join(FORMATS)}")
