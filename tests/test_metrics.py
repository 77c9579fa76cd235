"""Corpus-level quality metrics: tile-pattern KL, novelty, diversity, expressive range.

The definitions are those of METRICS.md; small hand-checked grids pin each rule down, and
hypothesis compares the vectorised code with plain loops that state the rule literally.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import procgen
from procgen.errors import InvalidParameterError
from procgen.levels import Entity, Level
from procgen.metrics import (
    diversity,
    expressive_range,
    kl_both_ways,
    level_stats,
    novelty,
    novelty_summary,
    pattern_counts,
    tile_pattern_kl,
)
from procgen.tiles import STANDARD_TILESET, grid_from_rows

Grid = npt.NDArray[np.uint8]
EPS = 1e-7


def g(*rows: str) -> Grid:
    return grid_from_rows(rows)


def caves(seeds: range, size: int = 24) -> list[Grid]:
    return [procgen.level(seed=s, width=size, height=size, style="cave").grid for s in seeds]


# Small grids over a three-letter alphabet: collisions and near copies are common, which is where
# the crop and duplicate rules matter.
small_grids = st.tuples(st.integers(1, 6), st.integers(1, 6)).flatmap(
    lambda shape: arrays(np.uint8, shape, elements=st.sampled_from([ord(c) for c in "#.;"]))
)


def hamming_by_loops(a: Grid, b: Grid) -> float:
    """METRICS.md's novelty rule, literally: every overlap-shaped crop pair, one at a time."""
    height, width = min(a.shape[0], b.shape[0]), min(a.shape[1], b.shape[1])
    return min(
        float(np.mean(a[ay : ay + height, ax : ax + width] != b[by : by + height, bx : bx + width]))
        for ay, ax, by, bx in itertools.product(
            range(a.shape[0] - height + 1),
            range(a.shape[1] - width + 1),
            range(b.shape[0] - height + 1),
            range(b.shape[1] - width + 1),
        )
    )


class TestPatternCounts:
    def test_every_window_without_padding(self) -> None:
        """A 3x4 grid has 2x3 windows of size 2: no window hangs over an edge."""
        counts = pattern_counts([g("abcd", "efgh", "ijkl")], k=2)
        assert counts.total() == 6
        assert counts[b"abef"] == 1
        assert counts[b"gkhl"] == 0  # column-major order is not the key

    def test_key_is_the_window_row_major(self) -> None:
        """The key reads the window's rows top to bottom, each left to right."""
        assert pattern_counts([g("ab", "cd")], k=2) == {b"abcd": 1}

    def test_counts_add_up_over_grids_of_any_shape(self) -> None:
        """Grids of different shapes pool their windows; repeated patterns are counted each time."""
        counts = pattern_counts([g("aaa", "aaa"), g("aa", "aa", "aa")], k=2)
        assert counts == {b"aaaa": 4}

    def test_grids_smaller_than_the_window_add_nothing(self) -> None:
        """A 2x5 grid has no 3x3 window."""
        assert pattern_counts([g("abcde", "fghij")], k=3) == {}

    def test_larger_windows(self) -> None:
        """k=3 keys hold nine tiles."""
        counts = pattern_counts([g("abcd", "efgh", "ijkl")], k=3)
        assert counts == {b"abcefgijk": 1, b"bcdfghjkl": 1}

    def test_window_size_must_be_positive(self) -> None:
        """k=0 is an error, not an empty histogram."""
        with pytest.raises(InvalidParameterError):
            pattern_counts([g("ab")], k=0)


