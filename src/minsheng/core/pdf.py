"""PDF documents in Chinese and English: call guides, applications, decisions, task books.

ReportLab's built-in CID font STSong-Light (Adobe-GB1) covers simplified Chinese without shipping a font file;
PDF readers supply the glyphs and text extraction reads it back (tests do). A document is a list of blocks built
with the helpers here, so every PDF in the platform has the same header, footer and table style.
"""

import io
from collections.abc import Iterable, Sequence
from datetime import datetime
from xml.sax.saxutils import escape

from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import KeepTogether, PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))

STYLES = {
    "title": ParagraphStyle("title", fontName=FONT, fontSize=18, leading=26, alignment=TA_CENTER, spaceAfter=6 * mm),
    "subtitle": ParagraphStyle("subtitle", fontName=FONT, fontSize=11, leading=16, alignment=TA_CENTER,
                               textColor=colors.HexColor("#555555"), spaceAfter=6 * mm),
    "h1": ParagraphStyle("h1", fontName=FONT, fontSize=14, leading=20, spaceBefore=5 * mm, spaceAfter=2 * mm),
    "h2": ParagraphStyle("h2", fontName=FONT, fontSize=12, leading=17, spaceBefore=3 * mm, spaceAfter=1.5 * mm),
    "body": ParagraphStyle("body", fontName=FONT, fontSize=10.5, leading=16, wordWrap="CJK"),
    "small": ParagraphStyle("small", fontName=FONT, fontSize=8.5, leading=12, wordWrap="CJK",
                            textColor=colors.HexColor("#555555")),
    "cell": ParagraphStyle("cell", fontName=FONT, fontSize=9, leading=13, wordWrap="CJK"),
}


def _text(value) -> str:
    """Plain text for a Paragraph: markup escaped, line breaks kept."""
    return escape("" if value is None else str(value)).replace("\n", "<br/>")


def title(text, subtitle: str = "") -> list:
    blocks = [Paragraph(_text(text), STYLES["title"])]
    if subtitle:
        blocks.append(Paragraph(_text(subtitle), STYLES["subtitle"]))
    return blocks


def heading(text, level: int = 1) -> Paragraph:
    return Paragraph(_text(text), STYLES["h1" if level == 1 else "h2"])


def paragraph(text, style: str = "body") -> Paragraph:
    return Paragraph(_text(text), STYLES[style])


def fields(pairs: Iterable[tuple[object, object]]) -> Table:
    """A two-column label/value table."""
    rows = [[Paragraph(_text(label), STYLES["cell"]), Paragraph(_text(value), STYLES["cell"])]
            for label, value in pairs]
    table = Table(rows, colWidths=[40 * mm, None])
    table.setStyle(_grid(header=False, shade_first_column=True))
    return table


def table(header: Sequence, rows: Iterable[Sequence], widths: Sequence | None = None) -> Table:
    """A table with a shaded header row that repeats on every page."""
    data = [[Paragraph(_text(cell), STYLES["cell"]) for cell in header]]
    data += [[Paragraph(_text(cell), STYLES["cell"]) for cell in row] for row in rows]
    result = Table(data, colWidths=widths, repeatRows=1)
    result.setStyle(_grid(header=True))
    return result


def _grid(header: bool, shade_first_column: bool = False) -> TableStyle:
    commands = [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#999999")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
    ]
    if header:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef5")))
    if shade_first_column:
        commands.append(("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f3f5f8")))
    return TableStyle(commands)


def spacer(height_mm: float = 4) -> Spacer:
    return Spacer(1, height_mm * mm)


def keep_together(blocks: list) -> KeepTogether:
    return KeepTogether(blocks)


def page_break() -> PageBreak:
    return PageBreak()


def render(blocks: list, *, document_title: str, footer: str = "", generated_at: datetime | None = None) -> bytes:
    """The PDF bytes: A4, the footer and page number on every page, the generation time in local time."""
    generated_at = timezone.localtime(generated_at or timezone.now())
    stamp = generated_at.strftime("%Y-%m-%d %H:%M")

    def decorate(canvas, doc):
        canvas.saveState()
        canvas.setFont(FONT, 8)
        canvas.setFillColor(colors.HexColor("#666666"))
        canvas.drawString(18 * mm, 10 * mm, f"{footer}  {stamp}".strip())
        canvas.drawRightString(A4[0] - 18 * mm, 10 * mm, str(doc.page))
        canvas.restoreState()

    buffer = io.BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=A4, title=document_title, author="Minsheng",
                                 leftMargin=18 * mm, rightMargin=18 * mm, topMargin=18 * mm, bottomMargin=18 * mm)
    document.build(blocks, onFirstPage=decorate, onLaterPages=decorate)
    return buffer.getvalue()
