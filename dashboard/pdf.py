"""The support plan as an Easy Read PDF: large type, short lines, one idea a line.

The words come from `templates/plan_easy_read.txt`: a line starting "# " is a heading for a
part of the plan, "## " a smaller heading, anything else one line of text. The PDF itself is
made by ras_core.privacy.easy_read, as a person's summary of what is held about them is.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from starlette.responses import Response

from dashboard import case_view
from dashboard.cases import find_case
from dashboard.web import HERE, SignedIn, casework, render, store, when
from ras_core.domain.money import format_money
from ras_core.privacy.easy_read import easy_read_lines as split_lines
from ras_core.privacy.easy_read import easy_read_pdf

router = APIRouter()
_words = Environment(
    loader=FileSystemLoader(str(HERE / "templates")),
    autoescape=False,  # plain text: each line is escaped for ReportLab
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
_words.filters["money"] = format_money
_words.filters["when"] = when


def easy_read_lines(view: case_view.CaseView) -> list[str]:
    """The plan's lines: headings as they are, and every sentence on a line of its own."""
    return split_lines(_words.get_template("plan_easy_read.txt").render(view=view))


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
