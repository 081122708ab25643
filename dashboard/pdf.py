"""The support plan as an Easy Read PDF: large type, short lines, one idea a line.

The words come from `templates/plan_easy_read.txt`: a line starting "# " is a heading for a
part of the plan, "## " a smaller heading, anything else one line of text.
"""

from __future__ import annotations

import re
from io import BytesIO
from xml.sax.saxutils import escape

from fastapi import APIRouter, Request
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer
from starlette.responses import Response

from dashboard import case_view
from dashboard.cases import find_case
from dashboard.web import HERE, SignedIn, casework, render, store, when
from ras_core.domain.money import format_money

router = APIRouter()
BODY = ParagraphStyle("body", fontName="Helvetica", fontSize=18, leading=26, alignment=TA_LEFT,
                      spaceAfter=10)  # fmt: skip
HEADING = ParagraphStyle("heading", parent=BODY, fontName="Helvetica-Bold", fontSize=26,
                         leading=32, spaceBefore=18, spaceAfter=12, keepWithNext=1)  # fmt: skip
SUBHEADING = ParagraphStyle("subheading", parent=BODY, fontName="Helvetica-Bold", fontSize=20,
                            leading=28, spaceBefore=10, spaceAfter=6, keepWithNext=1)  # fmt: skip
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9£])")
_words = Environment(
    loader=FileSystemLoader(str(HERE / "templates")),
    autoescape=False,  # plain text: each line is escaped for ReportLab below
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
_words.filters["money"] = format_money
_words.filters["when"] = when


def easy_read_lines(view: case_view.CaseView) -> list[str]:
    """The plan's lines: headings as they are, and every sentence on a line of its own."""
    text = _words.get_template("plan_easy_read.txt").render(view=view)
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
        author="Individual budget assistant",
        lang="en-GB",
        displayDocTitle=True,
    )
    document.build(story)
    return out.getvalue()


@router.get("/cases/{case_id}/plan.pdf")
def plan_pdf(request: Request, case_id: int, session: SignedIn) -> Response:
    case = find_case(request, session, case_id)
    view = case_view.build(store(request), casework(request), case)
    if view.plan is None:
        return render(request, "error.html", session, status_code=404, problem="no_plan")
    store(request).audit.add(session.coordinator.username, "downloaded_plan", case.id)
    body = easy_read_pdf(easy_read_lines(view), f"Support plan {case.reference}")
    filename = f"support-plan-{case.reference}.pdf"
    return Response(
        body,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
