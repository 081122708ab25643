"""Recognising that a person may be in danger, from their own words, at any point in the chat.

A high-recall list of patterns (data/safeguarding.yml) runs on every message; the NLU model's
`disclosure` intent can add to it but never takes away. Known harmless sayings ("my back is
killing me", "I'd die for a cup of tea") are removed before matching.

Two tiers. A clear disclosure ("disclosures" in the file) stops everything and flags the case
urgent. A possible one ("possible": words that are also ordinary answers, such as "no one
helps me" or "I'm not safe on my own") asks gently whether the person is safe right now,
except at a question it simply answers ("answers_at": "I'm not safe on my own" at the question
about keeping safe), where it is read as an answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path

from ras_core.domain.datafile import DATA_DIR, DataFileError, read_yaml_mapping
from ras_core.domain.text import fold

PATTERNS_FILE = DATA_DIR / "safeguarding.yml"


CLEAR, POSSIBLE = "clear", "possible"


@dataclass(frozen=True)
class Disclosure:
    kind: str  # suicide, self_harm, abuse, neglect or danger
    words: str  # the part of the message that matched
    tier: str = CLEAR  # CLEAR or POSSIBLE


@dataclass(frozen=True)
class SafeguardingPatterns:
    harmless: tuple[re.Pattern[str], ...]
    disclosures: tuple[tuple[str, re.Pattern[str]], ...]
    possible: tuple[tuple[str, re.Pattern[str]], ...] = ()
    # The model's own `disclosure`: possible from this confidence, clear from that one.
    model_possible_from: float = 0.4
    model_clear_from: float = 0.8
    # ... and only when the second opinion (safeguarding_second.py) gives it at least this.
    second_opinion_from: float = 0.0
    # The second opinion alone, from this score, is a possible disclosure (above 1: never).
    second_opinion_alone_from: float = 1.01
    # Pattern -> words one of which every match contains (`anchors`): a quick check that skips
    # the pattern when none is in the text. Patterns without them are always searched.
    anchors: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Area id -> the possible words that are an ordinary answer to that question.
    answers_at: dict[str, tuple[re.Pattern[str], ...]] = field(default_factory=dict)

    def model_tier(self, confidence: float) -> str | None:
        """The tier for the model's `disclosure` at this confidence, or None (not heard)."""
        if confidence >= self.model_clear_from:
            return CLEAR
        return POSSIBLE if confidence >= self.model_possible_from else None

    def find(self, message: str) -> Disclosure | None:
        text = normalise(message)
        for saying in self.harmless:
            text = saying.sub(" ", text)
        for tier, listed in ((CLEAR, self.disclosures), (POSSIBLE, self.possible)):
            for kind, pattern in listed:
                needed = self.anchors.get(pattern.pattern)
                if needed and not any(word in text for word in needed):
                    continue
                match = pattern.search(text)
                if match:
                    return Disclosure(kind, match.group(0).strip(), tier)
        return None

    def answers_question(self, message: str, area_id: str) -> bool:
        """Whether the message is a possible disclosure (never a clear one) that is, as a whole,
        an ordinary answer to this question ("I'm not safe on my own" at keeping safe)."""
        found = self.find(message)
        if found is None or found.tier != POSSIBLE:
            return False
        text = normalise(message)
        return any(p.fullmatch(text) for p in self.answers_at.get(area_id, ()))

    def harmless_saying(self, message: str) -> str | None:
        """The first known harmless saying in the message ("is killing me"), if any."""
        text = normalise(message)
        for saying in self.harmless:
            match = saying.search(text)
            if match:
                return match.group(0).strip()
        return None


@lru_cache(maxsize=4)
def normalise(message: str) -> str:
    """Folded (no accents, hidden characters or case), apostrophes dropped ("don't" -> "dont"),
    other marks as spaces: only a-z, 0-9, "-" and single spaces are left.

    The patterns only ever see this text, so they are compiled for ASCII (`_compile`): the
    same matches, found about twice as fast. Every step here is linear in the message, and the
    last few results are kept: one message is looked at for a disclosure, for a harmless saying
    and for words, and normalised once."""
    text = fold(message).replace("’", "'").replace("'", "")
    return " ".join(re.sub(r"[^a-z0-9 -]+", " ", text).split())


