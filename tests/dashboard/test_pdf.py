"""The support plan as an Easy Read PDF: large type, short lines, amounts in pounds."""

from __future__ import annotations

import httpx

from ras_core.store.accounts import Coordinator
from ras_core.store.cases import Case
from tests.dashboard.builders import make_case
from tests.dashboard.reading import page_text, pdf_runs
from tests.support.dashboard_server import DashboardServer


def test_the_plan_downloads_as_an_easy_read_pdf(
    server: DashboardServer, client: httpx.Client, coordinator: Coordinator, case: Case
) -> None:
    response = client.get(f"/cases/{case.id}/plan.pdf")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"] == (
        f'attachment; filename="support-plan-{case.reference}.pdf"'
    )
    assert response.content.startswith(b"%PDF")
    assert case.reference.encode() in response.content
    runs = pdf_runs(response.content)
    lines = [words for _, words in runs]
    for line in (
        "My support plan",
        f"My reference is {case.reference}.",
        "What matters to me",
        "Seeing my grandchildren every week",
        "The support I want",
        "Personal care",
        "It costs £14,000 a year.",
        "Who gives it: Helping Hands, an agency.",
        "Who gives it: Mary, family or a friend (wife).",
        "My support costs £21,000 a year.",
        "Direct payment.",
        "The money is paid to you.",  # one sentence, one line
        "In an emergency",
        "I have not said yet.",
    ):
        assert line in lines
    assert all(size >= 16 for size, _ in runs)
    assert max(len(line) for line in lines) <= 60
    downloads = [e for e in server.store.audit.entries(case.id) if e.action == "downloaded_plan"]
    assert [e.actor for e in downloads] == [coordinator.username]


def test_a_case_without_a_plan_has_no_pdf(server: DashboardServer, client: httpx.Client) -> None:
    case = make_case(server.store, server.work, plan=None)
    response = client.get(f"/cases/{case.id}/plan.pdf")
    assert response.status_code == 404
    assert "There is no support plan for this case yet." in page_text(response.text)
    assert "plan.pdf" not in client.get(f"/cases/{case.id}").text
