"""A dense featurizer that gives DIET each message's meaning: MiniLM's sentence embedding.

DIET otherwise reads only counts of the words and letters the project's writers used, so it
knows a disclosure only by words it has seen. MiniLM (ras_core/domain/sentence_encoder.py) learnt
from about a billion sentence pairs elsewhere, so two messages that mean the same thing in
different words lie close. Only sentence-level features are given: DIET unifies their size
with the sequence features itself.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from ras_core.domain.safeguarding import normalise
from ras_core.domain.sentence_encoder import sentence_encoder


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class MeaningFeaturizer(DenseFeaturizer, GraphComponent):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {**DenseFeaturizer.get_default_config(), "encoder": "all-MiniLM-L6-v2, mean"}

    @classmethod
    def required_components(cls) -> list[type]:
        return []

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        pass

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> MeaningFeaturizer:
        return cls(execution_context.node_name, config)

    def process(self, messages: list[Message]) -> list[Message]:
        with_text = [m for m in messages if isinstance(m.get(TEXT), str) and m.get(TEXT)]
        if with_text:
            # Folded as the second opinion folds it, so the encoder's memory serves both.
            texts = [normalise(str(m.get(TEXT))) for m in with_text]
            meanings = sentence_encoder().embed(texts)
            for message, meaning in zip(with_text, meanings, strict=True):
                sentence = np.asarray(meaning, dtype=np.float32).reshape(1, -1)
                self.add_features_to_message(None, sentence, TEXT, message)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)
        return training_data
