"""Turning questionnaire answers into an early ("indicative") budget, with a plain explanation.

The steps, always in this order:

1. Points: each scored area's letter (A = most help needed ... D = least) gives the scheme's
   points for that area. An area answered "not sure" (None) is scored as the scheme's
   `not_sure_counts_as` letter and listed in `not_sure_areas` for the coordinator.
2. Base amount: total points x price per point (method "points"), or the yearly amount of the
   band the total falls in (method "bands").
3. Help from family and friends: if the scheme says `reduce_percent`, the amount is lowered by
   that many pounds in every 100 for the letter given. Not answered or "not sure": no change.
   With `record_only` the letter is only recorded.
4. Minimum: only when total points > 0, an amount below the scheme minimum is raised to it.
   No points and no band amount means £0.
5. Rounding: yearly half-up to a multiple of `rounding.yearly_to`; weekly is the rounded yearly
   amount / weeks per year, rounded half-up to a multiple of `rounding.weekly_to`.
6. Panel: a rounded yearly amount above the panel threshold is flagged for a panel. It is never
   capped.

Everything is `Decimal`; no floats. The same answers always give an equal `Breakdown`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ras_core.domain.letters import STATEMENT_LETTERS as LETTERS
from ras_core.domain.money import format_money, round_to
from ras_core.domain.phrases import phrase
from ras_core.domain.scheme import Scheme


@dataclass(frozen=True)
class AreaScore:
    area_id: str
    letter: str  # the letter scored: the answer, or the scheme's not-sure letter
    not_sure: bool
    points: int


@dataclass(frozen=True)
class Breakdown:
    scheme_id: str
    scheme_name: str
    scheme_version: str
    illustrative: bool
    method: str
    areas: tuple[AreaScore, ...]
    total_points: int
    base_yearly: Decimal  # points x price, or the band amount, before anything else
    informal_letter: str | None
    informal_reduction_percent: int
    minimum_applied: bool
    needs_panel: bool
    yearly: Decimal  # rounded, whole pounds
    weekly: Decimal  # rounded, whole pounds
    not_sure_areas: tuple[str, ...]
    explanation: tuple[str, ...]  # 2 to 4 plain lines from phrases.yml

    def to_record(self) -> dict[str, Any]:
        """A JSON-safe copy (Decimals as strings), for storage and the coordinator."""
        return {
            "scheme_id": self.scheme_id,
            "scheme_name": self.scheme_name,
            "scheme_version": self.scheme_version,
            "illustrative": self.illustrative,
            "method": self.method,
            "areas": [
                {
                    "area_id": area.area_id,
                    "letter": area.letter,
                    "not_sure": area.not_sure,
                    "points": area.points,
                }
                for area in self.areas
            ],
            "total_points": self.total_points,
            "base_yearly": str(self.base_yearly),
            "informal_letter": self.informal_letter,
            "informal_reduction_percent": self.informal_reduction_percent,
            "minimum_applied": self.minimum_applied,
            "needs_panel": self.needs_panel,
            "yearly": str(self.yearly),
            "weekly": str(self.weekly),
            "not_sure_areas": list(self.not_sure_areas),
            "explanation": list(self.explanation),
        }


def _check_letter(area_id: str, letter: str | None) -> None:
    if letter is not None and letter not in LETTERS:
        raise ValueError(
            f"answer for {area_id!r} must be one of {', '.join(LETTERS)} or None (not sure), "
            f"not {letter!r}"
        )


def score(scheme: Scheme, answers: Mapping[str, str | None]) -> Breakdown:
    """Score `answers` (area id -> "A".."D", or None for "not sure") with `scheme`."""
    informal_area = scheme.informal.area
    missing = [area for area in scheme.area_ids if area not in answers]
    if missing:
        raise ValueError(f"no answer for these areas: {', '.join(missing)}")
    unknown = sorted(a for a in answers if a not in scheme.points and a != informal_area)
    if unknown:
        raise ValueError(f"these areas are not in scheme {scheme.id!r}: {', '.join(unknown)}")
    for area_id, letter in answers.items():
        _check_letter(area_id, letter)

    # 1. Points.
    areas: list[AreaScore] = []
    for area_id in scheme.area_ids:
        answer = answers[area_id]
        letter = scheme.not_sure_counts_as if answer is None else answer
        areas.append(AreaScore(area_id, letter, answer is None, scheme.points[area_id][letter]))
    total = sum(area.points for area in areas)
    not_sure = [area.area_id for area in areas if area.not_sure]

    # 2. Base amount.
    lines = [phrase("points", points=total)]
    if scheme.method == "bands":
        band = scheme.band_for(total)
        base = band.yearly
        method_line = phrase(
            "band",
            points=total,
            low=band.from_points,
            high=band.to_points,
            amount=format_money(base),
        )
    else:
        base = scheme.price_per_point * total
        method_line = phrase(
            "price",
            points=total,
            price=format_money(scheme.price_per_point),
            amount=format_money(base),
        )
    if total > 0 or base != 0:
        lines.append(method_line)

    # 3. Help from family and friends.
    informal_letter: str | None = None
    if informal_area is not None:
        informal_letter = answers.get(informal_area)
        if informal_letter is None and informal_area in answers:
            not_sure.append(informal_area)
    percent = scheme.informal.percent_for(informal_letter)
    amount = base * (100 - percent) / 100
    if percent > 0 and base > 0 and informal_letter is not None:
        lines.append(
            phrase(
                "informal_reduce",
                help=phrase(f"informal_help_{informal_letter}"),
                percent=percent,
                letter=informal_letter,
            )
        )

    # 4. Minimum, only when there are points.
    minimum_applied = total > 0 and amount < scheme.minimum
    if minimum_applied:
        amount = scheme.minimum

    # 5. Rounding.
    yearly = round_to(amount, scheme.yearly_round_to)
    weekly = round_to(yearly / scheme.weeks_per_year, scheme.weekly_round_to)

    # 6. Panel: flagged, never capped.
    needs_panel = scheme.panel_threshold is not None and yearly > scheme.panel_threshold

    money = format_money(yearly)
    if minimum_applied:
        lines.append(phrase("minimum", minimum=money))
    elif yearly == 0:
        lines.append(phrase("zero"))
    elif yearly != base:
        last = phrase("result", amount=money)
        if needs_panel:
            last = f"{last} {phrase('panel', amount=money)}"
        lines.append(last)
    elif needs_panel:
        lines.append(phrase("panel", amount=money))

    return Breakdown(
        scheme_id=scheme.id,
        scheme_name=scheme.name,
        scheme_version=scheme.version,
        illustrative=scheme.illustrative,
        method=scheme.method,
        areas=tuple(areas),
        total_points=total,
        base_yearly=base,
        informal_letter=informal_letter,
        informal_reduction_percent=percent,
        minimum_applied=minimum_applied,
        needs_panel=needs_panel,
        yearly=yearly,
        weekly=weekly,
        not_sure_areas=tuple(not_sure),
        explanation=tuple(lines),
    )