def parse_patterns(path: Path) -> SafeguardingPatterns:
    data = read_yaml_mapping(path)
    try:
        harmless = tuple(_compile(p) for p in data["harmless"])
        disclosures = _listed(data["disclosures"])
        possible = _listed(data.get("possible") or {})
        answers_at = {
            str(area): tuple(_compile(p) for p in listed)
            for area, listed in (data.get("answers_at") or {}).items()
        }
    except (KeyError, TypeError, AttributeError) as error:
        problem = f"is missing or not a list ({error})"
        raise DataFileError(path, "harmless/disclosures/possible/answers_at", problem) from error
    except re.error as error:
        raise DataFileError(path, "patterns", f"has a broken pattern: {error}") from error
    model = data.get("model") or {}
    try:
        possible_from = float(model.get("possible_from", 0.4))
        clear_from = float(model.get("clear_from", 0.8))
        second_from = float(model.get("second_opinion_from", 0.0))
        alone_from = float(model.get("second_opinion_alone_from", 1.01))
    except (TypeError, ValueError, AttributeError) as error:
        raise DataFileError(path, "model", "its thresholds must be numbers") from error
    needed = {p.pattern: anchors(p.pattern) for _, p in (*disclosures, *possible)}
    return SafeguardingPatterns(
        harmless,
        disclosures,
        possible,
        possible_from,
        clear_from,
        second_from,
        alone_from,
        {pattern: words for pattern, words in needed.items() if words},
        answers_at,
    )


_LEADING_WORDS = re.compile(r"\\b\(([a-z0-9 |-]+)\)( |\\b)(.*)", re.DOTALL)
_GROUP = re.compile(r"\([^()]*\)")


def anchors(pattern: str) -> tuple[str, ...]:
    """The words one of which every match must contain, when the pattern starts with a group of
    plain alternatives ("\\b(hit|hits|punch) ...") and has no other branch at the top level;
    else () (always search). Only ever skips a pattern that cannot match: a match contains one
    of these words as it is written."""
    found = _LEADING_WORDS.fullmatch(pattern)
    if not found or "\\(" in found.group(3) or "\\)" in found.group(3):
        return ()  # escaped brackets would fool the group count below
    rest, inner = found.group(3), 1
    while inner:  # drop the groups inside the rest, innermost first
        rest, inner = _GROUP.subn("", rest)
    if "|" in rest or "(" in rest or ")" in rest:
        return ()
    return tuple(word for word in found.group(1).split("|") if word)


def _listed(kinds: dict[str, list[str]]) -> tuple[tuple[str, re.Pattern[str]], ...]:
    return tuple(
        (str(kind), _compile(pattern)) for kind, patterns in kinds.items() for pattern in patterns
    )


def _compile(pattern: str) -> re.Pattern[str]:
    """A pattern for `normalise`d text, which is all ASCII: `\\b` and `\\w` mean the same either
    way, and ASCII ones are checked faster."""
    return re.compile(pattern, re.ASCII)


@cache
def patterns() -> SafeguardingPatterns:
    return parse_patterns(PATTERNS_FILE)


def has_words(message: str) -> bool:
    """Whether a model could read anything into the message: at least three different letters.

    A keyboard mash of one letter ("xxxxxxxx"), emoji or marks alone give the model nothing
    to go on, however sure it says it is; only the list may find danger in them.
    """
    return len({c for c in normalise(message) if c.isalpha()}) >= 3


def find_disclosure(message: str) -> Disclosure | None:
    return patterns().find(message)


def answers_question(message: str, area_id: str) -> bool:
    return patterns().answers_question(message, area_id)


def harmless_saying(message: str) -> str | None:
    """A saying that only looks like a disclosure ("I'd die for a cup of tea"), if any.

    The NLU component uses it to overrule the model when the model took such a saying for a
    disclosure and the patterns found none.
    """
    return patterns().harmless_saying(message)
