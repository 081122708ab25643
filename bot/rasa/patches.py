"""Small, pinned fixes to Rasa 3.6.21, applied by the project's Rasa entry point
(bot/rasa/server.py) before Rasa starts. Each is checked by tests/bot/test_patches.py.

- Action responses are validated with a validator compiled once. Rasa calls
  `jsonschema.validate(result, schema)` for every reply from the action server, and that
  checks the schema itself and builds a new validator each time: about 40% of the Rasa
  server's CPU under load. The compiled validator gives the same answers and the same errors.
- Event classes are found by name through a table made once. `Event.resolve_by_type` walks
  every subclass of `Event` (with an `isabstract` check each) for every event it reads: for
  each stored event when a conversation is loaded, and for each event an action returns.
  The table keeps Rasa's choice (the first subclass in its order with that name); names it
  does not know still go to Rasa's own function (for the default, "topic", or the error).

Any other Rasa version stops the start with a plain message: look again at each patch first.
"""

from __future__ import annotations

from functools import cache
from typing import Any

PINNED = "3.6.21"


class UnexpectedRasa(RuntimeError):
    """The installed Rasa is not the version these patches were written for."""


@cache
def _action_result_validator() -> Any:
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction

    schema = RemoteAction.action_response_format_spec()
    validator_class = validator_for(schema)
    validator_class.check_schema(schema)  # once, not on every reply
    return validator_class(schema)


def _validate_action_result(self: Any, result: dict[str, Any]) -> bool:
    """Rasa's own `_validate_action_result`, with the validator compiled once."""
    from jsonschema import ValidationError
    from rasa.shared.constants import DOCS_BASE_URL

    try:
        _action_result_validator().validate(result)
        return True
    except ValidationError as error:
        error.message += (
            ". Failed to validate Action server response from API, make sure your response "
            "from the Action endpoint is valid. For more information about the format visit "
            f"{DOCS_BASE_URL}/custom-actions"
        )
        raise error


_RASAS_RESOLVE_BY_TYPE: Any = None


@cache
def _event_classes() -> dict[str, Any]:
    import rasa.shared.utils.common
    from rasa.shared.core.events import Event

    classes: dict[str, Any] = {}
    for cls in rasa.shared.utils.common.all_subclasses(Event):
        classes.setdefault(cls.type_name, cls)
    return classes


def _resolve_by_type(type_name: str, default: Any = None) -> Any:
    """Rasa's own `Event.resolve_by_type`, from a table made once."""
    found = _event_classes().get(type_name)
    if found is not None:
        return found
    return _RASAS_RESOLVE_BY_TYPE(type_name, default)


def apply(version: str | None = None) -> None:
    """Apply every patch; refuse any Rasa but the pinned one."""
    import rasa
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.core.events import Event

    found = version or rasa.__version__
    if found != PINNED:
        raise UnexpectedRasa(
            f"bot/rasa/patches.py was written for Rasa {PINNED}, but Rasa {found} is installed. "
            "Check each patch against the new version before starting."
        )
    RemoteAction._validate_action_result = _validate_action_result

    global _RASAS_RESOLVE_BY_TYPE
    if _RASAS_RESOLVE_BY_TYPE is None:
        _RASAS_RESOLVE_BY_TYPE = Event.resolve_by_type
        Event.resolve_by_type = staticmethod(_resolve_by_type)
