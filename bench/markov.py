"""The baseline a learned tile model must beat: a multi-dimensional Markov chain over tile grids.

After Snodgrass & Ontañón, "Generating Maps Using Markov Chains" (AIIDE 2013): each tile depends
on its left, upper and upper-left neighbours, counted over a corpus and sampled row-major, top to
bottom, left to right. Design choices:

- Cells outside the grid read as ``OUT_OF_BOUNDS``, a symbol no tile uses, so the first row and
  column learn their own statistics (Snodgrass pads the maps the same way): a corpus of walled
  rooms yields a wall along the top and the left. The bottom row and right column get no such
  help -- no neighbour in the context says "this is the last row" -- a known weakness of the
  left/above/above-left context.
- Backoff: a context never seen in training falls back to (left, above), then (left,), then the
  unconditional tile distribution. Each level is counted over the same cells, so the fallback is
  a proper marginal of the level above it. Unseen contexts happen when the grid sampled is larger
  than any training grid or when two neighbours never met in training.
- Reproducible from ``rng`` alone: one uniform draw per cell, drawn up front, and every table
  built in sorted context order -- nothing depends on set or hash order.

Run it to print the sanity figures: tile-pattern KL of Markov samples against held-out levels,
next to the split-half floor of the real levels themselves::

    python bench/markov.py [--style cave] [--size 32] [--train 100] [--held-out 50]
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping, Sequence

import numpy as np
import numpy.typing as npt

Grid = npt.NDArray[np.uint8]
Context = tuple[int, ...]

#: What a neighbour outside the grid reads as; tiles are bytes 0..255, so -1 never collides.
OUT_OF_BOUNDS = -1

#: How many neighbours each backoff level keeps, most specific first: (left, above, above-left),
#: (left, above), (left,), ().
BACKOFF = (3, 2, 1, 0)


class MarkovChain:
    """Counts of ``tile | (left, above, above-left)`` with backoff; see the module docstring."""

    def __init__(self) -> None:
        # counts[order][context][tile], for each order in BACKOFF; filled by fit().
        self.counts: dict[int, dict[Context, dict[int, int]]] = {order: {} for order in BACKOFF}
        self._tables: dict[int, dict[Context, tuple[npt.NDArray[np.int16], np.ndarray]]] = {}

    def fit(self, grids: Sequence[Grid]) -> MarkovChain:
        """Count every cell of every grid (any shapes) under each backoff context, afresh."""
        if not grids or not any(grid.size for grid in grids):
            raise ValueError("a Markov chain needs at least one non-empty grid to fit")
        # One row per cell: (left, above, above-left, tile), built with numpy and counted by
        # np.unique, which also sorts the rows -- so the tables below come out in a fixed order.
        cells = np.concatenate([_cell_contexts(grid) for grid in grids if grid.size])
        rows, numbers = np.unique(cells, axis=0, return_counts=True)
        self.counts = {order: {} for order in BACKOFF}
        for (left, above, above_left, tile), number in zip(
            rows.tolist(), numbers.tolist(), strict=True
        ):
            full = (left, above, above_left)
            for order in BACKOFF:
                table = self.counts[order].setdefault(full[:order], {})
                table[tile] = table.get(tile, 0) + number
        self._tables = {
            order: {context: _cdf(table) for context, table in sorted(self.counts[order].items())}
            for order in BACKOFF
        }
        return self

    def distribution(
        self, left: int, above: int, above_left: int
    ) -> tuple[Context, dict[int, float]]:
        """The context actually used after backoff, and the next-tile probabilities under it."""
        context, (tiles, cdf) = self._lookup(left, above, above_left)
        probabilities = np.diff(cdf, prepend=0.0)
        return context, dict(zip(tiles.tolist(), probabilities.tolist(), strict=True))

    def sample(self, height: int, width: int, rng: np.random.Generator) -> Grid:
        """A ``[y, x]`` grid of tile codes, generated row-major, top to bottom, left to right."""
        if not self._tables:
            raise ValueError("fit the chain before sampling from it")
        if height < 1 or width < 1:
            raise ValueError(f"cannot sample a {height}x{width} grid")
        uniforms = rng.random((height, width))
        # Padded like the training grids: row 0 and column 0 stay OUT_OF_BOUNDS.
        out = np.full((height + 1, width + 1), OUT_OF_BOUNDS, dtype=np.int16)
        for y in range(1, height + 1):
            for x in range(1, width + 1):
                _, (tiles, cdf) = self._lookup(
                    int(out[y, x - 1]), int(out[y - 1, x]), int(out[y - 1, x - 1])
                )
                index = int(np.searchsorted(cdf, uniforms[y - 1, x - 1], side="right"))
                out[y, x] = tiles[min(index, tiles.size - 1)]
        return out[1:, 1:].astype(np.uint8)

    def _lookup(
        self, left: int, above: int, above_left: int
    ) -> tuple[Context, tuple[npt.NDArray[np.int16], np.ndarray]]:
        full = (left, above, above_left)
        for order in BACKOFF:
            table = self._tables[order].get(full[:order])
            if table is not None:
                return full[:order], table
        raise AssertionError("unreachable: the empty context is always fitted")


def fit_per_style(grids_by_style: Mapping[str, Sequence[Grid]]) -> dict[str, MarkovChain]:
    """One chain per style, as the learned model conditions on style and this must compete."""
    return {style: MarkovChain().fit(grids) for style, grids in grids_by_style.items()}


def _cell_contexts(grid: Grid) -> npt.NDArray[np.int16]:
    """``(left, above, above-left, tile)`` for every cell, row-major; OUT_OF_BOUNDS off the grid."""
    height, width = grid.shape
    padded = np.full((height + 1, width + 1), OUT_OF_BOUNDS, dtype=np.int16)
    padded[1:, 1:] = grid
    columns = (padded[1:, :-1], padded[:-1, 1:], padded[:-1, :-1], padded[1:, 1:])
    return np.stack([column.ravel() for column in columns], axis=1)


def _cdf(table: Mapping[int, int]) -> tuple[npt.NDArray[np.int16], np.ndarray]:
    """Tiles in ascending code order and their cumulative probabilities."""
    tiles = np.array(sorted(table), dtype=np.int16)
    counts = np.array([table[tile] for tile in tiles.tolist()], dtype=np.float64)
    return tiles, np.cumsum(counts) / counts.sum()


# -------------------------------------------------------------------------------------------------
# Sanity figures


def main() -> None:
    import procgen
    from procgen.metrics import diversity, kl_both_ways, novelty_summary

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--style", default="cave")
    parser.add_argument("--size", type=int, default=32)
    parser.add_argument("--train", type=int, default=100, help="training levels, seeds 0..n-1")
    parser.add_argument("--held-out", type=int, default=50, help="reference levels, seeds 10000..")
    parser.add_argument("--samples", type=int, default=100)
    parser.add_argument("--seed", type=int, default=0, help="seed of the Markov sampler")
    args = parser.parse_args()

    def real(seeds: range) -> list[Grid]:
        return [
            procgen.level(seed=s, width=args.size, height=args.size, style=args.style).grid
            for s in seeds
        ]

    train = real(range(args.train))
    held_out = real(range(10_000, 10_000 + args.held_out))
    chain = MarkovChain().fit(train)
    rng = np.random.default_rng(args.seed)
    samples = [chain.sample(args.size, args.size, rng) for _ in range(args.samples)]

    print(
        f"style {args.style}, {args.size}x{args.size}; reference P = {args.held_out} held-out "
        f"levels (seeds 10000..); training = seeds 0..{args.train - 1}; "
        f"Markov sampler seed {args.seed}"
    )
    header = ["set (Q)", "n", "KL2 P||Q", "KL2 Q||P", "KL3 P||Q", "KL3 Q||P"]
    header += ["nov. median", "nov. <0.10", "copies", "div. pairwise", "duplicates"]
    print("".join(f"{h:>14}" for h in header))
    # The floor row's novelty is that of the held-out levels against the training levels: how far
    # real levels of this style are from one another, the value a generator should approach.
    rows = (("real (floor)", train, held_out), ("Markov", samples, samples))
    for name, generated, novel in rows:
        kl2, kl3 = kl_both_ways(held_out, generated, 2), kl_both_ways(held_out, generated, 3)
        nov, div = novelty_summary(novel, train), diversity(generated)
        cells = [name, str(len(generated)), *(f"{v:.4f}" for v in (*kl2, *kl3))]
        cells += [f"{nov['median']:.3f}", f"{nov['near_copies']:.2f}", str(nov["exact_copies"])]
        cells += [f"{div['mean_pairwise']:.3f}", f"{div['duplicates']:.2f}"]
        print("".join(f"{c:>14}" for c in cells))
    print("P = held-out levels; novelty against the training levels (real row: held-out ones)")


if __name__ == "__main__":
    main()
