"""End to end over Telegram: the real front end (`python -m bot.telegram`, python-telegram-bot)
talks to a loopback fake of the Telegram Bot API (tests/support), and to the real Rasa and
action servers. Telegram itself cannot be reached from here; the fake speaks its wire format.

A person taps buttons, types, and sends voice notes made with the offline speech engine; the
voice notes the bot sends back must be OGG/Opus that decodes; the budget must be right.
"""

from __future__ import annotations

import io
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import soundfile
from sqlalchemy import select

from bot.launcher.servers import Servers
from ras_core.casework import Casework
from ras_core.domain.money import format_money
from ras_core.domain.questionnaire import load_questionnaire
from ras_core.domain.scheme import load_scheme
from ras_core.domain.scoring import score
from ras_core.store import open_store
from ras_core.store.schema import answers, assessments, people
from tests.e2e.conftest import REPO, free_port
from tests.support.fake_bot_api import FakeBotAPI
from tests.support.telegram_front_end import (
    SLOW,
    TOKEN,
    FrontEnd,
    assert_stopped_cleanly,
    front_end_env,
    running_front_end,
    tap,
)
from tests.support.voice import spoken

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def api() -> Iterator[FakeBotAPI]:
    with FakeBotAPI(token=TOKEN) as running:
        yield running


