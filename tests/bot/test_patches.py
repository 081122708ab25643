"""The pinned Rasa patches: the same answers as Rasa's own code, and only on Rasa 3.6.21."""

from __future__ import annotations

import time
from typing import Any

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction

from bot.rasa import patches

GOOD: dict[str, Any] = {
    "events": [{"event": "slot", "name": "journey", "value": "questions", "timestamp": None}],
    "responses": [{"text": "Question 1 of 11", "buttons": []}],
}
BAD: list[dict[str, Any]] = [
    {"events": [{"event": "no_such_event"}]},
    {"events": "not a list"},
    {"responses": [1, 2]},
    {"events": [{"event": "slot"}]},  # a slot event needs a name
]


RASAS_OWN = RemoteAction._validate_action_result  # taken before any test applies the patch


@pytest.fixture(scope="module")
def originals() -> Any:
    return RASAS_OWN


def validate_with(function: Any, result: dict[str, Any]) -> str:
    try:
        function(RemoteAction("action_x", None), result)
        return "valid"
    except jsonschema.ValidationError as error:
        return error.message


@pytest.mark.parametrize("result", [GOOD, *BAD], ids=["good", *map(str, range(len(BAD)))])
def test_the_compiled_validator_agrees_with_rasas_own(originals: Any, result: Any) -> None:
    assert validate_with(patches._validate_action_result, result) == validate_with(
        originals, result
    )


def test_apply_patches_rasa_and_the_patched_check_is_faster(originals: Any) -> None:
    patches.apply()
    assert RemoteAction._validate_action_result is patches._validate_action_result

    def seconds(function: Any) -> float:
        started = time.perf_counter()
        for _ in range(50):
            function(RemoteAction("action_x", None), GOOD)
        return time.perf_counter() - started

    # Printed, not asserted: the machine is shared and noisy.
    before, after = seconds(originals), seconds(patches._validate_action_result)
    print(f"50 validations: Rasa's {before:.3f} s, patched {after:.3f} s")


def test_another_rasa_version_stops_the_start() -> None:
    with pytest.raises(patches.UnexpectedRasa, match="written for Rasa 3.6.21"):
        patches.apply(version="3.7.0")


def test_events_are_found_by_name_as_rasa_finds_them() -> None:
    import rasa.shared.utils.common
    from rasa.shared.core.events import Event, UserUttered

    rasas_own = patches._RASAS_RESOLVE_BY_TYPE or Event.resolve_by_type  # even if applied
    names = {cls.type_name for cls in rasa.shared.utils.common.all_subclasses(Event)}
    expected = {name: rasas_own(name) for name in names}
    patches.apply()
    assert {name: Event.resolve_by_type(name) for name in names} == expected
    assert len(names) > 20 and Event.resolve_by_type("user") is UserUttered
    # Names Rasa does not know behave as before: the default, or a plain error.
    assert Event.resolve_by_type("no_such_event", UserUttered) is UserUttered
    with pytest.raises(ValueError, match="Unknown event name"):
        Event.resolve_by_type("no_such_event")
    event = Event.from_parameters({"event": "slot", "name": "journey", "value": "plan"})
    assert event is not None and event.as_dict()["value"] == "plan"
