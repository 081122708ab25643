"""Reading and checking the YAML data files a council can swap in.

Every problem is reported as a DataFileError naming the file, the field and what is wrong,
so a council officer editing a file can fix it without reading code.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import yaml

# The data files a council can swap in: questionnaires, schemes, phrases, plan choices and rules.
DATA_DIR = Path(__file__).resolve().parents[1] / "data"


class DataFileError(ValueError):
    """A data file is missing, unreadable or has a wrong field."""

    def __init__(self, path: Path | str, field: str, problem: str) -> None:
        self.path = str(path)
        self.field = field
        self.problem = problem
        super().__init__(f"{self.path}: field '{field}': {problem}")


def read_yaml_mapping(path: Path | str) -> dict[str, Any]:
    """Load a YAML file whose top level must be a mapping."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise DataFileError(path, "(file)", f"cannot be read: {error.strerror}") from error
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise DataFileError(path, "(file)", f"is not valid YAML: {error}") from error
    if not isinstance(data, dict):
        raise DataFileError(path, "(top level)", "must be a mapping of names to values")
    return data


class Fields:
    """Typed access to one mapping in a data file; keeps the dotted field path for errors."""

    def __init__(self, path: Path | str, data: Any, where: str = "") -> None:
        self.path = Path(path)
        self.where = where
        if not isinstance(data, dict):
            raise DataFileError(self.path, where or "(top level)", "must be a mapping")
        self.data: dict[str, Any] = data

    def name(self, key: str) -> str:
        return f"{self.where}.{key}" if self.where else key

    def error(self, key: str, problem: str) -> DataFileError:
        return DataFileError(self.path, self.name(key), problem)

    def has(self, key: str) -> bool:
        return key in self.data and self.data[key] is not None

    def raw(self, key: str) -> Any:
        if not self.has(key):
            raise self.error(key, "is missing")
        return self.data[key]

    def text(self, key: str, default: str | None = None) -> str:
        if not self.has(key):
            if default is not None:
                return default
            raise self.error(key, "is missing")
        value = self.data[key]
        if not isinstance(value, str) or not value.strip():
            raise self.error(key, "must be some text")
        return value.strip()

    def number(self, key: str, default: float | None = None, minimum: float | None = None) -> float:
        if not self.has(key):
            if default is not None:
                return default
            raise self.error(key, "is missing")
        value = self.data[key]
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.error(key, f"must be a number, not {value!r}")
        if minimum is not None and value < minimum:
            raise self.error(key, f"must be at least {minimum}, not {value}")
        return float(value)

    def integer(self, key: str, default: int | None = None, minimum: int | None = None) -> int:
        if not self.has(key):
            if default is not None:
                return default
            raise self.error(key, "is missing")
        value = self.data[key]
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.error(key, f"must be a whole number, not {value!r}")
        if minimum is not None and value < minimum:
            raise self.error(key, f"must be at least {minimum}, not {value}")
        return value

    def choice(self, key: str, allowed: Sequence[str], default: str | None = None) -> str:
        value = self.text(key, default)
        if value not in allowed:
            raise self.error(key, f"must be one of {', '.join(allowed)}, not {value!r}")
        return value

    def sub(self, key: str) -> Fields:
        return Fields(self.path, self.raw(key), self.name(key))

    def items(self, key: str) -> Iterator[Fields]:
        """Each entry of a non-empty list of mappings."""
        value = self.raw(key)
        if not isinstance(value, list) or not value:
            raise self.error(key, "must be a non-empty list")
        for index, entry in enumerate(value):
            yield Fields(self.path, entry, f"{self.name(key)}[{index}]")
