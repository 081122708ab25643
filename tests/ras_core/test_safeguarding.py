"""Safeguarding: disclosures are recognised; everyday sayings that look like them are not."""

from __future__ import annotations

from pathlib import Path

import pytest

from ras_core.datafile import DataFileError
from ras_core.safeguarding import find_disclosure, parse_patterns

DISCLOSURES = [
    ("I want to kill myself", "suicide"),
    ("sometimes i think about ending my life", "suicide"),
    ("I don't want to be here any more", "suicide"),
    ("i wish i was dead", "suicide"),
    ("Everyone would be better off dead without me. I'd be better off dead", "suicide"),
    ("I've been feeling suicidal", "suicide"),
    ("im going to end it all tonight", "suicide"),
    ("There's no point living like this", "suicide"),
    ("I just want to die", "suicide"),
    ("i cant go on", "suicide"),
    ("I have been cutting myself again", "self_harm"),
    ("I hurt myself when I get upset", "self_harm"),
    ("I self harm", "self_harm"),
    ("I'm thinking of taking an overdose", "self_harm"),
    ("I could take all my tablets", "self_harm"),
    ("My son hits me when he's drunk", "abuse"),
    ("she slapped me yesterday", "abuse"),
    ("My carer pushes me and shouts", "abuse"),
    ("he's been hurting me", "abuse"),
    ("My daughter takes all my pension", "abuse"),
    ("someone is stealing my money", "abuse"),
    ("I am scared of my husband", "abuse"),
    ("He locks me in my room", "abuse"),
    ("they won't let me leave the house", "abuse"),
    ("He touched me and I didn't want him to", "abuse"),
    ("my nephew threatens me", "abuse"),
    ("I've been abused", "abuse"),
    ("I haven't eaten for days", "neglect"),
    ("nobody comes to help me any more", "neglect"),
    ("I was left in my own mess all weekend", "neglect"),
    ("I've not had my medication for a week", "neglect"),
    ("He said he is going to kill me", "danger"),
    ("I'm not safe here", "danger"),
    ("I've fallen and can't get up", "danger"),
    ("I can't breathe", "danger"),
    ("I have chest pains", "danger"),
]

LOOK_ALIKES = [
    "my back is killing me",
    "I'd die for a cup of tea",
    "these stairs are killing me",
    "I'm dying to see my grandson",
    "I could kill for a biscuit",
    "the cake was to die for",
    "I nearly died laughing",
    "my son beat me at chess",
    "I hit my head on the cupboard last week",
    "I hurt my knee when I fell in the garden last year",
    "I like to kill time doing puzzles",
    "we hit the shops on Saturdays",
    "I get bored to death at home",
    "the thunder scared me to death",
    "I need help to take my tablets",
    "my daughter helps with my money",
    "my husband helps me wash",
    "I live with my wife",
    "I feel a bit low sometimes",
    "I need a lot of help to look after myself",
    "I can't get up the stairs without help",
    "I can not cook on my own",
    "I am safe at home most of the time",
    "my carer comes every morning",
    "someone comes to help me twice a day",
    "I watch films about murder mysteries",
    "my feet hurt when I walk far",
    "I lost my bank card last week",
    "I'm not sure",
    "the second one",
    "I had a killer headache yesterday",
    "I love my garden to bits",
]


@pytest.mark.parametrize(("words", "kind"), DISCLOSURES)
def test_disclosures_are_recognised(words: str, kind: str) -> None:
    found = find_disclosure(words)
    assert found is not None, words
    assert found.kind == kind


@pytest.mark.parametrize("words", LOOK_ALIKES)
def test_everyday_sayings_are_not_disclosures(words: str) -> None:
    assert find_disclosure(words) is None


def test_there_are_enough_examples_both_ways() -> None:
    assert len(DISCLOSURES) >= 30 and len(LOOK_ALIKES) >= 30


def test_a_harmless_saying_does_not_hide_a_disclosure_in_the_same_message() -> None:
    found = find_disclosure("My back is killing me and I want to kill myself")
    assert found is not None and found.kind == "suicide"


def test_a_broken_pattern_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "safeguarding.yml"
    path.write_text("harmless: ['(']\ndisclosures: {danger: ['x']}\n")
    with pytest.raises(DataFileError) as caught:
        parse_patterns(path)
    assert str(path) in str(caught.value)
