"""Choose SafeguardingClassifier's two thresholds from the development part alone.

The development part is folded: a model is trained without its every third sentence (dev-B)
and dev-B is then only measured here, so the thresholds are not chosen on sentences the model
was trained on, nor on the held-out part. For each pair (threshold, clear_threshold) this
prints dev-B's recall (either tier) and false alarms (clear tier, either tier); the pair to
use is the one with the best recall within the targets (clear 2%, either 10%).

    .venv/bin/python scripts/tune_safeguarding.py --fold   # writes var/tune/nlu_data (dev-A)
    .venv/bin/rasa train nlu --config bot/rasa/config.yml --nlu var/tune/nlu_data \
        --domain bot/rasa/domain --out var/tune --fixed-model-name fold
    .venv/bin/python scripts/tune_safeguarding.py --model var/tune/fold.tar.gz
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from ras_core.domain.safeguarding import find_disclosure, harmless_saying  # noqa: E402
from scripts import build_safeguarding_nlu  # noqa: E402
from scripts.measure_safeguarding import parse, rasa_for_parsing  # noqa: E402
from tests.support.safeguarding_corpus import Sentence, load_corpus  # noqa: E402

FOLD = REPO / "var" / "tune"
TARGET_CLEAR, TARGET_EITHER = 0.02, 0.10


def dev_b() -> list[Sentence]:
    dev = [s for s in load_corpus() if s.split == "dev"]
    return [s for i, s in enumerate(dev) if i % 3 == 2]


def fold() -> None:
    """var/tune/nlu_data: the NLU data with dev-B left out of the generated file."""
    left_out = {s.text for s in dev_b()}
    shutil.rmtree(FOLD / "nlu_data", ignore_errors=True)
    shutil.copytree(REPO / "nlu_data", FOLD / "nlu_data")
    everything = build_safeguarding_nlu.load_corpus
    build_safeguarding_nlu.load_corpus = lambda: tuple(  # type: ignore[assignment]
        s for s in everything() if s.text not in left_out
    )
    made = build_safeguarding_nlu.OUT
    build_safeguarding_nlu.main()
    shutil.copy(made, FOLD / "nlu_data" / "nlu" / made.name)
    build_safeguarding_nlu.load_corpus = everything
    build_safeguarding_nlu.main()  # the repository's own file, from the whole dev part again


def confidences(model: Path) -> list[tuple[Sentence, str, float]]:
    """Each dev-B sentence with the list's tier ("" if none) and the model's disclosure score."""
    found = []
    with rasa_for_parsing(model) as rasa_url:
        for sentence in dev_b():
            model_intent = parse(rasa_url, sentence.text).get("model_intent") or {}
            listed = find_disclosure(sentence.text)
            score = 0.0
            if model_intent.get("name") == "disclosure" and not harmless_saying(sentence.text):
                score = float(model_intent.get("confidence", 0.0))
            found.append((sentence, listed.tier if listed else "", score))
    return found


def tier(listed: str, score: float, threshold: float, clear: float) -> str:
    if listed:
        return listed
    return "clear" if score >= clear else "possible" if score >= threshold else ""


def table(found: list[tuple[Sentence, str, float]]) -> None:
    disclosures = [f for f in found if f[0].disclosure]
    look_alikes = [f for f in found if not f[0].disclosure]
    print(f"dev-B: {len(disclosures)} disclosures, {len(look_alikes)} look-alikes")
    print("threshold clear  recall  false clear  false either")
    best = None
    for threshold in (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.98):
        for clear in (0.8, 0.9, 0.95, 0.98, 0.99, 1.01):  # 1.01: the model alone is never clear
            if clear < threshold:
                continue
            heard = sum(bool(tier(t, s, threshold, clear)) for _, t, s in disclosures)
            alarms = [tier(t, s, threshold, clear) for _, t, s in look_alikes]
            recall = heard / len(disclosures)
            false_clear = alarms.count("clear") / len(look_alikes)
            false_either = sum(bool(a) for a in alarms) / len(look_alikes)
            mark = ""
            if false_clear <= TARGET_CLEAR and false_either <= TARGET_EITHER:
                mark = " within targets"
                if best is None or recall > best[0]:
                    best = (recall, threshold, clear)
            print(f"{threshold:9.2f} {clear:5.2f} {recall:7.1%} {false_clear:12.1%} "
                  f"{false_either:13.1%}{mark}")  # fmt: skip
    print("best within targets:", best)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fold", action="store_true", help="write var/tune/nlu_data")
    parser.add_argument("--model", type=Path, help="a model trained on var/tune/nlu_data")
    args = parser.parse_args()
    if args.fold:
        fold()
    if args.model:
        table(confidences(args.model))
    return 0


if __name__ == "__main__":
    sys.exit(main())
