"""The self-assessment questionnaire (SAQ): areas of life, each with four statements A to D.

The wording lives in a YAML file a council can swap for its own (see
data/questionnaires/default.yml). Every text comes in two versions: `self`, for a person
answering about themselves, and `someone_else`, for a carer or relative answering for them.

A bad file raises DataFileError naming the file, the field (e.g. `areas[3].statements[1].label`)
and what is wrong.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType

from ras_core.domain.datafile import DATA_DIR, Fields, read_yaml_mapping
from ras_core.domain.letters import STATEMENT_LETTERS as LETTERS

WHO = ("self", "someone_else")
KINDS = ("need", "informal_support")
MAX_LABEL_CHARS = 20

DEFAULT_QUESTIONNAIRE = DATA_DIR / "questionnaires" / "default.yml"

_SNAKE_CASE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")
_TOP_KEYS = ("id", "name", "version", "areas")
_AREA_KEYS = ("id", "kind", "name", "intro", "question", "explain", "statements")
_STATEMENT_KEYS = ("letter", "label", *WHO)


def _check_who(who: str) -> str:
    if who not in WHO:
        raise ValueError(f"who must be one of {', '.join(WHO)}, not {who!r}")
    return who


@dataclass(frozen=True)
class Statement:
    """One of the four answers to an area, e.g. A: "I need a lot of support ..."."""

    letter: str
    label: str  # short button label, e.g. "A lot of help"
    self_text: str
    someone_else_text: str

    def text(self, who: str) -> str:
        """The statement for a person answering about themselves, or about someone else."""
        return self.self_text if _check_who(who) == "self" else self.someone_else_text


@dataclass(frozen=True)
class Area:
    """One area of life the questionnaire asks about, such as "Looking after myself"."""

    id: str
    kind: str  # "need" or "informal_support"
    name: str
    intros: Mapping[str, str] = field(hash=False)
    questions: Mapping[str, str] = field(hash=False)
    explains: Mapping[str, str] = field(hash=False)
    statements: tuple[Statement, ...]

    def intro(self, who: str) -> str:
        return self.intros[_check_who(who)]

    def question(self, who: str) -> str:
        return self.questions[_check_who(who)]

    def explain(self, who: str) -> str:
        """The question again in different words, with an everyday example."""
        return self.explains[_check_who(who)]

    def statement(self, letter: str) -> Statement:
        """The statement with this letter; KeyError if there is none."""
        for statement in self.statements:
            if statement.letter == letter:
                return statement
        raise KeyError(f"area {self.id!r} has no statement {letter!r}")

    def statement_text(self, letter: str, who: str) -> str:
        return self.statement(letter).text(who)

    @property
    def letters(self) -> tuple[str, ...]:
        return tuple(statement.letter for statement in self.statements)


@dataclass(frozen=True)
class Questionnaire:
    """A whole questionnaire: need areas in the order asked, and at most one about unpaid help."""

    id: str
    name: str
    version: str
    areas: tuple[Area, ...]

    @property
    def need_areas(self) -> tuple[Area, ...]:
        return tuple(area for area in self.areas if area.kind == "need")

    @property
    def informal_support_area(self) -> Area | None:
        return next((area for area in self.areas if area.kind == "informal_support"), None)

    def area(self, area_id: str) -> Area:
        """The area with this id; KeyError if there is none."""
        for area in self.areas:
            if area.id == area_id:
                return area
        raise KeyError(f"questionnaire {self.id!r} has no area {area_id!r}")

    def position(self, area_id: str) -> int:
        """Where the area comes in the questionnaire, counting from 1; KeyError if absent."""
        for number, area in enumerate(self.areas, start=1):
            if area.id == area_id:
                return number
        raise KeyError(f"questionnaire {self.id!r} has no area {area_id!r}")


def _only_known_keys(fields: Fields, known: Iterable[str]) -> None:
    """Catch typing slips such as "explian", which would otherwise be silently ignored."""
    known = tuple(known)
    for key in fields.data:
        if key not in known:
            close = difflib.get_close_matches(str(key), known, n=1)
            hint = f" Did you mean '{close[0]}'?" if close else ""
            raise fields.error(
                str(key), f"is not a field this file uses (expected {', '.join(known)}).{hint}"
            )


def _snake_case_id(fields: Fields) -> str:
    value = fields.text("id")
    if not _SNAKE_CASE.match(value):
        raise fields.error(
            "id",
            f"must be lower case letters, digits and underscores, like 'my_home', not {value!r}",
        )
    return value


def _version(fields: Fields) -> str:
    value = fields.raw("version")
    if isinstance(value, bool) or not isinstance(value, (str, int)) or not str(value).strip():
        raise fields.error("version", f'must be some text, like "1", not {value!r}')
    return str(value).strip()


def _by_who(fields: Fields, key: str) -> Mapping[str, str]:
    """A text given once for each of `self` and `someone_else`."""
    texts = fields.sub(key)
    _only_known_keys(texts, WHO)
    return MappingProxyType({who: texts.text(who) for who in WHO})


def _statements(area: Fields) -> tuple[Statement, ...]:
    raw = area.raw("statements")
    if not isinstance(raw, list) or len(raw) != len(LETTERS):
        count = len(raw) if isinstance(raw, list) else "none"
        raise area.error(
            "statements",
            f"must be a list of exactly {len(LETTERS)} statements ({', '.join(LETTERS)}), "
            f"not {count}",
        )
    statements = []
    for expected, entry in zip(LETTERS, area.items("statements"), strict=True):
        _only_known_keys(entry, _STATEMENT_KEYS)
        letter = entry.text("letter")
        if letter != expected:
            raise entry.error(
                "letter",
                f"must be {expected!r}: statements go {', '.join(LETTERS)} in that order, "
                f"from most help (A) to least (D), but this one is {letter!r}",
            )
        label = entry.text("label")
        if len(label) > MAX_LABEL_CHARS:
            raise entry.error(
                "label",
                f"must be {MAX_LABEL_CHARS} characters or fewer to fit on a button, "
                f"but {label!r} has {len(label)}",
            )
        statements.append(Statement(letter, label, entry.text("self"), entry.text("someone_else")))
    return tuple(statements)


def _area(fields: Fields) -> Area:
    _only_known_keys(fields, _AREA_KEYS)
    return Area(
        id=_snake_case_id(fields),
        kind=fields.choice("kind", KINDS),
        name=fields.text("name"),
        intros=_by_who(fields, "intro"),
        questions=_by_who(fields, "question"),
        explains=_by_who(fields, "explain"),
        statements=_statements(fields),
    )


def parse_questionnaire(path: Path | str) -> Questionnaire:
    """Read and check a questionnaire file, without caching."""
    path = Path(path)
    top = Fields(path, read_yaml_mapping(path))
    _only_known_keys(top, _TOP_KEYS)
    questionnaire_id = _snake_case_id(top)
    name = top.text("name")
    version = _version(top)
    areas: list[Area] = []
    first_seen: dict[str, int] = {}
    informal_index: int | None = None
    for index, fields in enumerate(top.items("areas")):
        area = _area(fields)
        if area.id in first_seen:
            raise fields.error("id", f"{area.id!r} is already used by areas[{first_seen[area.id]}]")
        first_seen[area.id] = index
        if area.kind == "informal_support":
            if informal_index is not None:
                raise fields.error(
                    "kind",
                    "only one area can be about help from family and friends "
                    f"(informal_support), and areas[{informal_index}] already is",
                )
            informal_index = index
        areas.append(area)
    if not any(area.kind == "need" for area in areas):
        raise top.error("areas", "must include at least one area with kind: need")
    return Questionnaire(id=questionnaire_id, name=name, version=version, areas=tuple(areas))


@lru_cache(maxsize=8)
def _load_cached(resolved: Path) -> Questionnaire:
    return parse_questionnaire(resolved)


def load_questionnaire(path: Path | str | None = None) -> Questionnaire:
    """The questionnaire at `path`, else the default. Each file is read and checked once."""
    return _load_cached(Path(path or DEFAULT_QUESTIONNAIRE).resolve())
