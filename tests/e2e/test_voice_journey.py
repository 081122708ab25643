"""End to end over Telegram, by voice: the real front end against the fake Bot API and the
real Rasa and action servers, with voice notes from a voice that is not the bot's own
(espeak-ng's British English, one of the held-out voices of tests/support/voice_testset.py).

- A whole questionnaire answered only by voice notes, every "Is that right?" answered by
  voice too, reaches the right budget; a wrong hearing is only ever said no to.
- Notes too long or too big get a plain message and are never downloaded or decoded.
- A slow note holds up no one else, and the messages of its own chat keep their order.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import numpy as np
import pytest
from sqlalchemy import select

from accessibility.voice import Audio, encode_ogg_opus
from bot.launcher.servers import Servers
from bot.telegram import limits
from ras_core.domain.money import format_money
from ras_core.domain.questionnaire import load_questionnaire
from ras_core.domain.scheme import load_scheme
from ras_core.domain.scoring import score
from ras_core.store import open_store
from ras_core.store.schema import answers, assessments, people
from tests.support.telegram_front_end import (
    SLOW,
    TOKEN,
    FrontEnd,
    assert_stopped_cleanly,
    running_front_end,
)
from tests.support.voice_person import (
    SlowFilesBotAPI,
    VoiceOnlyPerson,
    note,
    send_voice_claiming,
)
from tests.support.voice_testset import VOICES, available, question_short_list, speak

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not available(), reason="needs the Debian package espeak-ng"),
]
VOICE = next(v for v in VOICES if v.name == "gb")  # held out: nothing was tuned on it
POSITIONS = {"A": "the first one", "B": "the second one", "C": "the third one", "D": "the last one"}


@pytest.fixture(scope="module")
def api() -> Iterator[SlowFilesBotAPI]:
    # Its own user ids: the database is shared with the other Telegram tests.
    running = SlowFilesBotAPI(token=TOKEN, first_user_id=7_100_001)
    with running:
        yield running


@pytest.fixture(scope="module")
def voice_bot(
    api: SlowFilesBotAPI,
    servers: Servers,
    database: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[FrontEnd]:
    folder = tmp_path_factory.mktemp("telegram-voice")
    with running_front_end(api, servers, database, folder) as front_end:
        yield front_end
    assert_stopped_cleanly(front_end)


def ways_to_say(letter: str | None, label: str) -> list[str]:
    if letter is None:
        return ["not sure", "i don't know"]
    return [POSITIONS[letter], f"letter {letter.lower()}", label.lower(), letter.lower()]


def test_a_whole_questionnaire_answered_only_by_voice(
    api: SlowFilesBotAPI, voice_bot: FrontEnd, database: str
) -> None:
    areas = load_questionnaire().areas
    robin = VoiceOnlyPerson(api.new_user("Robin"), VOICE, timeout=SLOW)
    user = robin.user
    user.send_command("/start")  # Telegram's Start button opens every chat with a bot
    user.wait_for_text("read my messages out loud", SLOW)
    robin.answer(["yes", "yes please", "yeah"])  # yes: read the messages out loud
    user.wait_for_text("Do you want to go on?", SLOW)
    robin.answer(["yes", "yes please", "yeah"])
    user.wait_for_text("Who are the questions about?", SLOW)
    robin.answer(["me", "myself", "just me", "for me"])
    user.wait_for_text(f"Question 1 of {len(areas)}", SLOW)

    letters = ["B", "A", "C", "A", None, "C", "C", "B", "A", "D", "C"]
    for number, (area, letter) in enumerate(zip(areas, letters, strict=True), start=1):
        label = next((s.label for s in area.statements if s.letter == letter), "")
        robin.answer(ways_to_say(letter, label), question_short_list(area))
        if number < len(areas):
            user.wait_for_text(f"Question {number + 1} of {len(areas)}", SLOW)
    user.wait_for_text("Here is what you told me", SLOW)
    robin.answer(["yes", "yes please", "yeah"])

    chosen = dict(zip([a.id for a in areas], letters, strict=True))
    expected = score(load_scheme(), chosen)
    budget = user.wait_for_text(f"about {format_money(expected.yearly)} a year", SLOW)
    assert f"about {format_money(expected.weekly)} a week" in (budget.text or "")

    store = open_store(database)
    with store.engine.connect() as conn:
        person = conn.execute(select(people).where(people.c.channel_user_id == str(user.id))).one()
        assessment = conn.execute(
            select(assessments).where(assessments.c.person_id == person.id)
        ).one()
        rows = list(conn.execute(select(answers).where(answers.c.assessment_id == assessment.id)))
    assert assessment.status == "complete"
    assert {row.area_id: row.letter for row in rows} == chosen
    assert {row.how for row in rows} == {"voice"}
    assert person.reads_aloud is True  # chosen by voice at the start
    print(f"{robin.notes_sent} voice notes:", *robin.log, sep="\n  ")


def test_notes_too_long_or_too_big_get_a_plain_message_and_are_not_downloaded(
    api: SlowFilesBotAPI, voice_bot: FrontEnd
) -> None:
    kim = api.new_user("Kim")
    before = list(api.downloads)
    send_voice_claiming(kim, b"OggS", duration=limits.MAX_SECONDS + 15, file_size=2_000)
    kim.wait_for_text("too long for me", SLOW)
    send_voice_claiming(kim, b"OggS", duration=20, file_size=limits.MAX_BYTES + 1)
    kim.wait_for_text("too big for me", SLOW)
    assert api.downloads == before  # neither was fetched

    # A note that says it is short but goes on for 70 seconds: only a minute is decoded.
    speech = speak(VOICE, "I need a lot of help with everything every day. " * 3)
    samples = np.resize(speech.samples, 70 * speech.sample_rate)
    long_note = encode_ogg_opus(Audio(samples, speech.sample_rate))
    assert len(long_note) <= limits.MAX_BYTES
    send_voice_claiming(kim, long_note, duration=5, file_size=len(long_note))
    kim.wait_for_text("too long for me", SLOW)


def test_a_slow_note_holds_up_no_one_else_and_its_chat_keeps_its_order(
    api: SlowFilesBotAPI, voice_bot: FrontEnd
) -> None:
    slow, quick = api.new_user("Jo"), api.new_user("Lee")
    delay = 12.0
    data = note(VOICE, "the second one")
    started = time.monotonic()
    send_voice_claiming(slow, data, duration=2, file_size=len(data), slow=delay)
    slow.send_text("hello")  # after the slow note: must be answered after it
    quick.send_command("/start")
    quick.wait_for_text("read my messages out loud", SLOW)
    answered_in = time.monotonic() - started
    assert answered_in < delay, f"another person waited {answered_in:.1f} s for a slow note"
    assert slow.messages == []  # Jo's note is still coming, and "hello" waits behind it

    first = slow.wait_for_messages(1, SLOW + delay)[0]
    about_the_note = ("I heard", "Sorry, I did not catch", "Sorry, I could not hear")
    assert first.content.startswith(about_the_note), first.content
    greeting = slow.wait_for_text("read my messages out loud", SLOW)
    assert first.message_id < greeting.message_id  # Jo's messages answered in order
    assert time.monotonic() - started >= delay
