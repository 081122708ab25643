"""The questionnaire: the default file's shape and wording, and clear errors for bad files."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from accessibility.readability import check_text
from ras_core import deployment
from ras_core.domain.datafile import DataFileError
from ras_core.domain.letters import STATEMENT_LETTERS as LETTERS
from ras_core.domain.questionnaire import (
    DEFAULT_QUESTIONNAIRE,
    WHO,
    Area,
    load_questionnaire,
)

QUESTIONNAIRE = load_questionnaire(DEFAULT_QUESTIONNAIRE)
NEED_IDS = (
    "looking_after_myself",
    "eating_and_drinking",
    "health_and_wellbeing",
    "getting_about",
    "my_home",
    "relationships",
    "being_part_of_my_community",
    "work_learning_volunteering",
    "decisions_and_money",
    "keeping_safe",
)
FIRST_PERSON = re.compile(r"\b(I|I'm|I've|I'd|me|my|myself|mine)\b")


def test_default_has_eleven_areas_in_order() -> None:
    assert QUESTIONNAIRE.id == "default"
    assert QUESTIONNAIRE.version == "1"
    assert QUESTIONNAIRE.name
    assert tuple(a.id for a in QUESTIONNAIRE.areas) == (*NEED_IDS, "help_from_family_and_friends")
    assert len(QUESTIONNAIRE.need_areas) == 10
    assert all(a.kind == "need" for a in QUESTIONNAIRE.need_areas)
    informal = QUESTIONNAIRE.informal_support_area
    assert informal is not None and informal.id == "help_from_family_and_friends"
    assert informal.kind == "informal_support"


def test_lookup_and_position() -> None:
    assert QUESTIONNAIRE.area("my_home").name == "My home"
    assert QUESTIONNAIRE.position("looking_after_myself") == 1
    assert QUESTIONNAIRE.position("help_from_family_and_friends") == 11
    with pytest.raises(KeyError):
        QUESTIONNAIRE.area("pets")
    with pytest.raises(KeyError):
        QUESTIONNAIRE.position("pets")


@pytest.mark.parametrize("area", QUESTIONNAIRE.areas, ids=lambda a: a.id)
def test_each_area_has_a_to_d(area: Area) -> None:
    assert area.letters == LETTERS
    assert [s.letter for s in area.statements] == list(LETTERS)
    for statement in area.statements:
        assert area.statement(statement.letter) is statement
        assert 0 < len(statement.label) <= 20
    with pytest.raises(KeyError):
        area.statement("E")


@pytest.mark.parametrize("area", QUESTIONNAIRE.areas, ids=lambda a: a.id)
def test_carer_texts_differ_and_are_not_first_person(area: Area) -> None:
    pairs = [
        (area.intro("self"), area.intro("someone_else")),
        (area.question("self"), area.question("someone_else")),
        (area.explain("self"), area.explain("someone_else")),
        *((s.text("self"), s.text("someone_else")) for s in area.statements),
    ]
    for own, carer in pairs:
        assert own != carer
        assert not FIRST_PERSON.search(carer), carer


@pytest.mark.parametrize("area", QUESTIONNAIRE.areas, ids=lambda a: a.id)
def test_explain_uses_different_words_from_the_question(area: Area) -> None:
    for who in WHO:
        assert area.question(who) not in area.explain(who)
        assert "example" in area.explain(who).lower()


def test_looking_after_myself_keeps_the_seed_words() -> None:
    area = QUESTIONNAIRE.area("looking_after_myself")
    assert area.statement_text("A", "self") == "I need a lot of support to take care of myself."
    assert area.statement_text("C", "self").startswith(
        "Now and then I need support to look after myself."
    )
    assert area.question("self") == "How much help do you need to look after yourself?"
    assert area.question("someone_else") == "How much help do they need to look after themselves?"
    assert "Disability Living Allowance" not in area.statement_text("A", "self")


def test_unknown_who_is_refused() -> None:
    area = QUESTIONNAIRE.areas[0]
    with pytest.raises(ValueError):
        area.question("carer")
    with pytest.raises(ValueError):
        area.statements[0].text("carer")


def _all_texts() -> list[tuple[str, str]]:
    texts = [("questionnaire name", QUESTIONNAIRE.name)]
    for area in QUESTIONNAIRE.areas:
        texts.append((f"{area.id} name", area.name))
        for who in WHO:
            texts += [
                (f"{area.id} intro {who}", area.intro(who)),
                (f"{area.id} question {who}", area.question(who)),
                (f"{area.id} explain {who}", area.explain(who)),
            ]
            texts += [(f"{area.id} {s.letter} {who}", s.text(who)) for s in area.statements]
        texts += [(f"{area.id} {s.letter} label", s.label) for s in area.statements]
    return texts


@pytest.mark.parametrize(("where", "text"), _all_texts(), ids=[w for w, _ in _all_texts()])
def test_every_text_is_plain(where: str, text: str) -> None:
    assert check_text(text) == [], where


def test_load_reads_each_file_once_and_defaults_to_the_default(tmp_path: Path) -> None:
    data = _default_data()
    data["id"] = "council_own"
    path = _write(tmp_path, data)
    own = load_questionnaire(path)
    assert own.id == "council_own"
    assert load_questionnaire(str(path)) is own
    assert load_questionnaire() is QUESTIONNAIRE


def test_deployment_uses_the_environment_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = _default_data()
    data["id"] = "council_own"
    path = _write(tmp_path, data)
    monkeypatch.setenv("RAS_QUESTIONNAIRE", str(path))
    own = deployment.questionnaire()
    assert own.id == "council_own"
    assert deployment.questionnaire() is own
    monkeypatch.delenv("RAS_QUESTIONNAIRE")
    assert deployment.questionnaire() is QUESTIONNAIRE


# Bad files -------------------------------------------------------------------------------


def _default_data() -> dict[str, Any]:
    data = yaml.safe_load(DEFAULT_QUESTIONNAIRE.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return copy.deepcopy(data)


def _write(tmp_path: Path, data: Any, name: str = "questionnaire.yml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def _drop_question(data: dict[str, Any]) -> None:
    del data["areas"][0]["question"]


def _drop_carer_question(data: dict[str, Any]) -> None:
    del data["areas"][2]["question"]["someone_else"]


def _three_statements(data: dict[str, Any]) -> None:
    data["areas"][1]["statements"].pop()


def _letters_out_of_order(data: dict[str, Any]) -> None:
    statements = data["areas"][0]["statements"]
    statements[1], statements[2] = statements[2], statements[1]


def _duplicate_id(data: dict[str, Any]) -> None:
    data["areas"][4]["id"] = data["areas"][0]["id"]


def _not_snake_case(data: dict[str, Any]) -> None:
    data["areas"][3]["id"] = "Getting About"


def _bad_kind(data: dict[str, Any]) -> None:
    data["areas"][0]["kind"] = "needs"


def _two_informal(data: dict[str, Any]) -> None:
    data["areas"][9]["kind"] = "informal_support"


def _no_need_area(data: dict[str, Any]) -> None:
    data["areas"] = [data["areas"][-1]]


def _long_label(data: dict[str, Any]) -> None:
    data["areas"][3]["statements"][1]["label"] = "Some help getting out and about"


def _typo_key(data: dict[str, Any]) -> None:
    data["areas"][0]["explian"] = data["areas"][0].pop("explain")


def _empty_text(data: dict[str, Any]) -> None:
    data["areas"][0]["statements"][0]["self"] = "  "


BAD_FILES: list[tuple[Callable[[dict[str, Any]], None], str, str]] = [
    (_drop_question, "areas[0].question", "missing"),
    (_drop_carer_question, "areas[2].question.someone_else", "missing"),
    (_three_statements, "areas[1].statements", "exactly 4"),
    (_letters_out_of_order, "areas[0].statements[1].letter", "'B'"),
    (_duplicate_id, "areas[4].id", "already used by areas[0]"),
    (_not_snake_case, "areas[3].id", "lower case"),
    (_bad_kind, "areas[0].kind", "need, informal_support"),
    (_two_informal, "areas[10].kind", "only one"),
    (_no_need_area, "areas", "kind: need"),
    (_long_label, "areas[3].statements[1].label", "20 characters"),
    (_typo_key, "areas[0].explian", "explain"),
    (_empty_text, "areas[0].statements[0].self", "text"),
]


@pytest.mark.parametrize(
    ("spoil", "field", "problem"), BAD_FILES, ids=[spoil.__name__[1:] for spoil, _, _ in BAD_FILES]
)
def test_bad_file_names_file_field_and_problem(
    tmp_path: Path, spoil: Callable[[dict[str, Any]], None], field: str, problem: str
) -> None:
    data = _default_data()
    spoil(data)
    path = _write(tmp_path, data)
    with pytest.raises(DataFileError) as info:
        load_questionnaire(path)
    assert info.value.path == str(path.resolve())
    assert info.value.field == field
    assert problem in info.value.problem
    assert str(path) in str(info.value) and field in str(info.value)


def test_not_yaml(tmp_path: Path) -> None:
    path = tmp_path / "broken.yml"
    path.write_text("areas: [\n  - id: {oops\n", encoding="utf-8")
    with pytest.raises(DataFileError) as info:
        load_questionnaire(path)
    assert info.value.path == str(path.resolve())
    assert "YAML" in info.value.problem


def test_not_a_mapping(tmp_path: Path) -> None:
    path = _write(tmp_path, ["just", "a", "list"])
    with pytest.raises(DataFileError) as info:
        load_questionnaire(path)
    assert info.value.path == str(path.resolve())


def test_missing_file_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.yml"
    with pytest.raises(DataFileError) as info:
        load_questionnaire(path)
    assert info.value.path == str(path.resolve())
    assert str(path) in str(info.value)
