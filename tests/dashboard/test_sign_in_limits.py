"""Guessing passwords: every guess counts, too many get 429, and no answer tells names apart.

The server runs in this process, so the password hasher is swapped for one that counts its
checks (and can hold them): that Argon2 ran, how often and how many at once is seen by
behaviour, not by the clock.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from argon2 import PasswordHasher, extract_parameters

from dashboard.throttle import SignInThrottle
from ras_core.settings import DashboardSecurity
from ras_core.store import accounts as accounts_module
from ras_core.store.accounts import MAX_FAILED_SIGN_INS, PASSWORD_CHECKS_AT_ONCE
from ras_core.store.engine import now
from tests.dashboard.reading import page_text
from tests.support.dashboard_server import PASSWORD, DashboardServer, post_sign_in, serve

WRONG = "not the right password"
FAILED = "The user name or password is not right. Please try again."
TOO_MANY = "There have been too many tries to sign in. Please wait a minute, then try again."


class CountingHasher(PasswordHasher):
    """Argon2 as it is, counting each check, the most at once, and the hashes checked against.

    While `gate` is not set, each check waits for it (to hold the turns to check)."""

    def __init__(self) -> None:
        super().__init__()
        self.lock = threading.Lock()
        self.checks = 0
        self.active = 0
        self.most_at_once = 0
        self.checked_against: list[str] = []
        self.gate = threading.Event()
        self.gate.set()

    def verify(self, hash: str | bytes, password: str | bytes) -> bool:  # type: ignore[override]
        with self.lock:
            self.checks += 1
            self.active += 1
            self.most_at_once = max(self.most_at_once, self.active)
            self.checked_against.append(hash if isinstance(hash, str) else hash.decode())
        try:
            self.gate.wait(timeout=10)
            return super().verify(hash, password)
        finally:
            with self.lock:
                self.active -= 1


@pytest.fixture()
def hasher(monkeypatch: pytest.MonkeyPatch) -> CountingHasher:
    counting = CountingHasher()
    monkeypatch.setattr(accounts_module, "_hasher", counting)
    return counting


def attempt(server: DashboardServer, username: str, password: str) -> httpx.Response:
    """One try at the sign-in form, from a new browser."""
    with server.client() as client:
        return post_sign_in(client, username, password)


def the_page(html: str) -> str:
    """The page without what differs by design: the form's random token and the name typed."""
    html = re.sub(r'name="sign_in_token" value="[^"]*"', 'name="sign_in_token" value=""', html)
    return re.sub(r'(id="username"[^>]*value=")[^"]*"', r'\1"', html)


def test_twenty_wrong_passwords_at_once_all_count_and_lock_the_account(
    server: DashboardServer, hasher: CountingHasher
) -> None:
    target = server.add_coordinator()
    clients = [server.client() for _ in range(20)]
    tokens = [re.findall(r'name="sign_in_token" value="([^"]*)"', c.get("/sign-in").text)[0]
              for c in clients]  # fmt: skip
    start = threading.Barrier(len(clients))

    def guess(number: int) -> httpx.Response:
        form = {"username": target.username, "password": WRONG, "sign_in_token": tokens[number]}
        start.wait()
        return clients[number].post("/sign-in", data=form)

    with ThreadPoolExecutor(len(clients)) as pool:
        responses = list(pool.map(guess, range(len(clients))))
    for client in clients:
        client.close()

    assert [r.status_code for r in responses] == [401] * 20
    standing = server.store.accounts.standing(target.username)
    assert standing.failed_sign_ins == 20
    assert standing.locked_until is not None and standing.locked_until > now()
    failed = [e for e in server.store.audit.entries()
              if (e.actor, e.action) == (target.username, "sign_in_failed")]  # fmt: skip
    assert len(failed) == 20 and {e.detail for e in failed} <= {"wrong_password", "locked"}
    assert hasher.checks == 20 and 1 <= hasher.most_at_once <= PASSWORD_CHECKS_AT_ONCE
    # Locked now: the right password is refused too.
    assert attempt(server, target.username, PASSWORD).status_code == 401


def test_five_wrong_passwords_lock_and_the_right_one_then_opens_nothing(
    server: DashboardServer,
) -> None:
    target = server.add_coordinator()
    for _ in range(MAX_FAILED_SIGN_INS):
        assert attempt(server, target.username, WRONG).status_code == 401
    standing = server.store.accounts.standing(target.username)
    assert standing.failed_sign_ins == 5 and standing.locked_until is not None
    refused = attempt(server, target.username, PASSWORD)
    assert refused.status_code == 401 and FAILED in page_text(refused.text)
    assert "dashboard_session" not in refused.cookies
    details = [(e.action, e.detail) for e in server.store.audit.entries()
               if e.actor == target.username]  # fmt: skip
    assert details[-3:] == [
        ("sign_in_failed", "wrong_password"),
        ("sign_in_failed", "locked"),  # the fifth locks it
        ("sign_in_refused", "account_locked"),
    ]


