"""A draft support plan, as the person builds it in the chat and the coordinator reads it.

In Control's questions in plain words: what matters, what to change, the support wanted (each
item with a rough cost and who gives it), how the money is managed, who helped to plan, and
what happens in an emergency. Categories and money options are data (data/support_plan.yml).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

from ras_core.domain.datafile import DATA_DIR, DataFileError, read_yaml_mapping
from ras_core.domain.plan_rules import Payee, Plan, SupportItem

OPTIONS_FILE = DATA_DIR / "support_plan.yml"
WEEKS_A_YEAR = 52
MAX_CHOICES = 8


@dataclass(frozen=True)
class Choice:
    id: str
    label: str  # short, for a button
    explain: str  # one plain line


WORDS = ("not_said", "no_support", "item", "given_by")
WHO_GIVES_IDS = ("agency", "personal_assistant", "family_or_friend", "undecided")
CHANGE_PART_IDS = (
    "what_matters", "to_change", "category", "remove_item", "money", "helpers", "emergency"
)  # fmt: skip


@dataclass(frozen=True)
class PlanOptions:
    hourly_rate: int  # pounds an hour, used when the person gives hours a week
    categories: tuple[Choice, ...]
    money: tuple[Choice, ...]
    who_gives: tuple[Choice, ...]
    change_parts: tuple[Choice, ...]
    words: dict[str, str]

    def category(self, category_id: str) -> Choice:
        return next(c for c in self.categories if c.id == category_id)

    def money_choice(self, money_id: str) -> Choice:
        return next(c for c in self.money if c.id == money_id)


@dataclass(frozen=True)
class PlanDraft:
    what_matters: str = ""
    to_change: str = ""
    items: tuple[SupportItem, ...] = ()
    money_management: str = ""  # an id from PlanOptions.money
    helpers: str = ""
    emergency: str = ""
    # A support item being added, field by field, until it is complete.
    pending: dict[str, Any] = field(default_factory=dict)

    @property
    def yearly_cost(self) -> int:
        return sum(item.yearly_cost for item in self.items)

    def with_item(self, item: SupportItem) -> PlanDraft:
        return replace(self, items=(*self.items, item), pending={})

    def without_item(self, index: int) -> PlanDraft:
        return replace(self, items=self.items[:index] + self.items[index + 1 :])

    def for_rules(self, budget_yearly: int, not_sure_areas: tuple[str, ...]) -> Plan:
        return Plan(budget_yearly, self.items, self.emergency, not_sure_areas)

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> PlanDraft:
        data = json.loads(text)
        items = tuple(
            SupportItem(
                category=item["category"],
                words=item["words"],
                yearly_cost=int(item["yearly_cost"]),
                payee=Payee(**item["payee"]) if item.get("payee") else None,
            )
            for item in data.pop("items", [])
        )
        return cls(items=items, **data)


def yearly_from_hours(hours_a_week: float, hourly_rate: int) -> int:
    return round(hours_a_week * hourly_rate * WEEKS_A_YEAR)


def parse_options(path: Path) -> PlanOptions:
    data = read_yaml_mapping(path)
    rate = data.get("hourly_rate")
    if not isinstance(rate, int) or rate <= 0:
        raise DataFileError(path, "hourly_rate", "must be a whole number of pounds above 0")
    who_gives = _choices(path, data, "who_gives", WHO_GIVES_IDS)
    change_parts = _choices(path, data, "change_parts", CHANGE_PART_IDS)
    texts = data.get("words")
    if not isinstance(texts, dict) or set(texts) != set(WORDS):
        raise DataFileError(path, "words", f"must have exactly: {', '.join(WORDS)}")
    return PlanOptions(
        rate,
        _choices(path, data, "categories"),
        _choices(path, data, "money"),
        who_gives,
        change_parts,
        {key: str(value) for key, value in texts.items()},
    )


def _choices(
    path: Path, data: dict[str, Any], name: str, fixed_ids: tuple[str, ...] = ()
) -> tuple[Choice, ...]:
    entries = data.get(name)
    if not isinstance(entries, list) or not entries:
        raise DataFileError(path, name, "must be a list of choices")
    choices = []
    for number, entry in enumerate(entries):
        if not isinstance(entry, dict) or not all(
            isinstance(entry.get(key), str) for key in ("id", "label", "explain")
        ):
            raise DataFileError(path, f"{name}[{number}]", "needs id, label and explain")
        choices.append(Choice(entry["id"], entry["label"], entry["explain"]))
    if len(choices) > MAX_CHOICES:
        raise DataFileError(path, name, f"has more than {MAX_CHOICES} choices (letters A to H)")
    if fixed_ids and tuple(c.id for c in choices) != fixed_ids:
        raise DataFileError(
            path, name, f"must have these ids in this order: {', '.join(fixed_ids)}"
        )
    return tuple(choices)


@cache
def load_options(path: Path = OPTIONS_FILE) -> PlanOptions:
    return parse_options(path)
