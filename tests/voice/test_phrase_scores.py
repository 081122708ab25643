"""Moonshine asked how likely it finds each phrase (accessibility/voice/phrase_scores.py), and
how listening.py decides with that (step 0). Notes are spoken by espeak-ng's voices, not the
bot's own, some with the test set's noise."""

from __future__ import annotations

import numpy as np
import pytest

from accessibility.voice import Agreement, expected_phrases, moonshine, phrase_scores
from accessibility.voice.listening import Heard, decide, most_likely
from accessibility.voice.moonshine import Listening
from accessibility.voice.sphinx import ShortList
from bot.telegram.handlers import takes_as_yes
from tests.support.voice_testset import VOICES, available, speak, with_noise

BUTTONS = ["A: A lot of help", "B: Some help", "C: Help now and then", "D: Hardly any help"]
PHRASES = expected_phrases(BUTTONS)
needs_espeak = pytest.mark.skipif(not available(), reason="needs the Debian package espeak-ng")


def test_phrases_become_the_pieces_moonshine_writes_itself() -> None:
    loaded = moonshine.model()
    words = phrase_scores.vocabulary(loaded)
    for phrase in ("The second one", "Talk to a person", "Go back", "Hardly any help"):
        pieces = phrase_scores.encode(words, phrase)
        assert loaded.text(pieces) == phrase
        assert len(pieces) <= len(phrase.split()) + 2  # whole words, not letter by letter


@needs_espeak
def test_a_clean_note_is_most_likely_what_was_said_once_silence_is_weighed() -> None:
    loaded = moonshine.model()
    phrases = tuple(dict.fromkeys(PHRASES))
    voice = next(v for v in VOICES if v.name == "scotland")
    for said in ("some help", "go back", "hardly any help", "b"):
        speech = moonshine.trimmed(speak(voice, said).samples)
        hidden = loaded.encoder.run(None, {"input_values": speech[None, :]})[0]
        likelihood = np.array(phrase_scores.phrase_likelihoods(loaded, hidden, phrases))
        weighed = likelihood - Agreement().prior_weight * np.array(
            phrase_scores.prior(loaded, phrases)
        )
        assert phrases[int(np.argmax(weighed))] == said


@needs_espeak
def test_in_noise_the_phrase_is_found_where_the_free_words_go_astray() -> None:
    voice = next(v for v in VOICES if v.name == "gb")
    found = 0
    for said in ("some help", "go back", "not sure", "hardly any help", "talk to a person"):
        noisy = with_noise(speak(voice, said), 10.0, seed="0123abcd")
        listening = moonshine.listen(noisy.samples, PHRASES)
        likely, _ = most_likely(listening, PHRASES, Agreement())
        assert likely in ("", said)  # never another phrase offered with confidence
        found += likely == said
    assert found >= 3


@needs_espeak
def test_words_that_are_no_phrase_are_not_forced_into_one() -> None:
    voice = next(v for v in VOICES if v.name == "rp-female")
    note = speak(voice, "my daughter comes round on a tuesday to do the shopping")
    listening = moonshine.listen(note.samples, PHRASES)
    assert most_likely(listening, PHRASES, Agreement())[0] == ""


def listened(scores: dict[str, float], own: float = -3.0, written: str = "") -> Listening:
    """Moonshine's likelihoods, as a test wants them (silence finds every phrase as likely)."""
    phrases = tuple(scores)
    return Listening(written, phrases, tuple(scores.values()), (-10.0,) * len(phrases), own)


def test_a_phrase_is_chosen_only_clearly_ahead_of_other_meanings() -> None:
    sure = Agreement()
    assert most_likely(listened({"some help": -2.0, "go back": -4.0}), PHRASES, sure)[0] == (
        "some help"
    )
    assert most_likely(listened({"some help": -2.0, "go back": -2.2}), PHRASES, sure)[0] == ""
    # "yes" and "yeah" mean the same: the one does not count against the other
    assert most_likely(listened({"yes": -2.0, "yeah": -2.1, "no": -6.0}), PHRASES, sure)[0] in (
        "yes",
        "yeah",
    )


def test_a_phrase_far_less_likely_than_moonshines_own_words_is_not_chosen() -> None:
    far = listened({"some help": -12.0, "go back": -20.0}, own=-2.0)
    assert most_likely(far, PHRASES, Agreement())[0] == ""
    assert most_likely(listened({}, own=-2.0), PHRASES, Agreement()) == ("", 0.0)


def test_a_sentence_in_the_persons_own_words_is_never_made_into_a_button() -> None:
    scores = {"myself": -2.0, "some help": -9.0}
    sentence = listened(scores, written="My son sought out my will and the boat.")
    assert most_likely(sentence, PHRASES, Agreement())[0] == ""
    short = listened(scores, written="My self.")  # a phrase misheard: a word or two more
    assert most_likely(short, PHRASES, Agreement())[0] == "myself"


def test_the_likely_phrase_is_offered_but_a_spoken_yes_still_needs_both_recognisers() -> None:
    unsure = ShortList("no", 0.2, -20.0, False)
    yes = listened({"yes": -1.0, "no": -8.0})
    offered = decide(Heard("Yet.", unsure, 1.0, yes), PHRASES, Agreement())
    assert (offered.text, offered.certain, takes_as_yes(offered)) == ("yes", False, False)
    certain = ShortList("yes", 3.0, -1.0, True)  # as tests/voice/test_moonshine.py's short()
    assert certain.certain
    agreed = decide(Heard("Yes.", certain, 1.0, yes), PHRASES, Agreement())
    assert (agreed.text, agreed.certain) == ("yes", True)