def test_no_account_a_wrong_password_and_a_locked_or_disabled_account_look_the_same(
    server: DashboardServer, hasher: CountingHasher
) -> None:
    """The same status, the same page and one Argon2 check like any other, for every failure."""
    wrong, locked, disabled = (server.add_coordinator() for _ in range(3))
    for _ in range(MAX_FAILED_SIGN_INS):
        attempt(server, locked.username, WRONG)
    server.store.accounts.set_disabled(disabled.username, True)
    real_hash_checks = len(hasher.checked_against)

    before = hasher.checks
    tries = {
        "no such account": attempt(server, "nobody-called-this", PASSWORD),
        "wrong password": attempt(server, wrong.username, WRONG),
        "locked, right password": attempt(server, locked.username, PASSWORD),
        "locked, wrong password": attempt(server, locked.username, WRONG),
        "disabled, right password": attempt(server, disabled.username, PASSWORD),
    }
    assert hasher.checks - before == len(tries)  # one check each, even for no account
    assert {name: r.status_code for name, r in tries.items()} == dict.fromkeys(tries, 401)
    pages = {the_page(r.text) for r in tries.values()}
    assert len(pages) == 1
    shown = page_text(pages.pop())
    assert FAILED in shown and "locked because" not in shown and "disabled" not in shown
    # The made-up hash for "no such account" costs what a real one does: the same parameters.
    real = extract_parameters(hasher.checked_against[real_hash_checks - 1])
    checked = [extract_parameters(h) for h in hasher.checked_against[real_hash_checks:]]
    assert checked == [real] * len(tries)
    unknown = [e for e in server.store.audit.entries() if e.detail == "no_such_account"]
    assert unknown and unknown[-1].actor == "unknown account"  # what was typed is not kept


def test_too_many_tries_from_one_address_get_429_before_any_password_is_checked(
    server: DashboardServer, hasher: CountingHasher, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The limit comes from the settings (DASHBOARD_SIGN_INS_PER_ADDRESS)."""
    monkeypatch.setenv("DASHBOARD_INSECURE_HTTP", "1")
    monkeypatch.delenv("DASHBOARD_SECURE_COOKIES", raising=False)
    monkeypatch.setenv("DASHBOARD_SIGN_INS_PER_ADDRESS", "3")
    target = server.add_coordinator()
    with serve(server.store, security=None) as url, httpx.Client(base_url=url) as client:
        tried = [post_sign_in(client, target.username, WRONG) for _ in range(3)]
        checks = hasher.checks
        refused = post_sign_in(client, target.username, PASSWORD)  # right, but one too many
        assert "dashboard_session" not in client.cookies
    assert [r.status_code for r in tried] == [401, 401, 401]
    assert refused.status_code == 429 and refused.headers["retry-after"] == "60"
    assert TOO_MANY in page_text(refused.text)
    assert hasher.checks == checks  # no Argon2 for a try turned away
    assert server.store.accounts.standing(target.username).failed_sign_ins == 3


def test_too_many_tries_in_all_get_429_too(server: DashboardServer, hasher: CountingHasher) -> None:
    target = server.add_coordinator()
    limits = DashboardSecurity(insecure_http=True, sign_ins_per_address=100, sign_ins_overall=2)
    with serve(server.store, limits) as url:

        def sign_in() -> httpx.Response:
            with httpx.Client(base_url=url) as client:  # a new browser each time
                return post_sign_in(client, target.username, PASSWORD)

        codes = [sign_in().status_code for _ in range(2)]
        checks = hasher.checks
        refused = sign_in()
    assert codes == [303, 303] and refused.status_code == 429
    assert hasher.checks == checks


@pytest.fixture()
def held(hasher: CountingHasher) -> Iterator[CountingHasher]:
    """Every check waits until the test lets it go (at the end at the latest)."""
    hasher.gate.clear()
    yield hasher
    hasher.gate.set()


def test_no_more_than_two_passwords_are_checked_at_once_and_a_third_waits_then_gets_429(
    server: DashboardServer, held: CountingHasher, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Argon2 takes 64 MiB a check: a flood of sign-ins must not run them all together."""
    monkeypatch.setattr(accounts_module, "PASSWORD_CHECK_WAIT", 0.5)
    target = server.add_coordinator()
    with ThreadPoolExecutor(PASSWORD_CHECKS_AT_ONCE) as pool:
        waiting = [pool.submit(attempt, server, target.username, PASSWORD)
                   for _ in range(PASSWORD_CHECKS_AT_ONCE)]  # fmt: skip
        deadline = time.monotonic() + 10
        while held.active < PASSWORD_CHECKS_AT_ONCE and time.monotonic() < deadline:
            time.sleep(0.01)
        third = attempt(server, target.username, PASSWORD)
        held.gate.set()
        first_ones = [f.result() for f in waiting]
    assert third.status_code == 429 and TOO_MANY in page_text(third.text)
    assert [r.status_code for r in first_ones] == [303] * PASSWORD_CHECKS_AT_ONCE
    assert held.most_at_once == PASSWORD_CHECKS_AT_ONCE
    assert held.checks == PASSWORD_CHECKS_AT_ONCE  # the third never ran Argon2


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_limits_slide_with_the_minute_and_count_each_address_apart() -> None:
    clock = Clock()
    throttle = SignInThrottle(per_address=2, overall=3, clock=clock)
    assert [throttle.allow("10.0.0.1") for _ in range(3)] == [True, True, False]
    assert throttle.allow("10.0.0.2") is True  # the try turned away was not counted
    assert throttle.allow("10.0.0.3") is False  # three in the minute from everyone
    clock.now += 59.5
    assert throttle.allow("10.0.0.3") is False
    clock.now += 1  # every try so far is over a minute old
    assert [throttle.allow(f"10.0.0.{n}") for n in (1, 1, 1, 3, 4)] == [
        True,
        True,
        False,
        True,
        False,
    ]


def test_the_throttle_forgets_addresses_that_stopped_trying() -> None:
    clock = Clock()
    throttle = SignInThrottle(per_address=5, overall=10, clock=clock)
    for number in range(1000):
        clock.now += 10
        assert throttle.allow(f"10.0.{number // 250}.{number % 250}")
    assert len(throttle._by_address) <= 11  # at most `overall`, plus the newest