@pytest.fixture(scope="module")
def polling_bot(
    api: FakeBotAPI, servers: Servers, database: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[FrontEnd]:
    folder = tmp_path_factory.mktemp("telegram")
    with running_front_end(api, servers, database, folder) as front_end:
        yield front_end
    assert_stopped_cleanly(front_end)


def decodes_as_opus(note: bytes) -> float:
    """Seconds of audio in an OGG/Opus voice note; fails if it is anything else."""
    assert note[:4] == b"OggS" and b"OpusHead" in note[:100]
    data, rate = soundfile.read(io.BytesIO(note))
    assert rate in (8000, 12000, 16000, 24000, 48000) and len(data) > 0
    return float(len(data) / rate)


def test_whole_assessment_by_buttons_typing_and_voice(
    api: FakeBotAPI, polling_bot: FrontEnd, database: str
) -> None:
    areas = load_questionnaire().areas
    sam = api.new_user("Sam")

    sam.send_command("/start")
    ask = sam.wait_for_text("read my messages out loud", SLOW)
    # The question about voice is itself spoken, for someone who cannot read it.
    sam.wait_until(lambda ms: [m for m in ms if m.kind == "voice"] or None, SLOW)
    tap(sam, ask, "Yes")
    sam.wait_for_text("I will read my messages out loud", SLOW)
    consent = sam.wait_for_text("Do you want to go on?", SLOW)
    # With voice on, each reply also comes as a voice note that decodes as OGG/Opus.
    voice = sam.wait_until(lambda ms: [m for m in ms if m.kind == "voice"][-1:] or None, SLOW)[0]
    assert voice.voice is not None and decodes_as_opus(voice.voice) > 1.0

    # A double tap: both taps reach Telegram before the bot has removed the keyboard (holding
    # the fake's lock makes that certain). The second is answered ("earlier message") and
    # changes nothing.
    with api._lock:
        tap(sam, consent, "Yes")
        second = sam.tap(consent, "Yes, go on")
    who = sam.wait_for_text("Who are the questions about?", SLOW)

    def second_answer(_messages: object) -> str | None:
        record = next(q for q in api.callback_queries if q.id == second)
        return (record.answer_text or "") if record.answered else None

    assert "earlier message" in sam.wait_until(second_answer, SLOW)
    assert consent.keyboard_removed and "You chose: Yes, go on" in (consent.text or "")
    assert sum("Who are the questions about?" in m.content for m in sam.messages) == 1

    tap(sam, who, "Me")
    q1 = sam.wait_for_text("Question 1 of 11", SLOW)
    tap(sam, q1, "B:")  # 1: a button
    sam.wait_for_text("Question 2 of 11", SLOW)
    sam.send_text("a")  # 2: a letter, typed
    sam.wait_for_text("Question 3 of 11", SLOW)

    sam.send_voice(spoken("the third one"), duration=2)  # 3: a voice note
    heard = sam.wait_for_text("I heard:", SLOW)
    assert "third" in (heard.text or "") and (heard.text or "").endswith("Is that right?")
    tap(sam, heard, "Yes")
    sam.wait_for_text("Question 4 of 11", SLOW)

    sam.send_text("I can't go out on my own at all, I need someone with me")  # 4: own words
    check = sam.wait_for_text("It sounds like A:", SLOW)
    tap(sam, check, "Yes")
    sam.wait_for_text("Question 5 of 11", SLOW)

    # Things that are not words get a plain answer, and nothing is lost.
    sam.send_photo()
    sam.wait_for_text("I can only read words and listen to voice notes", SLOW)
    sam.edit_last_text("I need lots of help")
    sam.wait_for_text("not changed ones", SLOW)

    sam.send_command("/voice")  # voice off for the rest
    sam.wait_for_text("I will just send text", SLOW)
    sam.send_text("not sure")  # 5
    sam.wait_for_text("Question 6 of 11", SLOW)
    for number, letter in zip(range(7, 12), "CCBAD", strict=True):  # 6 to 10
        sam.send_text(letter)
        sam.wait_for_text(f"Question {number} of 11", SLOW)
    sam.send_text("C")  # 11
    review = sam.wait_for_text("Here is what you told me", SLOW)
    if not review.buttons:
        review = sam.wait_until(lambda ms: [m for m in ms if m.buttons][-1:] or None, SLOW)[0]
    tap(sam, review, "Yes")

    letters = ["B", "A", "C", "A", None, "C", "C", "B", "A", "D", "C"]
    chosen = dict(zip([a.id for a in areas], letters, strict=True))
    expected = score(load_scheme(), chosen)
    budget = sam.wait_for_text(f"about {format_money(expected.yearly)} a year", SLOW)
    assert f"about {format_money(expected.weekly)} a week" in (budget.text or "")

    store = open_store(database)
    with store.engine.connect() as conn:
        person = conn.execute(select(people).where(people.c.channel_user_id == str(sam.id))).one()
        assessment = conn.execute(
            select(assessments).where(assessments.c.person_id == person.id)
        ).one()
        rows = {
            row.area_id: row
            for row in conn.execute(select(answers).where(answers.c.assessment_id == assessment.id))
        }
    assert person.channel == "telegram" and assessment.status == "complete"
    assert {area: row.letter for area, row in rows.items()} == chosen
    assert rows[areas[2].id].how == "voice" and "third" in rows[areas[2].id].own_words
    assert person.reads_aloud is False  # turned off with /voice, and remembered

    # Telegram's rules: every button press answered, no message too long, nothing unknown called.
    assert api.unanswered_callback_queries() == []
    assert all(len(m.content) <= 4096 for m in sam.messages)
    assert api.unknown_methods == []
    assert set(sam.chat_actions) >= {"typing", "record_voice"}


def test_a_coordinators_reply_reaches_the_person_without_them_writing(
    api: FakeBotAPI, polling_bot: FrontEnd, database: str
) -> None:
    pat = api.new_user("Pat")
    pat.send_text("hello")
    tap(pat, pat.wait_for_text("read my messages out loud", SLOW), "No")
    pat.wait_for_text("Do you want to go on?", SLOW)

    # A plan Pat sent earlier; a coordinator asks for a change in the dashboard.
    store = open_store(database)
    work = Casework(store)
    person = store.people.person("telegram", str(pat.id))
    case = work.open_case(person.id, None)
    work.submit(case.id, person)
    intake = store.accounts.intake_team().name
    coordinator = store.accounts.add_coordinator(
        f"duty{pat.id}", "Duty coordinator", intake, "a long enough password"
    )
    work.claim(case.id, coordinator)
    work.request_changes(case.id, coordinator, "Please add who helps at night.")

    news = pat.wait_for_text("News about your plan", SLOW)
    assert f"News about your plan {case.reference}." in (news.text or "")
    assert "Please add who helps at night." in (news.text or "")
    assert news.button_texts == ["Change my plan", "Talk to a person"]
    assert store.outbox.undelivered(person.id) == []
    # The questions carry on where they were: the consent question is asked again.
    assert "Do you want to go on?" in (pat.wait_for_text("Do you want to go on?", SLOW).text or "")


def test_webhook_mode_refuses_updates_without_the_secret(
    servers: Servers, database: str, tmp_path: Path
) -> None:
    secret = "e2e-webhook-secret"
    port = free_port()
    hook_url = f"http://127.0.0.1:{port}/telegram"
    # Its own user ids: the database is shared with the other Telegram tests.
    with (
        FakeBotAPI(token=TOKEN, first_user_id=6_000_001) as api,
        running_front_end(
            api,
            servers,
            database,
            tmp_path,
            TELEGRAM_WEBHOOK_URL=hook_url,
            TELEGRAM_WEBHOOK_SECRET=secret,
            TELEGRAM_WEBHOOK_PORT=str(port),
        ) as front_end,
    ):
        assert api.webhook is not None
        assert (api.webhook.url, api.webhook.secret_token) == (hook_url, secret)
        alex = api.new_user("Alex")
        forged = alex.text_update("hello")
        assert api.post_update(hook_url, forged) == 403  # no secret
        assert api.post_update(hook_url, forged, secret_token="guess") == 403
        assert alex.messages == []  # nothing reached the conversation

        alex.send_command("/start")  # Telegram delivers it with the secret
        alex.wait_for_text("read my messages out loud", SLOW)
        assert all(d.status == 200 for d in api.webhook_deliveries)
    assert "Traceback" not in front_end.log, front_end.log


def run_bot_with_token(env: dict[str, str], token: str) -> subprocess.CompletedProcess[str]:
    """Start the front end as `make run` would, with this token; it should stop by itself."""
    return subprocess.run(
        [sys.executable, "-m", "bot.telegram"],
        cwd=REPO,
        env={**env, "TELEGRAM_BOT_TOKEN": token},
        capture_output=True,
        text=True,
        timeout=SLOW,
    )


def test_a_refused_or_missing_token_is_a_plain_message(
    servers: Servers, database: str, tmp_path: Path
) -> None:
    with FakeBotAPI(token=TOKEN) as api:
        env = front_end_env(api, servers, database, tmp_path)
        wrong = run_bot_with_token(env, "7000001:not-the-right-one")
    assert wrong.returncode == 2
    assert "Telegram refused TELEGRAM_BOT_TOKEN" in wrong.stderr
    assert "Traceback" not in wrong.stderr

    missing = run_bot_with_token(env, "")
    assert missing.returncode == 2
    assert "TELEGRAM_BOT_TOKEN is not set" in missing.stderr
