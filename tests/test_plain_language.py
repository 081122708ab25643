"""Plain language is a test: every message the assistant can send passes the readability check.

That is every domain response (with sample values in its placeholders), every button, every
questionnaire text, every sentence in the phrases catalogue (and the budget explanations for
a spread of answers), and every word the coordinators' teams are sent.
"""

from __future__ import annotations

import itertools
import re
import string
from pathlib import Path
from typing import Any

import pytest
import yaml

from accessibility.readability import check_text
from bot.telegram.texts import messages
from ras_core import notify
from ras_core.domain.phrases import load_phrases
from ras_core.domain.plan_rules import load_rules
from ras_core.domain.questionnaire import WHO, load_questionnaire
from ras_core.domain.scheme import load_scheme
from ras_core.domain.scoring import score
from ras_core.domain.support_plan import load_options

REPO = Path(__file__).resolve().parents[1]
DOMAIN_DIR = REPO / "bot" / "rasa" / "domain"
DOMAIN_FILES = sorted(DOMAIN_DIR.glob("*.yml"))
# Every file in the domain folder may hold responses.
RESPONSES: dict[str, list[dict[str, Any]]] = {
    name: variations
    for path in DOMAIN_FILES
    for name, variations in (yaml.safe_load(path.read_text()).get("responses") or {}).items()
}
SAMPLE_VALUES = {
    "safeguarding_phone": "0300 123 4567",
    "number": "3",
    "total": "11",
    "yearly": "£12,400",
    "weekly": "£238",
    "letter": "B",
    "answer": "B: some help",
    "statement": "I need some support to look after myself.",
    "heard": "the second one",
    "choice": "Some help",
    "reference": "IB-7K3F9Q",
    "message": "Please say who helps if your carer is ill.",
    "days": "10",
    "rate": "£24",
    "amount": "£8,736",
    "budget": "£12,400",
    "category": "personal care",
    "examples": "Help to wash, dress, eat or take medicine.",
    "count": "3",
    "what_matters": "My family and my dog",
    "to_change": "Go out more",
    "money": "Direct payment",
    "helpers": "My sister",
    "emergency": "My neighbour comes",
    # phrases.yml (the budget explanations and the review note)
    "points": "96",
    "price": "£265",
    "low": "91",
    "high": "96",
    "help": "a lot of help",
    "percent": "20",
    "minimum": "£1,500",
    # ras_core/notify/words.yml (what a coordinators' team is sent)
    "link": "http://127.0.0.1:8080/cases/7",
}
# These placeholders carry text that is checked on its own below (questionnaire, phrases).
CHECKED_ELSEWHERE = {
    "intro", "statements", "question", "explain", "lines", "explanation",
    "categories", "choices", "items", "reason",  # support_plan.yml and plan_rules.yml
}  # fmt: skip


def filled(template: str) -> str:
    names = {name for _, name, _, _ in string.Formatter().parse(template) if name}
    values = {name: SAMPLE_VALUES.get(name, "") for name in names}
    unknown = names - set(SAMPLE_VALUES) - CHECKED_ELSEWHERE
    assert not unknown, f"no sample value for {unknown}"
    return re.sub(r"\n{2,}", "\n", template.format(**values)).strip()


def test_the_domain_lives_under_bot_rasa() -> None:
    assert DOMAIN_FILES, f"no domain files in {DOMAIN_DIR}"
    assert "utter_question" in RESPONSES


def all_response_texts() -> list[tuple[str, str]]:
    texts = []
    for name, variations in RESPONSES.items():
        for variation in variations:
            texts.append((name, filled(variation["text"])))
            texts += [(f"{name} button", b["title"]) for b in variation.get("buttons", [])]
    return texts


@pytest.mark.parametrize(("where", "text"), all_response_texts())
def test_every_response_is_plain(where: str, text: str) -> None:
    assert check_text(text) == [], where


@pytest.mark.parametrize(("where", "text"), sorted(messages().items()))
def test_every_telegram_message_is_plain(where: str, text: str) -> None:
    assert check_text(filled(text)) == [], where


