"""Write nlu_data/nlu/safeguarding_dev.yml from the development part of the safeguarding corpus.

Only the development part (tests/data/safeguarding/, split: dev) is used; the held-out part is
only ever measured. Disclosures become examples of `disclosure`. Look-alikes that are everyday
talk (idioms, health talk, feeling safe, frustration, household life) become `out_of_scope`.
Look-alikes that answer a question become `everyday_answer`: their right statement is not
labelled, so the conversation treats them as words it did not understand (and the plan keeps
them as the person's words), never as a disclosure.
Sentences already in the NLU data are skipped, so no example sits under two intents, and so
are the older test sentences (tests/support/safeguarding_examples.py), which stay unseen.

Usage: .venv/bin/python scripts/build_safeguarding_nlu.py   (then retrain: make train)
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from ras_core.domain.safeguarding import normalise  # noqa: E402
from tests.support.nlu_examples import all_examples  # noqa: E402
from tests.support.safeguarding_corpus import load_corpus  # noqa: E402
from tests.support.safeguarding_examples import DISCLOSURES, LOOK_ALIKES  # noqa: E402

OUT = REPO / "nlu_data" / "nlu" / "safeguarding_dev.yml"
EVERYDAY_KINDS = {"idiom", "health", "feeling_safe", "frustration", "household"}
# The tenth round is in the corpus and the list was built from it, but the model is not yet
# trained on it: with it, "4 hours a week" in the plan fell to out_of_scope (two e2e tests).
NOT_YET_TRAINED = {"disclosures_more9.yml", "look_alikes_more9.yml"}
HEADER = """\
# Made by scripts/build_safeguarding_nlu.py from the development part of the safeguarding
# corpus (tests/data/safeguarding/). Do not edit: change the corpus and run the script again.
# The held-out part is never put here.
"""


def existing_examples() -> set[str]:
    found = {normalise(text) for text in [*(t for t, _ in DISCLOSURES), *LOOK_ALIKES]}
    return found | {normalise(text) for text in all_examples(skip=OUT)}


def example(text: str) -> str:
    """One line as Rasa reads it: no brackets that look like entity annotations."""
    return " ".join(text.replace("[", "(").replace("]", ")").split())


def main() -> int:
    seen = existing_examples()
    blocks: dict[str, list[str]] = {"disclosure": [], "out_of_scope": [], "everyday_answer": []}
    for sentence in load_corpus():
        if (
            sentence.split != "dev"
            or sentence.source in NOT_YET_TRAINED
            or not normalise(sentence.text)
            or normalise(sentence.text) in seen
        ):
            continue
        if sentence.disclosure:
            intent = "disclosure"
        elif sentence.group in EVERYDAY_KINDS:
            intent = "out_of_scope"
        elif sentence.group == "answer":
            intent = "everyday_answer"
        else:
            continue
        seen.add(normalise(sentence.text))
        blocks[intent].append(example(sentence.text))
    lines = [HEADER, 'version: "3.1"', "", "nlu:"]
    for intent, examples in blocks.items():
        lines += [f"  - intent: {intent}", "    examples: |"]
        lines += [f"      - {text}" for text in examples]
        lines.append("")
    OUT.write_text("\n".join(lines), encoding="utf-8")
    print(f"{OUT.relative_to(REPO)}: " + ", ".join(f"{k} {len(v)}" for k, v in blocks.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
