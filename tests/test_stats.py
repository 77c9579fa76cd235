"""Character stats: fitted to the designer's examples, always in range, growing with level."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from procgen.sprites.paperdoll import ROLES
from procgen.stats import STAT_NAMES, STAT_RANGES, draw_stats, fits


def mean_stats(role: str, level: int, draws: int = 300) -> dict[str, float]:
    rng = np.random.default_rng([level, ROLES.index(role)])
    samples = [draw_stats(role, level, rng) for _ in range(draws)]
    return {name: float(np.mean([s[name] for s in samples])) for name in STAT_NAMES}


class TestStats:
    @given(role=st.sampled_from(ROLES), level=st.integers(1, 100), seed=st.integers(0, 2**32))
    def test_every_draw_is_within_the_schema_ranges(self, role: str, level: int, seed: int) -> None:
        """Whatever the role, level and seed, each stat is an integer inside its range."""
        stats = draw_stats(role, level, np.random.default_rng(seed))
        for name, value in stats.items():
            low, high = STAT_RANGES[name]
            assert isinstance(value, int) and low <= value <= high

    def test_every_role_is_fitted_and_grows(self) -> None:
        """Each role has a fit, and every fitted slope in level is positive."""
        assert set(fits()) == set(ROLES)
        for fit in fits().values():
            assert (fit.slope > 0).all()

    def test_means_grow_with_level_for_every_role(self) -> None:
        """On average, every stat of every role is higher at a higher level."""
        for role in ROLES:
            means = [mean_stats(role, level) for level in (1, 10, 40, 90)]
            for name in STAT_NAMES:
                values = [m[name] for m in means]
                assert values == sorted(values), (role, name, values)

    def test_a_level_10_warrior_is_tougher_than_a_level_1_villager(self) -> None:
        """The issue's own example: more hit points, attack and defense."""
        warrior, villager = mean_stats("warrior", 10), mean_stats("villager", 1)
        assert all(warrior[s] > villager[s] for s in ("hp", "attack", "defense"))

    def test_roles_have_their_own_profiles(self) -> None:
        """A mage's magic beats a warrior's; a warrior's hit points beat a mage's."""
        mage, warrior = mean_stats("mage", 20), mean_stats("warrior", 20)
        assert mage["magic"] > warrior["magic"] and warrior["hp"] > mage["hp"]

    def test_draws_are_reproducible(self) -> None:
        """The same random stream gives the same stats."""
        first = draw_stats("rogue", 7, np.random.default_rng(5))
        assert first == draw_stats("rogue", 7, np.random.default_rng(5))
