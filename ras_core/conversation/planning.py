"""Drafting a support plan in the chat, as a small state machine over the database.

Like the interview, where the person stands lives in the `plans` table, so a pause or a crash
carries on at the same question. The parts, in order: what matters, what to change, support
items (kind, words, rough amount, who gives it), how the money is managed, who helped, the
emergency plan; then the plan is read back, and the person may change any part or send it.

Messages are `Say` items naming responses in the domain (bot/rasa/domain/plan.yml).
`Planning.HANDLERS` says which method answers a message at each `PlanStage`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any, ClassVar

from ras_core.casework import Casework
from ras_core.conversation.attention import ask_for_person
from ras_core.conversation.plan_questions import PlanQuestions
from ras_core.conversation.say import SMALL_TALK, Outcome, Say
from ras_core.domain.amounts import NOT_REAL, read_amount
from ras_core.domain.letters import LETTERS
from ras_core.domain.money import format_money
from ras_core.domain.plan_rules import Payee, PlanRules, SupportItem, load_rules
from ras_core.domain.progress import AssessmentStatus, Journey, PlanStage
from ras_core.domain.review import State
from ras_core.domain.support_plan import PlanDraft, PlanOptions, load_options
from ras_core.domain.understanding import Meaning, Turn, read_number, understand, words
from ras_core.store import Store
from ras_core.store.people import Person

Stage = PlanStage

# Parts read in free words; each is also the PlanDraft field it fills.
TEXT_PARTS = (Stage.WHAT_MATTERS, Stage.TO_CHANGE, Stage.HELPERS, Stage.EMERGENCY)
ORDER = (Stage.WHAT_MATTERS, Stage.TO_CHANGE, Stage.CATEGORY, Stage.MONEY, Stage.HELPERS,
         Stage.EMERGENCY, Stage.READBACK)  # fmt: skip
EDITABLE = {State.DRAFT, State.CHANGES_REQUESTED}
FREE_WORDS = {*TEXT_PARTS, Stage.ITEM_WORDS, Stage.ITEM_RELATIONSHIP}
SHORT = 5  # words: a longer message in a free-words part is the answer, whatever its intent
KEEP = "keep"  # _save(previous=KEEP): leave where to return as it is
ITEM_STAGES = {Stage.ITEM_WORDS, Stage.ITEM_AMOUNT, Stage.ITEM_WHO, Stage.ITEM_RELATIONSHIP,
               Stage.ITEM_LIVES_WITH, Stage.ITEM_DBS, Stage.MORE_SUPPORT}  # fmt: skip
_DONT_KNOW = {"dont know", "don't know", "not sure", "no idea", "dunno", "none", "nothing",
              "no plan", "i dont know", "i don't know", "not yet"}  # fmt: skip


class Planning(PlanQuestions):
    """One person's plan. Cheap to make: build one per message."""

    HANDLERS: ClassVar[dict[Stage, Callable[[Planning, Meaning, Turn], Outcome]]]

    def __init__(
        self,
        store: Store,
        person: Person,
        options: PlanOptions | None = None,
        rules: PlanRules | None = None,
    ) -> None:
        self.store = store
        self.work = Casework(store)
        self.person = person
        self.options = options or load_options()
        self.rules = rules or load_rules()
        assessment = store.assessments.latest(person.id)
        # Whose plan: "someone_else" when a carer answered, for carer wording as in the questions.
        self.who = assessment.answering_for if assessment else "self"
        finished = (
            assessment if assessment and assessment.status is AssessmentStatus.COMPLETE else None
        )
        self.assessment_id = finished.id if finished else None
        budget = store.assessments.budget(finished.id) if finished else None
        self.budget = budget.yearly_pounds if budget else None
        self.case = store.cases.latest_for(person.id)
        if (
            self.case
            and self.case.state is State.AGREED
            and self.case.assessment_id != self.assessment_id
        ):
            self.case = None  # answered the questions again since: a new plan, a new case
        stored = store.plans.get(self.case.id) if self.case else None
        self.plan_started = stored is not None
        self.draft = stored.draft if stored else PlanDraft()
        self.stage = stored.stage if stored else Stage.WHAT_MATTERS
        self.previous = stored.previous if stored else None

    # Where things stand
    @property
    def editable(self) -> bool:
        return self.case is None or self.case.state in EDITABLE

    def begin(self) -> tuple[Journey, list[Say]]:
        """After the questions: PLAN to open the plan form, or DONE with where things are."""
        if self.budget is None:
            return Journey.DONE, []
        if self.case is None or (self.case.state is State.DRAFT and not self.plan_started):
            return Journey.PLAN, [Say("plan_intro")]
        state = self.case.state
        reference = {"reference": self.case.reference}
        if state is State.DRAFT:
            return Journey.PLAN, [Say("plan_welcome_back")]
        if state is State.CHANGES_REQUESTED:
            if self.stage is not Stage.READBACK and self.previous is None:
                self._save(stage=Stage.READBACK)
            return Journey.PLAN, [
                Say("plan_revise", {**reference, "message": self._last_request()})
            ]
        if state is State.AGREED:
            final = self.case.final_yearly_pounds or 0
            agreed = {**reference, "yearly": format_money(final)}
            return Journey.DONE, [Say("plan_is_agreed", agreed)]
        return Journey.DONE, [Say("plan_is_with_coordinator", reference)]

    def _last_request(self) -> str:
        assert self.case is not None
        steps = self.store.cases.steps(self.case.id)
        asked = [step.note for step in steps if step.move == "request_changes"]
        return asked[-1] if asked else ""

    # One message
    def handle(self, turn: Turn) -> Outcome:
        if not self.editable:
            return Outcome([], finished=True)
        self._ensure_case()
        meaning = self._understand(turn)
        common = self._common(meaning, turn)
        if common is not None:
            return Outcome(common)
        checked = self.stage in (Stage.ITEM_WORDS, Stage.CATEGORY)
        refused = self.rules.refuse(turn.text) if checked else None
        if refused is not None:
            return Outcome([Say("plan_refused", {"reason": refused.say})])
        return self.HANDLERS[self.stage](self, meaning, turn)

    def _understand(self, turn: Turn) -> Meaning:
        meaning = understand(turn, self.labels())
        free = self.stage in FREE_WORDS and not turn.from_button
        # "I want to go back to work" is an answer here, not a request to go back.
        other = meaning.kind == "out_of_scope" or turn.intent == "everyday_answer"
        long_or_other = len(turn.text.split(maxsplit=SHORT)) > SHORT or other
        if free and meaning.kind not in ("ask_for_person", "help") and long_or_other:
            return Meaning("words")
        return meaning

    def _common(self, meaning: Meaning, turn: Turn) -> list[Say] | None:
        if meaning.kind == "ask_for_person":
            self.case = ask_for_person(self.store, self.person, self.assessment_id, turn.text)
            return [Say("asked_for_person")]
        if meaning.kind == "help":
            return [Say("plan_help")]
        if meaning.kind == "repeat":
            return []
        if meaning.kind == "explain":
            rate = format_money(self.options.hourly_rate)
            return [
                Say(
                    f"plan_explain_{self.stage.value}",
                    {"rate": rate} if self.stage is Stage.ITEM_AMOUNT else {},
                )
            ]
        if meaning.kind == "go_back":
            return self._go_back()
        if meaning.kind == "start_again":
            return [Say("plan_start_again")]
        if meaning.kind in SMALL_TALK:
            return [Say(SMALL_TALK[meaning.kind])]
        return None

    # Free words
    def _on_what_matters(self, meaning: Meaning, turn: Turn) -> Outcome:
        return self._text_part(Stage.WHAT_MATTERS, turn)

    def _on_to_change(self, meaning: Meaning, turn: Turn) -> Outcome:
        return self._text_part(Stage.TO_CHANGE, turn)

    def _on_helpers(self, meaning: Meaning, turn: Turn) -> Outcome:
        return self._text_part(Stage.HELPERS, turn)

    def _on_emergency(self, meaning: Meaning, turn: Turn) -> Outcome:
        return self._text_part(Stage.EMERGENCY, turn)

    def _text_part(self, part: Stage, turn: Turn) -> Outcome:
        said = turn.text.strip()
        if not said or said.startswith("/"):
            return Outcome([Say("plan_say_in_words")])
        # "Don't know" is kept as nothing, so the coordinator sees it was left open.
        value = "" if words(said) in _DONT_KNOW else said
        self.draft = replace(self.draft, **{part.value: value})  # type: ignore[arg-type]
        no_plan = part is Stage.EMERGENCY and not value
        says = [Say("plan_no_emergency_plan")] if no_plan else []
        return Outcome(says + self._next_after(part))

    # Support items
    def _on_category(self, meaning: Meaning, turn: Turn) -> Outcome:
        if meaning.kind == "answer" and meaning.letter:
            category = self.options.categories[LETTERS.index(meaning.letter)]
            self.draft = replace(self.draft, pending={"category": category.id})
            self._save(stage=Stage.ITEM_WORDS)
            return Outcome([])
        if meaning.kind == "no":  # no (more) support: the coordinator will see an empty list
            return Outcome(self._next_after(Stage.CATEGORY))
        return Outcome([Say("plan_choose_a_letter")])

    def _on_item_words(self, meaning: Meaning, turn: Turn) -> Outcome:
        said = turn.text.strip()
        if not said or said.startswith("/"):
            return Outcome([Say("plan_say_in_words")])
        self._pending(words=said, stage=Stage.ITEM_AMOUNT)
        return Outcome([])

    def _on_item_amount(self, meaning: Meaning, turn: Turn) -> Outcome:
        amount = read_amount(turn.text, self.options.hourly_rate)
        unsure = meaning.kind == "not_sure" or words(turn.text) in _DONT_KNOW
        if amount is NOT_REAL or (amount is None and not unsure):  # too big to be real, or none
            return Outcome([Say("plan_amount_unclear")])
        yearly = 0 if amount is None else int(amount)
        says = [self._running_total(yearly)]
        if self.draft.pending.get("category") == "equipment":
            return Outcome(says + self._finish_item(yearly_cost=yearly))
        self._pending(yearly_cost=yearly, stage=Stage.ITEM_WHO)
        return Outcome(says)

    def _running_total(self, yearly: int) -> Say:
        total = self.draft.yearly_cost + yearly
        params = {"amount": format_money(yearly), "total": format_money(total),
                  "budget": format_money(self.budget or 0)}  # fmt: skip
        over = self.budget is not None and total > self.budget
        return Say("plan_running_total_over" if over else "plan_running_total", params)

    def _on_item_who(self, meaning: Meaning, turn: Turn) -> Outcome:
        if meaning.kind != "answer" or not meaning.letter:
            return Outcome([Say("plan_choose_a_letter")])
        choice = self.options.who_gives[LETTERS.index(meaning.letter)]
        kind = choice.id
        if kind == "family_or_friend":
            self._pending(payee_kind=kind, stage=Stage.ITEM_RELATIONSHIP)
            return Outcome([])
        if kind == "personal_assistant":
            self._pending(payee_kind=kind, stage=Stage.ITEM_DBS)
            return Outcome([])
        payee = Payee(choice.label, kind="agency") if kind == "agency" else None
        return Outcome(self._finish_item(payee=payee))

    def _on_item_relationship(self, meaning: Meaning, turn: Turn) -> Outcome:
        said = turn.text.strip()
        if not said or said.startswith("/"):
            return Outcome([Say("plan_say_in_words")])
        self._pending(relationship=said, stage=Stage.ITEM_LIVES_WITH)
        return Outcome([])

    def _on_item_lives_with(self, meaning: Meaning, turn: Turn) -> Outcome:
        if meaning.kind not in ("yes", "no"):
            return Outcome([Say("plan_yes_or_no")])
        relationship = str(self.draft.pending.get("relationship", ""))
        payee = Payee(
            relationship, "family_or_friend", relationship, lives_with_person=meaning.kind == "yes"
        )
        return Outcome(self._finish_item(payee=payee))

    def _on_item_dbs(self, meaning: Meaning, turn: Turn) -> Outcome:
        if meaning.kind not in ("yes", "no", "not_sure"):
            return Outcome([Say("plan_yes_or_no")])
        label = self.options.who_gives[1].label
        payee = Payee(label, "personal_assistant", dbs_checked=meaning.kind == "yes")
        return Outcome(self._finish_item(payee=payee))

    def _finish_item(self, **fields: Any) -> list[Say]:
        pending = {**self.draft.pending, **fields}
        item = SupportItem(
            category=str(pending["category"]),
            words=str(pending.get("words", "")),
            yearly_cost=int(pending.get("yearly_cost", 0)),
            payee=pending.get("payee"),
        )
        self.draft = self.draft.with_item(item)
        if self.previous is Stage.READBACK:
            self._save(stage=Stage.READBACK, previous=None)
            return [Say("plan_item_added")]
        self._save(stage=Stage.MORE_SUPPORT)
        return [Say("plan_item_added")]

    def _on_more_support(self, meaning: Meaning, turn: Turn) -> Outcome:
        if meaning.kind == "yes":
            self._save(stage=Stage.CATEGORY)
            return Outcome([])
        if meaning.kind == "no":
            return Outcome(self._next_after(Stage.CATEGORY))
        return Outcome([Say("plan_yes_or_no")])

    # Money
    def _on_money(self, meaning: Meaning, turn: Turn) -> Outcome:
        if meaning.kind != "answer" or not meaning.letter:
            return Outcome([Say("plan_choose_a_letter")])
        choice = self.options.money[LETTERS.index(meaning.letter)]
        self.draft = replace(self.draft, money_management=choice.id)
        return Outcome(self._next_after(Stage.MONEY))

    # Reading back, changing and sending
    def _on_readback(self, meaning: Meaning, turn: Turn) -> Outcome:
        if meaning.kind == "yes":
            return self._send()
        if meaning.kind in ("no", "change"):
            self._save(stage=Stage.CHOOSE_PART)
            return Outcome([])
        return Outcome([Say("plan_choose_a_letter")])

    def _on_choose_part(self, meaning: Meaning, turn: Turn) -> Outcome:
        if meaning.kind == "answer" and meaning.letter:
            part = Stage(self.options.change_parts[LETTERS.index(meaning.letter)].id)
            if part is Stage.REMOVE_ITEM and not self.draft.items:
                return Outcome([Say("plan_no_support_yet")])
            self._save(stage=part, previous=Stage.READBACK)
            return Outcome([])
        if meaning.kind == "no":
            self._save(stage=Stage.READBACK, previous=None)
            return Outcome([])
        return Outcome([Say("plan_choose_a_letter")])

    def _on_remove_item(self, meaning: Meaning, turn: Turn) -> Outcome:
        number = read_number(turn.text)
        if number is not None and 1 <= number <= len(self.draft.items):
            self.draft = self.draft.without_item(number - 1)
            self._save(stage=Stage.READBACK, previous=None)
            return Outcome([Say("plan_item_removed")])
        if meaning.kind == "no":
            self._save(stage=Stage.READBACK, previous=None)
            return Outcome([])
        return Outcome([Say("plan_which_number", {"count": len(self.draft.items)})])

    def _send(self) -> Outcome:
        assert self.case is not None
        self._save(stage=Stage.READBACK, previous=None)
        self.case = self.work.submit(self.case.id, self.person)
        return Outcome([], finished=True, submitted=self.case)

    # Moving between parts
    def _next_after(self, part: Stage) -> list[Say]:
        """Back to the read-back when changing one part; otherwise on to the next part."""
        if self.previous is Stage.READBACK:
            self._save(stage=Stage.READBACK, previous=None)
            return [Say("plan_changed")]
        following = Stage.MONEY if part is Stage.CATEGORY else ORDER[ORDER.index(part) + 1]
        self._save(stage=following)
        return []

    def _go_back(self) -> list[Say]:
        if self.previous is Stage.READBACK or self.stage in (Stage.CHOOSE_PART, Stage.REMOVE_ITEM):
            self._save(stage=Stage.READBACK, previous=None)
            return []
        if self.stage in ITEM_STAGES:
            self.draft = replace(self.draft, pending={})
            self._save(stage=Stage.CATEGORY)
            return [Say("going_back")]
        if self.stage in ORDER and ORDER.index(self.stage) > 0:
            self._save(stage=ORDER[ORDER.index(self.stage) - 1])
            return [Say("going_back")]
        return [Say("plan_first_question")]

    # Storage
    def _ensure_case(self) -> None:
        if self.case is None:
            self.case = self.work.open_case(self.person.id, self.assessment_id)
            self._save(stage=self.stage)

    def _pending(self, stage: Stage, **fields: Any) -> None:
        self.draft = replace(self.draft, pending={**self.draft.pending, **fields})
        self._save(stage=stage)

    def _save(self, stage: Stage, previous: Stage | None | str = KEEP) -> None:
        """Go to `stage`; `previous` is where to return after changing one part."""
        self._ensure_case()
        assert self.case is not None
        self.stage = stage
        if previous != KEEP:
            self.previous = previous if isinstance(previous, Stage) else None
        self.store.plans.save(self.case.id, self.draft, self.stage, self.previous)


# Which method answers a message at each stage of the plan.
Planning.HANDLERS = {
    Stage.WHAT_MATTERS: Planning._on_what_matters,
    Stage.TO_CHANGE: Planning._on_to_change,
    Stage.CATEGORY: Planning._on_category,
    Stage.ITEM_WORDS: Planning._on_item_words,
    Stage.ITEM_AMOUNT: Planning._on_item_amount,
    Stage.ITEM_WHO: Planning._on_item_who,
    Stage.ITEM_RELATIONSHIP: Planning._on_item_relationship,
    Stage.ITEM_LIVES_WITH: Planning._on_item_lives_with,
    Stage.ITEM_DBS: Planning._on_item_dbs,
    Stage.MORE_SUPPORT: Planning._on_more_support,
    Stage.MONEY: Planning._on_money,
    Stage.HELPERS: Planning._on_helpers,
    Stage.EMERGENCY: Planning._on_emergency,
    Stage.READBACK: Planning._on_readback,
    Stage.CHOOSE_PART: Planning._on_choose_part,
    Stage.REMOVE_ITEM: Planning._on_remove_item,
}
