"""The self-assessment interview as a small state machine over the database.

Where a person stands is worked out from what is stored, so nothing lives only in the
chat tracker: a pause, a server restart or a crash carries on at the same question.

Stages (`InterviewStage`): consent (no consent stored) -> who (no assessment in progress) ->
question -> confirm_answer (an answer heard in own words, checked back) -> review -> complete.
choose_change and confirm_start_again are side trips that return where they came from.
`Interview.HANDLERS` says which method answers a message at each stage.

The interview never words a message itself: it returns `Say` items naming a message in the
domain's responses, with the questionnaire's own text passed in as parameters.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from ras_core.conversation.attention import ask_for_person
from ras_core.conversation.say import SMALL_TALK, Outcome, Say
from ras_core.domain.money import format_money
from ras_core.domain.phrases import phrase
from ras_core.domain.progress import AssessmentStatus, InterviewStage, Journey
from ras_core.domain.questionnaire import Area, Questionnaire
from ras_core.domain.safeguarding import answers_question
from ras_core.domain.scheme import Scheme
from ras_core.domain.scoring import score
from ras_core.domain.understanding import Meaning, Turn, read_number, understand
from ras_core.store import Store
from ras_core.store.people import Person

Stage = InterviewStage


@dataclass(frozen=True)
class SummaryLine:
    number: int
    area_name: str
    letter: str | None
    label: str


class Interview:
    """One person's interview. Cheap to make: build one per message."""

    HANDLERS: ClassVar[dict[Stage, Callable[[Interview, Meaning, Turn], Outcome]]]

    def __init__(
        self, store: Store, questionnaire: Questionnaire, scheme: Scheme, person: Person
    ) -> None:
        self.store = store
        self.questionnaire = questionnaire
        self.scheme = scheme
        self.person = person
        latest = store.assessments.latest(person.id)
        status = latest.status if latest is not None else None
        self.assessment = latest if status is AssessmentStatus.IN_PROGRESS else None
        self.finished = latest if status is AssessmentStatus.COMPLETE else None

    # Where things stand
    @property
    def stage(self) -> Stage:
        if not self.person.consented:
            return Stage.CONSENT
        if self.assessment is None:
            return Stage.WHO
        return self.assessment.stage

    @property
    def who(self) -> str:
        """Whose life the questions are about: "self" or "someone_else" (carer wording)."""
        for assessment in (self.assessment, self.finished):
            if assessment is not None:
                return assessment.answering_for
        return "self"

    @property
    def total(self) -> int:
        return len(self.questionnaire.areas)

    @property
    def area(self) -> Area:
        assert self.assessment is not None
        return self.questionnaire.areas[self.assessment.position]

    def answered_count(self) -> int:
        return len(self.store.assessments.answers(self.assessment.id)) if self.assessment else 0

    def begin(self, fresh: bool = False) -> tuple[Journey, list[Say]]:
        """Someone arrives, or asks to start.

        QUESTIONS means the form takes over and asks the next thing; DONE means the
        questions are finished and the early budget is read back.
        """
        if self.assessment is not None:
            number = {"number": self.assessment.position + 1, "total": self.total}
            return Journey.QUESTIONS, [Say("already_started" if fresh else "welcome_back", number)]
        if self.finished is not None and not fresh:
            return Journey.DONE, [
                Say("welcome_done"),
                *self.budget_says(),
                Say("offer_start_again"),
            ]
        return Journey.QUESTIONS, [Say("welcome_again" if self.person.consented else "welcome")]

    # One message
    def handle(self, turn: Turn) -> Outcome:
        meaning = understand(turn, self._labels())
        said = self._anywhere(meaning, turn)
        if said is not None:
            return Outcome(said)
        return self.HANDLERS[self.stage](self, meaning, turn)

    def safety_words_as_answer(self, turn: Turn) -> Outcome | None:
        """Words that may mean danger but answer the question asked (safeguarding.yml's
        `answers_at`): the person is thanked and chooses the statement that fits. No guess
        is offered: the model read "I am not safe when I'm on my own" as "I don't often need
        help to stay safe". None if they do not answer it: the person is asked if they are safe."""
        if self.stage is not Stage.QUESTION or not answers_question(turn.text, self.area.id):
            return None
        return Outcome([Say("which_fits")])

    def _labels(self) -> dict[str, str]:
        if self.stage in (Stage.QUESTION, Stage.CONFIRM_ANSWER):
            return {s.letter: s.label for s in self.area.statements}
        return {}

    def _anywhere(self, meaning: Meaning, turn: Turn) -> list[Say] | None:
        """What means the same at every stage."""
        kind = meaning.kind
        if kind == "ask_for_person":
            assessment_id = self.assessment.id if self.assessment else None
            ask_for_person(self.store, self.person, assessment_id, turn.text)
            return [Say("asked_for_person")]
        if kind == "help":
            return [Say("help")]
        if kind == "repeat":
            return []
        if kind == "greet" and self.stage in (Stage.CONSENT, Stage.WHO):
            return []  # nothing is saved yet: no "hello again", just the question once more
        if kind in SMALL_TALK:
            return [Say(SMALL_TALK[kind])]
        if kind == "start_again":
            if self.assessment is not None and self.stage is not Stage.CONFIRM_START_AGAIN:
                self._set_place(stage=Stage.CONFIRM_START_AGAIN, previous_stage=self.stage)
            return []
        if kind == "unclear" and self.stage is not Stage.CHOOSE_CHANGE:
            return [Say("unclear")]
        return None

    def _on_consent(self, meaning: Meaning, turn: Turn) -> Outcome:
        if meaning.kind == "yes":
            self.store.people.record_consent(self.person.id)
            self.person = self.store.people.by_id(self.person.id)
            return Outcome([Say("consent_thanks")])
        if meaning.kind == "no":
            return Outcome([], finished=True)
        if meaning.kind == "explain":
            return Outcome([Say("explain_consent")])
        return Outcome([Say("unclear")])

    def _on_who(self, meaning: Meaning, turn: Turn) -> Outcome:
        if meaning.kind in ("for_myself", "for_someone_else"):
            answering_for = "self" if meaning.kind == "for_myself" else "someone_else"
            self.assessment = self.store.assessments.start(
                self.person.id, self.questionnaire.id, self.questionnaire.version, answering_for
            )
            return Outcome([Say("starting", {"total": self.total})])
        if meaning.kind == "explain":
            return Outcome([Say("explain_who")])
        return Outcome([Say("unclear")])

    def _on_question(self, meaning: Meaning, turn: Turn) -> Outcome:
        how = "voice" if turn.spoken else meaning.how
        if meaning.kind == "answer" and meaning.letter is not None:
            if meaning.sure:
                return self._record(meaning.letter, self._words(meaning, turn), how, False)
            self._set_place(
                stage=Stage.CONFIRM_ANSWER,
                pending_letter=meaning.letter,
                pending_words=turn.text,
                pending_how=how,
            )
            return Outcome([])
        if meaning.kind == "not_sure":
            outcome = self._record(None, turn.text, how, False)
            return Outcome([Say("not_sure_noted"), *outcome.says], outcome.finished)
        if meaning.kind == "explain":
            return Outcome([Say("explain_area", {"explain": self.area.explain(self.who)})])
        if meaning.kind == "go_back":
            return Outcome(self._go_back())
        if meaning.kind == "change":
            self._set_place(stage=Stage.CHOOSE_CHANGE, previous_stage=Stage.QUESTION)
            return Outcome([])
        return Outcome([Say("unclear")])

    def _on_confirm_answer(self, meaning: Meaning, turn: Turn) -> Outcome:
        assert self.assessment is not None
        pending = self.assessment
        if meaning.kind == "yes" and pending.pending_letter:
            how = pending.pending_how or "words"
            return self._record(
                pending.pending_letter, pending.pending_words or turn.text, how, True
            )
        if meaning.kind == "no":
            self._set_place(stage=Stage.QUESTION, **NOTHING_PENDING)
            return Outcome([Say("not_that_one")])
        if meaning.kind == "explain":
            return Outcome([Say("explain_area", {"explain": self.area.explain(self.who)})])
        self._set_place(stage=Stage.QUESTION, **NOTHING_PENDING)
        return self._on_question(meaning, turn)

    def _on_review(self, meaning: Meaning, turn: Turn) -> Outcome:
        number = read_number(turn.text)
        if number is not None and meaning.kind not in ("yes", "no"):
            return self._on_choose_change(meaning, turn)
        if meaning.kind == "yes":
            return self._finish()
        if meaning.kind in ("no", "change"):
            self._set_place(stage=Stage.CHOOSE_CHANGE, previous_stage=Stage.REVIEW)
            return Outcome([])
        if meaning.kind == "go_back":
            self._set_place(stage=Stage.QUESTION, position=self.total - 1)
            return Outcome([])
        if meaning.kind == "explain":
            return Outcome([Say("explain_review")])
        return Outcome([Say("unclear")])

    def _on_choose_change(self, meaning: Meaning, turn: Turn) -> Outcome:
        assert self.assessment is not None
        number = read_number(turn.text)
        if number is not None and 1 <= number <= self.total:
            self._set_place(stage=Stage.QUESTION, position=number - 1, previous_stage=None)
            return Outcome([])
        if meaning.kind == "no":
            return Outcome(self._return_from_side_trip())
        return Outcome([Say("which_number_unclear", {"total": self.total})])

    def _on_confirm_start_again(self, meaning: Meaning, turn: Turn) -> Outcome:
        assert self.assessment is not None
        if meaning.kind == "yes":
            self.assessment = self.store.assessments.start(
                self.person.id,
                self.questionnaire.id,
                self.questionnaire.version,
                self.assessment.answering_for,
            )
            return Outcome([Say("started_again")])
        if meaning.kind == "no":
            return Outcome(self._return_from_side_trip())
        return Outcome([Say("unclear")])

    # Changes to the stored interview
    def _set_place(self, **changes: Any) -> None:
        assert self.assessment is not None
        self.assessment = self.store.assessments.set_place(self.assessment.id, **changes)

    def _return_from_side_trip(self) -> list[Say]:
        assert self.assessment is not None
        back = self.assessment.previous_stage or Stage.QUESTION
        self._set_place(stage=back, previous_stage=None)
        return [Say("carry_on")]

    def _words(self, meaning: Meaning, turn: Turn) -> str:
        """What to keep as the person's own words: a tapped button is kept as its label."""
        if meaning.how == "button" and meaning.letter:
            return f"{meaning.letter}: {self.area.statement(meaning.letter).label}"
        return turn.text

    def _record(self, letter: str | None, own_words: str, how: str, confirmed: bool) -> Outcome:
        assert self.assessment is not None
        assessments = self.store.assessments
        assessments.save_answer(self.assessment.id, self.area.id, letter, own_words, how, confirmed)
        answered = assessments.answers(self.assessment.id)
        unanswered = [i for i, a in enumerate(self.questionnaire.areas) if a.id not in answered]
        if unanswered:
            later = [i for i in unanswered if i > self.assessment.position]
            self._set_place(
                stage=Stage.QUESTION, position=(later or unanswered)[0], **NOTHING_PENDING
            )
        else:
            self._set_place(stage=Stage.REVIEW, **NOTHING_PENDING)
        return Outcome([])

    def _go_back(self) -> list[Say]:
        assert self.assessment is not None
        if self.assessment.position == 0:
            return [Say("first_question")]
        self._set_place(stage=Stage.QUESTION, position=self.assessment.position - 1)
        return [Say("going_back")]

    def _finish(self) -> Outcome:
        assert self.assessment is not None
        stored = self.store.assessments.answers(self.assessment.id)
        letters = {area_id: answer.letter for area_id, answer in stored.items()}
        breakdown = score(self.scheme, letters)
        self.store.assessments.save_budget(self.assessment.id, breakdown.to_record())
        self.finished = self.store.assessments.get(self.assessment.id)
        self.assessment = None
        return Outcome([], finished=True)

    # What to ask now
    def prompt(self) -> list[Say]:
        stage = self.stage
        if stage is Stage.CONSENT:
            return [Say("consent", {"total": self.total})]
        if stage is Stage.WHO:
            return [Say("ask_who")]
        assert self.assessment is not None
        if stage is Stage.QUESTION:
            return self._question_says()
        if stage is Stage.CONFIRM_ANSWER:
            letter = self.assessment.pending_letter or "A"
            text = self.area.statement_text(letter, self.who)
            return [Say("check_answer", {"letter": letter, "statement": text})]
        if stage is Stage.REVIEW:
            return [Say("summary", {"lines": self.summary_text()})]
        if stage is Stage.CHOOSE_CHANGE:
            return [Say("which_to_change", {"total": self.total})]
        return [Say("confirm_start_again")]

    def _question_says(self) -> list[Say]:
        assert self.assessment is not None
        area = self.area
        says = []
        earlier = self.store.assessments.answers(self.assessment.id).get(area.id)
        if earlier is not None:
            says.append(Say("earlier_answer", {"answer": self._answer_words(area, earlier.letter)}))
        statements = "\n".join(
            f"{s.letter}: {area.statement_text(s.letter, self.who)}" for s in area.statements
        )
        params = {
            "number": self.assessment.position + 1,
            "total": self.total,
            "intro": area.intro(self.who),
            "statements": statements,
            "question": area.question(self.who),
        }
        options = tuple((s.letter, s.label) for s in area.statements)
        says.append(Say("question", params, options))
        return says

    @staticmethod
    def _answer_words(area: Area, letter: str | None) -> str:
        return f"{letter}: {area.statement(letter).label}" if letter else phrase("not_sure")

    def summary(self) -> list[SummaryLine]:
        assert self.assessment is not None
        stored = self.store.assessments.answers(self.assessment.id)
        lines = []
        for number, area in enumerate(self.questionnaire.areas, start=1):
            answer = stored.get(area.id)
            letter = answer.letter if answer else None
            label = area.statement(letter).label if letter else phrase("not_sure")
            lines.append(SummaryLine(number, area.name, letter, label))
        return lines

    def summary_text(self) -> str:
        return "\n".join(
            f"{line.number}. {line.area_name}: "
            + (f"{line.letter}, {line.label.lower()}" if line.letter else line.label)
            for line in self.summary()
        )

    def budget_says(self) -> list[Say]:
        """The early budget, worked out at the end and read back from the database."""
        if self.finished is None:
            return []
        stored = self.store.assessments.budget(self.finished.id)
        if stored is None:
            return []
        record = stored.breakdown
        params = {
            "yearly": format_money(stored.yearly_pounds),
            "weekly": format_money(stored.weekly_pounds),
            "explanation": " ".join(record.get("explanation", [])),
        }
        says = [Say("budget", params)]
        if stored.needs_panel:
            says.append(Say("budget_panel"))
        says.append(Say("budget_next"))
        return says


NOTHING_PENDING: dict[str, Any] = dict(pending_letter=None, pending_words=None, pending_how=None)

# Which method answers a message at each stored or worked-out stage.
Interview.HANDLERS = {
    Stage.CONSENT: Interview._on_consent,
    Stage.WHO: Interview._on_who,
    Stage.QUESTION: Interview._on_question,
    Stage.CONFIRM_ANSWER: Interview._on_confirm_answer,
    Stage.REVIEW: Interview._on_review,
    Stage.CHOOSE_CHANGE: Interview._on_choose_change,
    Stage.CONFIRM_START_AGAIN: Interview._on_confirm_start_again,
}
