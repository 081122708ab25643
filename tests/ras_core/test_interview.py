"""The interview state machine over a real SQLite database, one message at a time."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from ras_core.conversation.interview import Interview
from ras_core.conversation.say import Outcome, Say
from ras_core.domain.progress import AssessmentStatus, InterviewStage, Journey
from ras_core.domain.questionnaire import load_questionnaire
from ras_core.domain.scheme import load_scheme
from ras_core.domain.scoring import score
from ras_core.domain.understanding import Turn
from ras_core.store import Store, open_store
from ras_core.store.schema import contact_requests

QUESTIONNAIRE = load_questionnaire()
SCHEME = load_scheme()
TOTAL = len(QUESTIONNAIRE.areas)


class Chat:
    """Drives the interview the way the actions do: a fresh Interview for every message."""

    def __init__(self, store: Store, user: str = "42") -> None:
        self.store = store
        self.user = user

    def interview(self) -> Interview:
        person = self.store.people.person("test", self.user)
        return Interview(self.store, QUESTIONNAIRE, SCHEME, person)

    def send(self, text: str, intent: str | None = None, option: str | None = None) -> Outcome:
        turn = Turn(text, intent, 0.95 if intent else 0.0, option, text.startswith("/"))
        return self.interview().handle(turn)

    def prompt(self) -> list[Say]:
        return self.interview().prompt()

    def prompt_keys(self) -> list[str]:
        return [say.key for say in self.prompt()]

    def start(self, for_whom: str = "for_myself") -> None:
        self.send("yes", "affirm")
        self.send(f"/{for_whom}", for_whom)


@pytest.fixture()
def store(tmp_path: Path) -> Store:
    return open_store(f"sqlite:///{tmp_path / 'test.db'}")


@pytest.fixture()
def chat(store: Store) -> Chat:
    return Chat(store)


def question(chat: Chat) -> Say:
    return chat.prompt()[-1]


def count(store: Store, table: Any) -> int:
    with store.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def test_consent_comes_first_and_is_stored(chat: Chat) -> None:
    assert chat.prompt_keys() == ["consent"]
    assert chat.interview().stage is InterviewStage.CONSENT
    assert chat.send("yes", "affirm").says == [Say("consent_thanks")]
    assert chat.interview().person.consented
    assert chat.prompt_keys() == ["ask_who"]
    assert chat.interview().stage is InterviewStage.WHO


def test_a_new_person_saying_hello_again_is_not_told_their_answers_are_saved(
    chat: Chat,
) -> None:
    assert chat.send("hello", "greet").says == []
    assert chat.prompt_keys() == ["consent"]
    chat.send("yes", "affirm")
    assert chat.send("hiya", "greet").says == []
    assert chat.prompt_keys() == ["ask_who"]
    chat.send("/for_myself", "for_myself")
    assert chat.send("hello", "greet").says == [Say("small_talk_greet")]


def test_saying_no_to_consent_ends_kindly(chat: Chat) -> None:
    outcome = chat.send("no", "deny")
    assert outcome.finished
    assert not chat.interview().person.consented


def test_whole_questionnaire_by_letters_gives_the_scheme_budget(chat: Chat, store: Store) -> None:
    chat.start()
    letters = "ABCDABCDABC"
    for number, letter in enumerate(letters, start=1):
        asked = question(chat)
        assert asked.key == "question"
        assert asked.params["number"] == number and asked.params["total"] == TOTAL
        assert [option[0] for option in asked.options] == ["A", "B", "C", "D"]
        chat.send(letter.lower())
    assert chat.prompt_keys() == ["summary"]
    summary = chat.prompt()[0].params["lines"]
    assert summary.splitlines()[0].startswith("1. ")
    assert chat.send("yes", "affirm").finished

    interview = chat.interview()
    assert interview.assessment is None and interview.finished is not None
    chosen = dict(zip([area.id for area in QUESTIONNAIRE.areas], letters, strict=True))
    expected = score(SCHEME, chosen)
    assert interview.finished.status is AssessmentStatus.COMPLETE
    budget = store.assessments.budget(interview.finished.id)
    assert budget is not None
    assert budget.yearly_pounds == int(expected.yearly)
    assert budget.weekly_pounds == int(expected.weekly)
    says = interview.budget_says()
    assert says[0].key == "budget"
    assert says[0].params["yearly"].startswith("£")


def test_carer_gets_carer_wording(chat: Chat) -> None:
    chat.start("for_someone_else")
    asked = question(chat)
    first = QUESTIONNAIRE.areas[0]
    assert asked.params["question"] == first.question("someone_else")
    assert asked.params["question"] != first.question("self")
    assert chat.interview().who == "someone_else"


def test_own_words_are_checked_before_saving(chat: Chat, store: Store) -> None:
    chat.start()
    chat.send("I can't wash without help", "describe_lot_of_help")
    check = chat.prompt()[0]
    assert check.key == "check_answer" and check.params["letter"] == "A"
    assert store.assessments.answers(chat.interview().assessment.id) == {}  # type: ignore[union-attr]
    chat.send("yes", "affirm")
    saved = store.assessments.answers(chat.interview().assessment.id)  # type: ignore[union-attr]
    answer = saved[QUESTIONNAIRE.areas[0].id]
    assert (answer.letter, answer.how, answer.confirmed) == ("A", "words", True)
    assert answer.own_words == "I can't wash without help"
    assert question(chat).params["number"] == 2


def test_a_wrong_guess_is_not_saved(chat: Chat, store: Store) -> None:
    chat.start()
    chat.send("i manage mostly", "describe_little_help")
    assert chat.send("no", "deny").says == [Say("not_that_one")]
    assert store.assessments.answers(chat.interview().assessment.id) == {}  # type: ignore[union-attr]
    assert question(chat).params["number"] == 1


def test_not_sure_is_kept_for_the_coordinator(chat: Chat, store: Store) -> None:
    chat.start()
    assert chat.send("/not_sure", "not_sure").says[0] == Say("not_sure_noted")
    answer = store.assessments.answers(chat.interview().assessment.id)[QUESTIONNAIRE.areas[0].id]  # type: ignore[union-attr]
    assert answer.letter is None and answer.not_sure


def test_go_back_shows_the_earlier_answer(chat: Chat) -> None:
    chat.start()
    chat.send("B")
    chat.send("the third one")
    chat.send("go back", "go_back")
    says = chat.prompt()
    assert says[0].key == "earlier_answer" and says[0].params["answer"].startswith("C:")
    assert says[1].params["number"] == 2
    chat.send("A")
    assert question(chat).params["number"] == 3


def test_cannot_go_back_before_the_first_question(chat: Chat) -> None:
    chat.start()
    assert chat.send("back", "go_back").says == [Say("first_question")]


def test_change_an_answer_from_the_summary(chat: Chat, store: Store) -> None:
    chat.start()
    for _ in range(TOTAL):
        chat.send("D")
    chat.send("change an answer", "change_answer")
    assert chat.prompt_keys() == ["which_to_change"]
    chat.send("number 3")
    assert question(chat).params["number"] == 3
    chat.send("A")
    assert chat.prompt_keys() == ["summary"]
    answers = store.assessments.answers(chat.interview().assessment.id)  # type: ignore[union-attr]
    assert answers[QUESTIONNAIRE.areas[2].id].letter == "A"


def test_pause_and_come_back_carries_on_at_the_same_question(chat: Chat) -> None:
    chat.start()
    chat.send("A")
    chat.send("B")
    journey, says = chat.interview().begin()
    assert journey is Journey.QUESTIONS
    assert says == [Say("welcome_back", {"number": 3, "total": TOTAL})]
    assert question(chat).params["number"] == 3


def test_start_again_needs_a_yes(chat: Chat, store: Store) -> None:
    chat.start()
    chat.send("A")
    first_id = chat.interview().assessment.id  # type: ignore[union-attr]
    chat.send("start again", "start_again")
    assert chat.prompt_keys() == ["confirm_start_again"]
    chat.send("no", "deny")
    assert question(chat).params["number"] == 2
    chat.send("start over", "start_again")
    chat.send("yes", "affirm")
    fresh = chat.interview().assessment
    assert fresh is not None and fresh.id != first_id
    assert question(chat).params["number"] == 1
    assert store.assessments.get(first_id).status is AssessmentStatus.ABANDONED


def test_asking_for_a_person_is_recorded_and_the_question_stays(chat: Chat, store: Store) -> None:
    chat.start()
    assert chat.send("can i talk to someone", "ask_for_person").says == [Say("asked_for_person")]
    assert count(store, contact_requests) == 1
    [asked] = store.people.contact_requests(chat.interview().person.id)
    assert (asked.reason, asked.words) == ("asked_for_person", "can i talk to someone")
    assert question(chat).params["number"] == 1


@pytest.mark.parametrize("text", ["asdfgh", "", "🙂", "x" * 5000, "'; drop table answers; --"])
def test_odd_input_gets_a_kind_reply_and_loses_nothing(chat: Chat, text: str) -> None:
    chat.start()
    chat.send("B")
    assert chat.send(text).says == [Say("unclear")]
    assert question(chat).params["number"] == 2


def test_explain_uses_different_words(chat: Chat) -> None:
    chat.start()
    said = chat.send("what does that mean", "explain").says[0]
    area = QUESTIONNAIRE.areas[0]
    assert said.params["explain"] == area.explain("self") != area.question("self")


def test_coming_back_after_finishing_shows_the_budget(chat: Chat) -> None:
    chat.start()
    for _ in range(TOTAL):
        chat.send("C")
    chat.send("yes", "affirm")
    journey, says = chat.interview().begin()
    assert journey is Journey.DONE
    assert [s.key for s in says][:2] == ["welcome_done", "budget"]
    journey, says = chat.interview().begin(fresh=True)
    assert journey is Journey.QUESTIONS and chat.prompt_keys() == ["ask_who"]


def test_answers_heard_in_a_voice_note_are_saved_as_voice(chat: Chat, store: Store) -> None:
    chat.start()
    chat.interview().handle(Turn("the second one", "choose_option", 0.95, None, spoken=True))
    chat.interview().handle(
        Turn("I cannot wash on my own", "describe_lot_of_help", 0.95, None, spoken=True)
    )
    chat.send("yes", "affirm")  # the check of what it understood, typed this time
    saved = store.assessments.answers(chat.interview().assessment.id)  # type: ignore[union-attr]
    first, second = (saved[area.id] for area in QUESTIONNAIRE.areas[:2])
    assert (first.letter, first.how, first.own_words) == ("B", "voice", "the second one")
    assert (second.letter, second.how, second.confirmed) == ("A", "voice", True)
