"""What has been kept long enough, by the council's retention periods, and deleting it.

`Retention.purge(at, periods)` applies each rule in turn, one small transaction per thing
deleted (the servers share the database meanwhile), and says how many of each went:
- unfinished_assessments: an assessment never sent for review (unfinished, abandoned, or
  finished with no plan sent), with any unsent plan on it, `unfinished_days` after the person
  last did anything with it;
- unsent_plans: a draft case with no assessment (opened when someone asked for a person) that
  nobody touched for `unfinished_days`;
- closed_cases: an agreed case, `closed_case_days` after it was agreed, with its assessment;
  an urgent draft (a safeguarding concern) the same time after it was last touched;
- conversation_events: Rasa's events of a person whose last case was agreed more than
  `conversation_after_close_days` ago, up to then (or up to when any new work began); and the
  events of anyone with no assessment or case, `conversation_without_case_days` after them;
- people: a person with nothing left (no assessment, case or message), the same time after
  they were last heard from. Writing again, they are someone new, asked for consent afresh.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from ras_core.domain.council import Retention as Periods
from ras_core.domain.progress import AssessmentStatus
from ras_core.domain.review import State
from ras_core.store import removal
from ras_core.store.engine import aware, forget_deleted
from ras_core.store.repository import Repository
from ras_core.store.schema import assessments, cases, contact_requests, outbox, people, plans
from ras_core.store.transcripts import delete_events, sender_ids, senders_seen

KINDS = (
    "unfinished_assessments", "unsent_plans", "closed_cases", "conversation_events", "people",
)  # fmt: skip
EARLIEST = datetime.min.replace(tzinfo=timezone.utc)
Outcome = tuple[str, Counter[str]]  # the kind of thing deleted ("" for none) and rows removed


class Retention(Repository):
    def purge(self, at: datetime, periods: Periods) -> tuple[dict[str, int], dict[str, int]]:
        """Delete what has been kept long enough at `at`: (things by kind, rows by table)."""
        at = at.astimezone(timezone.utc)
        kinds: Counter[str] = Counter({kind: 0 for kind in KINDS})
        rows: Counter[str] = Counter()

        def before(days: int) -> datetime:
            return at - timedelta(days=days)

        def tally(rule: Any, *args: Any) -> None:
            with self.engine.begin() as conn:  # one small transaction for each thing
                kind, removed = rule(conn, *args)
            kinds[kind] += 1 if kind else 0
            rows.update(removed)

        unfinished = before(periods.unfinished_days)
        for assessment_id in self._older(assessments, unfinished):
            tally(self._unfinished, assessment_id, unfinished)
        for case_id in self._older(cases, before(min(periods.unfinished_days,
                                                     periods.closed_case_days))):  # fmt: skip
            tally(self._stale_case, case_id, periods, at)
        closed = before(periods.conversation_after_close_days)
        for person_id in self._people_with_agreed_cases():
            tally(self._conversation_after_close, person_id, closed)
        tally(self._without_case, before(periods.conversation_without_case_days))
        forget_deleted(self.engine)
        kinds.pop("", None)
        kinds["conversation_events"] = rows.get("events", 0)
        kinds["people"] = rows.get("people", 0)
        return dict(kinds), dict(sorted((+rows).items()))

    # Each rule, on one thing, in the transaction `tally` gives it
    def _unfinished(self, conn: Connection, assessment_id: int, cutoff: datetime) -> Outcome:
        row = conn.execute(select(assessments).where(assessments.c.id == assessment_id)).first()
        if row is None or _when(row.updated_at) >= cutoff:
            return "", Counter()
        on_it = conn.execute(select(cases).where(cases.c.assessment_id == assessment_id)).all()
        if any(case.state != State.DRAFT.value or case.urgent for case in on_it):
            return "", Counter()  # sent for review, or a safeguarding concern: a case's rules
        if any(_last_touched(conn, case) >= cutoff for case in on_it):
            return "", Counter()
        removed: Counter[str] = Counter()
        for case in on_it:
            removed += removal.case_rows(conn, case.id)
        removed += removal.assessment_rows(conn, assessment_id)
        return "unfinished_assessments", removed

    def _stale_case(
        self, conn: Connection, case_id: int, periods: Periods, at: datetime
    ) -> Outcome:
        case = conn.execute(select(cases).where(cases.c.id == case_id)).first()
        if case is None:
            return "", Counter()
        draft = case.state == State.DRAFT.value
        if case.state == State.AGREED.value:
            kind, days, last = "closed_cases", periods.closed_case_days, _when(case.updated_at)
        elif draft and case.urgent:
            kind, days, last = "closed_cases", periods.closed_case_days, _last_touched(conn, case)
        elif draft and case.assessment_id is None:
            kind, days, last = "unsent_plans", periods.unfinished_days, _last_touched(conn, case)
        else:
            return "", Counter()  # in review, or unsent on an assessment (_unfinished)
        if last >= at - timedelta(days=days):
            return "", Counter()
        removed = removal.case_rows(conn, case_id)
        others = conn.execute(
            select(cases.c.id).where(cases.c.assessment_id == case.assessment_id)
        ).first()
        if case.assessment_id is not None and others is None:
            removed += removal.assessment_rows(conn, case.assessment_id)
        return kind, removed

    def _conversation_after_close(
        self, conn: Connection, person_id: int, cutoff: datetime
    ) -> Outcome:
        """Events up to the cutoff, or up to when new work began, once the last case closed."""
        person = conn.execute(select(people).where(people.c.id == person_id)).first()
        agreed = conn.execute(
            select(func.max(cases.c.updated_at)).where(
                cases.c.person_id == person_id, cases.c.state == State.AGREED.value
            )
        ).scalar()
        if person is None or agreed is None or _when(agreed) >= cutoff:
            return "", Counter()
        open_cases = select(func.min(cases.c.created_at)).where(
            cases.c.person_id == person_id, cases.c.state != State.AGREED.value
        )
        open_assessments = select(func.min(assessments.c.started_at)).where(
            assessments.c.person_id == person_id,
            assessments.c.status == AssessmentStatus.IN_PROGRESS.value,
        )
        starts = [_when(conn.execute(q).scalar()) for q in (open_cases, open_assessments)]
        until = min([cutoff, *(start for start in starts if start > EARLIEST)])
        senders = sender_ids(person.channel, person.channel_user_id)
        return "", Counter({"events": delete_events(conn, senders, before=until.timestamp())})

    def _without_case(self, conn: Connection, cutoff: datetime) -> Outcome:
        """People with no assessment or case: their old events, then themselves once quiet;
        and the old events of senders nobody is (they never wrote past the start)."""
        removed: Counter[str] = Counter()
        seen = senders_seen(conn)
        has_work = (
            select(assessments.c.id).where(assessments.c.person_id == people.c.id).exists()
            | select(cases.c.id).where(cases.c.person_id == people.c.id).exists()
        )
        idle = conn.execute(select(people).where(~has_work)).all()
        named: set[str] = set()
        for person in idle:
            [sender] = sender_ids(person.channel, person.channel_user_id)
            named.add(sender)
            removed["events"] += delete_events(conn, [sender], before=cutoff.timestamp())
            heard = max(
                _when(person.created_at),
                datetime.fromtimestamp(seen.get(sender, 0), timezone.utc),
                _latest(conn, contact_requests, contact_requests.c.created_at, person.id),
                _latest(conn, outbox, outbox.c.created_at, person.id),
            )
            if heard < cutoff:
                removed += removal.person_rows(conn, person.id)
        known = {
            sender
            for row in conn.execute(select(people.c.channel, people.c.channel_user_id))
            for sender in sender_ids(row.channel, row.channel_user_id)
        }
        strangers = [sender for sender in seen if sender not in known and sender not in named]
        removed["events"] += delete_events(conn, strangers, before=cutoff.timestamp())
        return "", removed

    # What to look at: only rows untouched since the cutoff can be due
    def _older(self, table: Any, cutoff: datetime) -> list[int]:
        query = select(table.c.id).where(table.c.updated_at < cutoff).order_by(table.c.id)
        return [int(row.id) for row in self.rows(query)]

    def _people_with_agreed_cases(self) -> list[int]:
        query = (
            select(cases.c.person_id)
            .where(cases.c.state == State.AGREED.value)
            .group_by(cases.c.person_id)
        )
        return [int(row.person_id) for row in self.rows(query)]


def _when(value: datetime | None) -> datetime:
    return aware(value) or EARLIEST


def _latest(conn: Connection, table: Any, column: Any, person_id: int) -> datetime:
    return _when(
        conn.execute(select(func.max(column)).where(table.c.person_id == person_id)).scalar()
    )


def _last_touched(conn: Connection, case: Any) -> datetime:
    """When anything last happened on a case: a step, its plan, or a request to talk."""
    plan = conn.execute(select(plans.c.updated_at).where(plans.c.case_id == case.id)).scalar()
    asked = conn.execute(
        select(func.max(contact_requests.c.created_at)).where(
            contact_requests.c.person_id == case.person_id,
            contact_requests.c.created_at >= case.created_at,
        )
    ).scalar()
    return max(_when(case.updated_at), _when(plan), _when(asked))
