"""Hostile input over REST, against the real Rasa and action servers.

Two people are mid-questionnaire. One of them sends every message in tests/support/hostile.py;
each must get a plain reply, quickly, with no sign of a failure. Then requests that break the
protocol: no token, forged senders, bodies that are not JSON or far too big, the Rasa HTTP API
without its token. Afterwards the other person carries on at the same question with every
answer intact, and the hostile sender's earlier answers are intact too.
"""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from bot.launcher.servers import Servers
from ras_core.domain.questionnaire import load_questionnaire
from ras_core.store import Store, open_store
from tests.support.hostile import TEXTS
from tests.support.rest import Person, post

pytestmark = pytest.mark.e2e

FAILURE_SIGNS = ("Traceback", "Exception", "Error:", "None", "{{", "{name}", "null")
QUICK = 10.0  # seconds: a reply slower than this means one message stalled the service


def at_question(servers: Servers, sender: str, answers: list[str]) -> Person:
    person = Person(servers, sender)
    assert "Do you want to go on?" in person.says("hello")
    person.taps("Yes")
    reply = person.taps("Me")
    for number, letter in enumerate(answers, start=1):
        assert f"Question {number} of 11" in reply
        reply = person.taps(f"{letter}:")
    return person


@pytest.fixture(scope="module")
def store(database: str) -> Store:
    return open_store(database)


@pytest.fixture(scope="module")
def bystander(servers: Servers) -> Person:
    """Mid-questionnaire before the suite, and never sends anything hostile."""
    return at_question(servers, "rest:hostile-bystander", ["B", "A"])


@pytest.fixture(scope="module")
def hostile(servers: Servers, bystander: Person) -> Person:
    return at_question(servers, "rest:hostile-sender", ["C"])


def texts_said(answer: Any) -> list[str]:
    assert isinstance(answer, list), answer
    return [str(message.get("text") or "") for message in answer]


@pytest.mark.parametrize("name", list(TEXTS))
def test_a_hostile_message_gets_a_plain_reply(servers: Servers, hostile: Person, name: str) -> None:
    body = json.dumps({"sender": "hostile-sender", "message": TEXTS[name]}).encode()
    started = time.monotonic()
    status, answer = post(servers.rest_url, body, servers.settings.secrets.rest_token)
    took = time.monotonic() - started
    said = texts_said(answer)
    assert status == 200
    assert any(text.strip() for text in said), f"no words in {answer}"
    assert not [sign for sign in FAILURE_SIGNS if any(sign in text for text in said)], said
    assert took < QUICK
    if name == "Jinja":
        assert not any("49" in text for text in said)


def rest(servers: Servers, body: bytes, token: str | None = "", **kw: str) -> tuple[int, Any]:
    real = servers.settings.secrets.rest_token
    return post(servers.rest_url, body, real if token == "" else token, **kw)


def as_json(value: Any) -> bytes:
    return json.dumps(value).encode()


GOOD = {"sender": "hostile-protocol", "message": "hello"}
REFUSED_BODIES: dict[str, bytes] = {
    "not JSON": b"hello there",
    "half JSON": b'{"sender": "x", "message": ',
    "JSON array": as_json([GOOD]),
    "JSON string": as_json("hello"),
    "JSON number": as_json(5),
    "JSON null": b"null",
    "empty body": b"",
    "invalid UTF-8": b'{"sender": "x", "message": "\xff\xfe"}',
    "no sender": as_json({"message": "hello"}),
    "empty sender": as_json({"sender": "", "message": "hello"}),
    "sender true": as_json({"sender": True, "message": "hello"}),
    "sender list": as_json({"sender": ["a"], "message": "hello"}),
    "sender object": as_json({"sender": {"id": 1}, "message": "hello"}),
    "sender too long": as_json({"sender": "s" * 129, "message": "hello"}),
    "sender with a space": as_json({"sender": "a b", "message": "hello"}),
    "sender with a newline": as_json({"sender": "a\nb", "message": "hello"}),
    "sender with a slash": as_json({"sender": "../tracker", "message": "hello"}),
    "sender with NUL": as_json({"sender": "a\x00", "message": "hello"}),
    "sender not ASCII": as_json({"sender": "sæm", "message": "hello"}),
    "message a number": as_json({"sender": "x", "message": 5}),
    "message a list": as_json({"sender": "x", "message": ["hello"]}),
    "message an object": as_json({"sender": "x", "message": {"text": "hello"}}),
    "message true": as_json({"sender": "x", "message": True}),
}


@pytest.mark.parametrize("name", list(REFUSED_BODIES))
def test_a_malformed_body_is_refused_plainly(servers: Servers, name: str) -> None:
    status, answer = rest(servers, REFUSED_BODIES[name])
    assert status == 400
    assert isinstance(answer, dict) and answer["error"]


