"""Audio as numbers, and the OGG/Opus format Telegram uses for voice notes."""

from __future__ import annotations

import io
from dataclasses import dataclass
from math import gcd

import numpy as np
import soundfile
from scipy.signal import resample_poly

# Voice notes are written at 48 kHz, as Telegram's own are. libsndfile also writes Opus at
# 8, 12, 16 and 24 kHz, but slower: 22 s of the offline voice (24 kHz) took 914 ms to encode
# at 24 kHz and 338 ms at 48 kHz (at 61 kbit/s, against 31: 167 kB against 85 kB).
OPUS_RATE = 48000


class SpeechError(RuntimeError):
    """Speech could not be made or heard; the caller decides what the person is told."""


@dataclass(frozen=True)
class Audio:
    samples: np.ndarray  # mono float32, -1.0 .. 1.0
    sample_rate: int

    @property
    def seconds(self) -> float:
        return len(self.samples) / self.sample_rate

    def resampled(self, rate: int) -> Audio:
        if rate == self.sample_rate:
            return self
        common = gcd(rate, self.sample_rate)
        samples = resample_poly(self.samples, rate // common, self.sample_rate // common)
        return Audio(samples.astype(np.float32), rate)


class TooLong(SpeechError):
    """More audio than the caller will listen to: nothing past the limit is decoded."""


# Beyond these a file is not a voice note; refusing them keeps memory small whatever a file says.
MAX_CHANNELS = 8
MAX_RATE = 192_000


def decode(data: bytes, max_seconds: float | None = None) -> Audio:
    """Any format libsndfile reads (OGG/Opus, MP3, WAV), as mono float32.

    With `max_seconds`, at most that much is decoded: longer audio raises TooLong.
    """
    try:
        with soundfile.SoundFile(io.BytesIO(data)) as sound:
            rate, channels = int(sound.samplerate), int(sound.channels)
            if channels > MAX_CHANNELS or not 0 < rate <= MAX_RATE:
                raise SpeechError(f"not a voice: {channels} channels at {rate} Hz")
            cap = -1 if max_seconds is None else int(max_seconds * rate) + 1
            samples = sound.read(frames=cap, dtype="float32", always_2d=True)
    except (soundfile.LibsndfileError, RuntimeError, TypeError) as error:
        raise SpeechError(f"not audio that can be read: {error}") from error
    if len(samples) == 0:
        raise SpeechError("the audio is empty")
    if max_seconds is not None and len(samples) >= cap:
        raise TooLong(f"longer than {max_seconds:g} seconds")
    return Audio(samples.mean(axis=1).astype(np.float32), rate)


def decode_ogg(data: bytes, max_seconds: float | None = None) -> Audio:
    """A voice note as the recogniser wants it: mono, 16 kHz."""
    return decode(data, max_seconds).resampled(16000)


def encode_ogg_opus(audio: Audio) -> bytes:
    audio = audio.resampled(OPUS_RATE)
    buffer = io.BytesIO()
    samples = np.clip(audio.samples, -1, 1)
    soundfile.write(buffer, samples, OPUS_RATE, format="OGG", subtype="OPUS")
    return buffer.getvalue()
