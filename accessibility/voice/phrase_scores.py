"""How likely Moonshine finds each phrase that can be said now: its decoder, made to write each
phrase in turn, gives the phrase's log-likelihood given the note (forced decoding).

Free writing-down is fragile in noise: one misheard piece early on and the words go somewhere
else ("Soon one day it was chocolate." for "someone else"). Asking the same model how likely
each short-list phrase is keeps what it did hear; over the "tune" voices' noisy notes the right
phrase came first for 86% of them, against 70% for the free words matched by sound.

A raw likelihood favours short, common phrases ("yeah", "no") whatever was said, so each is
weighed against its likelihood for a silent note (`prior`): what the sound adds, not what the
decoder would write anyway. listening.py decides with these scores.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache, lru_cache
from typing import Any, Protocol

import numpy as np

MARK = "\u2581"  # the tokenizer's word start
FIRST_MERGE = 259  # below: <unk>, <s>, </s> and the 256 byte pieces
ENDINGS = (".", "?", "!")  # a phrase ends with the decoder's end, or one of these before it
LAYERS, HEADS, HEAD_SIZE = 8, 8, 52  # Moonshine base's decoder
# Cost grows with every piece of every phrase (the decoder's last layer is 32,768 wide), so
# only phrases of up to this many pieces are scored: buttons, letters, positions, commands. A
# statement read out in full is long and distinct, and matched well by sound (listening.py).
MOST_PIECES = 10
ROWS = 16  # phrases of like length are scored together, this many at a time (less padding)
START, END = 1, 2
# The decoder's cache inputs: each layer's keys and values, for what it wrote and for the note.
CACHE_INPUTS = tuple(
    f"past_key_values.{layer}.{part}.{kind}"
    for layer in range(LAYERS)
    for part in ("decoder", "encoder")
    for kind in ("key", "value")
)


class Decoder(Protocol):
    """What scoring needs of the loaded model (moonshine.Model, hashed by identity)."""

    @property
    def encoder(self) -> Any: ...
    @property
    def decoder(self) -> Any: ...
    @property
    def pieces(self) -> tuple[bytes, ...]: ...
    def __hash__(self) -> int: ...


@cache  # the model is hashed by identity: one per process
def vocabulary(model: Decoder) -> dict[str, int]:
    """Each word piece's number, by its text (the byte pieces left out)."""
    pieces = enumerate(model.pieces)
    return {p.decode("utf-8", "replace"): n for n, p in pieces if n >= FIRST_MERGE}


def encode(vocabulary: dict[str, int], text: str) -> list[int]:
    """The text as the tokenizer's pieces (byte-pair merges, earliest-made merge first, as
    SentencePiece does); a character it has no piece for is left out."""
    parts = [c for c in MARK + text.replace(" ", MARK) if c in vocabulary]
    while len(parts) > 1:
        merges = [vocabulary.get(a + b) for a, b in zip(parts, parts[1:], strict=False)]
        found = [(n, at) for at, n in enumerate(merges) if n is not None]
        if not found:
            break
        _, at = min(found)
        parts[at : at + 2] = [parts[at] + parts[at + 1]]
    return [vocabulary[p] for p in parts]


def as_written(phrase: str) -> str:
    """A phrase as Moonshine writes a sentence: a capital first ("The second one")."""
    return phrase[:1].upper() + phrase[1:]


@lru_cache(maxsize=4096)  # the same short lists come again and again: encode each phrase once
def written_pieces(model: Decoder, phrase: str) -> tuple[int, ...]:
    """The pieces Moonshine would write the phrase as."""
    return tuple(encode(vocabulary(model), as_written(phrase)))


def empty_cache(rows: int) -> dict[str, np.ndarray]:
    """The decoder's cache inputs before it has written anything (ignored on the first step)."""
    empty = np.zeros((rows, HEADS, 1, HEAD_SIZE), np.float32)
    return dict.fromkeys(CACHE_INPUTS, empty)


def likelihoods(
    model: Decoder, hidden: np.ndarray, sequences: Sequence[Sequence[int]]
) -> list[float]:
    """Each sequence's log-likelihood given the encoded note; like lengths run together."""
    order = sorted(range(len(sequences)), key=lambda n: len(sequences[n]))
    scores = [0.0] * len(sequences)
    for start in range(0, len(order), ROWS):
        chosen = order[start : start + ROWS]
        batch = _batch(model, hidden, [sequences[n] for n in chosen])
        for n, score in zip(chosen, batch, strict=True):
            scores[n] = score
    return scores


def _batch(model: Decoder, hidden: np.ndarray, sequences: Sequence[Sequence[int]]) -> list[float]:
    """One run of the decoder, each row padded with the end piece after its own."""
    rows, length = len(sequences), max(len(s) for s in sequences) + 1
    ids = np.full((rows, length), END, np.int64)
    ids[:, 0] = START
    for row, sequence in enumerate(sequences):
        ids[row, 1 : 1 + len(sequence)] = sequence
    feeds: dict[str, Any] = empty_cache(rows)
    feeds |= {
        "input_ids": ids,
        "encoder_hidden_states": np.repeat(hidden, rows, axis=0),
        "use_cache_branch": np.array([False]),
    }
    logits = model.decoder.run(["logits"], feeds)[0]
    top = logits.max(axis=-1, keepdims=True)
    total = (top + np.log(np.exp(logits - top).sum(axis=-1, keepdims=True)))[..., 0]
    endings = [END, *(vocabulary(model)[e] for e in ENDINGS)]
    scores = []
    for row, sequence in enumerate(sequences):
        said = sum(
            float(logits[row, at, piece] - total[row, at]) for at, piece in enumerate(sequence)
        )
        last = logits[row, len(sequence), endings].astype(np.float64) - float(
            total[row, len(sequence)]
        )
        scores.append(said + float(np.logaddexp.reduce(last)))
    return scores


def scorable(model: Decoder, phrases: Sequence[str]) -> tuple[str, ...]:
    """The phrases short enough to score (`MOST_PIECES`)."""
    return tuple(p for p in phrases if len(written_pieces(model, p)) <= MOST_PIECES)


def phrase_likelihoods(model: Decoder, hidden: np.ndarray, phrases: Sequence[str]) -> list[float]:
    return likelihoods(model, hidden, [written_pieces(model, p) for p in phrases])


@lru_cache(maxsize=256)  # a few short lists are asked again and again
def prior(model: Decoder, phrases: tuple[str, ...]) -> tuple[float, ...]:
    """Each phrase's log-likelihood for a silent note: what the decoder favours anyway."""
    return tuple(phrase_likelihoods(model, _silent_hidden(model), phrases))


@cache
def _silent_hidden(model: Decoder) -> np.ndarray:
    """A second of near-silence, encoded."""
    hush = 1e-4 * np.random.default_rng(0).standard_normal(16000).astype(np.float32)
    return np.asarray(model.encoder.run(None, {"input_values": hush[None, :]})[0])
