"""What a person might say at this point, so speech can be heard against a short list first."""

from __future__ import annotations

from collections.abc import Callable

from ras_core.interview import Interview
from ras_core.questionnaire import load_questionnaire
from ras_core.scheme import load_scheme
from ras_core.storage import Store


def expected_answers_for(store: Store, channel: str = "telegram") -> Callable[[str], list[str]]:
    """A function: user id -> the statements of the question they are on (none elsewhere)."""

    def expected(user_id: str) -> list[str]:
        interview = Interview(store, load_questionnaire(), load_scheme(), channel, user_id)
        if interview.stage not in ("question", "confirm_answer"):
            return []
        area = interview.area
        return [s.text(interview.who) for s in area.statements] + [s.label for s in area.statements]

    return expected
