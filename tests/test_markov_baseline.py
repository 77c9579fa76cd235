"""The Markov-chain baseline of bench/markov.py: what it learns, how it backs off and samples."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
import numpy.typing as npt
import pytest

import procgen
from procgen.tiles import grid_from_rows, rows_from_grid

Grid = npt.NDArray[np.uint8]


def load_markov() -> ModuleType:
    """bench/ is not a package: load the module from its path, once."""
    path = Path(__file__).resolve().parent.parent / "bench" / "markov.py"
    spec = importlib.util.spec_from_file_location("bench_markov", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("bench_markov", module)
    spec.loader.exec_module(module)
    return module


markov = load_markov()
OOB = markov.OUT_OF_BOUNDS


def g(*rows: str) -> Grid:
    return grid_from_rows(rows)


def checkerboard(height: int, width: int) -> Grid:
    """'#' at even y + x, '.' elsewhere: the top-left tile is always '#'."""
    yy, xx = np.indices((height, width))
    return np.where((yy + xx) % 2 == 0, ord("#"), ord(".")).astype(np.uint8)


def walled_room(rng: np.random.Generator, height: int, width: int) -> Grid:
    """A wall ring around random floor, water and rock."""
    grid = rng.choice(np.frombuffer(b".~o", dtype=np.uint8), size=(height, width))
    grid[0, :] = grid[-1, :] = grid[:, 0] = grid[:, -1] = ord("#")
    return grid


def caves(seeds: range) -> list[Grid]:
    return [procgen.level(seed=s, width=24, height=24, style="cave").grid for s in seeds]


class TestReproducibility:
    def test_same_seed_same_sample(self) -> None:
        """Sampling depends on the generator's seed and nothing else."""
        chain = markov.MarkovChain().fit(caves(range(5)))
        first = chain.sample(20, 30, np.random.default_rng(7))
        again = markov.MarkovChain().fit(caves(range(5))).sample(20, 30, np.random.default_rng(7))
        assert first.shape == (20, 30) and first.dtype == np.uint8
        assert np.array_equal(first, again)

    def test_different_seeds_differ(self) -> None:
        """Two seeds give two different levels from a varied corpus."""
        chain = markov.MarkovChain().fit(caves(range(5)))
        a = chain.sample(20, 20, np.random.default_rng(1))
        b = chain.sample(20, 20, np.random.default_rng(2))
        assert not np.array_equal(a, b)

    def test_corpus_order_does_not_matter(self) -> None:
        """The tables are built in sorted order, so shuffling the corpus changes nothing."""
        corpus = caves(range(5))
        forward = markov.MarkovChain().fit(corpus).sample(16, 16, np.random.default_rng(3))
        backward = markov.MarkovChain().fit(corpus[::-1]).sample(16, 16, np.random.default_rng(3))
        assert np.array_equal(forward, backward)


class TestWhatItLearns:
    def test_only_training_tiles_appear(self) -> None:
        """A sample never holds a tile the corpus lacks, even at a larger size."""
        corpus = caves(range(5))
        seen = set(np.unique(np.concatenate([c.ravel() for c in corpus])).tolist())
        sample = markov.MarkovChain().fit(corpus).sample(40, 40, np.random.default_rng(0))
        assert set(np.unique(sample).tolist()) <= seen

    def test_checkerboard_is_sampled_back_exactly(self) -> None:
        """Each checkerboard context has one successor: the chain redraws the board at any size."""
        chain = markov.MarkovChain().fit([checkerboard(6, 6), checkerboard(4, 9)])
        for height, width in ((6, 6), (13, 21)):
            sample = chain.sample(height, width, np.random.default_rng(height))
            assert np.array_equal(sample, checkerboard(height, width))

    def test_vertical_stripes_are_copied_from_the_left(self) -> None:
        """Each column follows from the one to its left; the first from the border."""
        chain = markov.MarkovChain().fit([g("#.~#.~", "#.~#.~", "#.~#.~")])
        sample = chain.sample(5, 8, np.random.default_rng(0))
        assert rows_from_grid(sample) == ["#.~#.~#."] * 5

    def test_horizontal_stripes_are_copied_from_above(self) -> None:
        """Each row follows from the one above it; the first from the border."""
        chain = markov.MarkovChain().fit([g("######", "......", "######", "......")])
        sample = chain.sample(5, 8, np.random.default_rng(0))
        assert rows_from_grid(sample) == ["########", "........"] * 2 + ["########"]

    def test_walled_rooms_keep_their_top_and_left_walls(self) -> None:
        """The out-of-bounds symbol teaches the first row and column that they are walls."""
        rng = np.random.default_rng(0)
        corpus = [walled_room(rng, 10, 12) for _ in range(20)]
        chain = markov.MarkovChain().fit(corpus)
        for seed in range(5):
            sample = chain.sample(10, 12, np.random.default_rng(seed))
            assert set(sample[0].tobytes()) == {ord("#")}
            assert set(sample[:, 0].tobytes()) == {ord("#")}
            assert len(set(sample[1:-1, 1:-1].tobytes())) > 1  # the inside is not all wall

    def test_probabilities_are_conditional_frequencies(self) -> None:
        """After 'a' on the first row, the row 'aab' goes on with 'a' or 'b', half each."""
        chain = markov.MarkovChain().fit([g("aab")])
        context, probabilities = chain.distribution(ord("a"), OOB, OOB)
        assert context == (ord("a"), OOB, OOB)
        assert probabilities == {ord("a"): 0.5, ord("b"): 0.5}


