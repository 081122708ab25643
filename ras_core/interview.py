"""The self-assessment interview as a small state machine over the database.

Where a person stands is worked out from what is stored, so nothing lives only in the
chat tracker: a pause, a server restart or a crash carries on at the same question.

Stages: consent (no consent stored) -> who (no assessment in progress) -> question ->
confirm_answer (an answer heard in own words, checked back) -> review -> complete.
choose_change and confirm_start_again are side trips that return where they came from.

The interview never words a message itself: it returns `Say` items naming a message in the
domain's responses, with the questionnaire's own text passed in as parameters.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ras_core.handover import hand_over
from ras_core.money import format_money
from ras_core.questionnaire import Area, Questionnaire
from ras_core.scheme import Scheme
from ras_core.scoring import score
from ras_core.storage import Assessment, Person, Store
from ras_core.understanding import Move, Turn, read_number, understand

SMALL_TALK = {
    "greet": "small_talk_greet",
    "goodbye": "small_talk_goodbye",
    "thanks": "small_talk_thanks",
    "bot_challenge": "iamabot",
    "out_of_scope": "small_talk_out_of_scope",
}
ANSWERED_DIRECTLY = {"button", "letter", "position"}


@dataclass(frozen=True)
class Say:
    """One message: a response name, its parameters, and statement buttons (letter, label)."""

    key: str
    params: dict[str, Any] = field(default_factory=dict)
    options: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Outcome:
    says: list[Say]
    finished: bool = False  # the interview is over: budget worked out, or consent refused


@dataclass(frozen=True)
class SummaryLine:
    number: int
    area_name: str
    letter: str | None
    label: str


class Interview:
    """One person's interview. Cheap to make: build one per message."""

    def __init__(
        self,
        store: Store,
        questionnaire: Questionnaire,
        scheme: Scheme,
        channel: str,
        user_id: str,
    ) -> None:
        self.store = store
        self.questionnaire = questionnaire
        self.scheme = scheme
        self.person: Person = store.person(channel, user_id)
        latest = store.latest_assessment(self.person.id)
        self.assessment: Assessment | None = (
            latest if latest is not None and latest.status == "in_progress" else None
        )
        self.finished: Assessment | None = (
            latest if latest is not None and latest.status == "complete" else None
        )

    # Where things stand
    @property
    def stage(self) -> str:
        if not self.person.consented:
            return "consent"
        if self.assessment is None:
            return "who"
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
        return len(self.store.answers(self.assessment.id)) if self.assessment else 0

    def begin(self, fresh: bool = False) -> tuple[str, list[Say]]:
        """Someone arrives, or asks to start: returns the journey ("questions" or "done").

        "questions" means the form takes over and asks the next thing; "done" means the
        questions are finished and the early budget is read back.
        """
        if self.assessment is not None:
            number = {"number": self.assessment.position + 1, "total": self.total}
            return "questions", [Say("already_started" if fresh else "welcome_back", number)]
        if self.finished is not None and not fresh:
            return "done", [Say("welcome_done"), *self.budget_says(), Say("offer_start_again")]
        return "questions", [Say("welcome_again" if self.person.consented else "welcome")]

    # One message
    def handle(self, turn: Turn) -> Outcome:
        labels = self._labels()
        move = understand(turn, labels)
        said = self._common(move, turn)
        if said is not None:
            return Outcome(said)
        handler = getattr(self, f"_on_{self.stage}")
        result: Outcome = handler(move, turn)
        return result

    def _labels(self) -> dict[str, str]:
        if self.stage in ("question", "confirm_answer"):
            return {s.letter: s.label for s in self.area.statements}
        return {}

    def _common(self, move: Move, turn: Turn) -> list[Say] | None:
        """Moves that mean the same at every stage."""
        if move.kind == "human":
            assessment_id = self.assessment.id if self.assessment else None
            hand_over(self.store, self.person.id, assessment_id, turn.text)
            return [Say("human_recorded")]
        if move.kind == "help":
            return [Say("help")]
        if move.kind == "repeat":
            return []
        if move.kind in SMALL_TALK:
            return [Say(SMALL_TALK[move.kind])]
        if move.kind == "start_again":
            if self.assessment is not None and self.stage != "confirm_start_again":
                self._move(stage="confirm_start_again", previous_stage=self.stage)
            return []
        if move.kind == "unclear" and self.stage not in ("choose_change",):
            return [Say("unclear")]
        return None

    def _on_consent(self, move: Move, turn: Turn) -> Outcome:
        if move.kind == "yes":
            self.store.record_consent(self.person.id)
            self.person = self.store.person(self.person.channel, self.person.channel_user_id)
            return Outcome([Say("consent_thanks")])
        if move.kind == "no":
            return Outcome([], finished=True)
        if move.kind == "explain":
            return Outcome([Say("explain_consent")])
        return Outcome([Say("unclear")])

    def _on_who(self, move: Move, turn: Turn) -> Outcome:
        if move.kind in ("for_myself", "for_someone_else"):
            answering_for = "self" if move.kind == "for_myself" else "someone_else"
            self.assessment = self.store.start_assessment(
                self.person.id, self.questionnaire.id, self.questionnaire.version, answering_for
            )
            return Outcome([Say("starting", {"total": self.total})])
        if move.kind == "explain":
            return Outcome([Say("explain_who")])
        return Outcome([Say("unclear")])

    def _on_question(self, move: Move, turn: Turn) -> Outcome:
        how = "voice" if turn.spoken else move.how
        if move.kind == "answer" and move.letter is not None:
            if move.sure:
                return self._record(move.letter, self._words(move, turn), how, False)
            self._move(
                stage="confirm_answer",
                pending_letter=move.letter,
                pending_words=turn.text,
                pending_how=how,
            )
            return Outcome([])
        if move.kind == "not_sure":
            outcome = self._record(None, turn.text, how, False)
            return Outcome([Say("not_sure_noted"), *outcome.says], outcome.finished)
        if move.kind == "explain":
            return Outcome([Say("explain_area", {"explain": self.area.explain(self.who)})])
        if move.kind == "go_back":
            return Outcome(self._go_back())
        if move.kind == "change":
            self._move(stage="choose_change", previous_stage="question")
            return Outcome([])
        return Outcome([Say("unclear")])

    def _on_confirm_answer(self, move: Move, turn: Turn) -> Outcome:
        assert self.assessment is not None
        pending = self.assessment
        if move.kind == "yes" and pending.pending_letter:
            how = pending.pending_how or "words"
            return self._record(
                pending.pending_letter, pending.pending_words or turn.text, how, True
            )
        if move.kind == "no":
            self._move(stage="question", pending_letter=None, pending_words=None, pending_how=None)
            return Outcome([Say("not_that_one")])
        if move.kind == "explain":
            return Outcome([Say("explain_area", {"explain": self.area.explain(self.who)})])
        self._move(stage="question", pending_letter=None, pending_words=None, pending_how=None)
        return self._on_question(move, turn)

    def _on_review(self, move: Move, turn: Turn) -> Outcome:
        number = read_number(turn.text)
        if number is not None and move.kind not in ("yes", "no"):
            return self._on_choose_change(move, turn)
        if move.kind == "yes":
            return self._finish()
        if move.kind in ("no", "change"):
            self._move(stage="choose_change", previous_stage="review")
            return Outcome([])
        if move.kind == "go_back":
            self._move(stage="question", position=self.total - 1)
            return Outcome([])
        if move.kind == "explain":
            return Outcome([Say("explain_review")])
        return Outcome([Say("unclear")])

    def _on_choose_change(self, move: Move, turn: Turn) -> Outcome:
        assert self.assessment is not None
        number = read_number(turn.text)
        if number is not None and 1 <= number <= self.total:
            self._move(stage="question", position=number - 1, previous_stage=None)
            return Outcome([])
        if move.kind == "no":
            self._move(stage=self.assessment.previous_stage or "question", previous_stage=None)
            return Outcome([Say("carry_on")])
        return Outcome([Say("which_number_unclear", {"total": self.total})])

    def _on_confirm_start_again(self, move: Move, turn: Turn) -> Outcome:
        assert self.assessment is not None
        if move.kind == "yes":
            self.assessment = self.store.start_assessment(
                self.person.id,
                self.questionnaire.id,
                self.questionnaire.version,
                self.assessment.answering_for,
            )
            return Outcome([Say("started_again")])
        if move.kind == "no":
            self._move(stage=self.assessment.previous_stage or "question", previous_stage=None)
            return Outcome([Say("carry_on")])
        return Outcome([Say("unclear")])

    # Changes to the stored interview
    def _move(self, **changes: Any) -> None:
        assert self.assessment is not None
        self.assessment = self.store.move(self.assessment.id, **changes)

    def _words(self, move: Move, turn: Turn) -> str:
        """What to keep as the person's own words: a tapped button is kept as its label."""
        if move.how == "button" and move.letter:
            return f"{move.letter}: {self.area.statement(move.letter).label}"
        return turn.text

    def _record(self, letter: str | None, own_words: str, how: str, confirmed: bool) -> Outcome:
        assert self.assessment is not None
        self.store.save_answer(self.assessment.id, self.area.id, letter, own_words, how, confirmed)
        answered = self.store.answers(self.assessment.id)
        unanswered = [i for i, a in enumerate(self.questionnaire.areas) if a.id not in answered]
        clear = dict(pending_letter=None, pending_words=None, pending_how=None)
        if unanswered:
            later = [i for i in unanswered if i > self.assessment.position]
            self._move(stage="question", position=(later or unanswered)[0], **clear)
        else:
            self._move(stage="review", **clear)
        return Outcome([])

    def _go_back(self) -> list[Say]:
        assert self.assessment is not None
        if self.assessment.position == 0:
            return [Say("first_question")]
        self._move(stage="question", position=self.assessment.position - 1)
        return [Say("going_back")]

    def _finish(self) -> Outcome:
        assert self.assessment is not None
        stored = self.store.answers(self.assessment.id)
        letters = {area_id: answer.letter for area_id, answer in stored.items()}
        breakdown = score(self.scheme, letters)
        self.store.save_budget(self.assessment.id, breakdown.to_record())
        self.finished = self.store.assessment(self.assessment.id)
        self.assessment = None
        return Outcome([], finished=True)

    # What to ask now
    def prompt(self) -> list[Say]:
        stage = self.stage
        if stage == "consent":
            return [Say("consent", {"total": self.total})]
        if stage == "who":
            return [Say("ask_who")]
        assert self.assessment is not None
        if stage == "question":
            return self._question_says()
        if stage == "confirm_answer":
            letter = self.assessment.pending_letter or "A"
            text = self.area.statement_text(letter, self.who)
            return [Say("check_answer", {"letter": letter, "statement": text})]
        if stage == "review":
            return [Say("summary", {"lines": self.summary_text()})]
        if stage == "choose_change":
            return [Say("which_to_change", {"total": self.total})]
        return [Say("confirm_start_again")]

    def _question_says(self) -> list[Say]:
        assert self.assessment is not None
        area = self.area
        says = []
        earlier = self.store.answers(self.assessment.id).get(area.id)
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
        return f"{letter}: {area.statement(letter).label}" if letter else "not sure"

    def summary(self) -> list[SummaryLine]:
        assert self.assessment is not None
        stored = self.store.answers(self.assessment.id)
        lines = []
        for number, area in enumerate(self.questionnaire.areas, start=1):
            answer = stored.get(area.id)
            letter = answer.letter if answer else None
            label = area.statement(letter).label if letter else "not sure"
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
        stored = self.store.budget(self.finished.id)
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
