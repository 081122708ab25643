"""One message cannot stall the service: every reading of a person's words is quick, however
hostile the words.

Each parser (understanding a message, amounts, cleaning and folding text, the safeguarding
patterns, the plan's refusals and the plan's handling of an answer at each stage that reads
words) is given each of the 10,000-character strings in `HOSTILE`: long runs of one character,
repeated near-misses of a pattern, brackets, emoji, hidden characters, accents, controls and
characters that grow under Unicode normalisation. The best of three calls must take under
50 ms of CPU time (on a busy machine, the best of ten). Before the parsers were made linear,
"a" + 1,000 spaces + "x" took 1.2 s to read as a letter (8.7 s with 2,000 spaces: cubic), and
10,000 digits took 2 s to read as an amount, then crashed; and MiniLM's word pieces spelt
4,000 letters without a space out in 2.9 s (BERT's own limit, 100 letters a word, now holds).

`benchmarks/adversarial_bench.py` prints the worst time of each parser over the same strings.
`accessibility.readability` is not timed here: it checks only the assistant's own words.
"""

from __future__ import annotations

import time
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from ras_core.casework import Casework
from ras_core.conversation.planning import Planning
from ras_core.conversation.say import Outcome, Say
from ras_core.domain import amounts, safeguarding, text, understanding
from ras_core.domain.plan_rules import load_rules
from ras_core.domain.progress import PlanStage
from ras_core.domain.sentence_encoder import sentence_encoder
from ras_core.domain.support_plan import PlanDraft, load_options
from ras_core.domain.understanding import Turn
from ras_core.store import open_store
from tests.dashboard.builders import FULL_PLAN, make_case

LENGTH = 10_000
LIMIT = 0.050  # seconds: the bound the issue asks for
RUNS = 3  # best of three, to absorb a busy shared machine ...
MORE_RUNS = 7  # ... and, when that is over the limit, best of ten: really slow is slow every time
LABELS = {"A": "A lot of help", "B": "Some help", "C": "A little help", "D": "No help"}