class TestTilePatternKL:
    def test_a_set_against_itself_is_zero_both_ways(self) -> None:
        """Identical histograms give exactly 0 in both directions."""
        levels = caves(range(4))
        assert kl_both_ways(levels, levels, k=2) == (0.0, 0.0)

    def test_hand_computed_example(self) -> None:
        """P has two 2x2 patterns once each, Q only the first, twice; the formula by hand."""
        reference, generated = [g("aaa", "aab")], [g("aaa", "aaa")]
        p = 1 / (2 + EPS)  # (1 + eps) / ((2 + eps)(1 + eps)) for both patterns of P
        q_shared = 1 / (1 + EPS)  # (2 + eps) / ((2 + eps)(1 + eps))
        q_missing = EPS / ((2 + EPS) * (1 + EPS))
        expected = p * math.log(p / q_shared) + p * math.log(p / q_missing)
        assert tile_pattern_kl(reference, generated) == pytest.approx(expected, abs=1e-9)
        assert expected == pytest.approx(0.5 * math.log(0.5) + 0.5 * math.log(1 / EPS), rel=1e-6)

    def test_sums_over_the_patterns_of_the_first_argument(self) -> None:
        """KL(Q||P) of the same example sums over Q's one pattern: about log 2, not 7.7."""
        reference, generated = [g("aaa", "aab")], [g("aaa", "aaa")]
        q = 1 / (1 + EPS)
        p = 1 / (2 + EPS)
        assert tile_pattern_kl(generated, reference) == pytest.approx(q * math.log(q / p), 1e-9)

    def test_is_asymmetric(self) -> None:
        """Missing a reference pattern costs far more than over-using a shared one."""
        forward, backward = kl_both_ways([g("aaa", "aab")], [g("aaa", "aaa")])
        assert forward > 10 * backward > 0

    def test_grows_as_reference_patterns_go_missing(self) -> None:
        """Dropping ever more of the reference's patterns from Q raises KL(P||Q) every time."""
        reference = [g("abcdefgh", "ijklmnop")]
        values = []
        for keep in (8, 6, 4, 2):
            generated = [g("abcdefgh"[:keep], "ijklmnop"[:keep])]
            values.append(tile_pattern_kl(reference, generated))
        assert values[0] == pytest.approx(0.0, abs=1e-6)
        assert values == sorted(values)
        assert len(set(values)) == len(values)

    def test_window_size_three(self) -> None:
        """k=3 works the same way and sees structure that k=2 misses."""
        stripes = [g("ab" * 4, "ab" * 4, "ab" * 4, "ab" * 4)]
        shifted = [g("ab" * 4, "ba" * 4, "ab" * 4, "ba" * 4)]  # a checkerboard
        assert kl_both_ways(stripes, stripes, k=3) == (0.0, 0.0)
        assert tile_pattern_kl(stripes, shifted, k=3) > 1.0

    def test_kl_both_ways_is_both_calls(self) -> None:
        """The convenience returns (KL(P||Q), KL(Q||P)) exactly."""
        real, other = caves(range(3)), caves(range(3, 6))
        assert kl_both_ways(real, other, k=3) == (
            tile_pattern_kl(real, other, k=3),
            tile_pattern_kl(other, real, k=3),
        )

    def test_a_set_without_windows_is_an_error(self) -> None:
        """A set with no k x k window has no distribution to compare, on either side."""
        with pytest.raises(InvalidParameterError):
            tile_pattern_kl([g("ab")], [g("ab", "ab")])
        with pytest.raises(InvalidParameterError):
            tile_pattern_kl([g("ab", "ab")], [])

    @given(st.lists(small_grids, min_size=1, max_size=4), st.lists(small_grids, max_size=4))
    def test_never_meaningfully_negative(self, p: list[Grid], q: list[Grid]) -> None:
        """Smoothed masses do not sum to exactly 1, but KL stays >= 0 up to the smoothing."""
        p = [grid for grid in p if min(grid.shape) >= 2] or [g("ab", "ab")]
        q = [*q, g("##", "##")]
        assert tile_pattern_kl(p, q) >= -1e-6
        assert tile_pattern_kl(p, p) == 0.0


