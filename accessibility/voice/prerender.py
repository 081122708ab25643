"""Make a voice note of every fixed message ahead of time, so people never wait for them.

    python -m accessibility.voice.prerender [--slow] [--catalogue bot/telegram/messages.yml]

Fixed messages: every Rasa domain response without {placeholders}, every questionnaire text
(both wordings), and every text in the catalogues given. Uses SPEECH_ENGINE and
VOICE_CACHE_DIR like the bot does.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Iterable
from pathlib import Path

import yaml

from accessibility.voice.audio import SpeechError
from accessibility.voice.notes import VoiceNotes, voice_notes_for
from ras_core import deployment, settings
from ras_core.domain.questionnaire import WHO
from ras_core.settings import REPO

RESPONSES = REPO / "bot" / "rasa" / "domain" / "responses.yml"


def fixed_texts(catalogues: Iterable[Path] = ()) -> list[str]:
    texts: list[str] = []
    responses = yaml.safe_load(RESPONSES.read_text(encoding="utf-8"))["responses"]
    texts += [v["text"] for variations in responses.values() for v in variations if "text" in v]
    for area in deployment.questionnaire().areas:
        for who in WHO:
            texts += [area.intro(who), area.question(who), area.explain(who)]
            texts += [statement.text(who) for statement in area.statements]
    for catalogue in catalogues:
        data = yaml.safe_load(catalogue.read_text(encoding="utf-8"))
        texts += [str(value) for value in data.values()]
    unique = dict.fromkeys(t.strip() for t in texts if "{" not in t and t.strip())
    return list(unique)


def prerender(notes: VoiceNotes, texts: list[str], slow: bool) -> tuple[int, int, int]:
    """(made, already cached, failed)."""
    made = cached = failed = 0
    for text in texts:
        if notes.cached(text, slow=slow) is not None:
            cached += 1
            continue
        try:
            notes.render(text, slow=slow)
            made += 1
        except SpeechError as error:
            print(f"Could not make a voice note for {text[:40]!r}: {error}")
            failed += 1
    return made, cached, failed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Make voice notes of every fixed message.")
    parser.add_argument("--slow", action="store_true", help="the slower voice")
    parser.add_argument("--catalogue", type=Path, action="append", default=[])
    args = parser.parse_args(argv)
    notes = voice_notes_for(settings.current().speech)
    texts = fixed_texts(args.catalogue)
    started = time.perf_counter()
    made, cached, failed = prerender(notes, texts, args.slow)
    seconds = time.perf_counter() - started
    print(
        f"{len(texts)} fixed messages: {made} made, {cached} already cached, {failed} failed "
        f"({seconds:.1f} s, cache: {notes.cache_dir})"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