class TestBackoff:
    CORPUS = (g("ab", "ba"),)

    def test_seen_context_is_used_whole(self) -> None:
        """The full (left, above, above-left) context when training saw it."""
        chain = markov.MarkovChain().fit(self.CORPUS)
        context, probabilities = chain.distribution(ord("b"), ord("b"), ord("a"))
        assert context == (ord("b"), ord("b"), ord("a"))
        assert probabilities == {ord("a"): 1.0}

    def test_unseen_above_left_backs_off_to_left_and_above(self) -> None:
        """An unseen above-left neighbour is dropped first."""
        chain = markov.MarkovChain().fit(self.CORPUS)
        context, _ = chain.distribution(ord("b"), ord("b"), ord("b"))
        assert context == (ord("b"), ord("b"))

    def test_unseen_above_backs_off_to_left(self) -> None:
        """Then the tile above."""
        chain = markov.MarkovChain().fit(self.CORPUS)
        context, probabilities = chain.distribution(ord("a"), ord("a"), ord("a"))
        assert context == (ord("a"),)
        assert probabilities == {ord("b"): 1.0}  # in the corpus, 'a' is only ever followed by 'b'

    def test_unseen_left_backs_off_to_the_tile_frequencies(self) -> None:
        """Finally the unconditional distribution of tiles."""
        chain = markov.MarkovChain().fit([g("aab")])
        context, probabilities = chain.distribution(ord("z"), ord("z"), ord("z"))
        assert context == ()
        assert probabilities == pytest.approx({ord("a"): 2 / 3, ord("b"): 1 / 3})

    def test_sampling_beyond_the_training_shapes_completes(self) -> None:
        """A one-column corpus never saw a left neighbour; wider samples back off and finish."""
        chain = markov.MarkovChain().fit([g("a", "b", "a", "b"), g("b", "b")])
        sample = chain.sample(6, 5, np.random.default_rng(0))
        assert sample.shape == (6, 5)
        assert set(sample.tobytes()) <= {ord("a"), ord("b")}

    def test_every_backoff_level_counts_every_cell(self) -> None:
        """Each level of the backoff is a marginal of the one above: all count the same cells."""
        corpus = caves(range(3))
        chain = markov.MarkovChain().fit(corpus)
        for order in markov.BACKOFF:
            total = sum(sum(table.values()) for table in chain.counts[order].values())
            assert total == sum(c.size for c in corpus)


class TestMisuse:
    def test_fitting_nothing_is_an_error(self) -> None:
        """An empty corpus has no distribution to learn."""
        with pytest.raises(ValueError, match="at least one"):
            markov.MarkovChain().fit([])

    def test_sampling_before_fitting_is_an_error(self) -> None:
        """An unfitted chain says so instead of failing deep inside."""
        with pytest.raises(ValueError, match="fit"):
            markov.MarkovChain().sample(4, 4, np.random.default_rng(0))

    def test_one_chain_per_style(self) -> None:
        """fit_per_style fits an independent chain for each style."""
        chains = markov.fit_per_style({"board": [checkerboard(4, 4)], "caves": caves(range(2))})
        assert set(chains) == {"board", "caves"}
        board = chains["board"].sample(5, 5, np.random.default_rng(0))
        assert np.array_equal(board, checkerboard(5, 5))
