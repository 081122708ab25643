"""A council's Resource Allocation System (RAS) scheme: how answers become points and money.

A scheme is a YAML file a council can swap in (see `data/schemes/default.yml`, which is
illustrative only). Every problem in the file is reported as a `DataFileError` naming the file,
the dotted field (e.g. `points.keeping_safe.B`) and what is wrong.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from types import MappingProxyType

from ras_core.domain.datafile import DATA_DIR, DataFileError, Fields, read_yaml_mapping
from ras_core.domain.letters import STATEMENT_LETTERS as LETTERS

SCHEMES_DIR = DATA_DIR / "schemes"
DEFAULT_SCHEME = SCHEMES_DIR / "default.yml"

METHODS: tuple[str, ...] = ("points", "bands")
INFORMAL_EFFECTS: tuple[str, ...] = ("record_only", "reduce_percent")


@dataclass(frozen=True)
class Band:
    """Scores from `from_points` to `to_points` (both included) get `yearly` pounds a year."""

    from_points: int
    to_points: int
    yearly: Decimal

    def contains(self, points: int) -> bool:
        return self.from_points <= points <= self.to_points


@dataclass(frozen=True)
class InformalSupportRule:
    """What help from family and friends does to the amount.

    `area` is the questionnaire area that asks about it (None: not asked). `effect` is
    "record_only" (kept for the coordinator only) or "reduce_percent" (the amount is lowered by
    `reduce_percent[letter]` pounds in every 100).
    """

    area: str | None = None
    effect: str = "record_only"
    reduce_percent: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))

    def percent_for(self, letter: str | None) -> int:
        if self.effect != "reduce_percent" or letter is None:
            return 0
        return self.reduce_percent.get(letter, 0)


@dataclass(frozen=True)
class Scheme:
    id: str
    name: str
    version: str
    illustrative: bool
    method: str
    points: Mapping[str, Mapping[str, int]]
    price_per_point: Decimal
    minimum: Decimal
    panel_threshold: Decimal | None
    not_sure_counts_as: str
    informal: InformalSupportRule
    yearly_round_to: int
    weekly_round_to: int
    hourly_rate: Decimal
    weeks_per_year: int
    bands: tuple[Band, ...] = ()
    source: str = ""

    @property
    def area_ids(self) -> tuple[str, ...]:
        """The scored areas, in the order the scheme file lists them."""
        return tuple(self.points)

    @property
    def max_points(self) -> int:
        return sum(max(letters.values()) for letters in self.points.values())

    def band_for(self, points: int) -> Band:
        for band in self.bands:
            if band.contains(points):
                return band
        raise ValueError(f"no band in scheme {self.id!r} covers a score of {points}")

    def check_areas(self, need_area_ids: Iterable[str], informal_area_id: str | None) -> None:
        """Check the questionnaire's areas match this scheme; DataFileError names the mismatch."""
        asked = list(need_area_ids)
        scored = set(self.points)
        for area in asked:
            if area not in scored:
                raise DataFileError(
                    self.source,
                    f"points.{area}",
                    "is missing: the questionnaire asks about this area, but the scheme "
                    "gives it no points",
                )
        for area in self.points:
            if area not in asked:
                raise DataFileError(
                    self.source,
                    f"points.{area}",
                    "is not an area the questionnaire asks about",
                )
        rule = self.informal
        if informal_area_id is not None and rule.area is not None and informal_area_id != rule.area:
            raise DataFileError(
                self.source,
                "informal_support.area",
                f"is {rule.area!r}, but the questionnaire asks about family and friends "
                f"in {informal_area_id!r}",
            )
        if informal_area_id is None and rule.area is not None and rule.effect != "record_only":
            raise DataFileError(
                self.source,
                "informal_support.area",
                f"is {rule.area!r}, but the questionnaire does not ask about help from "
                "family and friends",
            )


def _money(fields: Fields, key: str, default: Decimal | None = None) -> Decimal:
    """A sum of money in pounds, 0 or more, with at most 2 decimal places (pence)."""
    if not fields.has(key):
        if default is not None:
            return default
        raise fields.error(key, "is missing")
    value = fields.data[key]
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise fields.error(key, f"must be an amount of money in pounds, not {value!r}")
    try:
        amount = Decimal(str(value).strip().lstrip("£").replace(",", ""))
    except InvalidOperation:
        raise fields.error(key, f"must be an amount of money in pounds, not {value!r}") from None
    if not amount.is_finite():
        raise fields.error(key, f"must be an amount of money in pounds, not {value!r}")
    if amount < 0:
        raise fields.error(key, f"must be 0 or more, not {value!r}")
    if amount != amount.quantize(Decimal("0.01")):
        raise fields.error(key, f"must be whole pounds and pence, not {value!r}")
    return amount


def _letter_table(fields: Fields, key: str, maximum: int | None = None) -> Mapping[str, int]:
    """A mapping with exactly the letters A, B, C, D to whole numbers, with A >= B >= C >= D."""
    table = fields.sub(key)
    extra = [str(name) for name in table.data if name not in LETTERS]
    if extra:
        raise table.error(extra[0], "is not a letter this scheme uses (only A, B, C and D)")
    values: dict[str, int] = {}
    for letter in LETTERS:
        value = table.integer(letter, minimum=0)
        if maximum is not None and value > maximum:
            raise table.error(letter, f"must be {maximum} or less, not {value}")
        values[letter] = value
    for higher, lower in itertools.pairwise(LETTERS):
        if values[lower] > values[higher]:
            raise table.error(
                lower,
                f"is {values[lower]}, more than {higher} ({values[higher]}); "
                "more need must never score less, so A >= B >= C >= D",
            )
    return MappingProxyType(values)


