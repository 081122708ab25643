"""People going through the questionnaire over REST, as a person would, whatever goes wrong.

Each person reads what the assistant said and answers it: yes to going on, "its for me", the
letter they mean for question n (`letter_for`), yes to the summary. When a message gets no
answer (the server handling it died: HAProxy answers 502), they cannot know whether it was
taken, so they do what a person would: say hello, and carry on from the question the
assistant names. Sending the same letter again could answer the next question with it.
"""

from __future__ import annotations

import json
import re
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

QUESTION = re.compile(r"Question (\d+) of (\d+)")
MAX_TURNS = 60


def letter_for(person: int, question: int) -> str:
    """The letter person `person` means for question `question` (1-based): A, B, C or D."""
    return "ABCD"[(person + question) % 4]


def post(url: str, token: str, sender: str, text: str) -> tuple[int, list[dict[str, Any]]]:
    """(HTTP status, the assistant's messages); status 0 when nothing answered at all.

    The timeout is long: a person whose message was with a server that died waits for the
    ticket it left in the lock store to run out (60 s, Rasa's lock lifetime).
    """
    body = json.dumps({"sender": sender, "message": text}).encode()
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
    request = urllib.request.Request(url, body, headers)
    try:
        with urllib.request.urlopen(request, timeout=150) as response:
            return int(response.status), json.loads(response.read() or b"[]")
    except urllib.error.HTTPError as error:
        return int(error.code), []
    except OSError:  # no answer at all: refused, reset or timed out
        return 0, []


def words(messages: list[dict[str, Any]]) -> str:
    return "\n".join(str(m.get("text", "")) for m in messages)


def question_in(reply: str) -> int | None:
    found = QUESTION.search(reply)
    return int(found.group(1)) if found else None


def next_message(number: int, reply: str) -> str | None:
    """What person `number` says to this reply; None when they have their budget."""
    if " a year" in reply and " a week" in reply:
        return None
    question = question_in(reply)
    if question is not None:
        return letter_for(number, question)
    if "Here is what you told me" in reply:
        return "yes"
    if "Who are the questions about?" in reply:
        return "its for me"
    if "Do you want to go on?" in reply:
        return "yes"
    raise AssertionError(f"person {number} did not expect: {reply!r}")


@dataclass
class Failure:
    question: int | None  # the question they were answering when the message got no answer
    resumed_at: int | None  # the question the assistant named when they said hello after it
    status: int


@dataclass
class Person:
    url: str
    token: str
    number: int
    sender: str  # as sent; the assistant knows them as rest:<sender>
    sent: list[str] = field(default_factory=list)  # every message that got an answer
    failures: list[Failure] = field(default_factory=list)
    budget: str = ""  # the reply with the budget
    slowest: float = 0.0  # the longest wait for a reply, in seconds

    def say(self, text: str) -> tuple[int, str]:
        started = time.monotonic()
        status, messages = post(self.url, self.token, self.sender, text)
        self.slowest = max(self.slowest, time.monotonic() - started)
        reply = words(messages)
        if status == 200 and reply:
            self.sent.append(text)
        return status, reply

    def go_through(self, after_each: Callable[[], None] = lambda: None) -> None:
        """The whole questionnaire, from hello to the budget."""
        status, reply = self.say("hello")
        question: int | None = None
        for _ in range(MAX_TURNS):
            if status != 200 or not reply:
                reply = self._after_a_failure(question, status)
            message = next_message(self.number, reply)
            if message is None:
                self.budget = reply
                return
            question = question_in(reply)
            status, reply = self.say(message)
            after_each()
        raise AssertionError(f"person {self.number} had no budget after {MAX_TURNS} turns")

    def _after_a_failure(self, question: int | None, status: int) -> str:
        for _ in range(5):
            again, reply = self.say("hello")
            if again == 200 and reply:
                self.failures.append(Failure(question, question_in(reply), status))
                return reply
        raise AssertionError(f"person {self.number} got no answer to hello after a failure")


def everyone_goes_through(
    people: list[Person], after_each: Callable[[], None] = lambda: None
) -> list[BaseException]:
    """All of them at once, one thread each; the errors any of them met."""
    errors: list[BaseException] = []

    def run(person: Person) -> None:
        try:
            person.go_through(after_each)
        except BaseException as error:  # collected for the test to show
            errors.append(error)

    threads = [threading.Thread(target=run, args=(person,)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors
