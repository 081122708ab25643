"""Moonshine, offline, and how its words are matched to the short list and combined with
pocketsphinx's (accessibility/voice/moonshine.py, matching.py, listening.py)."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest

from accessibility.voice import Agreement, expected_phrases, moonshine, phrase_scores
from accessibility.voice.hearing import Transcript
from accessibility.voice.listening import Heard, decide
from accessibility.voice.matching import nearest, tidy
from accessibility.voice.sphinx import ShortList
from bot.telegram.handlers import takes_as_yes
from tests.support.voice_testset import VOICES, available, speak

BUTTONS = ["A: A lot of help", "B: Some help", "C: Help now and then", "D: Hardly any help"]
PHRASES = expected_phrases(BUTTONS)

NO_NETWORK = """
import socket, urllib.request
def refuse(*args, **kwargs):
    raise AssertionError("Moonshine tried to reach the network")
socket.socket.connect = refuse
socket.create_connection = refuse
socket.getaddrinfo = refuse
urllib.request.urlretrieve = refuse
import numpy as np
from accessibility.voice import moonshine
samples = (0.1 * np.sin(np.arange(16000) / 16000 * 2 * np.pi * 220)).astype(np.float32)
moonshine.write_down(samples)
print("pieces", len(moonshine.model().pieces))
"""


def test_the_model_comes_from_the_wheel_and_nothing_is_downloaded(tmp_path: Path) -> None:
    folder = moonshine.model_folder()
    assert folder.parts[-3:] == ("moonshine_cpp", "models", "base-en")
    # With the unpacked weights made afresh, in a folder of the test's own.
    code = NO_NETWORK.replace(
        "from accessibility.voice import moonshine",
        "from accessibility.voice import moonshine, moonshine_files\n"
        f"moonshine_files.READY = __import__('pathlib').Path({str(tmp_path)!r})",
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "pieces 32000" in done.stdout
    assert {"encoder.onnx", "decoder.onnx", "stamp"} <= {p.name for p in tmp_path.iterdir()}


def test_the_unpacked_weights_give_what_the_shipped_model_gives() -> None:
    """One decoder step, on the wheel's file as shipped and on the unpacked one."""
    import numpy as np
    import onnxruntime

    loaded = moonshine.model()
    tone = (0.2 * np.sin(np.arange(16000) / 16000 * 2 * np.pi * 220)).astype(np.float32)
    hidden = loaded.encoder.run(None, {"input_values": tone[None, :]})[0]
    shipped = onnxruntime.InferenceSession(
        str(moonshine.model_folder() / "decoder_model_merged.ort"),
        providers=["CPUExecutionProvider"],
    )
    cache = phrase_scores.empty_cache(1)
    assert set(cache) == {i.name for i in shipped.get_inputs() if i.name.startswith("past_")}
    feeds: dict[str, object] = dict(cache)
    feeds |= {
        "input_ids": np.array([[1]], np.int64),
        "encoder_hidden_states": hidden,
        "use_cache_branch": np.array([False]),
    }
    (expected,) = shipped.run(["logits"], feeds)
    (unpacked,) = loaded.decoder.run(["logits"], feeds)
    assert np.allclose(expected, unpacked, atol=1e-3)


def test_word_pieces_are_read_from_the_tokenizer() -> None:
    loaded = moonshine.model()
    assert loaded.pieces[:3] == (b"<unk>", b"<s>", b"</s>")
    the, second, one, full_stop = 278, 1473, 697, 29889
    assert loaded.text([the, second, one, full_stop]) == "the second one."