def _text_or_number(fields: Fields, key: str) -> str:
    value = fields.raw(key)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return fields.text(key)


def _bands(fields: Fields, max_points: int) -> tuple[Band, ...]:
    bands: list[Band] = []
    for entry in fields.items("bands"):
        extra = [str(name) for name in entry.data if name not in ("from", "to", "yearly")]
        if extra:
            raise entry.error(extra[0], "is not a band field (only from, to and yearly)")
        start = entry.integer("from", minimum=0)
        end = entry.integer("to", minimum=0)
        yearly = _money(entry, "yearly")
        if end < start:
            raise entry.error("to", f"is {end}, less than from ({start})")
        if not bands:
            if start != 0:
                raise entry.error("from", f"must be 0 for the first band, not {start}")
        else:
            previous = bands[-1]
            if start <= previous.to_points:
                raise entry.error(
                    "from", f"is {start}, which overlaps the band before (to {previous.to_points})"
                )
            if start > previous.to_points + 1:
                raise entry.error(
                    "from",
                    f"is {start}, which leaves a gap: scores {previous.to_points + 1} to "
                    f"{start - 1} are in no band",
                )
            if yearly < previous.yearly:
                raise entry.error(
                    "yearly",
                    f"is {yearly}, less than the band before ({previous.yearly}); "
                    "a higher score must never get less money",
                )
        bands.append(Band(start, end, yearly))
    if bands[-1].to_points < max_points:
        last = f"bands[{len(bands) - 1}].to"
        raise DataFileError(
            fields.path,
            last,
            f"is {bands[-1].to_points}, but the highest possible score is {max_points}; "
            "the bands must reach it",
        )
    return tuple(bands)


def _informal(fields: Fields, area_ids: Iterable[str]) -> InformalSupportRule:
    if not fields.has("informal_support"):
        return InformalSupportRule()
    block = fields.sub("informal_support")
    area = block.text("area")
    if area in set(area_ids):
        raise block.error("area", f"{area!r} is a scored area in points; it must be separate")
    effect = block.choice("effect", INFORMAL_EFFECTS)
    percents: Mapping[str, int] = MappingProxyType({})
    if effect == "reduce_percent":
        percents = _letter_table(block, "reduce_percent", maximum=100)
    elif block.has("reduce_percent"):
        raise block.error("reduce_percent", "is only used when effect is reduce_percent")
    return InformalSupportRule(area=area, effect=effect, reduce_percent=percents)


def parse_scheme(path: Path | str) -> Scheme:
    """Read and check one scheme file (not cached)."""
    path = Path(path)
    top = Fields(path, read_yaml_mapping(path))

    illustrative = top.data.get("illustrative", False)
    if not isinstance(illustrative, bool):
        raise top.error("illustrative", f"must be true or false, not {illustrative!r}")
    method = top.choice("method", METHODS)

    points_block = top.sub("points")
    if not points_block.data:
        raise points_block.error("(areas)", "there must be at least one area")
    points: dict[str, Mapping[str, int]] = {}
    for area in points_block.data:
        if not isinstance(area, str) or not area.strip():
            raise points_block.error(str(area), "area names must be text")
        points[area] = _letter_table(points_block, area)
    max_points = sum(max(letters.values()) for letters in points.values())

    if method == "points":
        price = _money(top, "price_per_point")
        if top.has("bands"):
            raise top.error("bands", "is only used when method is bands")
        bands: tuple[Band, ...] = ()
    else:
        price = _money(top, "price_per_point", default=Decimal(0))
        bands = _bands(top, max_points)

    minimum = _money(top, "minimum", default=Decimal(0))
    threshold = _money(top, "panel_threshold") if top.has("panel_threshold") else None
    if threshold is not None and threshold < minimum:
        raise top.error("panel_threshold", f"is {threshold}, less than the minimum ({minimum})")

    if top.has("rounding"):
        rounding = top.sub("rounding")
        yearly_to = rounding.integer("yearly_to", default=1, minimum=1)
        weekly_to = rounding.integer("weekly_to", default=1, minimum=1)
    else:
        yearly_to, weekly_to = 1, 1

    return Scheme(
        id=top.text("id"),
        name=top.text("name"),
        version=_text_or_number(top, "version"),
        illustrative=illustrative,
        method=method,
        points=MappingProxyType(points),
        price_per_point=price,
        minimum=minimum,
        panel_threshold=threshold,
        not_sure_counts_as=top.choice("not_sure_counts_as", LETTERS, default="B"),
        informal=_informal(top, points),
        yearly_round_to=yearly_to,
        weekly_round_to=weekly_to,
        hourly_rate=_money(top, "hourly_rate"),
        weeks_per_year=top.integer("weeks_per_year", default=52, minimum=1),
        bands=bands,
        source=str(path),
    )


@cache
def _load_cached(resolved: Path) -> Scheme:
    return parse_scheme(resolved)


def resolve_scheme_path(path: Path | str | None = None) -> Path:
    """The scheme file to use: `path` (a file, or a scheme's name in `data/schemes` such as
    "example_bands"), else the default."""
    if not path:
        return DEFAULT_SCHEME.resolve()
    candidate = Path(path)
    if not candidate.exists() and candidate.parent == Path(".") and not candidate.suffix:
        candidate = SCHEMES_DIR / f"{path}.yml"
    return candidate.resolve()


def load_scheme(path: Path | str | None = None) -> Scheme:
    """Load and check a scheme (cached per resolved path). No path: the default."""
    return _load_cached(resolve_scheme_path(path))


def clear_scheme_cache() -> None:
    _load_cached.cache_clear()
