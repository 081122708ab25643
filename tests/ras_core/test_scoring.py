"""Scoring answers into an early budget: worked examples by hand, then properties."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ras_core.domain.money import round_to
from ras_core.domain.scheme import DEFAULT_SCHEME, SCHEMES_DIR, Scheme, load_scheme
from ras_core.domain.scoring import Breakdown, score

DEFAULT = load_scheme(DEFAULT_SCHEME)
BANDS = load_scheme(SCHEMES_DIR / "example_bands.yml")
INFORMAL = "help_from_family_and_friends"
LETTERS = ("A", "B", "C", "D")


def _all(letter: str | None, scheme: Scheme = DEFAULT) -> dict[str, str | None]:
    return {area: letter for area in scheme.area_ids}


# --- worked examples, by hand, default scheme -------------------------------------------------


def test_all_d_is_nothing() -> None:
    result = score(DEFAULT, _all("D"))
    assert result.total_points == 0
    assert result.base_yearly == 0 and result.yearly == 0 and result.weekly == 0
    assert not result.minimum_applied and not result.needs_panel
    assert result.explanation == (
        "The answers add up to 0 points.",
        "So this early budget is £0. A coordinator will still talk it through.",
    )


def test_all_a_goes_to_panel_not_capped() -> None:
    result = score(DEFAULT, _all("A"))
    # 20 + 12 + 10 + 10 + 10 + 8 + 8 + 6 + 6 + 6 = 96 points; 96 x £265 = £25,440.
    assert result.total_points == 96
    assert result.base_yearly == Decimal(25440)
    assert result.yearly == Decimal(25440)  # above £22,000 but not capped
    assert result.weekly == Decimal(489)  # 25,440 / 52 = 489.23
    assert result.needs_panel is True
    assert result.explanation[1] == (
        "Each point is worth £265 a year. So 96 points make £25,440 a year."
    )
    assert "panel" in result.explanation[-1]


def test_small_need_is_raised_to_minimum() -> None:
    answers = _all("D")
    answers["relationships"] = "C"  # 2 points x £265 = £530, below £1,500
    result = score(DEFAULT, answers)
    assert result.total_points == 2
    assert result.base_yearly == Decimal(530)
    assert result.minimum_applied is True
    assert result.yearly == Decimal(1500)
    assert result.weekly == Decimal(29)  # 1,500 / 52 = 28.85
    assert result.explanation[-1] == (
        "That is less than the smallest budget. So it goes up to £1,500 a year."
    )


def test_rounding_yearly_then_weekly() -> None:
    answers = _all("C")  # 6 + 4 + 3 + 3 + 3 + 2 + 2 + 2 + 2 + 2 = 29 points
    result = score(DEFAULT, answers)
    assert result.total_points == 29
    assert result.base_yearly == Decimal(7685)
    assert result.yearly == Decimal(7690)  # half-up to £10
    assert result.weekly == Decimal(148)  # 7,690 / 52 = 147.88
    assert result.explanation[-1] == "So the early budget is about £7,690 a year."


def test_not_sure_counts_as_b_and_is_listed() -> None:
    answers = _all("D")
    answers["keeping_safe"] = None
    answers[INFORMAL] = None
    result = score(DEFAULT, answers)
    keeping_safe = next(a for a in result.areas if a.area_id == "keeping_safe")
    assert (keeping_safe.letter, keeping_safe.not_sure, keeping_safe.points) == ("B", True, 8)
    assert result.total_points == 8
    assert result.yearly == Decimal(2120)  # 8 x £265
    assert result.not_sure_areas == ("keeping_safe", INFORMAL)


def test_informal_support_is_recorded_only_in_default() -> None:
    with_help = score(DEFAULT, {**_all("B"), INFORMAL: "A"})
    without = score(DEFAULT, _all("B"))
    assert with_help.informal_letter == "A"
    assert with_help.informal_reduction_percent == 0
    assert with_help.yearly == without.yearly == Decimal(15900)  # 60 x £265


def test_bands_with_informal_reduction() -> None:
    result = score(BANDS, {**_all("B", BANDS), INFORMAL: "B"})
    # 60 points is in the band 51 to 60: £12,500; family help B takes off 10 in 100.
    assert result.total_points == 60
    assert result.base_yearly == Decimal(12500)
    assert result.informal_reduction_percent == 10
    assert result.yearly == Decimal(11250)
    assert result.weekly == Decimal(216)  # 11,250 / 52 = 216.35
    assert result.explanation == (
        "The answers add up to 60 points.",
        "Scores from 51 to 60 points get £12,500 a year.",
        "Family and friends give some help. So 10 pounds in every 100 come off.",
        "So the early budget is about £11,250 a year.",
    )


def test_missing_area_and_bad_letter() -> None:
    answers = _all("B")
    del answers["my_home"]
    del answers["keeping_safe"]
    with pytest.raises(ValueError, match="keeping_safe, my_home"):
        score(DEFAULT, answers)
    with pytest.raises(ValueError, match="'E'"):
        score(DEFAULT, {**_all("B"), "my_home": "E"})
    with pytest.raises(ValueError, match="'b'"):
        score(DEFAULT, {**_all("B"), INFORMAL: "b"})
    with pytest.raises(ValueError, match="pets"):
        score(DEFAULT, {**_all("B"), "pets": "A"})


def test_record_is_json_safe() -> None:
    record = score(DEFAULT, {**_all("A"), "my_home": None, INFORMAL: "C"}).to_record()
    assert json.loads(json.dumps(record)) == record
    assert record["yearly"] == "24650"  # 93 x £265 = £24,645 and record["needs_panel"] is True
    assert record["areas"][5] == {
        "area_id": "my_home",
        "letter": "B",
        "not_sure": True,
        "points": 5,
    }


# --- properties --------------------------------------------------------------------------------

SCHEMES = st.sampled_from([DEFAULT, BANDS])
ANSWER = st.sampled_from([*LETTERS, None])


@st.composite
def cases(
    draw: st.DrawFn, scheme_strategy: st.SearchStrategy[Scheme] = SCHEMES
) -> tuple[Scheme, dict[str, str | None]]:
    scheme = draw(scheme_strategy)
    answers: dict[str, str | None] = {area: draw(ANSWER) for area in scheme.area_ids}
    informal = draw(st.sampled_from(["absent", *LETTERS, None]))
    if informal != "absent":
        answers[INFORMAL] = informal
    return scheme, answers


def _money_steps_hold(result: Breakdown, scheme: Scheme) -> None:
    assert result.yearly == round_to(result.yearly, scheme.yearly_round_to)
    assert result.weekly == round_to(result.yearly / scheme.weeks_per_year, scheme.weekly_round_to)
    assert result.total_points == sum(a.points for a in result.areas)


@settings(deadline=None, max_examples=300)
@given(cases(), st.data())
def test_more_need_never_lowers_the_budget(
    case: tuple[Scheme, dict[str, str | None]], data: st.DataObject
) -> None:
    scheme, answers = case
    area = data.draw(st.sampled_from(scheme.area_ids))
    current = data.draw(st.sampled_from(LETTERS))
    higher = data.draw(st.sampled_from(LETTERS[: LETTERS.index(current) + 1]))
    before = score(scheme, {**answers, area: current})
    after = score(scheme, {**answers, area: higher})
    assert after.total_points >= before.total_points
    assert after.yearly >= before.yearly
    assert after.weekly >= before.weekly


@settings(deadline=None)
@given(cases())
def test_deterministic(case: tuple[Scheme, dict[str, str | None]]) -> None:
    scheme, answers = case
    first = score(scheme, answers)
    assert score(scheme, dict(reversed(list(answers.items())))) == first
    assert first.to_record() == score(scheme, answers).to_record()
    _money_steps_hold(first, scheme)


@settings(deadline=None)
@given(cases())
def test_minimum_respected_when_there_are_points(
    case: tuple[Scheme, dict[str, str | None]],
) -> None:
    scheme, answers = case
    result = score(scheme, answers)
    if result.total_points > 0:
        assert result.yearly >= scheme.minimum
    elif scheme.method == "points":
        assert result.yearly == 0


@settings(deadline=None)
@given(cases(st.just(DEFAULT)))
def test_above_threshold_goes_to_panel_uncapped(case: tuple[Scheme, dict[str, str | None]]) -> None:
    scheme, answers = case
    result = score(scheme, answers)
    assert scheme.panel_threshold is not None
    expected = round_to(scheme.price_per_point * result.total_points, scheme.yearly_round_to)
    if result.total_points > 0:
        expected = max(expected, round_to(scheme.minimum, scheme.yearly_round_to))
    assert result.yearly == expected
    assert result.needs_panel == (result.yearly > scheme.panel_threshold)


@settings(deadline=None)
@given(cases(st.just(BANDS)))
def test_bands_scheme_gives_the_band_amount(case: tuple[Scheme, dict[str, str | None]]) -> None:
    scheme, answers = case
    result = score(scheme, answers)
    band = scheme.band_for(result.total_points)
    assert band.from_points <= result.total_points <= band.to_points
    assert result.base_yearly == band.yearly
    percent = scheme.informal.percent_for(answers.get(INFORMAL))
    assert result.informal_reduction_percent == percent
    expected = band.yearly * (100 - percent) / 100
    if result.total_points > 0:
        expected = max(expected, scheme.minimum)
    assert result.yearly == round_to(expected, scheme.yearly_round_to)


@settings(deadline=None)
@given(cases())
def test_explanation_is_short_and_plain(case: tuple[Scheme, dict[str, str | None]]) -> None:
    scheme, answers = case
    result = score(scheme, answers)
    assert 2 <= len(result.explanation) <= 4
    assert all(line.strip() for line in result.explanation)
    assert result.explanation[0] == f"The answers add up to {result.total_points} points."
    assert all("{" not in line for line in result.explanation)
