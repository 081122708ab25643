"""The review workflow and the support-plan rules."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from ras_core.domain.datafile import DataFileError
from ras_core.domain.plan_rules import Payee, Plan, SupportItem, load_rules, parse_rules
from ras_core.domain.review import IllegalMove, Review, Role, State

PERSON, COORD = Role.PERSON, Role.COORDINATOR


def test_the_whole_workflow_records_who_and_when() -> None:
    when = datetime(2026, 11, 23, 10, 0, tzinfo=timezone.utc)
    review = Review().move("submit", by="telegram:42", role=PERSON, at=when)
    review = review.move("claim", by="jo", role=COORD)
    review = review.move("request_changes", by="jo", role=COORD, note="Add an emergency plan.")
    review = review.move("resubmit", by="telegram:42", role=PERSON)
    review = review.move("claim", by="jo", role=COORD)
    review = review.move("agree", by="jo", role=COORD)
    assert review.state is State.AGREED
    assert [s.move for s in review.history] == [
        "submit", "claim", "request_changes", "resubmit", "claim", "agree"
    ]  # fmt: skip
    assert review.history[0].at == when and review.history[0].by == "telegram:42"
    assert review.history[2].note == "Add an emergency plan."


@pytest.mark.parametrize(
    ("start", "move", "role", "message"),
    [
        ([], "agree", COORD, "Cannot agree a plan that is draft: it must be in_review"),
        (["submit"], "submit", PERSON, "Cannot submit a plan that is submitted"),
        ([], "claim", COORD, "it must be resubmitted or submitted"),
        (["submit"], "claim", PERSON, "Only a coordinator can claim"),
        ([], "submit", COORD, "Only a person can submit"),
        ([], "approve", COORD, "There is no move called 'approve'"),
    ],
)
def test_illegal_moves_are_refused_with_a_clear_reason(
    start: list[str], move: str, role: Role, message: str
) -> None:
    review = Review()
    for name in start:
        review = review.move(name, by="x", role=PERSON if name == "submit" else COORD)
    with pytest.raises(IllegalMove, match=message):
        review.move(move, by="x", role=role)


def test_asking_for_changes_needs_a_message() -> None:
    review = Review().move("submit", by="p", role=PERSON).move("claim", by="jo", role=COORD)
    with pytest.raises(IllegalMove, match="needs a message"):
        review.move("request_changes", by="jo", role=COORD, note="  ")


def test_urgent_is_a_flag_beside_the_state() -> None:
    review = Review().move("submit", by="p", role=PERSON)
    urgent = review.flag_urgent(by="assistant", role=Role.SYSTEM, reason="disclosure")
    assert (urgent.state, urgent.urgent) == (State.SUBMITTED, True)
    assert urgent.history[-1].move == "flag_urgent"
    assert urgent.allowed(COORD) == ["claim"]


def plan(**changes: object) -> Plan:
    base: dict[str, object] = {
        "budget_yearly": 10_000,
        "items": (SupportItem("personal_care", "help to wash", 6_000, Payee("Care Co")),),
        "emergency_plan": "My sister will come if my husband is ill.",
    }
    return Plan(**{**base, **changes})  # type: ignore[arg-type]


def test_a_plan_within_budget_with_an_emergency_plan_has_no_flags() -> None:
    assert load_rules().check(plan()) == []


def test_each_risk_is_flagged_with_a_plain_reason() -> None:
    husband = Payee("Tom", "family_or_friend", "husband", lives_with_person=True)
    pa = Payee("Ann", "personal_assistant", dbs_checked=False)
    risky = plan(
        items=(
            SupportItem("help_at_home", "cleaning", 7_000, husband),
            SupportItem("getting_out", "trips out", 4_000, pa),
        ),
        emergency_plan="",
        not_sure_areas=("Keeping safe", "My home"),
    )
    flags = {flag.code: flag.reason for flag in load_rules().check(risky)}
    assert list(flags) == [
        "over_budget",
        "pays_close_relative",
        "personal_assistant_without_dbs",
        "no_emergency_plan",
        "not_sure",
    ]
    assert (
        flags["over_budget"] == "The plan costs £11,000 a year. The early budget is £10,000 a year."
    )
    assert "Tom (husband)" in flags["pays_close_relative"]
    assert "Ann" in flags["personal_assistant_without_dbs"]
    assert "2 questions: Keeping safe, My home" in flags["not_sure"]


def test_relatives_who_live_elsewhere_and_friends_are_not_flagged() -> None:
    rules = load_rules()
    away = Payee("Sue", "family_or_friend", "daughter", lives_with_person=False)
    friend = Payee("Raj", "family_or_friend", "friend", lives_with_person=True)
    checked_pa = Payee("Ann", "personal_assistant", dbs_checked=True)
    items = tuple(SupportItem("getting_out", "x", 100, p) for p in (away, friend, checked_pa))
    assert rules.check(plan(items=items)) == []
    assert rules.is_close_relative("my Mother-in-law") and rules.is_close_relative("civil partner")
    assert not rules.is_close_relative("neighbour")


@pytest.mark.parametrize(
    ("words", "kind"),
    [
        ("money for the bookies on Saturday", "gambling"),
        ("Scratch cards", "gambling"),
        ("I want to go to the casino with my mate", "gambling"),
        ("buy some weed to help me relax", "illegal"),
        ("help me buy drugs", "illegal"),
    ],
)
def test_gambling_and_illegal_things_are_refused(words: str, kind: str) -> None:
    refusal = load_rules().refuse(words)
    assert refusal is not None and refusal.kind == kind and refusal.say.startswith("Sorry")


@pytest.mark.parametrize(
    "words", ["a bingo night at the community centre", "betty helps me cook", "gardening help"]
)
def test_ordinary_things_are_not_refused(words: str) -> None:
    assert load_rules().refuse(words) is None


def test_a_broken_rules_file_names_the_field(tmp_path: Path) -> None:
    path = tmp_path / "rules.yml"
    path.write_text("flags: {over_budget: x}\nclose_relatives: [wife]\n")
    with pytest.raises(DataFileError, match="flags"):
        parse_rules(path)
