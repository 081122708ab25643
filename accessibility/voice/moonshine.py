"""Moonshine (base, English), offline: the model ships inside the moonshine_cpp wheel.

The wheel holds the model (moonshine_cpp/models/base-en/*.ort, MIT licence), ONNX Runtime and
libmoonshine, reached through ctypes. Its Python class downloads a model only for languages
other than English or when given a URL; here it is always given the packaged model's folder, so
no code path can reach the network (tests/voice/test_moonshine.py checks this).

The model is loaded once per process, on the first note (about 1.5 s). Memory, measured: the
process grows by about 130 MB when the model loads, and by about 580 MB in all once the first
note is heard (ONNX Runtime's buffers; about 800 MB after an 8 s note), which cannot be set
through the library. It also keeps about 6.5 MB for every note, which freeing the model does
not give back, so the front ends do not call this module in their own process: scribe.py runs
it in a child process that is replaced every 50 notes. One note is written down at a time: the
library does not say that a model may be used from two threads at once, and on two cores a
second note would only slow the first. Before a note is written down its silence is trimmed:
Moonshine was trained on speech that fills the clip, and it misses short words ("b", "pause")
in a note that is mostly silence.
"""

from __future__ import annotations

import contextlib
import ctypes
import threading
from pathlib import Path
from typing import Any

import numpy as np

from accessibility.voice.audio import SpeechError
from accessibility.voice.sphinx import loud_frames

RATE = 16000
BEFORE, AFTER = 0.10, 0.15  # seconds kept either side of the loud part of a note
FILES = ("encoder_model.ort", "decoder_model_merged.ort", "tokenizer.bin")

_load_lock = threading.Lock()
_use_lock = threading.Lock()
_loaded: Any = None


def model_folder() -> Path:
    """The English base model inside the installed wheel (never a download)."""
    import importlib.util

    spec = importlib.util.find_spec("moonshine_cpp")
    if spec is None or spec.origin is None:
        raise SpeechError("moonshine_cpp is not installed")
    folder = Path(spec.origin).parent / "models" / "base-en"
    missing = [name for name in FILES if not (folder / name).is_file()]
    if missing:
        raise SpeechError(f"the Moonshine model is not in the wheel: {missing}")
    return folder


def model() -> Any:
    """The loaded model, made on first use (thread-safe; once per process)."""
    global _loaded
    with _load_lock:
        if _loaded is None:
            folder = model_folder()
            from moonshine_cpp import moonshine_cpp as native

            try:
                # A folder (not a language or URL): the one branch that never downloads.
                _loaded = native.MoonshineModel(model_dir_path=str(folder) + "/")
            except (AssertionError, MemoryError, OSError) as error:
                raise SpeechError(f"Moonshine could not load: {error}") from error
        return _loaded


def preload() -> None:
    """Load the model now (e.g. in a thread when a front end starts); a failure is left for
    the first note to report."""
    with contextlib.suppress(SpeechError):
        model()


def write_down(samples: np.ndarray) -> str:
    """What Moonshine hears in 16 kHz mono float samples, as it writes it ("Yes, please.")."""
    speech = np.ascontiguousarray(trimmed(samples), dtype=np.float32)
    if len(speech) < RATE // 10:
        return ""
    from moonshine_cpp import moonshine_cpp as native

    loaded = model()
    text = ctypes.c_char_p()
    pointer = speech.ctypes.data_as(ctypes.POINTER(ctypes.c_float))
    # Called directly: the wheel's own `transcribe` method does not run (ctypes.c_float_p).
    with _use_lock:
        error = native.moonshine_lib.moonshine_transcribe(
            loaded.model_handle, pointer, len(speech), ctypes.byref(text)
        )
    if error != 0:
        raise SpeechError(f"Moonshine failed with error {error}")
    try:
        return (text.value or b"").decode("utf-8", errors="replace").strip()
    finally:
        native.moonshine_lib.moonshine_free_text(text)


def trimmed(samples: np.ndarray) -> np.ndarray:
    """The note from a little before its first loud frame to a little after its last."""
    loud = loud_frames(samples, RATE)
    if not loud:
        return samples
    step = RATE // 100
    start = max(0, min(loud) * step - int(BEFORE * RATE))
    end = min(len(samples), (max(loud) + 1) * step + int(AFTER * RATE))
    return samples[start:end]
