"""Checks on the NLU training data in nlu_data/nlu (PyYAML only, no Rasa import)."""

from __future__ import annotations

import json
import re
import string
from collections import defaultdict
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
NLU_DIR = ROOT / "nlu_data" / "nlu"
DOMAIN_INTENTS = ROOT / "bot" / "domain" / "intents.yml"
MIN_EXAMPLES = 15
LETTERS = {"A", "B", "C", "D"}

# [text](entity) or [text]{"entity": ..., "value": ...}
_ANNOTATION = re.compile(r"\[(?P<text>[^\]]+)\](?:\((?P<name>[^)]+)\)|(?P<json>\{[^}]*\}))")


def _domain_intents() -> list[str]:
    data = yaml.safe_load(DOMAIN_INTENTS.read_text(encoding="utf-8"))
    return [i if isinstance(i, str) else next(iter(i)) for i in data["intents"]]


def _raw_examples() -> dict[str, list[str]]:
    """Intent -> example lines (annotations left in), over every file in nlu_data/nlu."""
    found: dict[str, list[str]] = defaultdict(list)
    files = sorted(NLU_DIR.glob("*.yml")) + sorted(NLU_DIR.glob("*.yaml"))
    assert files, f"no NLU files in {NLU_DIR}"
    for path in files:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for block in data.get("nlu", []):
            if "intent" not in block:
                continue
            for line in str(block.get("examples", "")).splitlines():
                line = line.strip()
                if line.startswith("- "):
                    found[block["intent"]].append(line[2:].strip())
    return found


def _plain(example: str) -> str:
    """The text as typed: annotations removed, lower case, no punctuation, single spaces."""
    text = _ANNOTATION.sub(lambda m: m.group("text"), example).lower()
    text = text.translate(str.maketrans("", "", string.punctuation))
    return " ".join(text.split())


def _entities(example: str) -> list[tuple[str, str, str]]:
    """(entity, text, value) for every annotation in one example."""
    out = []
    for m in _ANNOTATION.finditer(example):
        if m.group("name"):
            out.append((m.group("name"), m.group("text"), m.group("text")))
        else:
            spec = json.loads(m.group("json"))
            out.append((spec["entity"], m.group("text"), spec.get("value", m.group("text"))))
    return out


EXAMPLES = _raw_examples()


@pytest.mark.parametrize("intent", _domain_intents())
def test_every_domain_intent_has_enough_examples(intent: str) -> None:
    assert len(EXAMPLES.get(intent, [])) >= MIN_EXAMPLES, intent


def test_no_intent_outside_the_domain() -> None:
    assert set(EXAMPLES) - set(_domain_intents()) == set()


def test_no_example_under_two_intents() -> None:
    seen: dict[str, set[str]] = defaultdict(set)
    for intent, examples in EXAMPLES.items():
        for example in examples:
            seen[_plain(example)].add(intent)
    clashes = {text: sorted(intents) for text, intents in seen.items() if len(intents) > 1}
    assert clashes == {}


def test_no_example_twice_in_one_intent() -> None:
    # Exact repeats only: "A" and "a" are both kept on purpose (capital and lower case).
    for intent, examples in EXAMPLES.items():
        repeated = sorted({e for e in examples if examples.count(e) > 1})
        assert repeated == [], intent


def test_option_values_are_capital_letters() -> None:
    values = [
        (example, value)
        for examples in EXAMPLES.values()
        for example in examples
        for entity, _text, value in _entities(example)
        if entity == "option"
    ]
    assert values, "no option entities annotated"
    assert [(e, v) for e, v in values if v not in LETTERS] == []


def test_only_known_entities_are_annotated() -> None:
    domain = yaml.safe_load(DOMAIN_INTENTS.read_text(encoding="utf-8"))
    known = {e if isinstance(e, str) else next(iter(e)) for e in domain.get("entities", [])}
    used = {entity for ex in EXAMPLES.values() for e in ex for entity, _t, _v in _entities(e)}
    assert used <= known


def test_option_only_in_choose_option() -> None:
    stray = [
        (intent, example)
        for intent, examples in EXAMPLES.items()
        if intent != "choose_option"
        for example in examples
        if _entities(example)
    ]
    assert stray == []
