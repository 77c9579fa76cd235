"""The designer's character data: stat examples and trait table meet their specification."""

from __future__ import annotations

import csv
import json
import re
from collections import defaultdict
from functools import cache
from itertools import pairwise
from statistics import mean

import pytest

from procgen.data import DATA

STAT_EXAMPLES = DATA / "characters" / "stat_examples.csv"
TRAITS = DATA / "characters" / "traits.json"
HEADER = ["role", "level", "hp", "attack", "defense", "speed", "magic"]
STATS = HEADER[2:]
ROLES = ("warrior", "mage", "rogue", "ranger", "healer", "merchant", "villager", "guard", "boss")
LEVELS = (1, 2, 3, 5, 8, 12, 18, 25, 35, 50, 70, 99)
RANGES = {"hp": (1, 9999)} | dict.fromkeys(STATS[1:], (0, 999))  # character.schema.json
TRAIT_NAME = re.compile(r"[a-z]+(?:[-'][a-z]+)*(?: [a-z]+(?:[-'][a-z]+)*){0,2}")

Row = tuple[str, int, dict[str, int]]


@cache
def read_rows() -> tuple[Row, ...]:
    with STAT_EXAMPLES.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        assert next(reader) == HEADER
        return tuple(
            (role, int(level), dict(zip(STATS, map(int, values), strict=True)))
            for role, level, *values in reader
        )


@cache
def examples() -> dict[tuple[str, int], list[dict[str, int]]]:
    grouped: dict[tuple[str, int], list[dict[str, int]]] = defaultdict(list)
    for role, level, stats in read_rows():
        grouped[role, level].append(stats)
    return grouped


def stat_mean(role: str, level: int, stat: str) -> float:
    return mean(stats[stat] for stats in examples()[role, level])


def test_header_and_row_count() -> None:
    """The CSV has the agreed header and 9 roles x 12 levels x 3 examples = 324 rows."""
    assert len(read_rows()) == 324


def test_rows_sorted_by_role_then_level() -> None:
    """Rows are sorted by role, then level."""
    keys = [(role, level) for role, level, _ in read_rows()]
    assert keys == sorted(keys)


def test_three_distinct_examples_per_role_and_level() -> None:
    """Every role has three different example characters at each of the twelve levels."""
    grouped = examples()
    assert set(grouped) == {(role, level) for role in ROLES for level in LEVELS}
    for key, rows in grouped.items():
        assert len(rows) == 3, key
        assert len({tuple(stats.values()) for stats in rows}) == 3, key


def test_stats_within_schema_ranges() -> None:
    """Every stat is an integer within the character schema's range."""
    for role, level, stats in read_rows():
        for stat, (low, high) in RANGES.items():
            assert low <= stats[stat] <= high, (role, level, stat)


@pytest.mark.parametrize("role", ROLES)
def test_means_grow_with_level(role: str) -> None:
    """For every stat, the mean of a role's examples grows strictly from level to level."""
    for stat in STATS:
        means = [stat_mean(role, level, stat) for level in LEVELS]
        assert all(a < b for a, b in pairwise(means)), (role, stat, means)


def test_boss_stronger_than_villager() -> None:
    """At every level, the weakest boss out-hits and outlasts the strongest villager."""
    grouped = examples()
    for level in LEVELS:
        for stat in ("hp", "attack"):
            boss = min(stats[stat] for stats in grouped["boss", level])
            villager = max(stats[stat] for stats in grouped["villager", level])
            assert boss > villager, (level, stat)


def test_boss_has_the_most_hp() -> None:
    """At every level, bosses have more hp on average than any other role."""
    for level in LEVELS:
        boss = stat_mean("boss", level, "hp")
        assert all(stat_mean(role, level, "hp") < boss for role in ROLES if role != "boss")


def test_trait_table_shape_and_weights() -> None:
    """Each role has 14-20 lower-case traits of 1-3 words, weighted by integers from 1 to 5."""
    table = json.loads(TRAITS.read_text(encoding="utf-8"))
    assert set(table) == {"traits"}
    assert set(table["traits"]) == set(ROLES)
    for role, traits in table["traits"].items():
        assert 14 <= len(traits) <= 20, role
        for trait, weight in traits.items():
            assert TRAIT_NAME.fullmatch(trait), (role, trait)
            assert type(weight) is int and 1 <= weight <= 5, (role, trait, weight)
