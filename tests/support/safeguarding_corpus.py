"""The safeguarding corpus (tests/data/safeguarding/): disclosures and look-alikes, each in the
development part (build patterns, NLU examples and thresholds from it) or the held-out part
(only ever measured). See the README there."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

FOLDER = Path(__file__).resolve().parents[1] / "data" / "safeguarding"
SPLITS = ("dev", "held_out")


@dataclass(frozen=True)
class Sentence:
    text: str
    disclosure: bool
    group: str  # a disclosure's category, or a look-alike's kind
    split: str  # "dev" or "held_out"
    context: str = "any"  # for look-alikes: the question or plan part it answers
    source: str = ""  # the file it came from


@cache
def load_corpus() -> tuple[Sentence, ...]:
    """Every sentence: the first files (split once) and the later, development-only ones."""
    found: list[Sentence] = []
    for path in sorted(FOLDER.glob("disclosures*.yml")):
        for d in _read(path, "disclosures"):
            category, split = str(d["category"]), str(d["split"])
            found.append(Sentence(str(d["text"]), True, category, split, source=path.name))
    for path in sorted(FOLDER.glob("look_alikes*.yml")):
        for d in _read(path, "look_alikes"):
            kind, context = str(d["kind"]), str(d["context"])
            split = str(d["split"])
            found.append(Sentence(str(d["text"]), False, kind, split, context, path.name))
    return tuple(found)


def _read(path: Path, key: str) -> list[dict[str, object]]:
    entries: list[dict[str, object]] = yaml.safe_load(path.read_text(encoding="utf-8"))[key]
    return entries


def part(split: str, disclosure: bool) -> list[Sentence]:
    return [s for s in load_corpus() if s.split == split and s.disclosure is disclosure]
