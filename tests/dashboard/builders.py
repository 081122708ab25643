"""Cases made for real through ras_core: a person, their answers, a scored budget, a plan."""

from __future__ import annotations

from uuid import uuid4

from ras_core.casework import Casework
from ras_core.domain.plan_rules import Payee, SupportItem
from ras_core.domain.progress import PlanStage
from ras_core.domain.questionnaire import load_questionnaire
from ras_core.domain.review import Role
from ras_core.domain.scheme import load_scheme
from ras_core.domain.scoring import score
from ras_core.domain.support_plan import PlanDraft
from ras_core.store import Store
from ras_core.store.cases import Case

# area id -> (letter or None for "not sure", the person's own words, how they answered)
ANSWERS: dict[str, tuple[str | None, str, str]] = {
    "looking_after_myself": ("A", "I can't get washed or dressed on my own", "words"),
    "eating_and_drinking": ("B", "Some help", "button"),
    "health_and_wellbeing": ("B", "B", "letter"),
    "getting_about": ("C", "the third one", "position"),
    "my_home": (None, "I'm not sure really", "words"),
    "relationships": ("B", "Some help", "button"),
    "being_part_of_my_community": ("B", "Some help", "button"),
    "work_learning_volunteering": ("D", "No help", "button"),
    "decisions_and_money": ("C", "A little help", "voice"),
    "keeping_safe": ("B", "Some help", "button"),
    "help_from_family_and_friends": ("C", "A little help", "button"),
}

# A plan that raises every flag: over budget, pays a wife at home, a personal assistant with
# no DBS check, no emergency plan, and a "not sure" answer.
FULL_PLAN = PlanDraft(
    what_matters="Seeing my grandchildren every week",
    to_change="I want to get out to the shops on my own",
    items=(
        SupportItem(
            "personal_care", "Help to wash and dress every morning", 14000, Payee("Helping Hands")
        ),
        SupportItem(
            "getting_out",
            "Someone to come with me to the shops",
            4000,
            Payee("Jo Smith", "personal_assistant"),
        ),
        SupportItem(
            "carer_breaks",
            "My wife helps at night",
            3000,
            Payee("Mary", "family_or_friend", "wife", lives_with_person=True),
        ),
    ),
    money_management="direct_payment",
    helpers="My daughter Priya",
    emergency="",
)


def make_case(
    store: Store,
    work: Casework,
    *,
    urgent_reason: str = "",
    plan: PlanDraft | None = FULL_PLAN,
    submit: bool = True,
    channel: str = "telegram",
) -> Case:
    """A case in the intake team, sent by the person unless `submit` is False."""
    questionnaire = load_questionnaire()
    person = store.people.person(channel, uuid4().hex[:12])
    assessments = store.assessments
    assessment = assessments.start(person.id, questionnaire.id, questionnaire.version, "self")
    for area_id, (letter, words, how) in ANSWERS.items():
        assessments.save_answer(assessment.id, area_id, letter, words, how, confirmed=True)
    breakdown = score(load_scheme(), {area: answer[0] for area, answer in ANSWERS.items()})
    assessments.save_budget(assessment.id, breakdown.to_record())
    case = work.open_case(person.id, assessment.id)
    if plan is not None:
        store.plans.save(case.id, plan, PlanStage.READBACK)
    if urgent_reason:
        work.flag_urgent(case.id, by="assistant", role=Role.SYSTEM, reason=urgent_reason)
    if submit:
        work.submit(case.id, person)
    return store.cases.get(case.id)