def fill(unit: str, length: int) -> str:
    """`unit` repeated to exactly `length` characters."""
    return (unit * (length // len(unit) + 1))[:length]


def hostile_strings(length: int = LENGTH) -> dict[str, str]:
    """Each hostile string, `length` characters long, by a name that says what it is."""

    def run(unit: str) -> str:
        return fill(unit, length)

    def between(start: str, unit: str, end: str) -> str:
        return start + fill(unit, length - len(start) - len(end)) + end

    half = length // 2
    return {
        # Runs of one kind of character, and runs ending in a near-miss.
        "spaces": run(" "),
        "a-spaces-x": between("a", " ", "x"),
        "b-spaces-bang-x": between("b", " ", "!x"),
        "1-spaces-x": between("1", " ", "x"),
        "first-spaces-one-spaces-x": between("first", " ", " one" + " " * 50 + "x"),
        "b-paren-spaces-please-spaces-dots-x": between("(b)", " ", "please" + " " * 50 + "..x"),
        "unicode-spaces": run("\u3000\u00a0\u2003\u205f"),
        "tabs-newlines": run(" \t\n\r\f\v"),
        "letters": run("a"),
        "letters-then-digit": between("", "a", "1"),
        "digits": run("9"),
        "pound-digits": between("£", "9", ""),
        "digits-hour-at-end": between("", "9", " hourz"),
        "digit-dot-digits": between("1.", "1", "x"),
        "digits-commas": between("£", "1,", ""),
        "digits-dots": run("1."),
        "arabic-digits": run("\u0663"),
        "bang": run("!"),
        "dots": run("."),
        "punctuation-mix": run("?!.,;:'\"-()[]{}/\\*&^%$#@~`|<>"),
        "space-dot": run(" ."),
        "brackets-nested": "(" * half + ")" * (length - half),
        "brackets-around-letter": "(" * (half - 1) + "b" + ")" * (length - half),
        # Repeated partial matches of the patterns.
        "a-space": run("a "),
        "the-the-x": between("", "the ", "x"),
        "option-answer-letter": run("option answer letter number "),
        "it-is-its": run("it is its it's "),
        "i-choose-i-pick": run("i choose i pick "),
        "no-dot": run("no. "),
        "first-one-option": run("first one option "),
        "yes-please": run("yes please "),
        "kill": run("kill "),
        "my-my": run("my "),
        "my-long-word": between("my ", "a", ""),
        "took-from": run("took from my "),
        "is-killing": run("is killing "),
        "not-being": run("not being "),
        "nobody-helps": run("nobody helps "),
        "self-harm-dashes": run("self-"),
        "disclosure-at-the-end": between("", "a ", " i want to kill myself"),
        "hours": run("1 hours "),
        "pound-a-week": run("£1 a week "),
        "hours-words": run("three hours a month "),
        "gambling-words": run("bet betting casino "),
        # Characters a person may not see, or that change under normalisation.
        "emoji": run("\U0001f600"),
        "emoji-zwj-family": run("\U0001f468\u200d\U0001f469\u200d\U0001f467"),
        "zero-width": run("\u200b"),
        "word-zero-width": run("k\u200bi\u200bl\u200bl "),
        "combining-accents": run("e\u0301"),
        "stacked-accents": between("a", "\u0301\u0308", ""),
        "rtl-marks": run("\u202ekill me\u202c\u200f"),
        "nul": run("\x00"),
        "nul-between-letters": run("a\x00"),
        "fullwidth": run("\uff4b\uff49\uff4c\uff4c\u3000"),
        "ligature-ffi": run("\ufb03"),
        "ligature-arabic-18x": run("\ufdfa"),  # NFKC makes each one 18 characters
        "roman-numerals": run("\u2177 "),
        "circled-digits": run("\u2460"),
        "private-use": run("\ue000\U0010fffd"),
    }


HOSTILE = hostile_strings()


@dataclass(frozen=True)
class Parser:
    """One way of reading a message; `prepare` runs before each timed call, untimed."""

    read: Callable[[str], object]
    prepare: Callable[[], None] = lambda: None


def domain_parsers() -> dict[str, Parser]:
    """Every pure reading of a person's words."""
    rules = load_rules()
    rate = load_options().hourly_rate
    return {
        "text.clean": Parser(text.clean),
        "text.fold": Parser(text.fold),
        "understanding.tidy": Parser(understanding.tidy),
        "understanding.words": Parser(understanding.words),
        "understanding.read_letter": Parser(understanding.read_letter),
        "understanding.read_position": Parser(understanding.read_position),
        "understanding.read_number": Parser(understanding.read_number),
        "understanding.read_yes_no": Parser(understanding.read_yes_no),
        "understanding.read_label": Parser(lambda said: understanding.read_label(said, LABELS)),
        "understanding.understand": Parser(
            lambda said: understanding.understand(Turn(said), LABELS)
        ),
        "amounts.read_amount": Parser(lambda said: amounts.read_amount(said, rate)),
        "amounts.read_yearly_amount": Parser(lambda said: amounts.read_yearly_amount(said, rate)),
        "safeguarding.normalise": Parser(safeguarding.normalise),
        "safeguarding.find_disclosure": Parser(safeguarding.find_disclosure),
        "safeguarding.harmless_saying": Parser(safeguarding.harmless_saying),
        "safeguarding.has_words": Parser(safeguarding.has_words),
        "plan_rules.refuse": Parser(rules.refuse),
        # MiniLM's word pieces (its forward pass reads at most 256 of them, a fixed cost).
        "sentence_encoder.pieces": Parser(sentence_encoder().pieces),
    }


# Plan stages that read the person's words, and the draft each starts from.
PLAN_STAGES: dict[PlanStage, PlanDraft] = {
    PlanStage.WHAT_MATTERS: PlanDraft(),
    PlanStage.CATEGORY: PlanDraft(),
    PlanStage.ITEM_WORDS: PlanDraft(pending={"category": "personal_care"}),
    PlanStage.ITEM_AMOUNT: PlanDraft(pending={"category": "personal_care"}),
    PlanStage.ITEM_LIVES_WITH: PlanDraft(
        pending={"category": "carer_breaks", "payee_kind": "family_or_friend"}
    ),
    PlanStage.REMOVE_ITEM: FULL_PLAN,
}


def plan_parsers(folder: Path) -> dict[str, Parser]:
    """`Planning.handle` at each stage that reads words, on a real SQLite database in `folder`.

    Before each message (untimed) the plan is put back at the stage and a fresh `Planning` is
    made, as the actions make one per message; the time is `handle`'s: reading the words and
    saving what they say.
    """
    store = open_store(f"sqlite:///{folder / 'plan.db'}")
    case = make_case(store, Casework(store), plan=None, submit=False)
    person = store.people.by_id(case.person_id)
    current: list[Planning] = []

    def at(stage: PlanStage, draft: PlanDraft) -> Parser:
        def prepare() -> None:
            store.plans.save(case.id, draft, stage)
            current[:] = [Planning(store, person)]

        return Parser(read=lambda said: current[0].handle(Turn(said)), prepare=prepare)

    return {f"planning.{stage.value}": at(stage, draft) for stage, draft in PLAN_STAGES.items()}


def best_time(parser: Parser, said: str, runs: int = RUNS) -> float:
    """The quickest of `runs` calls, in seconds of this thread's CPU time (the work one message
    costs; on a shared machine the wall clock also counts time spent waiting for a core, which
    once put the safeguarding list's 36 ms at 54). Each call reads the words afresh, as for a
    new message: the few normalised texts the parsers keep are forgotten first."""
    best = float("inf")
    for _ in range(runs):
        parser.prepare()
        understanding.tidy.cache_clear()
        safeguarding.normalise.cache_clear()
        start = time.thread_time()
        parser.read(said)
        best = min(best, time.thread_time() - start)
    return best


DOMAIN_PARSERS = domain_parsers()
PLAN_PARSER_NAMES = [f"planning.{stage.value}" for stage in PLAN_STAGES]


@pytest.fixture(scope="module")
def plan_parser(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Parser]:
    return plan_parsers(tmp_path_factory.mktemp("linear_time"))


def test_the_hostile_strings_are_all_ten_thousand_characters() -> None:
    assert {name: len(said) for name, said in HOSTILE.items() if len(said) != LENGTH} == {}


@pytest.fixture(scope="module", autouse=True)
def warm() -> Iterator[None]:
    """Load the data files and tables once, so no case pays for that first call."""
    for parser in DOMAIN_PARSERS.values():
        parser.read("warm up \u00e9\u200b 1")
    yield


def quickest(parser: Parser, said: str) -> float:
    """Best of RUNS calls; if that is over the limit (a busy machine), best of RUNS + MORE_RUNS."""
    took = best_time(parser, said)
    return took if took < LIMIT else min(took, best_time(parser, said, MORE_RUNS))


@pytest.mark.parametrize("hostile", HOSTILE)
@pytest.mark.parametrize("parser", DOMAIN_PARSERS)
def test_each_parser_reads_each_hostile_string_quickly(parser: str, hostile: str) -> None:
    took = quickest(DOMAIN_PARSERS[parser], HOSTILE[hostile])
    assert took < LIMIT, f"{parser} took {took * 1000:.0f} ms on {hostile}"


@pytest.mark.parametrize("hostile", HOSTILE)
@pytest.mark.parametrize("stage", PLAN_PARSER_NAMES)
def test_each_plan_stage_handles_each_hostile_string_quickly(
    plan_parser: dict[str, Parser], stage: str, hostile: str
) -> None:
    took = quickest(plan_parser[stage], HOSTILE[hostile])
    assert took < LIMIT, f"{stage} took {took * 1000:.0f} ms on {hostile}"


def test_every_combining_mark_is_in_the_first_two_planes() -> None:
    """`text.fold` drops accents with a table of the first two planes (`_MARKS_END`)."""
    beyond = [c for c in range(0x20000, 0x110000) if unicodedata.combining(chr(c))]
    assert beyond == []


def test_clean_turns_exactly_the_control_characters_into_spaces() -> None:
    controls = {chr(c) for c in range(0x110000) if unicodedata.category(chr(c)) == "Cc"}
    assert set(text.CONTROLS) == controls - {"\n", "\t"}


@pytest.mark.parametrize("said", ["9" * 400, "£" + "9" * 4000 + " a week", "1" * 30 + " hours"])
def test_a_number_too_big_to_be_real_gets_a_plain_reply(
    plan_parser: dict[str, Parser], said: str
) -> None:
    """Once 400 digits overflowed a float to infinity and the person had no reply at all."""
    parser = plan_parser[f"planning.{PlanStage.ITEM_AMOUNT.value}"]
    parser.prepare()
    outcome = parser.read(said)
    assert outcome == Outcome([Say("plan_amount_unclear")])
