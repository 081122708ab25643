"""Loading and checking council scheme files, money helpers and the explanation phrases."""

from __future__ import annotations

import itertools
import re
from decimal import Decimal
from pathlib import Path

import pytest
import textstat
import yaml

from ras_core import deployment
from ras_core.domain.datafile import DataFileError
from ras_core.domain.money import format_money, round_to
from ras_core.domain.phrases import (
    DEFAULT_PHRASES,
    PhraseError,
    load_phrases,
    parse_phrases,
    phrase,
)
from ras_core.domain.scheme import (
    DEFAULT_SCHEME,
    SCHEMES_DIR,
    clear_scheme_cache,
    load_scheme,
    parse_scheme,
)

BANDS_SCHEME = SCHEMES_DIR / "example_bands.yml"
AREAS = [
    "looking_after_myself",
    "keeping_safe",
    "eating_and_drinking",
    "health_and_wellbeing",
    "getting_about",
    "my_home",
    "decisions_and_money",
    "relationships",
    "being_part_of_my_community",
    "work_learning_volunteering",
]


def _default_data() -> dict:
    return yaml.safe_load(DEFAULT_SCHEME.read_text(encoding="utf-8"))


def _write(tmp_path: Path, data: object, name: str = "scheme.yml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def _expect_error(path: Path, field: str) -> DataFileError:
    with pytest.raises(DataFileError) as info:
        parse_scheme(path)
    error = info.value
    assert error.path == str(path)
    assert error.field == field
    assert str(path) in str(error) and field in str(error)
    return error


# --- money -----------------------------------------------------------------------------------


def test_format_money() -> None:
    assert format_money(12400) == "£12,400"
    assert format_money(Decimal("12400.00")) == "£12,400"
    assert format_money(Decimal("82.91")) == "£82.91"
    assert format_money(Decimal("5.1")) == "£5.10"
    assert format_money(0) == "£0"
    assert format_money(Decimal(1234567)) == "£1,234,567"


def test_round_to_is_half_up() -> None:
    assert round_to(Decimal(1855), 10) == Decimal(1860)
    assert round_to(Decimal("1854.99"), 10) == Decimal(1850)
    assert round_to(Decimal("489.5"), 1) == Decimal(490)
    assert round_to(Decimal("489.4999"), 1) == Decimal(489)
    assert round_to(Decimal(0), 10) == Decimal(0)
    with pytest.raises(ValueError):
        round_to(Decimal(1), 0)


# --- the shipped schemes ---------------------------------------------------------------------


def test_default_scheme() -> None:
    scheme = load_scheme(DEFAULT_SCHEME)
    assert scheme.id == "default" and scheme.version == "1" and scheme.method == "points"
    assert scheme.illustrative is True
    assert "ILLUSTRATIVE" in DEFAULT_SCHEME.read_text(encoding="utf-8")
    assert list(scheme.area_ids) == AREAS
    assert dict(scheme.points["looking_after_myself"]) == {"A": 20, "B": 12, "C": 6, "D": 0}
    assert dict(scheme.points["keeping_safe"]) == {"A": 12, "B": 8, "C": 4, "D": 0}
    assert dict(scheme.points["my_home"]) == {"A": 8, "B": 5, "C": 2, "D": 0}
    assert dict(scheme.points["relationships"]) == {"A": 6, "B": 4, "C": 2, "D": 0}
    assert scheme.max_points == 96
    assert scheme.price_per_point == Decimal(265)
    assert scheme.minimum == Decimal(1500)
    assert scheme.panel_threshold == Decimal(22000)
    assert scheme.not_sure_counts_as == "B"
    assert scheme.informal.area == "help_from_family_and_friends"
    assert scheme.informal.effect == "record_only"
    assert (scheme.yearly_round_to, scheme.weekly_round_to) == (10, 1)
    assert scheme.hourly_rate == Decimal(22) and scheme.weeks_per_year == 52
    assert scheme.bands == ()


def test_bands_scheme() -> None:
    scheme = load_scheme(BANDS_SCHEME)
    assert scheme.method == "bands" and scheme.illustrative is True
    assert scheme.points == load_scheme(DEFAULT_SCHEME).points
    assert scheme.bands[0].from_points == 0
    assert scheme.bands[-1].to_points == scheme.max_points
    for before, after in itertools.pairwise(scheme.bands):
        assert after.from_points == before.to_points + 1
        assert after.yearly >= before.yearly
    assert scheme.informal.effect == "reduce_percent"
    assert dict(scheme.informal.reduce_percent) == {"A": 20, "B": 10, "C": 5, "D": 0}


def test_load_scheme_is_cached_and_takes_a_path_or_a_name() -> None:
    assert load_scheme() is load_scheme(DEFAULT_SCHEME)
    assert load_scheme(str(DEFAULT_SCHEME)) is load_scheme(DEFAULT_SCHEME)
    assert load_scheme(BANDS_SCHEME).id == "example_bands"
    assert load_scheme("example_bands") is load_scheme(BANDS_SCHEME)
    clear_scheme_cache()


def test_deployment_scheme_follows_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RAS_SCHEME", raising=False)
    assert deployment.scheme() is load_scheme(DEFAULT_SCHEME)
    monkeypatch.setenv("RAS_SCHEME", str(BANDS_SCHEME))
    assert deployment.scheme().id == "example_bands"
    monkeypatch.setenv("RAS_SCHEME", "example_bands")
    assert deployment.scheme().id == "example_bands"
    monkeypatch.delenv("RAS_SCHEME")
    assert deployment.scheme().id == load_scheme(DEFAULT_SCHEME).id
    clear_scheme_cache()


def test_check_areas() -> None:
    scheme = load_scheme(DEFAULT_SCHEME)
    scheme.check_areas(AREAS, "help_from_family_and_friends")
    scheme.check_areas(list(reversed(AREAS)), None)  # record only: fine without the question
    with pytest.raises(DataFileError) as info:
        scheme.check_areas(AREAS[:-1], "help_from_family_and_friends")
    assert info.value.field == "points.work_learning_volunteering"
    with pytest.raises(DataFileError) as info:
        scheme.check_areas([*AREAS, "pets"], "help_from_family_and_friends")
    assert info.value.field == "points.pets"
    with pytest.raises(DataFileError) as info:
        scheme.check_areas(AREAS, "unpaid_help")
    assert info.value.field == "informal_support.area"
    with pytest.raises(DataFileError):
        load_scheme(BANDS_SCHEME).check_areas(AREAS, None)  # reduces, so must be asked


# --- bad scheme files ------------------------------------------------------------------------


def test_missing_price_per_point(tmp_path: Path) -> None:
    data = _default_data()
    del data["price_per_point"]
    error = _expect_error(_write(tmp_path, data), "price_per_point")
    assert "missing" in error.problem


def test_points_c_more_than_b(tmp_path: Path) -> None:
    data = _default_data()
    data["points"]["keeping_safe"] = {"A": 12, "B": 4, "C": 8, "D": 0}
    error = _expect_error(_write(tmp_path, data), "points.keeping_safe.C")
    assert "A >= B >= C >= D" in error.problem


def test_points_letter_missing(tmp_path: Path) -> None:
    data = _default_data()
    del data["points"]["my_home"]["B"]
    _expect_error(_write(tmp_path, data), "points.my_home.B")


def test_points_extra_letter(tmp_path: Path) -> None:
    data = _default_data()
    data["points"]["my_home"]["E"] = 0
    _expect_error(_write(tmp_path, data), "points.my_home.E")


def test_points_not_whole_number(tmp_path: Path) -> None:
    data = _default_data()
    data["points"]["my_home"]["A"] = "lots"
    _expect_error(_write(tmp_path, data), "points.my_home.A")


def test_negative_price(tmp_path: Path) -> None:
    data = _default_data()
    data["price_per_point"] = -5
    _expect_error(_write(tmp_path, data), "price_per_point")


def test_unknown_method(tmp_path: Path) -> None:
    data = _default_data()
    data["method"] = "guess"
    _expect_error(_write(tmp_path, data), "method")


def test_bands_with_a_gap(tmp_path: Path) -> None:
    data = yaml.safe_load(BANDS_SCHEME.read_text(encoding="utf-8"))
    data["bands"][3]["from"] = data["bands"][2]["to"] + 3
    error = _expect_error(_write(tmp_path, data), "bands[3].from")
    assert "gap" in error.problem


def test_bands_overlapping(tmp_path: Path) -> None:
    data = yaml.safe_load(BANDS_SCHEME.read_text(encoding="utf-8"))
    data["bands"][2]["from"] = data["bands"][1]["to"]
    error = _expect_error(_write(tmp_path, data), "bands[2].from")
    assert "overlaps" in error.problem


def test_bands_not_reaching_the_top(tmp_path: Path) -> None:
    data = yaml.safe_load(BANDS_SCHEME.read_text(encoding="utf-8"))
    data["bands"][-1]["to"] = 95
    _expect_error(_write(tmp_path, data), f"bands[{len(data['bands']) - 1}].to")


def test_bands_going_down(tmp_path: Path) -> None:
    data = yaml.safe_load(BANDS_SCHEME.read_text(encoding="utf-8"))
    data["bands"][4]["yearly"] = 100
    _expect_error(_write(tmp_path, data), "bands[4].yearly")


def test_bands_not_starting_at_zero(tmp_path: Path) -> None:
    data = yaml.safe_load(BANDS_SCHEME.read_text(encoding="utf-8"))
    data["bands"] = data["bands"][1:]
    _expect_error(_write(tmp_path, data), "bands[0].from")


def test_reduce_percent_over_100(tmp_path: Path) -> None:
    data = _default_data()
    data["informal_support"] = {
        "area": "help_from_family_and_friends",
        "effect": "reduce_percent",
        "reduce_percent": {"A": 120, "B": 10, "C": 5, "D": 0},
    }
    _expect_error(_write(tmp_path, data), "informal_support.reduce_percent.A")


def test_informal_area_is_a_scored_area(tmp_path: Path) -> None:
    data = _default_data()
    data["informal_support"]["area"] = "keeping_safe"
    _expect_error(_write(tmp_path, data), "informal_support.area")


def test_not_yaml(tmp_path: Path) -> None:
    path = tmp_path / "broken.yml"
    path.write_text("id: default\npoints: {looking_after_myself: [1, 2\n", encoding="utf-8")
    error = _expect_error(path, "(file)")
    assert "YAML" in error.problem


def test_missing_file(tmp_path: Path) -> None:
    _expect_error(tmp_path / "nowhere.yml", "(file)")


# --- phrases ---------------------------------------------------------------------------------


def test_phrase_fills_placeholders() -> None:
    assert phrase("points", points=12) == "The answers add up to 12 points."
    with pytest.raises(PhraseError, match="no sentence"):
        phrase("no_such_sentence")
    with pytest.raises(PhraseError, match="points"):
        phrase("points")


def _sample(key: str, template: str) -> str:
    values = {
        "points": 96,
        "price": "£265",
        "amount": "£25,440",
        "low": 91,
        "high": 96,
        "help": "a lot of help",
        "percent": 20,
        "letter": "A",
        "minimum": "£1,500",
    }
    return template.format(**values)


def test_phrases_are_plain() -> None:
    for key, template in load_phrases().items():
        text = _sample(key, template)
        assert "your" not in text.lower().split(), key
        if key.startswith("informal_help_"):
            continue
        for sentence in re.split(r"(?<=[.!?])\s+", text):
            assert len(sentence.split()) <= 15, (key, sentence)
        assert textstat.flesch_kincaid_grade(text) <= 6, (key, text)


def test_phrases_file_checks(tmp_path: Path) -> None:
    good = yaml.safe_load(DEFAULT_PHRASES.read_text(encoding="utf-8"))
    missing = dict(good)
    del missing["panel"]
    path = _write(tmp_path, missing, "missing.yml")
    with pytest.raises(DataFileError) as info:
        parse_phrases(path)
    assert info.value.field == "panel" and info.value.path == str(path)

    unknown = dict(good, points="The answers add up to {score} points.")
    with pytest.raises(DataFileError) as info:
        parse_phrases(_write(tmp_path, unknown, "unknown.yml"))
    assert info.value.field == "points" and "{score}" in info.value.problem

    extra = dict(good, greeting="Hello.")
    with pytest.raises(DataFileError) as info:
        parse_phrases(_write(tmp_path, extra, "extra.yml"))
    assert info.value.field == "greeting"
