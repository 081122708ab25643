"""An honest test set for speech in: every short-list phrase the questions use, spoken by
voices that are not the project's own, clean, in noise and over a telephone band.

Voices are espeak-ng's English accents (Debian package espeak-ng) at different speeds and
pitches: none is the offline voice the bot speaks with (hibari), so nothing is heard back in
the voice it was tried on. Every recording is made at run time and kept, as the OGG/Opus
bytes Telegram would send, in var/voice-testset/ (git ignores var/), so nothing big is
committed and a second run is quick.

Split: the voices marked "tune" may be used to choose thresholds; the figures reported are
from the "report" voices only, which nothing was tuned on.

Conditions:
  clean      the voice alone, with a little silence either side as a real note has;
  noise      pink noise and distant babble (two other voices talking), 10 dB below the speech;
  telephone  300-3400 Hz band, 8 kHz samples, G.711 mu-law: a phone line or a poor microphone.
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import yaml
from scipy.signal import butter, resample_poly, sosfiltfilt

from accessibility.voice import Audio, encode_ogg_opus, expected_phrases
from accessibility.voice.hearing import always_expected, normalise
from actions.render import render
from ras_core.conversation.say import Say
from ras_core.domain.questionnaire import Area, load_questionnaire

REPO = Path(__file__).resolve().parents[2]
CACHE = REPO / "var" / "voice-testset"
RESPONSES = REPO / "bot" / "rasa" / "domain" / "responses.yml"
VERSION = "1"  # change to make every recording again
SNR_DB = 10.0
CONDITIONS = ("clean", "noise", "telephone")


@dataclass(frozen=True)
class Voice:
    name: str
    espeak: str  # espeak-ng's -v: accent, and "+f2"-style variant (pitch and timbre)
    speed: int  # words a minute (espeak's default is 175)
    pitch: int  # 0-99 (default 50)
    split: str  # "tune" or "report"


VOICES = (
    Voice("us-tune", "en-us", 160, 50, "tune"),
    Voice("gb-tune", "en-gb+m3", 175, 40, "tune"),
    Voice("gb", "en-gb", 150, 45, "report"),
    Voice("scotland", "en-gb-scotland+m2", 170, 35, "report"),
    Voice("rp-female", "en-gb-x-rp+f3", 140, 65, "report"),
    Voice("west-midlands", "en-gb-x-gbcwmd", 185, 50, "report"),
    Voice("caribbean-female", "en-029+f2", 160, 60, "report"),
)
BABBLE = (
    ("en-us+m1", "The bus was late again this morning so we walked to the shops instead."),
    ("en-gb-x-rp+f1", "Would you like another cup of tea before the programme starts tonight?"),
)


@dataclass(frozen=True)
class Item:
    """One recording: who said what, in which condition, where a short list is offered."""

    voice: Voice
    condition: str
    phrase: str  # normalised words, as the short list holds them
    context: str  # which question's short list
    expected: tuple[str, ...]  # what could be said there (the recogniser's short list)

    @property
    def key(self) -> str:
        v = self.voice
        raw = f"{VERSION}|{v.espeak}|{v.speed}|{v.pitch}|{self.condition}|{self.phrase}"
        return hashlib.sha256(raw.encode()).hexdigest()[:20]


def available() -> bool:
    return shutil.which("espeak-ng") is not None


@cache
def _question_buttons() -> dict[str, object]:
    return yaml.safe_load(RESPONSES.read_text(encoding="utf-8"))


def question_short_list(area: Area, who: str = "self") -> tuple[str, ...]:
    """What the Telegram front end offers the recogniser at this question: the buttons Rasa
    sends (built by actions/render.py), the statements and labels (as `FrontDesk.
    what_can_be_said`), and the phrases that can always be said."""
    options = tuple((s.letter, s.label) for s in area.statements)
    message = render(_question_buttons(), Say("question", _QUESTION_PARAMS, options), who)
    titles = [str(button["title"]) for button in message["buttons"]]
    said = [s.text(who) for s in area.statements] + [s.label for s in area.statements]
    return tuple(expected_phrases(titles, said))


_QUESTION_PARAMS = {"number": 1, "total": 11, "intro": "", "statements": "", "question": ""}


WHO = ("Me", "Someone I look after")  # the buttons of "Who are the questions about?"


def phrases_to_try() -> list[tuple[str, str, tuple[str, ...]]]:
    """(phrase, context, short list): every short phrase once, at a question that offers it:
    letters, positions, yes and no, commands (always there), and each button's words; "me"
    and "someone i look after" where they are buttons."""
    at_who = tuple(expected_phrases(WHO))
    chosen: dict[str, tuple[str, tuple[str, ...]]] = {
        phrase: ("who", at_who) for phrase in at_who if phrase not in always_expected()
    }
    chosen |= {normalise(title): ("who", at_who) for title in WHO}
    for area in load_questionnaire().areas:
        short_list = question_short_list(area)
        labels = [normalise(s.label) for s in area.statements]
        for phrase in [*always_expected(), *labels, "not sure", "what does that mean"]:
            chosen.setdefault(normalise(phrase), (area.id, short_list))
    return [(phrase, context, short) for phrase, (context, short) in chosen.items()]


# Answers in a person's own words, which no short list holds (none is a line of the NLU data):
# they should be offered back as words, or asked about, not made into a button.
OWN_WORDS = (
    "my wife does most of the cooking now because my hands shake",
    "i get the bus into town on fridays with my neighbour",
    "the carer comes in the morning but she is always in a rush",
    "i have not been out of the house since the winter",
    "sometimes i forget to eat if nobody reminds me",
    "my son sorts out my bills and the post",
    "i can manage the stairs if i take it slowly",
    "i would like to go swimming again",
    "my sister phones me every evening",
    "i need someone with me at the doctors",
    "it depends on the day really",
    "i used to knit but my eyes are too bad now",
)


def own_words_items(voices: tuple[Voice, ...] = VOICES) -> Iterator[Item]:
    """Each own-words answer, at the third question (its short list), in every condition."""
    area = load_questionnaire().areas[2]
    short_list = question_short_list(area)
    for voice in voices:
        for sentence in OWN_WORDS:
            for condition in CONDITIONS:
                yield Item(voice, condition, sentence, area.id, short_list)


def items(voices: tuple[Voice, ...] = VOICES) -> Iterator[Item]:
    for voice in voices:
        for phrase, context, short_list in phrases_to_try():
            for condition in CONDITIONS:
                yield Item(voice, condition, phrase, context, short_list)


def recording(item: Item) -> bytes:
    """The OGG/Opus bytes of one item, made once and then read from var/voice-testset/."""
    path = CACHE / f"{item.key}.ogg"
    if path.is_file() and path.stat().st_size > 0:
        return path.read_bytes()
    audio = _condition(speak(item.voice, item.phrase), item.condition, seed=item.key)
    data = encode_ogg_opus(audio.resampled(48000))  # Telegram's voice notes: Opus at 48 kHz
    CACHE.mkdir(parents=True, exist_ok=True)
    part = path.with_suffix(f".{os.getpid()}.part")  # the e2e tests may make it at the same time
    part.write_bytes(data)
    part.replace(path)
    return data


def speak(voice: Voice, text: str) -> Audio:
    """espeak-ng saying the text, as 16 kHz float samples with a little silence either side."""
    command = ["espeak-ng", "-v", voice.espeak, "-s", str(voice.speed), "-p", str(voice.pitch)]
    done = subprocess.run([*command, "--stdout", text], capture_output=True, check=True, timeout=30)
    import soundfile  # here: only the test set needs to read espeak's WAV

    samples, rate = soundfile.read(io.BytesIO(done.stdout), dtype="float32")
    speech = Audio(np.asarray(samples, dtype=np.float32), int(rate)).resampled(16000).samples
    speech = speech / max(float(np.abs(speech).max()), 1e-6) * 0.5
    before, after = np.zeros(int(0.3 * 16000), np.float32), np.zeros(int(0.4 * 16000), np.float32)
    return Audio(np.concatenate([before, speech, after]).astype(np.float32), 16000)


def _condition(audio: Audio, condition: str, seed: str) -> Audio:
    if condition == "clean":
        return audio
    if condition == "noise":
        return with_noise(audio, SNR_DB, seed)
    if condition == "telephone":
        return telephone(audio)
    raise ValueError(f"no condition called {condition}")


def with_noise(audio: Audio, snr_db: float, seed: str) -> Audio:
    """Pink noise and babble together, at `snr_db` below the speech's own power."""
    samples = audio.samples
    rng = np.random.default_rng(int(seed[:8], 16))
    pink = _pink(len(samples), rng)
    babble = _babble(len(samples), rng)
    noise = pink / _rms(pink) + babble / max(_rms(babble), 1e-6)
    voiced = samples[np.abs(samples) > 0.02]
    speech_power = _rms(voiced if len(voiced) else samples) ** 2
    noise *= np.sqrt(speech_power / 10 ** (snr_db / 10)) / _rms(noise)
    mixed = samples + noise
    return Audio((mixed / max(1.0, float(np.abs(mixed).max()))).astype(np.float32), 16000)


