"""Rules about a draft support plan: what a coordinator must see, and what the chat refuses.

None of the flags blocks the plan: each is shown to the coordinator with a plain reason, who
decides. Gambling and anything illegal are never allowed, so the chat refuses those at once.
The words live in data/plan_rules.yml.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from ras_core.domain.datafile import DATA_DIR, DataFileError, read_yaml_mapping
from ras_core.domain.money import format_money

RULES_FILE = DATA_DIR / "plan_rules.yml"
FLAG_CODES = (
    "over_budget",
    "pays_close_relative",
    "personal_assistant_without_dbs",
    "no_emergency_plan",
    "not_sure",
)


@dataclass(frozen=True)
class Payee:
    """Who is paid: an agency, or a named person with their tie to the person supported."""

    name: str
    kind: str = "agency"  # agency, personal_assistant, family_or_friend
    relationship: str = ""  # e.g. "wife", "son", "friend"
    lives_with_person: bool = False
    dbs_checked: bool = False


@dataclass(frozen=True)
class SupportItem:
    category: str  # personal_care, help_at_home, getting_out, learning_work, carer_breaks, ...
    words: str  # what the person said they want
    yearly_cost: int  # pounds
    payee: Payee | None = None


@dataclass(frozen=True)
class Plan:
    budget_yearly: int
    items: tuple[SupportItem, ...] = ()
    emergency_plan: str = ""
    not_sure_areas: tuple[str, ...] = field(default=())

    @property
    def yearly_cost(self) -> int:
        return sum(item.yearly_cost for item in self.items)


@dataclass(frozen=True)
class Flag:
    code: str
    reason: str


@dataclass(frozen=True)
class Refusal:
    kind: str  # gambling or illegal
    say: str


@dataclass(frozen=True)
class PlanRules:
    flags: Mapping[str, str]
    close_relatives: frozenset[str]
    refused: Mapping[str, tuple[tuple[str, ...], str]]  # kind -> (words, what to say)

    def check(self, plan: Plan) -> list[Flag]:
        """Everything the coordinator should look at, in a fixed order."""
        found: list[Flag] = []
        if plan.yearly_cost > plan.budget_yearly:
            found.append(self._flag("over_budget", cost=format_money(plan.yearly_cost),
                                    budget=format_money(plan.budget_yearly)))  # fmt: skip
        for payee in {item.payee for item in plan.items if item.payee is not None}:
            if payee.lives_with_person and self.is_close_relative(payee.relationship):
                who = f"{payee.name} ({payee.relationship})"
                found.append(self._flag("pays_close_relative", who=who))
            if payee.kind == "personal_assistant" and not payee.dbs_checked:
                found.append(self._flag("personal_assistant_without_dbs", who=payee.name))
        if not plan.emergency_plan.strip():
            found.append(self._flag("no_emergency_plan"))
        if plan.not_sure_areas:
            areas = ", ".join(plan.not_sure_areas)
            found.append(self._flag("not_sure", count=str(len(plan.not_sure_areas)), areas=areas))
        return sorted(found, key=lambda flag: FLAG_CODES.index(flag.code))

    def refuse(self, words: str) -> Refusal | None:
        """Gambling or anything illegal, said in the person's own words; None if neither."""
        text = " ".join(re.findall(r"[a-z0-9]+", words.lower()))
        for kind, (terms, say) in self.refused.items():
            # Whole words, plurals too: "scratch cards" matches "scratch card".
            if any(re.search(rf"\b{re.escape(term)}s?\b", text) for term in terms):
                return Refusal(kind, say)
        return None

    def is_close_relative(self, relationship: str) -> bool:
        """ "my wife", "Mother-in-law", "civil partner": any word on the close-family list."""
        return bool(set(re.split(r"[^a-z]+", relationship.lower())) & self.close_relatives)

    def _flag(self, code: str, **values: str) -> Flag:
        return Flag(code, self.flags[code].format(**values))


def parse_rules(path: Path) -> PlanRules:
    data = read_yaml_mapping(path)
    flags = data.get("flags")
    if not isinstance(flags, dict) or set(flags) != set(FLAG_CODES):
        raise DataFileError(
            path, "flags", f"must have exactly these texts: {', '.join(FLAG_CODES)}"
        )
    relatives = _strings(path, "close_relatives", data.get("close_relatives"))
    refused: dict[str, tuple[tuple[str, ...], str]] = {}
    for kind, entry in (data.get("refused") or {}).items():
        if not isinstance(entry, dict) or not isinstance(entry.get("say"), str):
            raise DataFileError(path, f"refused.{kind}", "needs words and say")
        terms = _strings(path, f"refused.{kind}.words", entry.get("words"))
        refused[str(kind)] = (tuple(t.lower() for t in terms), entry["say"])
    return PlanRules(
        {k: str(v) for k, v in flags.items()}, frozenset(r.lower() for r in relatives), refused
    )


def _strings(path: Path, field_name: str, value: Any) -> Sequence[str]:
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise DataFileError(path, field_name, "must be a list of words")
    return value


@cache
def load_rules() -> PlanRules:
    return parse_rules(RULES_FILE)
