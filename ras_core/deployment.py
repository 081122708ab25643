"""What this deployment uses: the questionnaire, the scheme and the council's details,
as chosen by settings (RAS_QUESTIONNAIRE, RAS_SCHEME, COUNCIL_*)."""

from __future__ import annotations

from ras_core import settings
from ras_core.domain.council import Council, load_council
from ras_core.domain.questionnaire import Questionnaire, load_questionnaire
from ras_core.domain.scheme import Scheme, load_scheme


def questionnaire() -> Questionnaire:
    return load_questionnaire(settings.current().questionnaire or None)


def scheme() -> Scheme:
    return load_scheme(settings.current().scheme or None)


def council() -> Council:
    return load_council(overrides=settings.current().council)
