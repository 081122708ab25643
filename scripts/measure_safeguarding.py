"""How well the running assistant hears disclosures, on sentences it was not built from.

Starts the Rasa server with the trained model (on a free port, over a scratch database) and
sends every sentence of the safeguarding corpus (tests/data/safeguarding/) through its NLU
pipeline (`/model/parse`: the model, then the safeguarding list). Prints, for one part of the
corpus (the held-out part unless told otherwise):
  recall          disclosures heard, in either tier (clear: stop and flag; possible: ask)
  false alarms    look-alikes taken for a disclosure: clear tier, and either tier
both overall and per category or kind, for the whole pipeline and for the model alone (its
own first choice is `disclosure`, at least as sure as the possible tier needs, and at 0.9, the
possible tier's start before the second opinion, so figures stay comparable). Each sentence
goes on its own, with no question asked; two more lines count the current question as the chat
does (safeguarding.yml's `answers_at`): look-alikes at the question each answers, and the worst
case for disclosures, each said at a question its words are an ordinary answer to.

Usage (after training):
    .venv/bin/python scripts/measure_safeguarding.py [--part dev|held_out|all] [-v]
        [--files disclosures_more7.yml look_alikes_more7.yml]
"""

from __future__ import annotations

import argparse
import json
import socket
import sys
import tempfile
import urllib.request
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bot.launcher.servers import Servers, ServerSettings  # noqa: E402
from ras_core.domain.safeguarding import answers_question, patterns  # noqa: E402
from tests.support.safeguarding_corpus import Sentence, load_corpus  # noqa: E402

TIERS = {"disclosure": "clear", "possible_disclosure": "possible"}


@dataclass(frozen=True)
class Heard:
    sentence: Sentence
    tier: str  # "clear", "possible" or "" (not a disclosure)
    model: bool  # the model alone took it for a disclosure
    confidence: float = 0.0  # the model's own `disclosure` confidence (0 if not its first choice)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def rasa_for_parsing(model: Path | None = None) -> Iterator[str]:
    """The Rasa server alone (no action server), on free ports over a scratch database.

    Yields the URL of its NLU endpoint (`/model/parse`, with the HTTP API's token)."""
    with tempfile.TemporaryDirectory() as scratch:
        settings = ServerSettings.current()
        settings.rasa_port, settings.action_port = free_port(), free_port()
        settings.database_url = f"sqlite:///{Path(scratch) / 'parse.db'}"
        settings.log_dir = Path(scratch)
        settings.model = model or settings.model
        with Servers(settings) as servers:
            servers.start_rasa()
            servers.wait_ready()
            yield f"{servers.rasa_url}/model/parse?token={settings.secrets.rasa_api_token}"


