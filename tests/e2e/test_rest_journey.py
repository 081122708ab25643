"""End to end: the real action server and Rasa server on loopback, as `make serve` runs them.

A person goes through the whole questionnaire over the REST webhook with buttons, letters,
positions and their own words. Half way, the Rasa server is killed (SIGKILL, like a crash)
and started again: the person carries on at the same question. The £ figures are checked
against ras_core and the rows in the database.
"""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, select

from bot.launcher.servers import Servers
from ras_core.domain.money import format_money
from ras_core.domain.questionnaire import load_questionnaire
from ras_core.domain.scheme import load_scheme
from ras_core.domain.scoring import score
from ras_core.store import open_store
from ras_core.store.schema import answers, assessments, people
from tests.support.rest import Person

pytestmark = pytest.mark.e2e


def test_whole_assessment_over_rest_survives_a_crash(servers: Servers, database: str) -> None:
    questionnaire = load_questionnaire()
    areas = questionnaire.areas
    sam = Person(servers, "rest:e2e-sam")

    reply = sam.says("hello")
    assert "early idea of your budget" in reply and "Do you want to go on?" in reply
    assert "Who are the questions about?" in sam.taps("Yes")
    assert "Question 1 of 11" in sam.says("its for me")

    assert "Question 2 of 11" in sam.taps("B:")  # a button
    assert "Question 3 of 11" in sam.says("a")  # a letter
    assert "Question 4 of 11" in sam.says("the third one")  # a position
    reply = sam.says("I can't go out on my own at all, I need someone with me")  # own words
    assert reply.startswith("It sounds like A:") and reply.endswith("Is that right?")
    assert "Question 5 of 11" in sam.says("yes")

    # A crash: the Rasa server dies without warning and comes back.
    servers.kill_rasa()
    servers.start_rasa()
    servers.wait_ready()
    reply = sam.says("hello")
    assert "Your answers are saved" in reply
    assert "Question 5 of 11" in reply

    reply = sam.says("not sure")
    assert "not sure" in reply and "Question 6 of 11" in reply
    assert "Question 7 of 11" in sam.says("D")
    reply = sam.says("go back")
    assert "Last time you chose D" in reply and "Question 6 of 11" in reply
    assert "Question 7 of 11" in sam.says("C")
    for letter in "CBAD":
        sam.says(letter)
    reply = sam.taps("C:")
    assert reply.startswith("Here is what you told me")
    assert "6. " in reply

    reply = sam.taps("Yes")
    letters = ["B", "A", "C", "A", None, "C", "C", "B", "A", "D", "C"]
    chosen = dict(zip([a.id for a in areas], letters, strict=True))
    expected = score(load_scheme(), chosen)
    assert f"about {format_money(expected.yearly)} a year" in reply
    assert f"about {format_money(expected.weekly)} a week" in reply
    assert "coordinator" in reply

    store = open_store(database)
    with store.engine.connect() as conn:
        person = conn.execute(select(people).where(people.c.channel_user_id == "e2e-sam")).one()
        assessment = conn.execute(
            select(assessments).where(assessments.c.person_id == person.id)
        ).one()
        rows = conn.execute(select(answers).where(answers.c.assessment_id == assessment.id)).all()
    assert person.channel == "rest" and assessment.status == "complete"
    stored = {row.area_id: row for row in rows}
    assert {area: row.letter for area, row in stored.items()} == chosen
    assert stored[areas[0].id].how == "button"
    assert stored[areas[1].id].how == "letter"
    assert stored[areas[2].id].how == "position"
    assert stored[areas[3].id].how == "words" and stored[areas[3].id].confirmed
    assert "someone with me" in stored[areas[3].id].own_words
    assert stored[areas[4].id].not_sure
    budget = store.assessments.budget(assessment.id)
    assert budget is not None
    assert (budget.yearly_pounds, budget.weekly_pounds) == (
        int(expected.yearly),
        int(expected.weekly),
    )
    assert budget.scheme_id == "default"
    # Rasa's SQL tracker store keeps the conversation in the same database.
    assert "events" in inspect(store.engine).get_table_names()


def test_odd_messages_get_a_kind_reply(servers: Servers) -> None:
    alex = Person(servers, "rest:e2e-alex")
    alex.says("hello")
    alex.taps("Yes")
    alex.taps("Me")
    for odd in ["asdfgh qwerty", "🙂🙂"]:
        reply = alex.says(odd)
        # Either "I did not get that" or "I can only help with..." is kind; both ask again.
        assert reply.startswith("Sorry, I")
        assert "Question 1 of 11" in reply
    # Too long to read: asked to send it in parts; nothing changes.
    assert alex.says("x" * 2000) == "That is a long message. Please send it in shorter parts."
    assert "Question 1 of 11" in alex.says("what was the question?")
