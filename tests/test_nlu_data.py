"""Checks on the NLU training data in nlu_data/nlu (PyYAML only, no Rasa import)."""

from __future__ import annotations

import json
import re
import string
from collections import defaultdict
from pathlib import Path

import pytest
import yaml

from ras_core.domain.safeguarding import find_disclosure
from tests.support.safeguarding_examples import DISCLOSURES, LOOK_ALIKES

ROOT = Path(__file__).resolve().parents[1]
NLU_DIR = ROOT / "nlu_data" / "nlu"
DOMAIN_DIR = ROOT / "bot" / "rasa" / "domain"
MIN_EXAMPLES = 15
LETTERS = {"A", "B", "C", "D"}

# [text](entity) or [text]{"entity": ..., "value": ...}
_ANNOTATION = re.compile(r"\[(?P<text>[^\]]+)\](?:\((?P<name>[^)]+)\)|(?P<json>\{[^}]*\}))")


def _domain_lists(key: str) -> list[str]:
    """Every name under `key` (intents, entities) over all the files in bot/rasa/domain."""
    names = []
    files = sorted(DOMAIN_DIR.glob("*.yml"))
    assert files, f"no domain files in {DOMAIN_DIR}"
    for path in files:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        names += [i if isinstance(i, str) else next(iter(i)) for i in data.get(key) or []]
    return names


# Set by the safeguarding component itself (bot/rasa/components/safeguarding.py), never learnt.
COMPONENT_INTENTS = {"possible_disclosure"}


def _domain_intents() -> list[str]:
    """Intents people say: EXTERNAL_ ones are sent by the front ends, never typed, and the
    safeguarding component sets its own."""
    return [
        name
        for name in _domain_lists("intents")
        if not name.startswith("EXTERNAL_") and name not in COMPONENT_INTENTS
    ]


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
    known = set(_domain_lists("entities"))
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


def _examples_in(path: Path) -> dict[str, list[str]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {
        block["intent"]: [
            line.strip()[2:] for line in block["examples"].splitlines() if line.strip()
        ]
        for block in data.get("nlu", [])
        if "intent" in block
    }


def test_safeguarding_test_sentences_are_not_training_data() -> None:
    """The tests measure what the model learnt, so their sentences are never trained on."""
    examples = {_plain(e) for e in _safeguarding_training_examples()}
    everywhere = {_plain(e) for found in EXAMPLES.values() for e in found}
    disclosures = {_plain(text) for text, _kind in DISCLOSURES}
    look_alikes = {_plain(text) for text in LOOK_ALIKES}
    assert disclosures & everywhere == set()
    assert (disclosures | look_alikes) & examples == set()


def test_look_alikes_are_not_matched_by_the_safeguarding_list() -> None:
    """Look-alikes teach the model what is harmless; the list must agree they are."""
    look_alikes = _examples_in(NLU_DIR / "look_alikes.yml")
    assert "disclosure" not in look_alikes
    matched = [e for found in look_alikes.values() for e in found if find_disclosure(e)]
    assert matched == []


def test_there_are_enough_disclosure_examples() -> None:
    assert len(EXAMPLES["disclosure"]) >= 60


def _safeguarding_training_examples() -> list[str]:
    return [
        example
        for name in ("safeguarding.yml", "look_alikes.yml")
        for found in _examples_in(NLU_DIR / name).values()
        for example in found
    ]
