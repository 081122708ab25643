"""A loopback fake of the Telegram Bot API that speaks the real wire format.

Point a real python-telegram-bot at it and drive a person's side from a test::

    with FakeBotAPI() as api:
        app = (Application.builder().token(api.token)
               .base_url(api.bot_base_url).base_file_url(api.file_base_url).build())
        ...  # run the app (see tests.support.ptb_thread.ApplicationThread)
        sam = api.new_user(first_name="Sam")
        sam.send_command("/start")
        reply = sam.wait_for_text("Hello")
        sam.tap(reply, "Yes")

Requests are ``{base}/bot<token>/<method>`` by GET or POST with a query string, a JSON body,
a url-encoded form or multipart/form-data (PTB sends forms: strings as they are, everything
else JSON-encoded, files as multipart parts). Method names are case-insensitive. Replies are
``{"ok": true, "result": ...}`` or ``{"ok": false, "error_code": N, "description": ...}``.
Files download from ``{base}/file/bot<token>/<file_path>``.

The server runs in its own thread with its own event loop, so tests and the bot may run in
any other thread or loop. All state sits behind one lock; waits use a condition variable.

Error wording follows the real Bot API (tdlib's telegram-bot-api) where known; a few that are
only approximate are marked "approximate" where raised. Not modelled: groups and channels,
inline mode, payments, flood limits (429), media other than voice/audio/document from the bot.

Run ``python -m tests.support.fake_bot_api --port 8081`` to serve by hand (see `main`).

Modules: `server` (the aiohttp app, its thread, `FakeBotAPI`), `params` (a request's
parameters and errors), `state` (what the fake keeps, and a person's actions on it),
`inspection` (what tests read and wait for), the methods in `messages`, `updates` and
`webhook`, and `cli` (the command line).
"""

from tests.support.fake_bot_api.cli import main
from tests.support.fake_bot_api.params import ApiError
from tests.support.fake_bot_api.server import FakeBotAPI
from tests.support.fake_bot_api.state import DEFAULT_TOKEN, Chat

__all__ = ["DEFAULT_TOKEN", "ApiError", "Chat", "FakeBotAPI", "main"]