class TestNovelty:
    def test_exact_copy_is_zero(self) -> None:
        """A generated level equal to a training level has novelty 0."""
        level = caves(range(1))[0]
        assert novelty(level.copy(), [*caves(range(1, 4)), level]) == 0.0

    def test_complementary_grids_are_one(self) -> None:
        """No tile in common: every tile differs."""
        assert novelty(g("#.", ".#"), [g(".#", "#.")]) == 1.0

    def test_fraction_of_differing_tiles(self) -> None:
        """One tile of four differs: 0.25."""
        assert novelty(g("ab", "cd"), [g("ab", "cx")]) == 0.25

    def test_nearest_training_level_counts(self) -> None:
        """The distance is to the closest training level, whatever the order of the set."""
        training = [g("xx", "xx"), g("ab", "cx"), g("ax", "xx")]
        assert novelty(g("ab", "cd"), training) == 0.25
        assert novelty(g("ab", "cd"), training[::-1]) == 0.25

    def test_larger_training_level_is_searched_for_the_best_crop(self) -> None:
        """A 2x2 level inside a 3x4 training level is a copy; elsewhere, the closest crop wins."""
        training = [g("xxxx", "xabx", "xcdy")]
        assert novelty(g("ab", "cd"), training) == 0.0
        # best crop is rows 1-2, columns 1-2 ("ab"/"cd") against "ab"/"ce": one tile of four
        assert novelty(g("ab", "ce"), training) == 0.25
        # best crop "bx"/"dy" against "bx"/"zy": again one of four
        assert novelty(g("bx", "zy"), training) == 0.25

    def test_smaller_training_level_is_sought_inside_the_generated_level(self) -> None:
        """Against a 2x2 training level, every 2x2 crop of a 2x5 generated level is compared."""
        generated = g("abcde", "fghij")
        assert novelty(generated, [g("cd", "hi")]) == 0.0
        assert novelty(generated, [g("de", "iz")]) == 0.25
        assert novelty(generated, [g("zz", "zz")]) == 1.0

    def test_shapes_that_cross_compare_on_their_overlap(self) -> None:
        """A 3x2 level against a 2x3 one: 2x2 crops of both, every pair, smallest distance."""
        generated = g("ab", "cd", "ef")  # 2x2 crops: ab/cd, cd/ef
        training = g("xcd", "xez")  # 2x2 crops: xc/xe, cd/ez
        assert novelty(generated, [training]) == 0.25  # cd/ef vs cd/ez
        assert novelty(training, [generated]) == 0.25

    def test_no_training_levels_is_an_error(self) -> None:
        """Novelty against nothing is undefined, not 1."""
        with pytest.raises(InvalidParameterError):
            novelty(g("ab"), [])

    def test_large_levels_match_the_literal_rule(self) -> None:
        """Blocked comparison of big levels finds the same minimum as one crop at a time."""
        rng = np.random.default_rng(5)
        big = rng.integers(0, 3, (40, 70), dtype=np.uint8)
        small = big[11:31, 23:55].copy()
        small[3, 4] ^= 1
        assert novelty(big, [small]) == pytest.approx(1 / small.size)
        assert novelty(small, [big]) == pytest.approx(1 / small.size)

    @given(small_grids, st.lists(small_grids, min_size=1, max_size=3))
    def test_agrees_with_comparing_every_crop_pair(
        self, generated: Grid, training: list[Grid]
    ) -> None:
        """The vectorised novelty equals the loop over every crop pair, and lies in [0, 1]."""
        value = novelty(generated, training)
        assert 0.0 <= value <= 1.0
        assert value == pytest.approx(min(hamming_by_loops(generated, t) for t in training))

    @given(small_grids, small_grids)
    def test_symmetric_for_a_single_pair(self, a: Grid, b: Grid) -> None:
        """With one training level, swapping the roles changes nothing: the rule is symmetric."""
        assert novelty(a, [b]) == novelty(b, [a])

    @given(small_grids, st.lists(small_grids, min_size=1, max_size=3), small_grids)
    def test_more_training_never_raises_it(
        self, generated: Grid, training: list[Grid], extra: Grid
    ) -> None:
        """Adding a training level can only bring the nearest one closer."""
        assert novelty(generated, [*training, extra]) <= novelty(generated, training)


class TestNoveltySummary:
    def test_reports_distribution_near_and_exact_copies(self) -> None:
        """Three levels at distances 0, 0.25 and 1: min, median, mean, shares and copies."""
        training = [g("ab", "cd")]
        summary = novelty_summary([g("ab", "cd"), g("ab", "cx"), g("xy", "zw")], training)
        assert summary == {
            "count": 3,
            "min": 0.0,
            "median": 0.25,
            "mean": pytest.approx(1.25 / 3),
            "near_copies": pytest.approx(1 / 3),
            "exact_copies": 1,
        }

    def test_a_crop_of_a_training_level_is_an_exact_copy(self) -> None:
        """Copying part of a training level is still copying."""
        summary = novelty_summary([g("ab")], [g("xab", "yyy")])
        assert summary["exact_copies"] == 1


