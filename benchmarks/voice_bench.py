"""How well voice notes are heard from voices the project was not built on.

Every short-list phrase the questions use (letters, positions, button words, yes and no, go
back, not sure, pause, talk to a person...), spoken by espeak-ng's English voices at different
speeds and pitches, clean, with noise at 10 dB SNR, and through a telephone band, each as the
OGG/Opus note Telegram sends (tests/support/voice_testset.py; made once into var/voice-testset/).
Each note is heard as the Telegram front end hears it (tests/support/voice_scoring.py):

  right          the bot offers back the right meaning, for a yes
  wrong          the bot offers back something else (the person says no; nothing is done)
  asked          "Sorry, I did not catch that. You can tap a button, or try again."
  acted wrongly  a note that is not a yes but would be taken as the yes to "Is that right?"
                 (the only way a misheard note can act: every note is checked first)
  best guess     the short list's best phrase was right, sure or not (what the recogniser
                 itself gets right, before the confidence check)

Then answers in a person's own words (voice_testset.OWN_WORDS, on no short list): the share
offered back as words, made into a button (wrong: the person must say no), or asked about.

Recognisers ("--engine"): "moonshine" is what the bot uses (accessibility/voice/listening.py:
Moonshine's likelihood of each short phrase, then its words matched to the short list, with
pocketsphinx's short list search beside it);
"pocketsphinx" is pocketsphinx alone, as before Moonshine (short list, then free dictation);
"both" runs each on the same notes, one after the other.

The thresholds (hearing.py's `Confidence`, listening.py's `Agreement`) were chosen on the
"tune" voices only; the figures that count are the "report" voices', shown first.

    python -m benchmarks.voice_bench [--split report|tune|all] [--quick]
                                     [--engine moonshine|pocketsphinx|both]      (or: make bench)

Needs the Debian package espeak-ng. A first run makes about 1,030 notes (a minute or two). With
Moonshine a note takes about 0.3 s to hear (both recognisers), so the report voices (735
notes) take about four minutes; pocketsphinx alone took about ten minutes when last run.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Iterable

from accessibility.voice import MoonshineTranscriber, PocketsphinxTranscriber, Transcriber
from accessibility.voice.hearing import normalise
from tests.support.voice_scoring import Heard, Tally, by, hear, median_ms, tally
from tests.support.voice_testset import CONDITIONS, VOICES, available, items, own_words_items

TARGETS = {"clean": 0.95, "noise": 0.85, "telephone": 0.85}


def row(name: str, found: Tally) -> str:
    shares = "  ".join(f"{found.share(o) * 100:5.1f}%" for o in ("right", "wrong", "asked"))
    wrongly = f"{found.acted_wrongly_share * 100:5.1f}%"
    best = f"{found.best_right / found.notes * 100 if found.notes else 0:5.1f}%"
    return f"  {name:<18} {found.notes:5d}  {shares}  {wrongly:>13}  {best:>10}"


def report(title: str, results: list[Heard]) -> None:
    print(f"\n{title}")
    print(f"  {'':<18} notes   right   wrong   asked  acted wrongly  best guess")
    for name, found in by(results, "voice").items():
        print(row(name, found))
    conditions = by(results, "condition")
    for condition in CONDITIONS:
        if condition in conditions:
            target = f"   (target: right {TARGETS[condition] * 100:.0f}%)"
            print(row(condition, conditions[condition]) + target)
    print(row("all", tally(results)))


def chosen(split: str, quick: bool) -> Iterable[str]:
    names = [v.name for v in VOICES if split in ("all", v.split)]
    return names[:1] if quick else names


ENGINES = {
    "moonshine": ("Moonshine with pocketsphinx's short list", MoonshineTranscriber),
    "pocketsphinx": ("pocketsphinx alone", PocketsphinxTranscriber),
}


def transcriber(engine: str) -> Transcriber:
    return (
        MoonshineTranscriber(workers=1)
        if engine == "moonshine"
        else PocketsphinxTranscriber(workers=1)
    )


def own_words(split: str, quick: bool, hears: Transcriber) -> None:
    """Answers in the person's own words: offered back as words, made into a button, or asked."""
    names = set(chosen(split, quick))
    found: dict[str, Counter[str]] = {}
    for heard in hear(own_words_items(tuple(v for v in VOICES if v.name in names)), hears):
        buttons = {normalise(p) for p in heard.item.expected}
        kind = "asked" if not heard.text else "a button" if heard.text in buttons else "own words"
        for key in (heard.item.condition, "all"):
            found.setdefault(key, Counter())[kind] += 1
    print(f"\nAnswers in their own words, {split} voices (no short list holds them)")
    print(f"  {'':<18} notes  own words  a button   asked")
    for key in [*CONDITIONS, "all"]:
        counts = found.get(key)
        if not counts:
            continue
        shares = [
            counts[k] / sum(counts.values()) * 100 for k in ("own words", "a button", "asked")
        ]
        print(f"  {key:<18} {sum(counts.values()):5d}  " + "  ".join(f"{x:8.1f}%" for x in shares))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("report", "tune", "all"), default="all")
    parser.add_argument(
        "--engine", choices=("moonshine", "pocketsphinx", "both"), default="moonshine"
    )
    parser.add_argument("--quick", action="store_true", help="one voice only")
    options = parser.parse_args()
    if not available():
        print("Voice bench skipped: install the Debian package espeak-ng", file=sys.stderr)
        return 0
    splits = ["report", "tune"] if options.split == "all" else [options.split]
    engines = list(ENGINES) if options.engine == "both" else [options.engine]
    print("Voice notes heard offline (voices are espeak-ng's, not the bot's):")
    for engine in engines:
        hears = transcriber(engine)
        for split in splits:
            names = set(chosen(split, options.quick))
            results = hear(items(tuple(v for v in VOICES if v.name in names)), hears)
            kind = "held out: nothing was tuned on these" if split == "report" else "tuned on"
            report(f"{ENGINES[engine][0]}: {split} voices ({kind})", results)
            print(f"  median time to hear a note: {median_ms(results):.0f} ms")
            own_words(split, options.quick, hears)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
