"""The plain sentences that explain how an early budget was worked out.

The words live only in `data/phrases.yml`. This module loads them, checks on load that every
sentence the program uses is there and uses only the `{placeholders}` it knows, and fills them in.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from pathlib import Path
from string import Formatter
from types import MappingProxyType

from ras_core.domain.datafile import DATA_DIR, DataFileError, read_yaml_mapping

DEFAULT_PHRASES = DATA_DIR / "phrases.yml"

# Every sentence the program uses, with the placeholders it may contain.
PLACEHOLDERS: Mapping[str, frozenset[str]] = MappingProxyType(
    {
        "points": frozenset({"points"}),
        "price": frozenset({"price", "points", "amount"}),
        "band": frozenset({"points", "low", "high", "amount"}),
        "informal_reduce": frozenset({"help", "percent", "letter"}),
        "informal_help_A": frozenset(),
        "informal_help_B": frozenset(),
        "informal_help_C": frozenset(),
        "informal_help_D": frozenset(),
        "minimum": frozenset({"minimum"}),
        "zero": frozenset(),
        "result": frozenset({"amount"}),
        "panel": frozenset({"amount"}),
        "not_sure": frozenset(),
        "final_budget": frozenset({"amount"}),
    }
)


class PhraseError(LookupError):
    """A sentence was asked for that does not exist, or a placeholder value was not given."""


def placeholders_in(path: Path, key: str, template: str) -> set[str]:
    """The {names} a template uses; a stray bracket or a non-plain name is a DataFileError."""
    names: set[str] = set()
    try:
        parsed = list(Formatter().parse(template))
    except ValueError as error:
        raise DataFileError(
            path, key, f"has a stray curly bracket ({error}); use {{name}} for placeholders"
        ) from error
    for _literal, name, spec, conversion in parsed:
        if name is None:
            continue
        if not name.isidentifier() or spec or conversion:
            raise DataFileError(path, key, f"has a placeholder {{{name}}} that is not a plain name")
        names.add(name)
    return names


def parse_phrases(
    path: Path | str, placeholders: Mapping[str, frozenset[str]] = PLACEHOLDERS
) -> Mapping[str, str]:
    """Read and check a file of sentences (not cached).

    `placeholders` names every sentence the program uses and the {names} each may contain;
    the default is the budget explanations in `data/phrases.yml`.
    """
    path = Path(path)
    data = read_yaml_mapping(path)
    for key in data:
        if key not in placeholders:
            raise DataFileError(path, str(key), "is not a sentence the program uses")
    templates: dict[str, str] = {}
    for key, allowed in placeholders.items():
        if key not in data or data[key] is None:
            raise DataFileError(path, key, "is missing")
        template = data[key]
        if not isinstance(template, str) or not template.strip():
            raise DataFileError(path, key, "must be some text")
        unknown = sorted(placeholders_in(path, key, template) - allowed)
        if unknown:
            known = ", ".join(f"{{{name}}}" for name in sorted(allowed)) or "none"
            raise DataFileError(
                path,
                key,
                f"uses {{{unknown[0]}}}, which the program does not fill in (it knows: {known})",
            )
        templates[key] = " ".join(template.split())
    return MappingProxyType(templates)


@cache
def _load_cached(resolved: Path) -> Mapping[str, str]:
    return parse_phrases(resolved)


def load_phrases(path: Path | str | None = None) -> Mapping[str, str]:
    """All sentences, checked, cached per file. No path: the default `data/phrases.yml`."""
    return _load_cached(Path(path if path is not None else DEFAULT_PHRASES).resolve())


def phrase(key: str, **params: object) -> str:
    """The sentence `key` from the default phrases file, with its placeholders filled in."""
    templates = load_phrases()
    if key not in templates:
        raise PhraseError(f"there is no sentence called {key!r} in {DEFAULT_PHRASES}")
    template = templates[key]
    try:
        return template.format(**params)
    except KeyError as error:
        raise PhraseError(
            f"sentence {key!r} needs a value for {{{error.args[0]}}}, but none was given"
        ) from None
