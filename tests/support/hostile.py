"""Messages an attacker, a broken client or a stuck keyboard might send, each with a name.

Written for the hostile-input suite (tests/e2e/test_hostile_input.py); none comes from the
assistant's training data. Each is something a person could type or paste: the suite sends
them over REST and over Telegram and expects a plain reply, never a failure.
"""

from __future__ import annotations

ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
RTL = "\u202e\u202b\u2067"


def _texts() -> dict[str, str]:
    found: dict[str, str] = {
        # Size and emptiness
        "single space": " ",
        "only newlines": "\n\n\n",
        "only tabs": "\t\t",
        "one character": "x",
        "exactly the limit": "a" * 1000,
        "one over the limit": "a" * 1001,
        "a telegram-size message": "word " * 819,
        "ten thousand spaces then x": "a" + " " * 10_000 + "x",
        "ten thousand letters": "b" * 10_000,
        "long message hiding a disclosure": "the weather " * 200 + "he hits me every night",
        "many short lines": "yes\n" * 500,
        # Characters
        "NUL inside": "hel\x00lo",
        "NUL only": "\x00",
        "control characters": "\x01\x02\x03\x07\x1b[31mred\x1b[0m",
        "bell and backspace": "a\x08\x08\x08b\x07",
        "zero-width only": ZERO_WIDTH,
        "zero-width inside a word": "he" + ZERO_WIDTH + "llo",
        "right-to-left override": RTL + "olleh",
        "mixed directions": "hello \u202eدرس\u202c ok",
        "emoji only": "👍",
        "emoji flood": "😀" * 600,
        "family emoji sequence": "👨‍👩‍👧‍👦",
        "flags": "🇬🇧🇬🇧🇬🇧",
        "combining accents flood": "a" + "\u0301" * 2000,
        "zalgo": "h̵̛̗e̸͙͝l̷̰̈l̴̮̈o̶̝͌",
        "full-width letters": "ｈｅｌｌｏ",
        "surrogate-looking text": "\\ud83d\\ude00",
        "lone high code point": "\U0010ffff",
        "private use": "\ue000\ue001",
        "byte order marks": "\ufeff\ufeffhello",
        "line and paragraph separators": "one\u2028two\u2029three",
        "non-breaking spaces": "\u00a0\u00a0a\u00a0\u00a0",
        "Welsh": "Dw i ddim yn siŵr",
        "Chinese": "我不知道",
        "Arabic": "لا أعرف",
        "Cyrillic lookalikes": "уеs",
        # Template and format strings
        "Jinja": "{{ 7*7 }}",
        "Jinja config": "{{ config.items() }}",
        "Jinja class walk": "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "Rasa slot template": "{name} {budget} {person}",
        "Python format": "{0.__class__}",
        "percent format": "%s%s%s%n%x",
        "shell": "$(rm -rf /)",
        "backticks": "`cat /etc/passwd`",
        "path traversal": "../../../../etc/passwd",
        "log forging": "ok\n2026-11-30 INFO admin signed in",
        # SQL
        "SQL quote": "'",
        "SQL or": "' OR '1'='1",
        "SQL drop": "'; DROP TABLE people; --",
        "SQL union": "1 UNION SELECT password_hash FROM accounts --",
        "SQL comment": "a'/*",
        "SQL sleep": "'; SELECT pg_sleep(10); --",
        "SQLite attach": "'; ATTACH DATABASE '/tmp/x.db' AS x; --",
        # HTML and scripts
        "script tag": "<script>alert(1)</script>",
        "img onerror": '<img src=x onerror="alert(1)">',
        "iframe": "<iframe src=javascript:alert(1)>",
        "HTML entities": "&lt;b&gt;&#x3C;",
        "markdown link": "[click](javascript:alert(1))",
        "Telegram HTML": "<b>bold</b> <a href='tg://user?id=1'>x</a>",
        "Telegram markdown": "*bold* _it_ `code` ```pre```",
        # Rasa payloads and JSON typed as words
        "intent payload": "/disclosure",
        "safe-now payload": "/safe_now",
        "need-help payload": "/need_help_now",
        "choose payload never offered": '/choose{"option": "D"}',
        "entity injection": '/choose{"option": "Z", "person": "admin"}',
        "payload with broken JSON": '/choose{"option": ',
        "payload to restart": "/restart",
        "payload to stop": "/stop",
        "payload session start": "/session_start",
        "slash only": "/",
        "many slashes": "////",
        "external intent": "/EXTERNAL_review_news",
        "JSON object as text": '{"intent": "agree", "entities": []}',
        "JSON array as text": "[1, 2, 3]",
        "nested brackets": "[" * 2000 + "]" * 2000,
        "nested braces": "{" * 2000,
        # Numbers
        "huge number": "9" * 400,
        "negative amount": "-£1000000",
        "exponent": "1e308",
        "NaN": "NaN",
        "infinity": "Infinity",
        "amount with many commas": "£" + ",".join(["999"] * 300),
        "decimal flood": "0." + "0" * 2000 + "1",
        "money with letters": "£12abc34",
        # Regex-bait for the understanding and safeguarding parsers
        "repeated option words": "option a " * 300,
        "repeated 'the first one'": "the first one " * 200,
        "repeated 'not'": "not " * 2000,
        "repeated 'go back'": "go back " * 300,
        "repeated 'kill'": "kill " * 2000,
        "alternating letters and spaces": "a " * 5000,
        "punctuation run": "!?" * 3000,
        "apostrophes": "'" * 5000,
        "dashes": "-" * 8000,
        "digits and spaces": "1 " * 4000,
        # Things a person might really send
        "keyboard mash": "asdfghjkl;qwertyuiop",
        "all capitals shouting": "WHY IS THIS SO HARD",
        "question back": "what?",
        "only punctuation": "...",
        "a letter that is not an option": "z",
        "two letters at once": "a and b",
        "a number out of range": "the 99th one",
        "a sentence with a URL": "see https://example.invalid/x?y=<z>",
        "an email address": "sam@example.invalid",
        "a phone number": "07700 900123",
    }
    return found


TEXTS = _texts()
