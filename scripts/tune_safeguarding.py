"""Choose SafeguardingClassifier's thresholds from the development part alone.

The development part is folded: a model is trained without its every third sentence (dev-B)
and dev-B is then only measured here, so the thresholds are not chosen on sentences the model
was trained on, nor on the held-out part. For each set of thresholds (`model` in
ras_core/data/safeguarding.yml: the model's possible and clear tiers, how much the second
opinion must agree, and where the second opinion alone asks) this prints dev-B's recall
(either tier) and false alarms (clear tier, either tier); the set to use is the one with the
best recall within the targets (clear 2%, either 10%), then the fewest false alarms, then the
highest possible tier.

    .venv/bin/python scripts/tune_safeguarding.py --fold   # writes var/tune/nlu_data (dev-A)
    .venv/bin/rasa train nlu --config bot/rasa/config.yml --nlu var/tune/nlu_data \
        --domain bot/rasa/domain --out var/tune --fixed-model-name fold
    .venv/bin/python scripts/tune_safeguarding.py --model var/tune/fold.tar.gz

dev-B shares its writers with the sentences the fold model learns from, so it is an easier
test than words from new people. `--new-writers` folds the other way: the eighth and ninth
rounds (written last, as 36 invented people by writers who read none of the corpus) are left
out of training and only measured (var/tune-new-writers/; the same three commands with that
folder and the flag on each).
The thresholds are chosen on both folds pooled, by the rule above:

    .venv/bin/python scripts/tune_safeguarding.py --model var/tune/fold.tar.gz \
        --new-writers-model var/tune-new-writers/fold.tar.gz
"""

from __future__ import annotations

import argparse
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from ras_core.domain.safeguarding import find_disclosure, harmless_saying, has_words  # noqa: E402
from scripts import build_safeguarding_nlu  # noqa: E402
from scripts.measure_safeguarding import parse, rasa_for_parsing  # noqa: E402
from tests.support.safeguarding_corpus import Sentence, load_corpus  # noqa: E402

FOLD = REPO / "var" / "tune"
TARGET_CLEAR, TARGET_EITHER = 0.02, 0.10
# Files written after the fold was fixed: always trained on, never in dev-B, so that dev-B
# stays the same sentences and one round can be compared with the next.
LATER = {
    "disclosures_more2.yml",
    "look_alikes_more2.yml",
    "disclosures_more3.yml",
    "look_alikes_more3.yml",
    "disclosures_more4.yml",
    "look_alikes_more4.yml",
    "disclosures_more5.yml",
    "look_alikes_more5.yml",
    "disclosures_more6.yml",
    "look_alikes_more6.yml",
    "disclosures_more7.yml",
    "look_alikes_more7.yml",
    "disclosures_more8.yml",
    "look_alikes_more8.yml",
    "disclosures_more9.yml",
    "look_alikes_more9.yml",
}


NEW_WRITERS_FOLD = REPO / "var" / "tune-new-writers"
# The eighth and ninth rounds.
NEW_WRITERS = {
    "disclosures_more7.yml",
    "look_alikes_more7.yml",
    "disclosures_more8.yml",
    "look_alikes_more8.yml",
}


def dev_b() -> list[Sentence]:
    dev = [s for s in load_corpus() if s.split == "dev" and s.source not in LATER]
    return [s for i, s in enumerate(dev) if i % 3 == 2]


def new_writers() -> list[Sentence]:
    return [s for s in load_corpus() if s.source in NEW_WRITERS]


def fold(measured: list[Sentence], folder: Path = FOLD) -> None:
    """folder/nlu_data: the NLU data with the measured sentences left out of the generated file."""
    left_out = {s.text for s in measured}
    shutil.rmtree(folder / "nlu_data", ignore_errors=True)
    shutil.copytree(REPO / "nlu_data", folder / "nlu_data")
    everything = build_safeguarding_nlu.load_corpus
    build_safeguarding_nlu.load_corpus = lambda: tuple(  # type: ignore[assignment]
        s for s in everything() if s.text not in left_out
    )
    made = build_safeguarding_nlu.OUT
    build_safeguarding_nlu.main()
    shutil.copy(made, folder / "nlu_data" / "nlu" / made.name)
    build_safeguarding_nlu.load_corpus = everything
    build_safeguarding_nlu.main()  # the repository's own file, from the whole dev part again


