"""The queue: the coordinator's own team only, urgent first, then the longest waiting."""

from __future__ import annotations

import re

import httpx

from ras_core.domain.review import State
from ras_core.store.accounts import Coordinator
from tests.dashboard.builders import make_case
from tests.dashboard.reading import page_text
from tests.support.dashboard_server import INTAKE_TEAM, DashboardServer


def references(page: str) -> list[str]:
    return re.findall(r'<a href="/cases/\d+">(IB-[A-Z0-9]+)</a>', page)


def test_urgent_cases_come_first_then_the_oldest(
    server: DashboardServer, client: httpx.Client
) -> None:
    older = make_case(server.store, server.work)
    newer = make_case(server.store, server.work)
    urgent = make_case(server.store, server.work, urgent_reason="Said they want to die")
    page = client.get("/").text
    shown = references(page)
    position = {reference: number for number, reference in enumerate(shown)}
    assert position[urgent.reference] < position[older.reference] < position[newer.reference]
    team = server.store.accounts.team_named(INTAKE_TEAM)
    assert shown == [case.reference for case in server.store.cases.queue(team.id)]
    # Marked with words, not only colour.
    row = re.search(rf"<tr[^>]*>\s*<th[^>]*><a[^>]*>{urgent.reference}</a>.*?</tr>", page, re.S)
    assert row is not None and "Urgent" in page_text(row.group(0))
    assert "Said they want to die" in page_text(row.group(0))
    assert "Sent, waiting for a coordinator" in page_text(row.group(0))


def test_the_queue_can_be_filtered_by_status(
    server: DashboardServer, client: httpx.Client, coordinator: Coordinator
) -> None:
    waiting = make_case(server.store, server.work)
    claimed = make_case(server.store, server.work)
    server.work.claim(claimed.id, coordinator)
    page = client.get("/", params={"status": State.IN_REVIEW.value}).text
    assert claimed.reference in references(page) and waiting.reference not in references(page)
    assert '<option value="in_review" selected>' in page
    everything = references(client.get("/", params={"status": "nonsense"}).text)
    assert {claimed.reference, waiting.reference} <= set(everything)


def test_another_teams_queue_does_not_show_these_cases(
    server: DashboardServer, other_client: httpx.Client
) -> None:
    case = make_case(server.store, server.work)
    page = other_client.get("/").text
    assert case.reference not in page
    assert "Cases for South" in page_text(page)
