"""The safeguarding component on its own: the list adds `disclosure`; harmless sayings that the
model took for one are overruled; the model's own disclosures are kept."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.rasa.components.safeguarding import SAFEGUARDING_KEY, SafeguardingClassifier
from ras_core.domain.safeguarding import harmless_saying, patterns
from tests.support.safeguarding_examples import DISCLOSURES, LOOK_ALIKES

REPO = Path(__file__).resolve().parents[2]
CLASSIFIER = SafeguardingClassifier(SafeguardingClassifier.get_default_config())


def message(text: str, *ranking: tuple[str, float], fallback: bool = False) -> Message:
    """A message as it leaves FallbackClassifier: the model's ranking, maybe with nlu_fallback."""
    intents = [{"name": name, "confidence": confidence} for name, confidence in ranking]
    if fallback:
        intents.insert(0, {"name": "nlu_fallback", "confidence": 0.4})
    data: dict[str, Any] = {TEXT: text, INTENT: intents[0], INTENT_RANKING_KEY: intents}
    return Message(data=data, output_properties={INTENT, INTENT_RANKING_KEY})


def classified(msg: Message) -> dict[str, Any]:
    """What reaches the tracker: the parse data with only the output properties."""
    CLASSIFIER.process([msg])
    return msg.as_dict(only_output_properties=True)


@pytest.mark.parametrize(("words", "kind"), DISCLOSURES)
def test_a_listed_disclosure_is_certain_whatever_the_model_said(words: str, kind: str) -> None:
    parsed = classified(message(words, ("describe_lot_of_help", 0.9), ("disclosure", 0.05)))
    assert parsed[INTENT] == {"name": "disclosure", "confidence": 1.0}
    assert [i["name"] for i in parsed[INTENT_RANKING_KEY]] == ["disclosure", "describe_lot_of_help"]
    assert parsed[SAFEGUARDING_KEY]["kind"] == kind
    assert parsed[SAFEGUARDING_KEY]["found_by"] == "list"
    assert parsed[SAFEGUARDING_KEY]["words"]


def test_a_listed_disclosure_beats_the_fallback() -> None:
    parsed = classified(message("i wish i was dead", ("greet", 0.3), fallback=True))
    assert parsed[INTENT]["name"] == "disclosure"
    assert "nlu_fallback" not in [i["name"] for i in parsed[INTENT_RANKING_KEY]]


HARMLESS_SAYINGS = [words for words in LOOK_ALIKES if harmless_saying(words)]


def test_many_look_alikes_hold_a_known_harmless_saying() -> None:
    assert len(HARMLESS_SAYINGS) >= 12


@pytest.mark.parametrize("words", HARMLESS_SAYINGS)
def test_a_harmless_saying_the_model_took_for_a_disclosure_is_overruled(words: str) -> None:
    parsed = classified(message(words, ("disclosure", 0.7), ("out_of_scope", 0.5)))
    assert parsed[INTENT] == {"name": "out_of_scope", "confidence": 0.5}
    assert [i["name"] for i in parsed[INTENT_RANKING_KEY]] == ["out_of_scope"]
    assert SAFEGUARDING_KEY not in parsed


@pytest.mark.parametrize("words", LOOK_ALIKES)
def test_a_look_alike_the_model_did_not_take_for_a_disclosure_is_left_alone(words: str) -> None:
    parsed = classified(message(words, ("out_of_scope", 0.8), ("disclosure", 0.1)))
    assert parsed[INTENT] == {"name": "out_of_scope", "confidence": 0.8}
    assert SAFEGUARDING_KEY not in parsed


def test_an_overruled_disclosure_with_a_weak_next_guess_falls_back() -> None:
    parsed = classified(message("my back is killing me", ("disclosure", 0.8), ("greet", 0.1)))
    assert parsed[INTENT] == {"name": "nlu_fallback", "confidence": 0.4}
    assert [i["name"] for i in parsed[INTENT_RANKING_KEY]] == ["nlu_fallback", "greet"]


def test_the_models_own_disclosure_is_possible_and_marked() -> None:
    """The model is as sure of its mistakes as of its hits: alone, it only ever asks gently."""
    parsed = classified(message("  nobody feeds mum  ", ("disclosure", 0.97), ("deny", 0.01)))
    assert parsed[INTENT] == {"name": "possible_disclosure", "confidence": 0.97}
    expected = {"kind": "", "words": "nobody feeds mum", "found_by": "model", "tier": "possible"}
    assert parsed[SAFEGUARDING_KEY] == expected
    assert parsed["model_intent"] == {"name": "disclosure", "confidence": 0.97}


def test_the_tiers_follow_the_thresholds_in_the_data_file() -> None:
    found = patterns()
    assert found.model_tier(found.model_possible_from) == "possible"
    assert found.model_tier(found.model_clear_from) == "clear"
    assert found.model_tier(found.model_possible_from - 0.01) is None


def test_a_model_disclosure_below_the_possible_tier_is_overruled() -> None:
    below = patterns().model_possible_from - 0.05
    msg = message("hes horrible to me", ("disclosure", below), ("out_of_scope", 0.02))
    parsed = classified(msg)
    assert parsed[INTENT]["name"] == "nlu_fallback"
    assert SAFEGUARDING_KEY not in parsed