def questionnaire_texts() -> list[tuple[str, str]]:
    texts = []
    for area in load_questionnaire().areas:
        texts.append((f"{area.id} name", area.name))
        for who in WHO:
            texts += [
                (f"{area.id} intro {who}", area.intro(who)),
                (f"{area.id} question {who}", area.question(who)),
                (f"{area.id} explain {who}", area.explain(who)),
            ]
            texts += [
                (f"{area.id} {s.letter} {who}", area.statement_text(s.letter, who))
                for s in area.statements
            ]
        texts += [(f"{area.id} {s.letter} label", s.label) for s in area.statements]
    return texts


@pytest.mark.parametrize(("where", "text"), questionnaire_texts())
def test_every_questionnaire_text_is_plain(where: str, text: str) -> None:
    assert check_text(text) == [], where


def test_budget_explanations_are_plain() -> None:
    """Every kind of explanation: zero, minimum, ordinary, panel, not sure."""
    scheme = load_scheme()
    areas = sorted(scheme.area_ids)
    seen = set()
    for letters in ["D" * len(areas), "C" + "D" * (len(areas) - 1), "B" * len(areas),
                    "A" * len(areas)]:  # fmt: skip
        answers: dict[str, str | None] = dict(zip(areas, letters, strict=True))
        for not_sure in (False, True):
            if not_sure:
                answers[areas[0]] = None
            for sentence in score(scheme, answers).explanation:
                seen.add(sentence)
                assert check_text(sentence) == [], sentence
    assert len(seen) >= 4


@pytest.mark.parametrize("key", sorted(load_phrases()))
def test_every_phrase_is_plain(key: str) -> None:
    """Every sentence in data/phrases.yml, also those not in a budget explanation."""
    assert check_text(filled(load_phrases()[key])) == [], key


def test_phrases_catalogue_holds_the_review_and_summary_words() -> None:
    phrases = load_phrases()
    assert phrases["not_sure"] == "not sure"
    assert filled(phrases["final_budget"]) == "Final budget £8,736 a year."


@pytest.mark.parametrize("key", sorted(notify.words()))
def test_every_team_notification_is_plain(key: str) -> None:
    """The words in ras_core/notify/words.yml, as a coordinators' team gets them."""
    assert check_text(filled(notify.words()[key])) == [], key


def test_team_notifications_cover_every_event() -> None:
    keys = set(notify.words())
    for event in notify.EVENTS:
        assert {f"subject_{event}", f"body_{event}"} <= keys, event
    assert "open_case" in keys


def test_longest_possible_question_message_is_readable_aloud() -> None:
    """Whole question messages stay within the sentence-length rule when put together."""
    questionnaire = load_questionnaire()
    template = RESPONSES["utter_question"][0]["text"]
    for area, who in itertools.product(questionnaire.areas, WHO):
        statements = "\n".join(
            f"{s.letter}: {area.statement_text(s.letter, who)}" for s in area.statements
        )
        text = template.format(
            number=1, total=11, intro=area.intro(who), statements=statements,
            question=area.question(who),
        )  # fmt: skip
        problems = [p for p in check_text(text) if "words" in p and "sentence" in p]
        assert problems == [], (area.id, who)


@pytest.mark.parametrize("kind", sorted(load_rules().refused))
def test_plan_refusals_are_plain(kind: str) -> None:
    assert check_text(load_rules().refused[kind][1]) == [], kind


def plan_option_texts() -> list[tuple[str, str]]:
    options = load_options()
    texts = [(f"words {key}", text.format(number=1, category="Help at home", words="Cooking",
                                          amount="£300", who="An agency"))
             for key, text in options.words.items()]  # fmt: skip
    for group in ("categories", "money", "who_gives", "change_parts"):
        for choice in getattr(options, group):
            texts += [(f"{group} {choice.id} label", choice.label),
                      (f"{group} {choice.id} explain", choice.explain)]  # fmt: skip
    return texts


@pytest.mark.parametrize(("where", "text"), plan_option_texts())
def test_every_plan_choice_is_plain(where: str, text: str) -> None:
    assert check_text(text) == [], where
