"""What the plan asks at each stage, and the read-back: words only, nothing changes here.

`PlanQuestions` is a base of `planning.Planning`; it reads the stage, the draft and the choices.
"""

from __future__ import annotations

from ras_core.conversation.say import Say
from ras_core.domain.letters import LETTERS
from ras_core.domain.money import format_money
from ras_core.domain.progress import PlanStage as Stage
from ras_core.domain.support_plan import Choice, PlanDraft, PlanOptions


class PlanQuestions:
    stage: Stage
    draft: PlanDraft
    options: PlanOptions
    budget: int | None  # the early budget, a year

    def labels(self) -> dict[str, str]:
        choices: tuple[str, ...] = ()
        if self.stage is Stage.CATEGORY:
            choices = tuple(c.label for c in self.options.categories)
        elif self.stage is Stage.MONEY:
            choices = tuple(c.label for c in self.options.money)
        elif self.stage is Stage.ITEM_WHO:
            choices = tuple(c.label for c in self.options.who_gives)
        elif self.stage is Stage.CHOOSE_PART:
            choices = tuple(c.label for c in self.options.change_parts)
        return dict(zip(LETTERS, choices, strict=False))

    # What to ask now
    def prompt(self) -> list[Say]:
        stage = self.stage
        options = tuple(self.labels().items())
        if stage is Stage.CATEGORY:
            lines = _choice_lines(self.options.categories)
            return [Say("plan_ask_category", {"categories": lines}, options)]
        if stage is Stage.MONEY:
            return [Say("plan_ask_money", {"choices": _choice_lines(self.options.money)}, options)]
        if stage is Stage.ITEM_WORDS:
            category = self.options.category(str(self.draft.pending.get("category")))
            return [Say("plan_ask_item_words", {"category": category.label.lower(),
                                                "examples": category.explain})]  # fmt: skip
        if stage is Stage.ITEM_AMOUNT:
            return [Say("plan_ask_item_amount", {"rate": format_money(self.options.hourly_rate)})]
        if stage in (Stage.ITEM_WHO, Stage.CHOOSE_PART):
            return [Say(f"plan_ask_{stage.value}", {}, options)]
        if stage is Stage.READBACK:
            return [Say("plan_readback", self.readback_params()), Say("plan_ask_send")]
        if stage is Stage.REMOVE_ITEM:
            return [Say("plan_ask_remove_item", {"items": self._item_lines()})]
        return [Say(f"plan_ask_{stage.value}")]

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