def parse(parse_url: str, text: str) -> dict[str, Any]:
    body = json.dumps({"text": text}).encode()
    request = urllib.request.Request(parse_url, body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        found: dict[str, Any] = json.loads(response.read())
        return found


def hear(rasa_url: str, sentence: Sentence) -> Heard:
    parsed = parse(rasa_url, sentence.text)
    tier = TIERS.get(str((parsed.get("intent") or {}).get("name")), "")
    model = parsed.get("model_intent") or {}
    confidence = float(model.get("confidence", 0))
    if model.get("name") != "disclosure":
        confidence = 0.0
    return Heard(sentence, tier, confidence >= patterns().model_possible_from, confidence)


def answers_at_some(heard: Heard, areas: list[str]) -> bool:
    """The list's possible words, read as an answer at one of these questions in the chat."""
    return any(answers_question(heard.sentence.text, area) for area in areas)


def share(part: int, whole: int) -> str:
    return f"{part}/{whole} = {100 * part / whole:.1f}%" if whole else "0/0"


def report(heard: list[Heard], verbose: bool) -> None:
    disclosures = [h for h in heard if h.sentence.disclosure]
    look_alikes = [h for h in heard if not h.sentence.disclosure]
    print(f"Disclosures: {len(disclosures)}   look-alikes: {len(look_alikes)}\n")
    print("Recall (either tier counts as heard)")
    print(f"  pipeline    {share(sum(bool(h.tier) for h in disclosures), len(disclosures))}"
          f"   (clear tier {sum(h.tier == 'clear' for h in disclosures)})")  # fmt: skip
    print(f"  model alone {share(sum(h.model for h in disclosures), len(disclosures))}")
    heard_at_09 = sum(h.confidence >= 0.9 for h in disclosures)
    print(f"  model alone at 0.9 {share(heard_at_09, len(disclosures))}")
    totals = Counter(h.sentence.group for h in disclosures)
    caught = Counter(h.sentence.group for h in disclosures if h.tier)
    for group in sorted(totals):
        print(f"    {group:<16} {share(caught[group], totals[group])}")
    # In the chat the current question is context (safeguarding.yml's answers_at): the worst
    # case is each disclosure said at a question its words are an ordinary answer to.
    areas = list(patterns().answers_at)
    read_as_answers = [h for h in disclosures if h.tier and answers_at_some(h, areas)]
    still = sum(bool(h.tier) for h in disclosures) - len(read_as_answers)
    print(f"  pipeline, each said at a question its words answer: {share(still, len(disclosures))}")
    print("\nFalse alarms")
    clear = sum(h.tier == "clear" for h in look_alikes)
    either = sum(bool(h.tier) for h in look_alikes)
    print(f"  pipeline, clear tier  {share(clear, len(look_alikes))}")
    print(f"  pipeline, either tier {share(either, len(look_alikes))}")
    at_own = sum(bool(h.tier) and not answers_at_some(h, [h.sentence.context]) for h in look_alikes)
    print(f"  pipeline, either tier, at its own question {share(at_own, len(look_alikes))}")
    print(f"  model alone           {share(sum(h.model for h in look_alikes), len(look_alikes))}")
    at_09 = sum(h.confidence >= 0.9 for h in look_alikes)
    print(f"  model alone at 0.9    {share(at_09, len(look_alikes))}")
    totals = Counter(h.sentence.group for h in look_alikes)
    alarms = Counter(h.sentence.group for h in look_alikes if h.tier)
    for group in sorted(totals):
        print(f"    {group:<16} {share(alarms[group], totals[group])}")
    by_file(disclosures, look_alikes)
    if verbose:
        print("\nMissed disclosures:")
        for h in disclosures:
            if not h.tier:
                print(f"  [{h.sentence.group}] {h.sentence.text}")
        print("\nFalse alarms:")
        for h in look_alikes:
            if h.tier:
                print(f"  {h.tier:<8} [{h.sentence.group}] {h.sentence.text}")


def by_file(disclosures: list[Heard], look_alikes: list[Heard]) -> None:
    """The same figures for each file, so each round of the corpus can be read on its own."""
    print("\nBy file")
    for label, heard in (("recall", disclosures), ("false alarms, either tier", look_alikes)):
        for source in sorted({h.sentence.source for h in heard}):
            mine = [h for h in heard if h.sentence.source == source]
            clear = sum(h.tier == "clear" for h in mine)
            found = share(sum(bool(h.tier) for h in mine), len(mine))
            print(f"  {source:<24} {label} {found}   (clear tier {clear})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=("held_out", "dev", "all"), default="held_out")
    parser.add_argument("-v", "--verbose", action="store_true", help="list misses and alarms")
    parser.add_argument(
        "--files",
        nargs="+",
        metavar="NAME",
        help="only these corpus files (e.g. a new round, measured before it is trained on)",
    )
    args = parser.parse_args()
    sentences = [
        s
        for s in load_corpus()
        if args.part in ("all", s.split) and (not args.files or s.source in args.files)
    ]
    with rasa_for_parsing() as rasa_url:
        print(f"Part: {args.part}, through the running Rasa server's /model/parse\n")
        heard = [hear(rasa_url, sentence) for sentence in sentences]
    report(heard, args.verbose)
    return 0


if __name__ == "__main__":
    sys.exit(main())