def telephone(audio: Audio) -> Audio:
    """A phone line: 300-3400 Hz, 8 kHz samples, mu-law, then back to 16 kHz."""
    band = butter(6, [300, 3400], btype="bandpass", fs=audio.sample_rate, output="sos")
    narrow = resample_poly(sosfiltfilt(band, audio.samples), 1, audio.sample_rate // 8000)
    mu = 255.0
    coded = np.sign(narrow) * np.log1p(mu * np.abs(np.clip(narrow, -1, 1))) / np.log1p(mu)
    quantised = np.round(coded * 127) / 127
    decoded = np.sign(quantised) * ((1 + mu) ** np.abs(quantised) - 1) / mu
    return Audio(decoded.astype(np.float32), 8000).resampled(16000)


def _pink(length: int, rng: np.random.Generator) -> np.ndarray:
    spectrum = np.fft.rfft(rng.standard_normal(length))
    spectrum /= np.sqrt(np.maximum(np.arange(len(spectrum)), 1))
    return np.fft.irfft(spectrum, length).astype(np.float32)


@cache
def _babble_track() -> np.ndarray:
    voices = [
        speak(Voice("babble", voice, 170, 50, "noise"), text).samples for voice, text in BABBLE
    ]
    length = max(len(v) for v in voices)
    return np.sum([np.pad(v, (0, length - len(v))) for v in voices], axis=0).astype(np.float32)


def _babble(length: int, rng: np.random.Generator) -> np.ndarray:
    track = _babble_track()
    start = int(rng.integers(0, len(track)))
    return np.resize(np.roll(track, -start), length).astype(np.float32)


def _rms(samples: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(samples, dtype=np.float64)))) or 1e-9