class TestDiversity:
    def test_identical_levels(self) -> None:
        """Copies of one level: no distance at all, and every level is a duplicate."""
        level = caves(range(1))[0]
        stats = diversity([level, level.copy(), level.copy()])
        assert stats["mean_pairwise"] == 0.0
        assert stats["mean_nearest"] == 0.0
        assert stats["duplicates"] == 1.0
        assert stats["pairs"] == 3

    def test_duplicates_counts_every_copy(self) -> None:
        """Three equal levels and one other: three of four are not unique."""
        a, b = g("ab"), g("ba")
        assert diversity([a, a, b, a])["duplicates"] == 0.75
        assert diversity([a, b, g("aa")])["duplicates"] == 0.0

    def test_mean_pairwise_hamming(self) -> None:
        """ab, aa, bb: distances 1/2, 1/2 and 1, mean 2/3; nearest 1/2, 1/2, 1/2."""
        stats = diversity([g("ab"), g("aa"), g("bb")])
        assert stats["mean_pairwise"] == pytest.approx(2 / 3)
        assert stats["mean_nearest"] == pytest.approx(1 / 2)

    def test_only_levels_of_one_shape_are_compared(self) -> None:
        """Shape groups weigh by their pairs: 3 pairs at distance 1 and 1 pair at 0 give 0.75."""
        stats = diversity([g("a"), g("b"), g("c"), g("ab"), g("ab")])
        assert stats["pairs"] == 4
        assert stats["mean_pairwise"] == 0.75
        assert stats["duplicates"] == 0.4

    def test_no_pairs_is_not_a_number(self) -> None:
        """With no two levels of one shape there is no pairwise mean to report."""
        stats = diversity([g("a"), g("ab")])
        assert math.isnan(stats["mean_pairwise"]) and math.isnan(stats["mean_nearest"])
        assert stats["pairs"] == 0 and stats["duplicates"] == 0.0

    @given(st.integers(1, 5), st.integers(1, 5), st.data())
    def test_agrees_with_comparing_every_pair(self, h: int, w: int, data: st.DataObject) -> None:
        """The one-hot matrix product gives the same mean as comparing each pair."""
        grid = arrays(np.uint8, (h, w), elements=st.sampled_from([35, 46, 59]))
        levels = data.draw(st.lists(grid, min_size=2, max_size=6))
        pairs = [float(np.mean(a != b)) for a, b in itertools.combinations(levels, 2)]
        assert diversity(levels)["mean_pairwise"] == pytest.approx(np.mean(pairs))


def room(rows: tuple[str, ...], *entities: Entity) -> Level:
    return Level(rows, STANDARD_TILESET, entities)


class TestExpressiveRange:
    def test_means_of_level_stats_over_generated_levels(self) -> None:
        """Each measure is the mean of level_stats over the levels; procgen levels all play."""
        levels = [procgen.level(seed=s, width=24, height=24, style="cave") for s in range(4)]
        summary = expressive_range(levels)
        stats = [level_stats(level) for level in levels]
        assert set(summary) == set(stats[0]) | {"playable"}
        for name in stats[0]:
            assert summary[name] == pytest.approx(np.mean([s[name] for s in stats]))
        assert summary["playable"] == 1.0
        assert 0.0 < summary["walkable_fraction"] < 1.0

    def test_unreachable_exits_are_left_out_of_path_length(self) -> None:
        """A level whose exit is walled off has no path length and is not playable."""
        spawn = Entity("spawn", "spawn", 1, 1)
        open_room = room(("#####", "#...#", "#####"), spawn, Entity("exit", "exit", 3, 1))
        walled = room(("#####", "#.#.#", "#####"), spawn, Entity("exit", "exit", 3, 1))
        summary = expressive_range([open_room, walled])
        assert summary["path_length"] == 2.0
        assert summary["playable"] == 0.5
        assert math.isnan(expressive_range([walled])["path_length"])
