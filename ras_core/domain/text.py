"""Text as people send it, made comparable: one Unicode form, no hidden characters.

Phones and keyboards send the same word many ways: composed or decomposed accents, full-width
letters, zero-width spaces or joiners inside words (sometimes on purpose). `clean` keeps the
words as written; `fold` also drops accents and case, for matching only.
"""

from __future__ import annotations

import unicodedata

# Characters that show nothing but split a word for a pattern or a tokenizer.
INVISIBLE = "\u00ad\u180e\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064\ufeff"
_DROP = dict.fromkeys(map(ord, INVISIBLE))


def clean(text: str) -> str:
    """NFKC, hidden characters removed, control characters as spaces; words kept as written."""
    text = unicodedata.normalize("NFKC", text).translate(_DROP)
    return "".join(" " if unicodedata.category(c) == "Cc" and c not in "\n\t" else c for c in text)


def fold(text: str) -> str:
    """`clean`, then lower case without accents ("Café" -> "cafe"), for matching only."""
    decomposed = unicodedata.normalize("NFKD", clean(text).casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))
