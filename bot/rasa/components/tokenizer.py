"""Rasa's WhitespaceTokenizer, except that a word is not split at an apostrophe inside it.

WhitespaceTokenizer turns "I can't go out on my own" into "I", "can", "t", ...: the model then
reads "can" where the person wrote the opposite, and "I can't manage on my own" came out as
the statement "I can go out on my own". Here "can't" is one token, "cant", the same as people
type it without the apostrophe (most of the training data does). The message's text is left
as it was written: only the tokens change, and they keep their places in the original text.
"""

from __future__ import annotations

import re

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.training_data.message import Message

# An apostrophe (straight or curly) with a letter on each side: "can't", "I’m", "o'clock".
_INNER_APOSTROPHE = re.compile(r"(?<=[^\W\d_])['’](?=[^\W\d_])")


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class ApostropheTokenizer(WhitespaceTokenizer):
    def tokenize(self, message: Message, attribute: str) -> list[Token]:
        text = message.get(attribute)
        if not isinstance(text, str) or not _INNER_APOSTROPHE.search(text):
            return super().tokenize(message, attribute)
        dropped = {match.start() for match in _INNER_APOSTROPHE.finditer(text)}
        kept = [i for i in range(len(text)) if i not in dropped]  # folded place -> original
        folded = "".join(text[i] for i in kept)
        tokens = super().tokenize(Message(data={attribute: folded}), attribute)
        for token in tokens:
            token.start, token.end = kept[token.start], kept[token.end - 1] + 1
        return tokens
