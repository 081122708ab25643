"""Text as people send it, made comparable: one Unicode form, no hidden characters.

Phones and keyboards send the same word many ways: composed or decomposed accents, full-width
letters, zero-width spaces or joiners inside words (sometimes on purpose). `clean` keeps the
words as written; `fold` also drops accents and case, for matching only.

Both take time in proportion to the length of the text: a pattern that finds hidden characters,
a `str.translate` pass if there are any, the standard library's normalisation (itself linear)
and no Python loop over the characters. Every reading of a person's words starts from `clean`.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

# Characters that show nothing but split a word for a pattern or a tokenizer.
INVISIBLE = "\u00ad\u180e\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064\ufeff"
# Control characters (Unicode category Cc) other than new line and tab become spaces.
CONTROLS = "".join(chr(c) for c in (*range(0x20), *range(0x7F, 0xA0)) if chr(c) not in "\n\t")
_CLEAN = {**dict.fromkeys(map(ord, INVISIBLE)), **dict.fromkeys(map(ord, CONTROLS), " ")}
# Finding none of them is many times quicker than translating a long text that has none.
_ANY_TO_CLEAN = re.compile(f"[{re.escape(INVISIBLE + CONTROLS)}]")
# Every accent (combining mark) lies in the first two planes: the Basic Multilingual Plane and
# the Supplementary Multilingual Plane (tests/ras_core/test_linear_time.py checks it).
_MARKS_END = 0x20000


def clean(text: str) -> str:
    """NFKC, hidden characters removed, control characters as spaces; words kept as written.

    Hidden characters go first, so a zero-width space between a letter and its accent does not
    stop them composing, and cleaning twice gives the same text as cleaning once.
    """
    if _ANY_TO_CLEAN.search(text):
        text = text.translate(_CLEAN)
    return unicodedata.normalize("NFKC", text)


def fold(text: str) -> str:
    """`clean`, then lower case without accents ("Café" -> "cafe"), for matching only."""
    decomposed = unicodedata.normalize("NFKD", clean(text).casefold())
    return decomposed if decomposed.isascii() else decomposed.translate(_marks())


@cache
def _marks() -> dict[int, None]:
    """A `str.translate` table dropping every combining mark (worked out once, when needed)."""
    return dict.fromkeys(c for c in range(_MARKS_END) if unicodedata.combining(chr(c)))
