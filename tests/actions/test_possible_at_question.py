"""action_possible_at_question on a real SQLite database: in the questions, words that may mean
danger but answer the question asked are read as an answer; any other words get the gentle
question (are you safe right now?), as anywhere else."""

from __future__ import annotations

from typing import Any

from actions.context import store
from actions.forms import ActionAskSaqAnswer
from actions.journey import ActionBegin
from actions.safeguarding import HEARD_AS_ANSWER, ActionPossibleAtQuestion
from ras_core.domain.council import load_council
from ras_core.domain.questionnaire import load_questionnaire
from tests.actions.conftest import answer, run, tracker

Domain = dict[str, Any]


def possible(text: str, *ranking: tuple[str, float]) -> dict[str, Any]:
    """latest_message as the safeguarding component leaves it: the list's possible tier first,
    then the model's own ranking."""
    return {
        "text": text,
        "intent": {"name": "possible_disclosure", "confidence": 1.0},
        "intent_ranking": [
            {"name": "possible_disclosure", "confidence": 1.0},
            *({"name": name, "confidence": confidence} for name, confidence in ranking),
        ],
        "entities": [],
        "safeguarding": {"kind": "danger", "words": text, "found_by": "list", "tier": "possible"},
    }


def at_question(domain: Domain, area_id: str) -> int:
    """Consent, "me", and B to every question before this area's: its number."""
    areas = [area.id for area in load_questionnaire().areas]
    run(ActionBegin(), tracker("hello"), domain)
    answer("/affirm", domain)
    answer("/for_myself", domain)
    for _ in range(areas.index(area_id)):
        answer('/choose_option{"option":"B"}', domain)
    return areas.index(area_id) + 1


def texts(messages: list[dict[str, Any]]) -> str:
    return "\n".join(m.get("text") or "" for m in messages)


def heard_as_answer(events: list[dict[str, Any]]) -> Any:
    return next(e["value"] for e in events if e.get("name") == HEARD_AS_ANSWER)


def concerns() -> list[tuple[str, str]]:
    person = store().people.person("test", "7")
    return [(r.reason, r.words) for r in store().people.contact_requests(person.id)]


def test_not_safe_on_my_own_at_keeping_safe_is_an_answer_the_person_chooses(
    domain: Domain,
) -> None:
    number = at_question(domain, "keeping_safe")
    # However sure the model is of a statement, none is offered: it can be sure and wrong.
    message = possible("I'm not safe on my own", ("describe_no_help", 0.9), ("greet", 0.05))
    messages, events = run(ActionPossibleAtQuestion(), tracker(message), domain)
    said = texts(messages)
    assert said == "Thank you for telling me. Which of these fits best?"
    assert heard_as_answer(events) is True
    # The rule runs the form again, which asks the same question.
    asked, _ = run(ActionAskSaqAnswer(), tracker(message), domain)
    assert f"Question {number} of" in texts(asked)
    assert "How much help do you need to stay safe?" in texts(asked)
    assert concerns() == []
    # The person's choice is recorded, and the next question is asked.
    answer('/choose_option{"option":"A"}', domain)
    asked, _ = run(ActionAskSaqAnswer(), tracker("/affirm"), domain)
    assert f"Question {number + 1} of" in texts(asked)
    person = store().people.person("test", "7")
    assessment = store().assessments.latest(person.id)
    assert assessment is not None
    assert store().assessments.answers(assessment.id)["keeping_safe"].letter == "A"


def test_nobody_helps_me_answers_the_family_and_friends_question(domain: Domain) -> None:
    at_question(domain, "help_from_family_and_friends")
    messages, events = run(ActionPossibleAtQuestion(), tracker(possible("nobody helps me")), domain)
    assert texts(messages) == "Thank you for telling me. Which of these fits best?"
    assert heard_as_answer(events) is True


def test_the_same_words_at_another_question_ask_whether_the_person_is_safe(
    domain: Domain,
) -> None:
    at_question(domain, "getting_about")
    message = possible("I'm not safe on my own", ("describe_lot_of_help", 0.4))
    messages, events = run(ActionPossibleAtQuestion(), tracker(message), domain)
    said = texts(messages)
    assert said.startswith("Thank you for telling me. Are you safe right now?")
    assert "999" in said and load_council().safeguarding_phone in said
    assert [b["title"] for m in messages for b in m.get("buttons") or []] == [
        "I am safe",
        "I need help now",
        "Talk to a person",
    ]
    assert heard_as_answer(events) is False
    assert concerns() == [("possible_concern", "I'm not safe on my own")]


def test_words_the_model_alone_found_are_never_read_as_an_answer(domain: Domain) -> None:
    at_question(domain, "keeping_safe")
    message = possible("i get frightened when he comes round", ("describe_lot_of_help", 0.4))
    message["safeguarding"]["found_by"] = "model"
    messages, events = run(ActionPossibleAtQuestion(), tracker(message), domain)
    assert "Are you safe right now?" in texts(messages)
    assert heard_as_answer(events) is False
