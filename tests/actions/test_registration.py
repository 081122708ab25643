"""The action server registers every custom action the domain names, and nothing breaks on load."""

from __future__ import annotations

from pathlib import Path

import yaml
from rasa_sdk.executor import ActionExecutor

DOMAIN = Path(__file__).resolve().parents[2] / "bot" / "rasa" / "domain"


def domain_actions() -> set[str]:
    names: set[str] = set()
    for path in DOMAIN.glob("*.yml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        names.update(str(name) for name in data.get("actions") or [])
    return names


def test_every_custom_action_in_the_domain_is_registered_by_the_action_server() -> None:
    executor = ActionExecutor()
    executor.register_package("actions")
    registered = set(executor.actions)
    assert domain_actions() <= registered
    # Only real actions: base classes are abstract and never registered.
    assert registered <= domain_actions() | {"validate_assessment_form", "validate_plan_form"}
