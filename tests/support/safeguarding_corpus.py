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


@cache
def load_corpus() -> tuple[Sentence, ...]:
    disclosures = yaml.safe_load((FOLDER / "disclosures.yml").read_text(encoding="utf-8"))
    look_alikes = yaml.safe_load((FOLDER / "look_alikes.yml").read_text(encoding="utf-8"))
    return tuple(
        [
            Sentence(str(d["text"]), True, str(d["category"]), str(d["split"]))
            for d in disclosures["disclosures"]
        ]
        + [
            Sentence(str(d["text"]), False, str(d["kind"]), str(d["split"]), str(d["context"]))
            for d in look_alikes["look_alikes"]
        ]
    )


def part(split: str, disclosure: bool) -> list[Sentence]:
    return [s for s in load_corpus() if s.split == split and s.disclosure is disclosure]