def test_the_model_is_loaded_once_whoever_asks_first() -> None:
    found: list[object] = []
    threads = [threading.Thread(target=lambda: found.append(moonshine.model())) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(found) == 4 and all(model is found[0] for model in found)


def test_silence_is_trimmed_before_moonshine_hears_it() -> None:
    import numpy as np

    quiet = np.zeros(16000, np.float32)
    loud = (0.3 * np.sin(np.arange(8000) / 16000 * 2 * np.pi * 220)).astype(np.float32)
    kept = moonshine.trimmed(np.concatenate([quiet, loud, quiet]))
    assert 8000 <= len(kept) <= 8000 + 0.3 * 16000


@pytest.mark.parametrize(
    ("written", "phrase"),
    [
        ("Let her be.", "letter b"),
        ("B.", "b"),
        ("Yes, please.", "yes please"),
        ("Somewhere I look after.", "someone i look after"),
        ("The second one.", "the second one"),
        ("No no no no no no", "no"),
    ],
)
def test_words_are_matched_to_the_short_list_by_sound(written: str, phrase: str) -> None:
    assert nearest(written, PHRASES + ["someone i look after"]).phrase == phrase


def test_what_a_recogniser_writes_is_tidied() -> None:
    assert tidy("Uh, yes please.") == "yes please"
    assert tidy("Go back go back go back") == "go back"
    assert tidy("") == ""


def short(best: str, *, sure: bool = False, certain: bool = False) -> ShortList:
    """pocketsphinx's short list search, as sure as a test wants (see `Confidence`)."""
    sure = sure or certain
    margin = 3.0 if certain else 1.5 if sure else 0.2
    return ShortList(best, margin, -1.0 if sure else -20.0, sure)


def heard(written: str, best: str = "", seconds: float = 1.0, **how: bool) -> Transcript:
    return decide(Heard(written, short(best, **how), seconds), PHRASES, Agreement())


def test_a_clear_match_or_two_recognisers_agreeing_is_offered() -> None:
    assert heard("The second one.").text == "the second one"
    assert heard("Let her be.", "letter b").text == "letter b"
    assert heard("", "go back", sure=True).text == "go back"  # pocketsphinx on its own


def test_nothing_near_the_list_and_no_real_words_is_not_caught() -> None:
    assert heard("").text == ""
    assert heard("Hmm.").text == ""


def test_words_that_are_no_phrase_are_offered_freely_never_as_certain() -> None:
    said = heard("I need help to wash every morning.", seconds=2.5)
    assert (said.text, said.from_grammar, said.certain) == (
        "i need help to wash every morning",
        False,
        False,
    )
    flood = Heard("one two three four five six seven eight", short(""), 0.6)
    assert decide(flood, PHRASES, Agreement()).text == ""  # too many words for 0.6 s of sound


def test_pocketsphinx_alone_makes_no_sentence_of_the_persons_own_into_a_button() -> None:
    said = heard("My son sorts out my bills and the post.", "some help", seconds=3.0, sure=True)
    assert said.text == "my son sorts out my bills and the post"
    assert heard("Hmm.", "some help", sure=True).text == "some help"  # a word or two: it counts


def test_a_spoken_yes_acts_only_when_both_recognisers_are_sure_of_it() -> None:
    assert takes_as_yes(heard("Yes.", "yes", sure=True, certain=True))
    assert not takes_as_yes(heard("Yes.", "yes", sure=True))  # pocketsphinx not certain
    assert not takes_as_yes(heard("Okay.", ""))  # Moonshine alone: "okay" reads as yes
    assert not takes_as_yes(heard("Yes.", "no", sure=True, certain=True))  # they disagree
    assert not takes_as_yes(heard("", "yes", sure=True, certain=True))  # Moonshine heard nothing
    assert not takes_as_yes(heard("Go back.", "go back", sure=True, certain=True))


@pytest.mark.skipif(not available(), reason="needs the Debian package espeak-ng")
@pytest.mark.parametrize("said", ["the second one", "go back", "not sure", "some help", "yes"])
def test_a_voice_the_project_was_not_built_on_is_heard(said: str) -> None:
    from accessibility.voice import MoonshineTranscriber

    voice = next(v for v in VOICES if v.name == "rp-female")  # held out
    found = MoonshineTranscriber(workers=1).transcribe(speak(voice, said), PHRASES)
    assert (found.text, found.from_grammar) == (said, True)
