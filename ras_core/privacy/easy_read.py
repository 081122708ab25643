"""Easy Read PDFs: large type, short lines, one idea a line (the support plan, a person's
summary of what is held about them).

The words come from text templates: a line starting "# " is a heading, "## " a smaller
heading, anything else text, split so that every sentence has a line of its own.
"""

from __future__ import annotations

import re
from io import BytesIO
from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer

BODY = ParagraphStyle("body", fontName="Helvetica", fontSize=18, leading=26, alignment=TA_LEFT,
                      spaceAfter=10)  # fmt: skip
HEADING = ParagraphStyle("heading", parent=BODY, fontName="Helvetica-Bold", fontSize=26,
                         leading=32, spaceBefore=18, spaceAfter=12, keepWithNext=1)  # fmt: skip
SUBHEADING = ParagraphStyle("subheading", parent=BODY, fontName="Helvetica-Bold", fontSize=20,
                            leading=28, spaceBefore=10, spaceAfter=6, keepWithNext=1)  # fmt: skip
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9£])")
AUTHOR = "Individual budget assistant"


def easy_read_lines(text: str) -> list[str]:
    """Headings as they are, and every sentence on a line of its own; blank lines dropped."""
    lines: list[str] = []
    for line in (line.strip() for line in text.splitlines()):
        if line.startswith("#"):
            lines.append(line)
        elif line:
            lines += SENTENCE_END.split(line)
    return lines


def easy_read_pdf(lines: list[str], title: str) -> bytes:
    story: list[Flowable] = []
    for line in lines:
        if line.startswith("## "):
            story.append(Paragraph(escape(line[3:]), SUBHEADING))
        elif line.startswith("# "):
            story.append(Paragraph(escape(line[2:]), HEADING))
        else:
            story.append(Paragraph(escape(line), BODY))
    story.append(Spacer(1, 12))
    out = BytesIO()
    margin = 25 * mm
    document = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=margin,
        rightMargin=margin,
        topMargin=margin,
        bottomMargin=margin,
        title=title,
        author=AUTHOR,
        lang="en-GB",
        displayDocTitle=True,
    )
    document.build(story)
    return out.getvalue()
