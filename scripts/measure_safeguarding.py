"""How well the trained model hears disclosures on its own, without the safeguarding list.

Runs the test sentences in tests/support/safeguarding_examples.py (never trained on) through
the trained model and counts, for the disclosures and for the harmless look-alikes:
  model alone   the model's first choice (DIETClassifier, before FallbackClassifier) is
                `disclosure`;
  model path    what SafeguardingClassifier would do with no list: the model's `disclosure`
                kept when confident enough and not overruled by a known harmless saying;
  pipeline      the whole pipeline as the Rasa server runs it (model, fallback and list).

Usage (after training): PYTHONPATH=. .venv/bin/python scripts/measure_safeguarding.py [-v]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
from ras_core import settings  # noqa: E402

settings.quiet_rasa()

from rasa.core.agent import Agent  # noqa: E402
from rasa.core.channels.channel import UserMessage  # noqa: E402
from rasa.engine.constants import PLACEHOLDER_MESSAGE, PLACEHOLDER_TRACKER  # noqa: E402
from rasa.shared.core.trackers import DialogueStateTracker  # noqa: E402

from ras_core.domain.safeguarding import harmless_saying  # noqa: E402
from tests.support.safeguarding_examples import DISCLOSURES, LOOK_ALIKES  # noqa: E402

MODEL = REPO / "models" / "assistant.tar.gz"
INTENT = "disclosure"
THRESHOLD = 0.4  # as bot/rasa/config.yml gives SafeguardingClassifier


def node(agent: Agent, prefix: str) -> str:
    assert agent.processor is not None
    names = agent.processor.model_metadata.predict_schema.nodes
    return next(name for name in names if name.startswith(prefix))


def parse(agent: Agent, text: str, target: str) -> dict[str, Any]:
    assert agent.processor is not None
    inputs = {
        PLACEHOLDER_MESSAGE: [UserMessage(text)],
        PLACEHOLDER_TRACKER: DialogueStateTracker.from_events("measure", []),
    }
    results = agent.processor.graph_runner.run(inputs=inputs, targets=[target])
    return dict(results[target][0].data)


def measure(agent: Agent, texts: list[str], verbose: bool) -> tuple[int, int, int]:
    diet = node(agent, "run_DIETClassifier")
    final = node(agent, "run_RegexMessageHandler")
    alone = path = pipeline = 0
    for text in texts:
        top = parse(agent, text, diet)["intent"]
        said = top["name"] == INTENT
        kept = said and top["confidence"] >= THRESHOLD and harmless_saying(text) is None
        whole = parse(agent, text, final)["intent"]["name"] == INTENT
        alone, path, pipeline = alone + said, path + kept, pipeline + whole
        if verbose:
            marks = "".join("x" if flag else "." for flag in (said, kept, whole))
            print(f"  {marks}  {top['name']:<22} {top['confidence']:.2f}  {text}")
    return alone, path, pipeline


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="one line per sentence")
    parser.add_argument("--model", default=str(MODEL))
    args = parser.parse_args()
    agent = Agent.load(args.model)
    rows = [
        ("disclosures", [text for text, _kind in DISCLOSURES]),
        ("look-alikes", LOOK_ALIKES),
    ]
    results = []
    for name, texts in rows:
        if args.verbose:
            print(f"{name} (model alone, model path, pipeline):")
        results.append((name, len(texts), *measure(agent, texts, args.verbose)))
    print(f"{'':<12} {'total':>5} {'model alone':>12} {'model path':>11} {'pipeline':>9}")
    for name, total, alone, path, pipeline in results:
        print(f"{name:<12} {total:>5} {alone:>12} {path:>11} {pipeline:>9}")
    print("(each column: how many were classified as disclosure)")


if __name__ == "__main__":
    main()
