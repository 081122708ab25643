"""The example sentences in the NLU training files, as people typed them (annotations removed)."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

NLU_DIR = Path(__file__).resolve().parents[2] / "nlu_data" / "nlu"
# [text](entity) or [text]{"entity": ..., "value": ...}: only the text was typed.
_ANNOTATION = re.compile(r"\[([^\]]+)\][({][^)}]*[)}]")


def examples_in(path: Path) -> dict[str, list[str]]:
    """Intent -> its example sentences in one file (an intent may have several blocks)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    found: dict[str, list[str]] = {}
    for block in data.get("nlu", []):
        if "intent" not in block:
            continue
        found.setdefault(str(block["intent"]), []).extend(
            _ANNOTATION.sub(r"\1", line.strip()[2:])
            for line in str(block.get("examples", "")).splitlines()
            if line.strip().startswith("- ")
        )
    return found


def all_examples(skip: Path | None = None) -> list[str]:
    """Every example sentence in nlu_data/nlu, but for the file `skip`."""
    return [
        text
        for path in sorted(NLU_DIR.glob("*.yml"))
        if path != skip
        for found in examples_in(path).values()
        for text in found
    ]
