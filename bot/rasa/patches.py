"""Small, pinned fixes to Rasa 3.6.21, applied by the project's Rasa entry point
(bot/rasa/server.py) before Rasa starts. Each is checked by tests/bot/test_patches.py.

- Action responses are validated with a validator compiled once. Rasa calls
  `jsonschema.validate(result, schema)` for every reply from the action server, and that
  checks the schema itself and builds a new validator each time: about 40% of the Rasa
  server's CPU under load. The compiled validator gives the same answers and the same errors.

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


def apply(version: str | None = None) -> None:
    """Apply every patch; refuse any Rasa but the pinned one."""
    import rasa
    from rasa.core.actions.action import RemoteAction

    found = version or rasa.__version__
    if found != PINNED:
        raise UnexpectedRasa(
            f"bot/rasa/patches.py was written for Rasa {PINNED}, but Rasa {found} is installed. "
            "Check each patch against the new version before starting."
        )
    RemoteAction._validate_action_result = _validate_action_result
