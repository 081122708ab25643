"""Audio as numbers, and the OGG/Opus format Telegram uses for voice notes."""

from __future__ import annotations

import io
from dataclasses import dataclass
from math import gcd

import numpy as np
import soundfile
from scipy.signal import resample_poly

# libsndfile writes Opus only at these rates.
OPUS_RATES = (8000, 12000, 16000, 24000, 48000)


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


def decode(data: bytes) -> Audio:
    """Any format libsndfile reads (OGG/Opus, MP3, WAV), as mono float32."""
    try:
        samples, rate = soundfile.read(io.BytesIO(data), dtype="float32", always_2d=True)
    except (soundfile.LibsndfileError, RuntimeError, TypeError) as error:
        raise SpeechError(f"not audio that can be read: {error}") from error
    if len(samples) == 0:
        raise SpeechError("the audio is empty")
    return Audio(samples.mean(axis=1).astype(np.float32), int(rate))


def decode_ogg(data: bytes) -> Audio:
    """A voice note as the recogniser wants it: mono, 16 kHz."""
    return decode(data).resampled(16000)


def encode_ogg_opus(audio: Audio) -> bytes:
    rate = audio.sample_rate if audio.sample_rate in OPUS_RATES else 48000
    audio = audio.resampled(rate)
    buffer = io.BytesIO()
    soundfile.write(buffer, np.clip(audio.samples, -1, 1), rate, format="OGG", subtype="OPUS")
    return buffer.getvalue()
