"""The meaning featurizer gives DIET each message's MiniLM meaning as a sentence feature."""

from __future__ import annotations

import numpy as np
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.rasa.components.meaning import MeaningFeaturizer
from ras_core.domain.safeguarding import normalise
from ras_core.domain.sentence_encoder import sentence_encoder


def featurizer() -> MeaningFeaturizer:
    return MeaningFeaturizer("meaning", MeaningFeaturizer.get_default_config())


def test_a_message_gets_its_meaning_as_one_sentence_feature() -> None:
    text = "The lad who comes to help me keeps my pension card"
    (message,) = featurizer().process([Message.build(text)])
    sequence, sentence = message.get_dense_features(TEXT)
    assert sequence is None  # the word counts give DIET its sequence; this gives the whole
    assert sentence is not None and sentence.features.shape == (1, 384)
    expected = sentence_encoder().embed([normalise(text)])[0]
    assert np.allclose(sentence.features[0], expected, atol=1e-6)


def test_like_meanings_in_other_words_are_nearer_than_unlike_ones() -> None:
    texts = ["nobody has fed me since friday", "I have not eaten for days", "I like my garden"]
    messages = featurizer().process([Message.build(t) for t in texts])
    starved, hungry, garden = (m.get_dense_features(TEXT)[1].features[0] for m in messages)
    assert float(starved @ hungry) > float(starved @ garden) + 0.2


def test_training_data_is_featurized_and_a_message_without_text_is_left_alone() -> None:
    examples = [Message.build("my carer shouts at me", intent="disclosure"), Message(data={})]
    featurizer().process_training_data(TrainingData(examples))
    assert examples[0].get_dense_features(TEXT)[1] is not None
    assert examples[1].features == []
