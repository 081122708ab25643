"""Everything the case page shows, gathered from ras_core into plain values for the templates."""

from __future__ import annotations

from dataclasses import dataclass

from ras_core import deployment
from ras_core.casework import Casework
from ras_core.domain.plan_rules import Flag, Payee, load_rules
from ras_core.domain.questionnaire import Area
from ras_core.domain.review import Role, Step
from ras_core.domain.support_plan import PlanDraft, load_options
from ras_core.store import Store
from ras_core.store.assessments import StoredAnswer, StoredBudget
from ras_core.store.cases import Case
from ras_core.store.people import ContactRequest
from ras_core.store.plans import Note
from ras_core.store.transcripts import Line


@dataclass(frozen=True)
class AnswerRow:
    area: str
    own_words: str
    letter: str | None
    label: str  # the statement's short label, e.g. "Some help"
    statement: str  # the statement as the person heard it
    how: str  # button, letter, position, words or voice
    not_sure: bool
    confirmed: bool


@dataclass(frozen=True)
class AreaPoints:
    area: str
    letter: str
    not_sure: bool
    points: int


@dataclass(frozen=True)
class Money:
    scheme_name: str
    illustrative: bool
    explanation: list[str]
    areas: list[AreaPoints]
    total_points: int
    yearly: int
    weekly: int
    needs_panel: bool


@dataclass(frozen=True)
class ItemRow:
    category: str
    words: str
    yearly_cost: int
    payee: Payee | None
    payee_name: str  # a name of its own, or "" when the payee is only "An agency", "daughter"...


@dataclass(frozen=True)
class PlanView:
    draft: PlanDraft
    stage: str
    items: list[ItemRow]
    yearly_cost: int
    money_label: str
    money_explain: str
    flags: list[Flag]


@dataclass(frozen=True)
class CaseView:
    case: Case
    answering_for: str  # "self" or "someone_else"
    answers: list[AnswerRow]
    money: Money | None
    plan: PlanView | None
    steps: list[Step]
    notes: list[Note]
    transcript: list[Line] | None
    moves: list[str]  # what a coordinator can do now: claim, request_changes, agree
    claimed_by: str
    contact_requests: list[ContactRequest]  # when the person asked to talk to someone

    @property
    def indicative_yearly(self) -> int:
        return self.money.yearly if self.money is not None else 0


def build(store: Store, work: Casework, case: Case) -> CaseView:
    assessments = store.assessments
    assessment = assessments.find(case.assessment_id) if case.assessment_id else None
    who = assessment.answering_for if assessment is not None else "self"
    stored = assessments.answers(case.assessment_id) if case.assessment_id else {}
    budget = assessments.budget(case.assessment_id) if case.assessment_id else None
    money = _money(budget) if budget is not None else None
    steps = store.cases.steps(case.id)
    claims = [step.by for step in steps if step.move == "claim"]
    not_sure = [_area_name(area_id) for area_id, answer in stored.items() if answer.not_sure]
    return CaseView(
        case=case,
        answering_for=who,
        answers=_answers(stored, who),
        money=money,
        plan=_plan(store, case.id, money.yearly if money else 0, tuple(not_sure)),
        steps=steps,
        notes=store.notes.for_case(case.id),
        transcript=store.transcripts.lines(case.person_id),
        moves=work.review(case.id).allowed(Role.COORDINATOR),
        claimed_by=claims[-1] if claims and case.claimed_by is not None else "",
        contact_requests=store.people.contact_requests(case.person_id),
    )


def indicative_yearly(store: Store, case: Case) -> int:
    """The early budget from the questionnaire; 0 when there is none."""
    budget = store.assessments.budget(case.assessment_id) if case.assessment_id else None
    return budget.yearly_pounds if budget is not None else 0


def _area(area_id: str) -> Area | None:
    try:
        return deployment.questionnaire().area(area_id)
    except KeyError:
        return None


def _area_name(area_id: str) -> str:
    area = _area(area_id)
    return area.name if area is not None else area_id.replace("_", " ")


def _order(area_id: str) -> int:
    try:
        return deployment.questionnaire().position(area_id)
    except KeyError:
        return 10_000


def _answers(stored: dict[str, StoredAnswer], who: str) -> list[AnswerRow]:
    rows = []
    for area_id in sorted(stored, key=_order):
        answer = stored[area_id]
        area = _area(area_id)
        label = statement = ""
        if area is not None and answer.letter in area.letters:
            label = area.statement(answer.letter).label
            statement = area.statement_text(answer.letter, who)
        rows.append(
            AnswerRow(
                _area_name(area_id),
                answer.own_words,
                answer.letter,
                label,
                statement,
                answer.how,
                answer.not_sure,
                answer.confirmed,
            )
        )
    return rows


def _money(budget: StoredBudget) -> Money:
    record = budget.breakdown
    areas = [
        AreaPoints(_area_name(a["area_id"]), a["letter"], bool(a["not_sure"]), int(a["points"]))
        for a in sorted(record.get("areas", []), key=lambda a: _order(a["area_id"]))
    ]
    return Money(
        scheme_name=str(record.get("scheme_name", "")),
        illustrative=bool(record.get("illustrative")),
        explanation=[str(line) for line in record.get("explanation", [])],
        areas=areas,
        total_points=budget.total_points,
        yearly=budget.yearly_pounds,
        weekly=budget.weekly_pounds,
        needs_panel=budget.needs_panel,
    )


def _plan(
    store: Store, case_id: int, budget_yearly: int, not_sure: tuple[str, ...]
) -> PlanView | None:
    found = store.plans.get(case_id)
    if found is None:
        return None
    draft, stage = found.draft, found.stage.value
    options = load_options()
    categories = {choice.id: choice.label for choice in options.categories}
    money = next((c for c in options.money if c.id == draft.money_management), None)
    return PlanView(
        draft=draft,
        stage=stage,
        items=[
            ItemRow(
                categories.get(i.category, i.category),
                i.words,
                i.yearly_cost,
                i.payee,
                _own_name(i.payee, {c.label.lower() for c in options.who_gives}),
            )
            for i in draft.items
        ],
        yearly_cost=draft.yearly_cost,
        money_label=money.label if money else "",
        money_explain=money.explain if money else "",
        flags=load_rules().check(draft.for_rules(budget_yearly, not_sure)),
    )


def _own_name(payee: Payee | None, generic: set[str]) -> str:
    """The payee's name, unless the chat only knows the kind ("An agency") or the relationship."""
    if payee is None or payee.name.strip().lower() in {*generic, payee.relationship.lower()}:
        return ""
    return payee.name.strip()