def test_a_weak_model_disclosure_stays_a_fallback() -> None:
    parsed = classified(message("hmm blue", ("disclosure", 0.3), ("greet", 0.2), fallback=True))
    assert parsed[INTENT]["name"] == "nlu_fallback"
    assert SAFEGUARDING_KEY not in parsed


def test_button_payloads_are_left_to_rasa() -> None:
    parsed = classified(message("/resume", ("disclosure", 0.9)))
    assert parsed[INTENT]["name"] == "disclosure"  # unchanged: RegexMessageHandler sets /resume
    assert SAFEGUARDING_KEY not in parsed


def test_it_runs_last_in_the_pipeline() -> None:
    config = yaml.safe_load((REPO / "bot" / "rasa" / "config.yml").read_text())
    names = [component["name"] for component in config["pipeline"]]
    assert names[-2:] == [
        "FallbackClassifier",
        "bot.rasa.components.safeguarding.SafeguardingClassifier",
    ]


def test_hidden_characters_and_accents_do_not_hide_a_disclosure() -> None:
    for text in ("I want to k\u200bill myself", "i w\u00e1nt to d\u00ede", "\uff49 want to die"):
        parsed = classified(message(text, ("greet", 0.9)))
        assert parsed[INTENT]["name"] == "disclosure", text
        assert parsed[SAFEGUARDING_KEY]["tier"] == "clear"


def test_a_mash_of_one_letter_is_not_heard_from_the_model() -> None:
    parsed = classified(message("x" * 2000, ("disclosure", 0.999), ("out_of_scope", 0.0005)))
    assert parsed[INTENT]["name"] == "nlu_fallback"
    assert SAFEGUARDING_KEY not in parsed


class FixedOpinion:
    """A second opinion that always gives the same score."""

    def __init__(self, score: float) -> None:
        self.fixed = score

    def score(self, message: str) -> float:
        return self.fixed


def with_second_opinion(score: float) -> SafeguardingClassifier:
    config = SafeguardingClassifier.get_default_config()
    return SafeguardingClassifier(config, second_opinion=FixedOpinion(score))  # type: ignore[arg-type]


def test_the_models_disclosure_needs_the_second_opinion_to_agree() -> None:
    sure = patterns().model_possible_from
    doubt = with_second_opinion(patterns().second_opinion_from - 0.01)
    msg = message("i go to the mens shed and make bird boxes", ("disclosure", sure),
                  ("everyday_answer", 0.5))  # fmt: skip
    doubt.process([msg])
    parsed = msg.as_dict(only_output_properties=True)
    assert parsed[INTENT] == {"name": "everyday_answer", "confidence": 0.5}
    assert SAFEGUARDING_KEY not in parsed
    agree = with_second_opinion(patterns().second_opinion_from)
    msg = message("nobody feeds mum", ("disclosure", sure), ("everyday_answer", 0.01))
    agree.process([msg])
    assert msg.get(INTENT)["name"] == "possible_disclosure"


def test_the_second_opinion_alone_only_ever_asks_gently() -> None:
    alone = patterns().second_opinion_alone_from
    assert patterns().second_opinion_from < alone <= 1.0
    msg = message("my nephew has my savings now", ("everyday_answer", 0.9), ("disclosure", 0.05))
    with_second_opinion(alone).process([msg])
    parsed = msg.as_dict(only_output_properties=True)
    assert parsed[INTENT] == {"name": "possible_disclosure", "confidence": alone}
    assert parsed[SAFEGUARDING_KEY]["found_by"] == "second_opinion"
    assert parsed[SAFEGUARDING_KEY]["tier"] == "possible"
    assert [i["name"] for i in parsed[INTENT_RANKING_KEY]] == ["possible_disclosure",
                                                               "everyday_answer"]  # fmt: skip
    msg = message("my nephew has my savings now", ("everyday_answer", 0.9))
    with_second_opinion(alone - 0.01).process([msg])
    assert msg.get(INTENT) == {"name": "everyday_answer", "confidence": 0.9}


def test_the_second_opinion_is_trained_stored_and_loaded(tmp_path: Path) -> None:
    from rasa.engine.graph import ExecutionContext, GraphSchema
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource
    from rasa.shared.nlu.training_data.training_data import TrainingData

    storage, context = LocalModelStorage(tmp_path), ExecutionContext(GraphSchema({}), "test")
    config = SafeguardingClassifier.get_default_config()
    trained = SafeguardingClassifier.create(config, storage, Resource("safeguarding"), context)
    examples = [
        ("he hits me", "disclosure"),
        ("i want to die", "disclosure"),
        ("my carer takes my money", "disclosure"),
        ("hello", "greet"),
        ("my son does my shopping", "everyday_answer"),
        ("good morning", "greet"),
    ]
    data = TrainingData([Message(data={TEXT: t, INTENT: i}) for t, i in examples])
    resource = trained.train(data)
    loaded = SafeguardingClassifier.load(config, storage, resource, context)
    assert loaded.second_opinion is not None
    assert loaded.second_opinion.score("my dad hits me") > loaded.second_opinion.score("hello")
