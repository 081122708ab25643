"""Safeguarding in the NLU pipeline: words that may mean someone is in danger become the
intent `disclosure` (clear) or `possible_disclosure` (ask gently), whatever the model thought.

Placed after FallbackClassifier in bot/rasa/config.yml. For each message:
1. The list in ras_core/data/safeguarding.yml matches: a clear pattern gives `disclosure`,
   a possible one `possible_disclosure`, with confidence 1.0. The list only ever adds.
2. Otherwise the model's own first choice (before any fallback) is `disclosure`:
   - kept as `disclosure` or `possible_disclosure` by its confidence, from the thresholds in
     ras_core/data/safeguarding.yml (`model`), even if the fallback classifier found it too
     close to another intent: a missed disclosure costs more than a false alarm;
   - overruled when the message holds a known harmless saying ("my back is killing me"), or
     the model is not sure enough for even the possible tier, and the list found nothing:
     the next intent in the ranking is used instead.
Button payloads ("/resume") are left to Rasa's RegexMessageHandler.

What was found goes into the parse data under "safeguarding", which reaches the tracker's
latest_message: {"kind": "suicide" (or "" when only the model heard it), "words": "...",
"found_by": "list" or "model", "tier": "clear" or "possible"}. The model's own first choice
is given too, under "model_intent", so the model alone can be measured on the running server.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from ras_core.domain.safeguarding import (
    CLEAR,
    find_disclosure,
    harmless_saying,
    has_words,
    patterns,
)

SAFEGUARDING_KEY = "safeguarding"
MODEL_INTENT_KEY = "model_intent"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class SafeguardingClassifier(GraphComponent, IntentClassifier):
    """Sets `disclosure` or `possible_disclosure` from the list, and checks the model's."""

    @classmethod
    def required_components(cls) -> list[type]:
        return [IntentClassifier]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            # The intent the rules answer with action_safeguarding (clear).
            "intent": "disclosure",
            # The intent the rules answer by asking whether the person is safe (possible).
            "possible_intent": "possible_disclosure",
            # An overruled disclosure falls back to nlu_fallback when the model's next choice
            # is under this (as FallbackClassifier's). The tiers' own thresholds are data.
            "threshold": 0.4,
        }

    def __init__(self, config: dict[str, Any]) -> None:
        self.intent = str(config.get("intent", "disclosure"))
        self.possible_intent = str(config.get("possible_intent", "possible_disclosure"))
        self.threshold = float(config.get("threshold", 0.4))

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SafeguardingClassifier:
        return cls(config)

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            self.classify(message)
        return messages

    def classify(self, message: Message) -> None:
        text = str(message.get(TEXT) or "")
        if not text.strip() or text.startswith("/"):
            return
        # The model's own ranking, without the fallback classifier's entry.
        ranking = [
            dict(entry)
            for entry in message.get(INTENT_RANKING_KEY) or []
            if entry.get(INTENT_NAME_KEY) != DEFAULT_NLU_FALLBACK_INTENT_NAME
        ]
        if ranking:
            message.set(MODEL_INTENT_KEY, dict(ranking[0]), add_to_output=True)
        found = find_disclosure(text)
        if found is not None:
            intent = self.intent if found.tier == CLEAR else self.possible_intent
            others = [e for e in ranking if e.get(INTENT_NAME_KEY) != self.intent]
            certain = {INTENT_NAME_KEY: intent, PREDICTED_CONFIDENCE_KEY: 1.0}
            self._set(message, certain, others)
            self._found(message, found.kind, found.words, "list", found.tier)
            return
        if not ranking or ranking[0].get(INTENT_NAME_KEY) != self.intent:
            return
        rest = ranking[1:]
        if harmless_saying(text) is not None:
            self._overrule(message, rest)
            return
        confidence = float(ranking[0].get(PREDICTED_CONFIDENCE_KEY) or 0.0)
        tier = patterns().model_tier(confidence) if has_words(text) else None
        if tier is None:  # not sure enough to ask even gently: the model's next choice
            self._overrule(message, rest)
            return
        intent = self.intent if tier == CLEAR else self.possible_intent
        self._set(message, {**ranking[0], INTENT_NAME_KEY: intent}, rest)
        self._found(message, "", text.strip(), "model", tier)

    def _overrule(self, message: Message, rest: list[dict[str, Any]]) -> None:
        """The model took a harmless saying for a disclosure: use its next choice."""
        if rest and float(rest[0].get(PREDICTED_CONFIDENCE_KEY) or 0.0) >= self.threshold:
            self._set(message, rest[0], rest[1:])
            return
        fallback = {
            INTENT_NAME_KEY: DEFAULT_NLU_FALLBACK_INTENT_NAME,
            PREDICTED_CONFIDENCE_KEY: self.threshold,
        }
        self._set(message, fallback, rest)

    @staticmethod
    def _set(message: Message, intent: dict[str, Any], rest: list[dict[str, Any]]) -> None:
        message.set(INTENT, dict(intent), add_to_output=True)
        message.set(INTENT_RANKING_KEY, [dict(intent), *rest], add_to_output=True)

    @staticmethod
    def _found(message: Message, kind: str, words: str, found_by: str, tier: str) -> None:
        message.set(
            SAFEGUARDING_KEY,
            {"kind": kind, "words": words, "found_by": found_by, "tier": tier},
            add_to_output=True,
        )
