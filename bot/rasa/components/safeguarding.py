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
     the model is not sure enough for even the possible tier, or the second opinion (a small
     linear model trained with this component, ras_core/domain/safeguarding_second.py) does
     not agree, and the list found nothing: the next intent in the ranking is used instead.
Button payloads ("/resume") are left to Rasa's RegexMessageHandler.

What was found goes into the parse data under "safeguarding", which reaches the tracker's
latest_message: {"kind": "suicide" (or "" when only a model heard it), "words": "...",
"found_by": "list", "model" or "second_opinion", "tier": "clear" or "possible"}. When the list
found nothing, the second opinion alone, if sure enough, asks gently too (never flags). The
model's own first choice is given too, under "model_intent", and the second opinion's score
under "second_opinion", so the model alone can be measured on the running server.
"""

from __future__ import annotations

from typing import Any

import joblib
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
from rasa.shared.nlu.training_data.training_data import TrainingData

from ras_core.domain.safeguarding import (
    CLEAR,
    POSSIBLE,
    find_disclosure,
    harmless_saying,
    has_words,
    patterns,
)
from ras_core.domain.safeguarding_second import SecondOpinion

SAFEGUARDING_KEY = "safeguarding"
MODEL_INTENT_KEY = "model_intent"
SECOND_OPINION_KEY = "second_opinion"
SECOND_OPINION_FILE = "second_opinion.joblib"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class SafeguardingClassifier(GraphComponent, IntentClassifier):
    """Sets `disclosure` or `possible_disclosure` from the list, and checks the model's."""

    @classmethod
    def required_components(cls) -> list[type]:
        # It must come after the model's classifier (bot/rasa/config.yml places it last), but
        # it trains on the training data alone, so Rasa's graph check must not ask for one.
        return []

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
            # What the second opinion reads. Rasa reuses a trained component while its config
            # is unchanged, so a change to SecondOpinion changes this, and it is trained again.
            "second_opinion": "n-grams beside MiniLM meaning, one logistic regression",
        }

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage | None = None,
        resource: Resource | None = None,
        second_opinion: SecondOpinion | None = None,
    ) -> None:
        self.intent = str(config.get("intent", "disclosure"))
        self.possible_intent = str(config.get("possible_intent", "possible_disclosure"))
        self.threshold = float(config.get("threshold", 0.4))
        self._storage, self._resource = model_storage, resource
        self.second_opinion = second_opinion

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SafeguardingClassifier:
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        """The second opinion, from every training sentence: `disclosure` or not."""
        self.second_opinion = SecondOpinion.fit(
            (str(example.get(TEXT) or ""), example.get(INTENT) == self.intent)
            for example in training_data.intent_examples
        )
        if self._storage is None or self._resource is None:
            raise ValueError("SafeguardingClassifier was made without a model storage")
        if self.second_opinion is not None:
            with self._storage.write_to(self._resource) as directory:
                joblib.dump(self.second_opinion, directory / SECOND_OPINION_FILE)
        return self._resource

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> SafeguardingClassifier:
        second_opinion = None
        try:
            with model_storage.read_from(resource) as directory:
                if (directory / SECOND_OPINION_FILE).exists():
                    second_opinion = joblib.load(directory / SECOND_OPINION_FILE)
        except ValueError:  # nothing was stored (no training data on one side)
            pass
        return cls(config, model_storage, resource, second_opinion)

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
        model_said = bool(ranking) and ranking[0].get(INTENT_NAME_KEY) == self.intent
        if harmless_saying(text) is not None or not has_words(text):
            if model_said:  # a harmless saying, or nothing a model could read: next choice
                self._overrule(message, ranking[1:])
            return
        score = self._second_opinion(message, text)
        tier = self._model_tier(ranking[0], score) if model_said else None
        if tier is not None:
            intent = self.intent if tier == CLEAR else self.possible_intent
            self._set(message, {**ranking[0], INTENT_NAME_KEY: intent}, ranking[1:])
            self._found(message, "", text.strip(), "model", tier)
        elif score is not None and score >= patterns().second_opinion_alone_from:
            # The second opinion alone is sure enough to ask gently (never to flag).
            possible = {INTENT_NAME_KEY: self.possible_intent, PREDICTED_CONFIDENCE_KEY: score}
            others = [e for e in ranking if e.get(INTENT_NAME_KEY) != self.intent]
            self._set(message, possible, others)
            self._found(message, "", text.strip(), "second_opinion", POSSIBLE)
        elif model_said:  # not sure enough to ask even gently: the model's next choice
            self._overrule(message, ranking[1:])

    def _second_opinion(self, message: Message, text: str) -> float | None:
        if self.second_opinion is None:
            return None
        score = round(self.second_opinion.score(text), 4)
        message.set(SECOND_OPINION_KEY, score, add_to_output=True)
        return score

    @staticmethod
    def _model_tier(first: dict[str, Any], second_opinion: float | None) -> str | None:
        """The tier of the model's own `disclosure`: by its confidence, if the second opinion
        (when there is one) agrees enough."""
        tier = patterns().model_tier(float(first.get(PREDICTED_CONFIDENCE_KEY) or 0.0))
        if second_opinion is not None and second_opinion < patterns().second_opinion_from:
            return None
        return tier

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
