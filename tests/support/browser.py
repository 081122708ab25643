"""Chromium through Playwright, for browser tests: one browser per test module.

Uses Debian's chromium at /usr/bin/chromium (Playwright's own download is never used).
Import `browser` and `browser_page` into a conftest.py to use them.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")


# Module scope, not session: while Playwright's sync API is open it keeps an event loop running
# in this thread, which would break every later test that calls asyncio.run().
@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.skip(f"needs Debian's chromium at {CHROMIUM}: apt-get install chromium")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM))
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture()
def browser_page(browser: Browser) -> Iterator[Page]:
    """A fresh page in its own context (no cookies shared with other tests)."""
    context = browser.new_context(locale="en-GB", timezone_id="Europe/London")
    context.set_default_timeout(10_000)
    try:
        yield context.new_page()
    finally:
        context.close()