@dataclass(frozen=True)
class Scored:
    sentence: Sentence
    listed: str  # the list's tier, "" if none
    model: float  # the model's own `disclosure` confidence (0 if not its first choice)
    second: float  # the second opinion's score (0 if none was given)


def confidences(model: Path, measured: list[Sentence]) -> list[Scored]:
    """Each measured sentence with the list's tier, the model's and the second opinion's scores.

    Harmless sayings and messages without words give the model and second opinion nothing."""
    found = []
    with rasa_for_parsing(model) as rasa_url:
        for sentence in measured:
            parsed = parse(rasa_url, sentence.text)
            model_intent = parsed.get("model_intent") or {}
            listed = find_disclosure(sentence.text)
            score, second = 0.0, 0.0
            if not harmless_saying(sentence.text) and has_words(sentence.text):
                if model_intent.get("name") == "disclosure":
                    score = float(model_intent.get("confidence", 0.0))
                second = float(parsed.get("second_opinion") or 0.0)
            found.append(Scored(sentence, listed.tier if listed else "", score, second))
    return found


@dataclass(frozen=True)
class Thresholds:
    possible: float  # the model's possible tier from this confidence
    clear: float  # the model's clear tier (above 1: never)
    second: float  # the model's tiers need this much from the second opinion
    alone: float  # the second opinion alone is possible from this (above 1: never)


def tier(s: Scored, t: Thresholds) -> str:
    if s.listed:
        return s.listed
    if s.model >= t.possible and s.second >= t.second:
        return "clear" if s.model >= t.clear else "possible"
    return "possible" if s.second >= t.alone else ""


# Where the second opinion alone may ask: finer where the choice has fallen so far.
ALONE = (0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.625, 0.65, 0.675, 0.7, 0.75, 0.8, 0.85, 0.9)


def grid() -> list[Thresholds]:
    return [
        Thresholds(possible, clear, second, alone)
        for possible in (0.3, 0.5, 0.7, 0.9, 0.95)
        for clear in (0.95, 0.99, 1.01)  # 1.01: the model alone is never clear
        for second in (0.0, 0.2, 0.3, 0.4, 0.5, 0.6)
        for alone in (*ALONE, 1.01)
        if clear > possible and alone > second
    ]


def table(found: list[Scored]) -> None:
    disclosures = [f for f in found if f.sentence.disclosure]
    look_alikes = [f for f in found if not f.sentence.disclosure]
    print(f"measured: {len(disclosures)} disclosures, {len(look_alikes)} look-alikes")
    print("possible clear second alone  recall  false clear  false either")
    best: tuple[float, float, Thresholds] | None = None
    for t in grid():
        recall = sum(bool(tier(s, t)) for s in disclosures) / len(disclosures)
        alarms = [tier(s, t) for s in look_alikes]
        false_clear = alarms.count("clear") / len(look_alikes)
        false_either = sum(bool(a) for a in alarms) / len(look_alikes)
        mark = ""
        if false_clear <= TARGET_CLEAR and false_either <= TARGET_EITHER:
            mark = " within targets"
            # Ties go to the higher possible tier: the model alone then asks less often.
            key = (recall, -false_either, t.possible)
            if best is None or key > (best[0], -best[1], best[2].possible):
                best = (recall, false_either, t)
        print(f"{t.possible:8.2f} {t.clear:5.2f} {t.second:6.2f} {t.alone:5.2f} {recall:7.1%} "
              f"{false_clear:12.1%} {false_either:13.1%}{mark}")  # fmt: skip
    print("best within targets (recall, either-tier false alarms, thresholds):", best)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fold", action="store_true", help="write var/tune/nlu_data")
    parser.add_argument("--model", type=Path, help="a model trained on var/tune/nlu_data")
    parser.add_argument(
        "--new-writers", action="store_true", help="the seventh and eighth rounds instead"
    )
    parser.add_argument(
        "--new-writers-model",
        type=Path,
        help="with --model: a model trained on var/tune-new-writers/nlu_data, its fold pooled in",
    )
    args = parser.parse_args()
    measured = new_writers() if args.new_writers else dev_b()
    if args.fold:
        fold(measured, NEW_WRITERS_FOLD if args.new_writers else FOLD)
    if args.model:
        found = confidences(args.model, measured)
        if args.new_writers_model:
            found += confidences(args.new_writers_model, new_writers())
        table(found)
    return 0


if __name__ == "__main__":
    sys.exit(main())
