"""The shipped text corpora: the name list, the name blocklist and the character backstories."""

from __future__ import annotations

import json
import re
from collections import Counter

import pytest

from procgen.data import DATA

NAMES = DATA / "names" / "names.tsv"
BLOCKLIST = DATA / "names" / "blocklist.txt"
BACKSTORIES = DATA / "text" / "backstories.jsonl"

STYLES = ("desert", "fantasy", "imperial", "northern")
ROLES = ("warrior", "mage", "rogue", "ranger", "healer", "merchant", "villager", "guard", "boss")
#: A boss may be named by a ruler's title instead of the word "boss".
RULERS = ("boss", "warlord", "tyrant", "overlord", "lord", "queen", "king", "master", "chieftain")

#: A capital letter, then letters, with at most one apostrophe or hyphen inside.
NAME = re.compile(r"[A-Z][A-Za-z]*(?:['-][A-Za-z]+)?")
#: A sentence ends at . ! or ? before a space or the end (as procgen.backstory counts them).
SENTENCE_END = re.compile(r"[.!?](?=\s|$)")


def name_rows() -> list[tuple[str, ...]]:
    """The (name, style) rows of names.tsv, in file order."""
    lines = NAMES.read_text(encoding="utf-8").split("\n")
    assert lines[-1] == "", "names.tsv ends with a newline"
    return [tuple(line.split("\t")) for line in lines[:-1]]


def blocklist() -> list[str]:
    """The entries of blocklist.txt, without comment lines."""
    lines = BLOCKLIST.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def backstories() -> list[dict[str, str]]:
    """The records of backstories.jsonl, in file order."""
    lines = BACKSTORIES.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def role_words(role: str) -> tuple[str, ...]:
    """The words of which at least one names the role in a backstory."""
    if role == "boss":
        return RULERS
    return ("villager", "village") if role == "villager" else (role,)


def test_every_name_line_is_a_name_a_tab_and_a_known_style() -> None:
    """Each line of names.tsv is exactly `Name<TAB>style` with one of the four styles."""
    text = NAMES.read_text(encoding="utf-8")
    assert "\n\n" not in text and "\r" not in text
    for row in name_rows():
        assert len(row) == 2, row
        assert row[1] in STYLES, row


def test_names_are_sorted_by_style_then_name() -> None:
    """The file is sorted by style, then by name within a style."""
    rows = name_rows()
    assert rows == sorted(rows, key=lambda row: (row[1], row[0]))


def test_every_style_has_at_least_600_names() -> None:
    """Each of the four styles has 600 names or more, and no other style appears."""
    counts = Counter(style for _, style in name_rows())
    assert set(counts) == set(STYLES)
    assert all(count >= 600 for count in counts.values()), counts


def test_no_name_appears_twice_ignoring_case() -> None:
    """A name appears once in the whole file, across styles and letter case."""
    counts = Counter(name.lower() for name, _ in name_rows())
    assert [name for name, count in counts.items() if count > 1] == []


@pytest.mark.parametrize("style", STYLES)
def test_names_are_single_ascii_words_of_3_to_14_characters(style: str) -> None:
    """Names are capitalised ASCII words with at most one inner apostrophe or hyphen."""
    bad = [
        name
        for name, row_style in name_rows()
        if row_style == style and not (NAME.fullmatch(name) and 3 <= len(name) <= 14)
    ]
    assert bad == []


def test_blocklist_is_sorted_lower_case_and_unique() -> None:
    """Blocklist entries are lower-case letters, sorted, unique, and at most a couple hundred."""
    words = blocklist()
    assert 50 <= len(words) <= 200
    assert words == sorted(set(words))
    assert all(re.fullmatch(r"[a-z]+", word) for word in words), words


def test_blocklist_entries_are_short_only_when_unambiguous() -> None:
    """Entries under four letters are the rare unambiguous ones, so ordinary names survive."""
    assert [word for word in blocklist() if len(word) < 4] == ["kkk"]


def test_no_name_contains_a_blocklist_entry() -> None:
    """No shipped name contains a blocklisted word, so the name filter never rejects the corpus."""
    words = blocklist()
    hits = [(name, w) for name, _ in name_rows() for w in words if w in name.lower()]
    assert hits == []


def test_backstory_records_have_exactly_a_known_role_and_a_text() -> None:
    """Each line is a JSON object with a `role` among the nine roles and a string `text`."""
    for record in backstories():
        assert set(record) == {"role", "text"}, record
        assert record["role"] in ROLES, record
        assert isinstance(record["text"], str), record


def test_every_role_has_at_least_90_backstories() -> None:
    """Each of the nine roles has 90 backstories or more."""
    counts = Counter(record["role"] for record in backstories())
    assert set(counts) == set(ROLES)
    assert all(count >= 90 for count in counts.values()), counts


def test_backstories_are_distinct() -> None:
    """No backstory text appears twice."""
    counts = Counter(record["text"] for record in backstories())
    assert [text for text, count in counts.items() if count > 1] == []


def test_backstories_are_one_to_three_ascii_sentences_of_60_to_320_characters() -> None:
    """Texts are 60-320 ASCII characters and one to three sentences ending in punctuation."""
    for record in backstories():
        text = record["text"]
        assert text.isascii() and 60 <= len(text) <= 320, text
        assert 1 <= len(SENTENCE_END.findall(text)) <= 3, text
        assert text[-1] in ".!?", text


def test_backstories_use_the_name_slot_once_or_twice_and_no_other_braces() -> None:
    """{name} appears once or twice, {place} at most once, and there are no other braces."""
    for record in backstories():
        text = record["text"]
        assert 1 <= text.count("{name}") <= 2, text
        assert text.count("{place}") <= 1, text
        rest = text.replace("{name}", "").replace("{place}", "")
        assert "{" not in rest and "}" not in rest, text


def test_backstories_name_their_role_in_plain_words() -> None:
    """Each text contains its role word itself (or a ruler's title for a boss), not a plural."""
    for record in backstories():
        words = "|".join(role_words(record["role"]))
        assert re.search(rf"\b(?:{words})\b", record["text"], re.IGNORECASE), record
