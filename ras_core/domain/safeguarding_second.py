"""A second opinion on the model's `disclosure`: a small linear model of its own.

The language model (DIET) is as sure of its false alarms as of its hits: it gives ordinary
answers such as "I go to the men's shed and make bird boxes" a `disclosure` at 1.0. A linear
model over character and word n-grams of the same training sentences (disclosure or not) is
wrong in other places, so the model's possible tier only counts when this one agrees
(`second_opinion_from` in data/safeguarding.yml, chosen on a fold of the development part).

It is trained with the Rasa model (bot/rasa/components/safeguarding.py) from the NLU training
data, and sees the text folded the same way the list does (`normalise`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion

from ras_core.domain.safeguarding import normalise

# Weaker regularisation (larger C) fits closer; of 1, 4 and 16, 16 did best on the dev fold.
REGULARISATION_C = 16.0


@dataclass
class SecondOpinion:
    features: FeatureUnion
    classifier: LogisticRegression

    @classmethod
    def fit(cls, examples: Iterable[tuple[str, bool]]) -> SecondOpinion | None:
        """Trained on (sentence, is a disclosure); None if either side has no example."""
        texts, labels = [], []
        for text, disclosure in examples:
            folded = normalise(text)
            if folded:
                texts.append(folded)
                labels.append(bool(disclosure))
        if len(set(labels)) < 2:
            return None
        features = FeatureUnion(
            [
                ("chars", _tfidf(analyzer="char_wb", ngram_range=(2, 5), min_df=2)),
                ("words", _tfidf(analyzer="word", ngram_range=(1, 2), min_df=1)),
            ]
        )
        matrix = features.fit_transform(texts)
        classifier = LogisticRegression(C=REGULARISATION_C, max_iter=2000, class_weight="balanced")
        classifier.fit(matrix, labels)
        return cls(features, classifier)

    def score(self, message: str) -> float:
        """How sure it is, from 0 to 1, that the message is a disclosure."""
        matrix = self.features.transform([normalise(message)])
        return float(self.classifier.predict_proba(matrix)[0][1])


def _tfidf(**settings: Any) -> TfidfVectorizer:
    return TfidfVectorizer(sublinear_tf=True, **settings)