AUTHORISATIONS: dict[str, str | None] = {
    "no token": None,
    "wrong token": "not-the-token-at-all-0123456789",
    "empty bearer": "",
    "the front end's secret": "frontend",
}


@pytest.mark.parametrize("name", list(AUTHORISATIONS))
def test_the_rest_webhook_needs_its_token(servers: Servers, name: str) -> None:
    token = AUTHORISATIONS[name]
    if token == "frontend":
        token = servers.settings.secrets.frontend_secret
    status, _ = post(servers.rest_url, as_json(GOOD), token if token != "" else " ")
    assert status == 401


@pytest.mark.parametrize(
    "token",
    [None, "wrong", "rest"],
    ids=["no secret", "wrong secret", "the REST token"],
)
def test_the_front_end_channel_needs_its_secret(servers: Servers, token: str | None) -> None:
    if token == "rest":
        token = servers.settings.secrets.rest_token
    body = as_json({"user": "777", "message": "hello"})
    assert post(servers.frontend_url, body, token)[0] == 401


ACCEPTED_ODDITIES: dict[str, dict[str, Any]] = {
    "a numeric sender": {"sender": 12345, "message": "hello"},
    "message null": {"sender": "x-null", "message": None},
    "no message": {"sender": "x-none"},
    "an input channel claimed": {"sender": "x-ch", "message": "hello", "input_channel": "telegram"},
    "spoken claimed": {"sender": "x-sp", "message": "hello", "metadata": {"spoken": True}},
    "extra fields": {"sender": "x-ex", "message": "hello", "admin": True, "role": "coordinator"},
}


@pytest.mark.parametrize("name", list(ACCEPTED_ODDITIES))
def test_an_odd_but_harmless_body_gets_a_plain_reply(servers: Servers, name: str) -> None:
    status, answer = rest(servers, as_json(ACCEPTED_ODDITIES[name]))
    assert status == 200 and any(text.strip() for text in texts_said(answer))


def test_a_body_over_the_limit_is_refused(servers: Servers) -> None:
    huge = as_json({"sender": "x-big", "message": "a" * 200_000})
    assert rest(servers, huge)[0] == 413


RASA_API = [
    ("GET", "/conversations/rest:hostile-bystander/tracker"),
    ("POST", "/conversations/rest:hostile-bystander/tracker/events"),
    ("POST", "/conversations/rest:hostile-bystander/trigger_intent"),
    ("POST", "/conversations/rest:hostile-bystander/messages"),
    ("PUT", "/conversations/rest:hostile-bystander/tracker/events"),
    ("POST", "/model/parse"),
    ("PUT", "/model"),
    ("DELETE", "/model"),
    ("GET", "/status"),
    ("GET", "/domain"),
]


@pytest.mark.parametrize(("method", "path"), RASA_API, ids=[f"{m} {p}" for m, p in RASA_API])
@pytest.mark.parametrize("token", [None, "wrong-token-0123456789abcdef"], ids=["none", "wrong"])
def test_the_rasa_api_needs_its_token(
    servers: Servers, method: str, path: str, token: str | None
) -> None:
    import urllib.error
    import urllib.request

    url = f"{servers.rasa_url}{path}" + (f"?token={token}" if token else "")
    body = as_json({"event": "slot", "name": "journey", "value": "x"}) if method != "GET" else None
    request = urllib.request.Request(url, body, {"Content-Type": "application/json"}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            status = int(response.status)
    except urllib.error.HTTPError as error:
        status = int(error.code)
    assert status in (401, 403)


def test_a_forged_telegram_sender_is_a_different_person(servers: Servers, store: Store) -> None:
    """`{"sender": "telegram:<id>"}` over REST is the REST person "telegram:<id>"."""
    telegram = store.people.person("telegram", "880001")
    store.people.set_voice_preferences(telegram.id, reads_aloud=True)
    reply = Person(servers, "rest:telegram:880001").says("hello")
    assert "Do you want to go on?" in reply
    forged = store.people.person("rest", "telegram:880001")
    assert forged.id != telegram.id
    assert store.people.voice_preferences(forged.id).reads_aloud is not True


def test_after_the_suite_nobody_has_lost_anything(
    servers: Servers, bystander: Person, hostile: Person, store: Store
) -> None:
    """Runs last in this file: the bystander carries on at question 3 with both answers."""
    reply = bystander.says("hello")
    assert "Question 3 of 11" in reply
    first_two = [area.id for area in load_questionnaire().areas[:2]]
    assert letters(store, "hostile-bystander", first_two) == ["B", "A"]
    assert letters(store, "hostile-sender", first_two[:1]) == ["C"]


def letters(store: Store, rest_id: str, area_ids: list[str]) -> list[str | None]:
    """The letters a REST person chose for these areas, in their latest assessment."""
    assessment = store.assessments.latest(store.people.person("rest", rest_id).id)
    assert assessment is not None
    saved = store.assessments.answers(assessment.id)
    return [saved[area].letter if area in saved else None for area in area_ids]
