"""Drafting a support plan in the chat, as a small state machine over the database.

Like the interview, where the person stands lives in the `plans` table, so a pause or a crash
carries on at the same question. The parts, in order: what matters, what to change, support
items (kind, words, rough amount, who gives it), how the money is managed, who helped, the
emergency plan; then the plan is read back, and the person may change any part or send it.

Messages are `Say` items naming responses in the domain (bot/domain/plan.yml).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from ras_core.casework import Case, Casework
from ras_core.handover import hand_over
from ras_core.interview import SMALL_TALK, Outcome, Say
from ras_core.money import format_money
from ras_core.plan_rules import Payee, PlanRules, SupportItem, load_rules
from ras_core.review import Role, State
from ras_core.storage import Person, Store
from ras_core.support_plan import Choice, PlanDraft, PlanOptions, load_options, yearly_from_hours
from ras_core.understanding import LETTERS, Move, Turn, read_number, understand, words

# Parts read in free words; each is also the PlanDraft field it fills.
TEXT_PARTS = ("what_matters", "to_change", "helpers", "emergency")
ORDER = ("what_matters", "to_change", "category", "money", "helpers", "emergency", "readback")
EDITABLE = {State.DRAFT, State.CHANGES_REQUESTED}
FREE_WORDS = {*TEXT_PARTS, "item_words", "item_relationship"}
SHORT = 5  # words: a longer message in a free-words part is the answer, whatever its intent
BARE_HOURS = 100
KEEP = "keep"
_DONT_KNOW = {"dont know", "don't know", "not sure", "no idea", "dunno", "none", "nothing",
              "no plan", "i dont know", "i don't know", "not yet"}  # fmt: skip
_HOURS = re.compile(r"(\d+(?:\.\d+)?)\s*(?:hours?|hrs?|h)\b")
_MONEY = re.compile(r"£?\s*(\d[\d,]*(?:\.\d\d)?)")
_PER = (("week", 52), ("wk", 52), ("month", 12), ("year", 1), ("annual", 1))


@dataclass(frozen=True)
class PlanOutcome(Outcome):
    submitted: Case | None = None  # the case just sent, so the caller can tell coordinators


class Planning:
    """One person's plan. Cheap to make: build one per message."""

    def __init__(
        self,
        store: Store,
        work: Casework,
        person: Person,
        options: PlanOptions | None = None,
        rules: PlanRules | None = None,
    ) -> None:
        self.store = store
        self.work = work
        self.person = person
        self.options = options or load_options()
        self.rules = rules or load_rules()
        assessment = store.latest_assessment(person.id)
        # Whose plan: "someone_else" when a carer answered, for carer wording as in the questions.
        self.who = assessment.answering_for if assessment else "self"
        finished = assessment if assessment and assessment.status == "complete" else None
        self.assessment_id = finished.id if finished else None
        budget = store.budget(finished.id) if finished else None
        self.budget = budget.yearly_pounds if budget else None
        self.case = work.latest_case(person.id)
        if (
            self.case
            and self.case.state is State.AGREED
            and self.case.assessment_id != self.assessment_id
        ):
            self.case = None  # answered the questions again since: a new plan, a new case
        stored = work.plan(self.case.id) if self.case else None
        self.plan_started = stored is not None
        self.draft, self.stage, self.previous = stored or (PlanDraft(), "what_matters", None)

    # Where things stand
    @property
    def editable(self) -> bool:
        return self.case is None or self.case.state in EDITABLE

    def begin(self) -> tuple[str, list[Say]]:
        """After the questions: "plan" to open the plan form, or "done" with where things are."""
        if self.budget is None:
            return "done", []
        if self.case is None or (self.case.state is State.DRAFT and not self.plan_started):
            return "plan", [Say("plan_intro")]
        state = self.case.state
        reference = {"reference": self.case.reference}
        if state is State.DRAFT:
            return "plan", [Say("plan_welcome_back")]
        if state is State.CHANGES_REQUESTED:
            if self.stage != "readback" and self.previous is None:
                self._save(stage="readback")
            return "plan", [Say("plan_revise", {**reference, "message": self._last_request()})]
        if state is State.AGREED:
            final = self.case.final_yearly_pounds or 0
            return "done", [Say("plan_is_agreed", {**reference, "yearly": format_money(final)})]
        return "done", [Say("plan_is_with_coordinator", reference)]

    def _last_request(self) -> str:
        assert self.case is not None
        asked = [s.note for s in self.work.steps(self.case.id) if s.move == "request_changes"]
        return asked[-1] if asked else ""

    # One message
    def handle(self, turn: Turn) -> PlanOutcome:
        if not self.editable:
            return PlanOutcome([], finished=True)
        self._ensure_case()
        move = self._understand(turn)
        common = self._common(move, turn)
        if common is not None:
            return PlanOutcome(common)
        refused = self.rules.refuse(turn.text) if self.stage in ("item_words", "category") else None
        if refused is not None:
            return PlanOutcome([Say("plan_refused", {"reason": refused.say})])
        handler = getattr(self, f"_on_{self.stage}")
        result: PlanOutcome = handler(move, turn)
        return result

    def _understand(self, turn: Turn) -> Move:
        move = understand(turn, self._labels())
        free = self.stage in FREE_WORDS and not turn.from_button
        # "I want to go back to work" is an answer here, not a request to go back.
        long_or_other = len(turn.text.split()) > SHORT or move.kind == "out_of_scope"
        if free and move.kind not in ("human", "help") and long_or_other:
            return Move("words")
        return move

    def _common(self, move: Move, turn: Turn) -> list[Say] | None:
        if move.kind == "human":
            self.case = hand_over(self.store, self.person.id, self.assessment_id, turn.text)
            return [Say("human_recorded")]
        if move.kind == "help":
            return [Say("plan_help")]
        if move.kind == "repeat":
            return []
        if move.kind == "explain":
            rate = format_money(self.options.hourly_rate)
            return [
                Say(
                    f"plan_explain_{self.stage}",
                    {"rate": rate} if self.stage == "item_amount" else {},
                )
            ]
        if move.kind == "go_back":
            return self._go_back()
        if move.kind == "start_again":
            return [Say("plan_start_again")]
        if move.kind in SMALL_TALK:
            return [Say(SMALL_TALK[move.kind])]
        return None

    # Free words
    def _on_what_matters(self, move: Move, turn: Turn) -> PlanOutcome:
        return self._text_part("what_matters", turn)

    def _on_to_change(self, move: Move, turn: Turn) -> PlanOutcome:
        return self._text_part("to_change", turn)

    def _on_helpers(self, move: Move, turn: Turn) -> PlanOutcome:
        return self._text_part("helpers", turn)

    def _on_emergency(self, move: Move, turn: Turn) -> PlanOutcome:
        return self._text_part("emergency", turn)

    def _text_part(self, part: str, turn: Turn) -> PlanOutcome:
        said = turn.text.strip()
        if not said or said.startswith("/"):
            return PlanOutcome([Say("plan_say_in_words")])
        # "Don't know" is kept as nothing, so the coordinator sees it was left open.
        value = "" if words(said) in _DONT_KNOW else said
        self.draft = replace(self.draft, **{part: value})  # type: ignore[arg-type]
        says = [Say("plan_no_emergency_plan")] if part == "emergency" and not value else []
        return PlanOutcome(says + self._next_after(part))

    # Support items
    def _on_category(self, move: Move, turn: Turn) -> PlanOutcome:
        if move.kind == "answer" and move.letter:
            category = self.options.categories[LETTERS.index(move.letter)]
            self.draft = replace(self.draft, pending={"category": category.id})
            self._save(stage="item_words")
            return PlanOutcome([])
        if move.kind == "no":  # no (more) support: the coordinator will see an empty list
            return PlanOutcome(self._next_after("category"))
        return PlanOutcome([Say("plan_choose_a_letter")])

    def _on_item_words(self, move: Move, turn: Turn) -> PlanOutcome:
        said = turn.text.strip()
        if not said or said.startswith("/"):
            return PlanOutcome([Say("plan_say_in_words")])
        self._pending(words=said, stage="item_amount")
        return PlanOutcome([])

    def _on_item_amount(self, move: Move, turn: Turn) -> PlanOutcome:
        yearly = self._read_amount(turn.text)
        if yearly is None and (move.kind == "not_sure" or words(turn.text) in _DONT_KNOW):
            yearly = 0
        if yearly is None:
            return PlanOutcome([Say("plan_amount_unclear")])
        says = [self._running_total(yearly)]
        if self.draft.pending.get("category") == "equipment":
            return PlanOutcome(says + self._finish_item(yearly_cost=yearly))
        self._pending(yearly_cost=yearly, stage="item_who")
        return PlanOutcome(says)

    def _read_amount(self, text: str) -> int | None:
        said = words(text)
        hours = _HOURS.search(said)
        if hours:
            return yearly_from_hours(float(hours.group(1)), self.options.hourly_rate)
        money = _MONEY.search(said)
        if money is None:
            number = read_number(said)
            return None if number is None else yearly_from_hours(number, self.options.hourly_rate)
        amount = float(money.group(1).replace(",", ""))
        if "£" not in said and "pound" not in said and amount <= BARE_HOURS:
            # A bare small number answers "how many hours a week"; bigger ones are money.
            return yearly_from_hours(amount, self.options.hourly_rate)
        times = next((n for word, n in _PER if word in said), 1)
        return round(amount * times)

    def _running_total(self, yearly: int) -> Say:
        total = self.draft.yearly_cost + yearly
        params = {"amount": format_money(yearly), "total": format_money(total),
                  "budget": format_money(self.budget or 0)}  # fmt: skip
        over = self.budget is not None and total > self.budget
        return Say("plan_running_total_over" if over else "plan_running_total", params)

    def _on_item_who(self, move: Move, turn: Turn) -> PlanOutcome:
        if move.kind != "answer" or not move.letter:
            return PlanOutcome([Say("plan_choose_a_letter")])
        choice = self.options.who_gives[LETTERS.index(move.letter)]
        kind = choice.id
        if kind == "family_or_friend":
            self._pending(payee_kind=kind, stage="item_relationship")
            return PlanOutcome([])
        if kind == "personal_assistant":
            self._pending(payee_kind=kind, stage="item_dbs")
            return PlanOutcome([])
        payee = Payee(choice.label, kind="agency") if kind == "agency" else None
        return PlanOutcome(self._finish_item(payee=payee))

    def _on_item_relationship(self, move: Move, turn: Turn) -> PlanOutcome:
        said = turn.text.strip()
        if not said or said.startswith("/"):
            return PlanOutcome([Say("plan_say_in_words")])
        self._pending(relationship=said, stage="item_lives_with")
        return PlanOutcome([])

    def _on_item_lives_with(self, move: Move, turn: Turn) -> PlanOutcome:
        if move.kind not in ("yes", "no"):
            return PlanOutcome([Say("plan_yes_or_no")])
        relationship = str(self.draft.pending.get("relationship", ""))
        payee = Payee(
            relationship, "family_or_friend", relationship, lives_with_person=move.kind == "yes"
        )
        return PlanOutcome(self._finish_item(payee=payee))

    def _on_item_dbs(self, move: Move, turn: Turn) -> PlanOutcome:
        if move.kind not in ("yes", "no", "not_sure"):
            return PlanOutcome([Say("plan_yes_or_no")])
        label = self.options.who_gives[1].label
        payee = Payee(label, "personal_assistant", dbs_checked=move.kind == "yes")
        return PlanOutcome(self._finish_item(payee=payee))

    def _finish_item(self, **fields: Any) -> list[Say]:
        pending = {**self.draft.pending, **fields}
        item = SupportItem(
            category=str(pending["category"]),
            words=str(pending.get("words", "")),
            yearly_cost=int(pending.get("yearly_cost", 0)),
            payee=pending.get("payee"),
        )
        self.draft = self.draft.with_item(item)
        if self.previous == "readback":
            self._save(stage="readback", previous=None)
            return [Say("plan_item_added")]
        self._save(stage="more_support")
        return [Say("plan_item_added")]

    def _on_more_support(self, move: Move, turn: Turn) -> PlanOutcome:
        if move.kind == "yes":
            self._save(stage="category")
            return PlanOutcome([])
        if move.kind == "no":
            return PlanOutcome(self._next_after("category"))
        return PlanOutcome([Say("plan_yes_or_no")])

    # Money
    def _on_money(self, move: Move, turn: Turn) -> PlanOutcome:
        if move.kind != "answer" or not move.letter:
            return PlanOutcome([Say("plan_choose_a_letter")])
        choice = self.options.money[LETTERS.index(move.letter)]
        self.draft = replace(self.draft, money_management=choice.id)
        return PlanOutcome(self._next_after("money"))

    # Reading back, changing and sending
    def _on_readback(self, move: Move, turn: Turn) -> PlanOutcome:
        if move.kind == "yes":
            return self._send()
        if move.kind in ("no", "change"):
            self._save(stage="choose_part")
            return PlanOutcome([])
        return PlanOutcome([Say("plan_choose_a_letter")])

    def _on_choose_part(self, move: Move, turn: Turn) -> PlanOutcome:
        if move.kind == "answer" and move.letter:
            part = self.options.change_parts[LETTERS.index(move.letter)].id
            if part == "remove_item" and not self.draft.items:
                return PlanOutcome([Say("plan_no_support_yet")])
            self._save(stage=part, previous="readback")
            return PlanOutcome([])
        if move.kind == "no":
            self._save(stage="readback", previous=None)
            return PlanOutcome([])
        return PlanOutcome([Say("plan_choose_a_letter")])

    def _on_remove_item(self, move: Move, turn: Turn) -> PlanOutcome:
        number = read_number(turn.text)
        if number is not None and 1 <= number <= len(self.draft.items):
            self.draft = self.draft.without_item(number - 1)
            self._save(stage="readback", previous=None)
            return PlanOutcome([Say("plan_item_removed")])
        if move.kind == "no":
            self._save(stage="readback", previous=None)
            return PlanOutcome([])
        return PlanOutcome([Say("plan_which_number", {"count": len(self.draft.items)})])

    def _send(self) -> PlanOutcome:
        assert self.case is not None
        by = f"{self.person.channel}:{self.person.channel_user_id}"
        name = "resubmit" if self.case.state is State.CHANGES_REQUESTED else "submit"
        self._save(stage="readback", previous=None)
        self.case = self.work.move(self.case.id, name, by=by, role=Role.PERSON)
        return PlanOutcome([], finished=True, submitted=self.case)

    # Moving between parts
    def _next_after(self, part: str) -> list[Say]:
        """Back to the read-back when changing one part; otherwise on to the next part."""
        if self.previous == "readback":
            self._save(stage="readback", previous=None)
            return [Say("plan_changed")]
        following = "money" if part == "category" else ORDER[ORDER.index(part) + 1]
        self._save(stage=following)
        return []

    def _go_back(self) -> list[Say]:
        if self.previous == "readback" or self.stage in ("choose_part", "remove_item"):
            self._save(stage="readback", previous=None)
            return []
        if self.stage.startswith("item_") or self.stage == "more_support":
            self.draft = replace(self.draft, pending={})
            self._save(stage="category")
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

    def _pending(self, stage: str, **fields: Any) -> None:
        self.draft = replace(self.draft, pending={**self.draft.pending, **fields})
        self._save(stage=stage)

    def _save(self, stage: str, previous: str | None = KEEP) -> None:
        """Move to `stage`; `previous` is where to return after changing one part."""
        self._ensure_case()
        assert self.case is not None
        self.stage = stage
        if previous != KEEP:
            self.previous = previous
        self.work.save_plan(self.case.id, self.draft, self.stage, self.previous)

    def _labels(self) -> dict[str, str]:
        choices: tuple[str, ...] = ()
        if self.stage == "category":
            choices = tuple(c.label for c in self.options.categories)
        elif self.stage == "money":
            choices = tuple(c.label for c in self.options.money)
        elif self.stage == "item_who":
            choices = tuple(c.label for c in self.options.who_gives)
        elif self.stage == "choose_part":
            choices = tuple(c.label for c in self.options.change_parts)
        return dict(zip(LETTERS, choices, strict=False))

    # What to ask now
    def prompt(self) -> list[Say]:
        stage = self.stage
        options = tuple(self._labels().items())
        if stage == "category":
            lines = _choice_lines(self.options.categories)
            return [Say("plan_ask_category", {"categories": lines}, options)]
        if stage == "money":
            return [Say("plan_ask_money", {"choices": _choice_lines(self.options.money)}, options)]
        if stage == "item_words":
            category = self.options.category(str(self.draft.pending.get("category")))
            return [Say("plan_ask_item_words", {"category": category.label.lower(),
                                                "examples": category.explain})]  # fmt: skip
        if stage == "item_amount":
            return [Say("plan_ask_item_amount", {"rate": format_money(self.options.hourly_rate)})]
        if stage in ("item_who", "choose_part"):
            return [Say(f"plan_ask_{stage}", {}, options)]
        if stage == "readback":
            return [Say("plan_readback", self.readback_params()), Say("plan_ask_send")]
        if stage == "remove_item":
            return [Say("plan_ask_remove_item", {"items": self._item_lines()})]
        return [Say(f"plan_ask_{stage}")]

    def readback_params(self) -> dict[str, str]:
        """The values the read-back message (plan_readback in the domain) lays out."""
        draft, texts = self.draft, self.options.words
        money = draft.money_management and self.options.money_choice(draft.money_management).label
        return {
            "what_matters": draft.what_matters or texts["not_said"],
            "to_change": draft.to_change or texts["not_said"],
            "items": self._item_lines() or texts["no_support"],
            "total": format_money(draft.yearly_cost),
            "budget": format_money(self.budget or 0),
            "money": money or texts["not_said"],
            "helpers": draft.helpers or texts["not_said"],
            "emergency": draft.emergency or texts["not_said"],
        }

    def _item_lines(self) -> str:
        texts = self.options.words
        lines = []
        for number, item in enumerate(self.draft.items, start=1):
            line = texts["item"].format(
                number=number,
                category=self.options.category(item.category).label,
                words=item.words.rstrip("."),
                amount=format_money(item.yearly_cost),
            )
            if item.payee:
                line += " " + texts["given_by"].format(who=item.payee.name)
            lines.append(line)
        return "\n".join(lines)


def _choice_lines(choices: tuple[Choice, ...]) -> str:
    """ "A: Direct payment. The money is paid to you. ..." one line each."""
    return "\n".join(
        f"{letter}: {c.label}. {c.explain}" for letter, c in zip(LETTERS, choices, strict=False)
    )
