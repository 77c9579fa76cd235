"""Measurements of generated content, exactly as defined in the project's METRICS reference.

Two kinds live here:

- per level: :func:`level_stats`, the expressive-range measures every level carries in
  ``meta.stats``;
- per corpus: the quality metrics that compare a generated set with its training set --
  tile-pattern KL (:func:`tile_pattern_kl`, Lucas & Volz, GECCO 2019, arXiv 1905.05077),
  :func:`novelty`, :func:`diversity` and :func:`expressive_range`.

Grids are ``uint8`` arrays ``[y, x]`` of tile character codes (see
:func:`procgen.tiles.grid_from_rows`); a set of grids may mix shapes. Everything runs on whole
arrays: counting windows, comparing crops and pairs happen in numpy, never in a Python loop per
tile.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence

import numpy as np
import numpy.typing as npt
from numpy.lib.stride_tricks import sliding_window_view

from procgen.errors import InvalidParameterError
from procgen.levels import Level
from procgen.solver import Solution, bfs_distances, largest_region, regions, solve, walkable_mask

Grid = npt.NDArray[np.uint8]

#: The smoothing of Lucas & Volz: unseen patterns get a tiny mass instead of an infinite log ratio.
KL_EPS = 1e-7

#: A generated level closer than this to its nearest training level counts as a near copy.
NEAR_COPY = 0.10

#: Crop comparisons run in blocks of at most this many tiles (4 MiB), to bound memory.
_BLOCK_ELEMENTS = 1 << 22


def level_stats(level: Level, solution: Solution | None = None) -> dict[str, float | int | None]:
    """Expressive-range measures of one level (Smith & Whitehead 2010 style).

    - ``path_length``: BFS steps spawn to exit with every obtainable door open (None if unsolvable)
    - ``longest_path``: longest shortest path in the largest walkable region (double BFS sweep)
    - ``walkable_fraction``: walkable tiles / all tiles
    - ``regions``: number of 4-connected walkable regions
    - ``enemy_density``, ``hazard_density``: enemies, hazard tiles per walkable tile
    """
    solution = solution or solve(level)
    walkable = walkable_mask(level)
    n_walkable = int(walkable.sum())
    hazard = level.tileset.mask_lut("hazard")[level.grid]
    exits = level.of_kind("exit")
    steps = int(solution.distances[exits[0].y, exits[0].x]) if exits else -1
    per_walkable = 1.0 / max(n_walkable, 1)
    return {
        "path_length": steps if steps >= 0 else None,
        "longest_path": _longest_shortest_path(walkable),
        "walkable_fraction": round(n_walkable / walkable.size, 4),
        "regions": regions(walkable)[1],
        "enemy_density": round(len(level.of_kind("enemy")) * per_walkable, 4),
        "hazard_density": round(int(hazard.sum()) * per_walkable, 4),
    }


def _longest_shortest_path(walkable: np.ndarray) -> int:
    region = largest_region(walkable)
    if not region.any():
        return 0
    first = tuple(np.argwhere(region)[0])
    sweep = bfs_distances(region, [first])
    far = tuple(np.argwhere(sweep == sweep.max())[0])
    return int(bfs_distances(region, [far]).max())


# ---------------------------------------------------------------------------------------------
# Tile-pattern KL


def pattern_counts(grids: Sequence[Grid], k: int) -> Counter[bytes]:
    """How often each k x k tile pattern occurs over every window position of every grid.

    Windows never leave a grid (no padding), so a grid smaller than k in either dimension adds
    nothing. The key is the window's bytes in row-major order; its shape is implied by ``k``.

    >>> from procgen.tiles import grid_from_rows
    >>> counts = pattern_counts([grid_from_rows(["ab", "ab", "ab"])], k=2)
    >>> dict(counts)
    {b'abab': 2}
    """
    if k < 1:
        raise InvalidParameterError(f"window size k must be at least 1, got {k}")
    windows = [
        sliding_window_view(np.asarray(grid, dtype=np.uint8), (k, k)).reshape(-1, k * k)
        for grid in grids
        if grid.shape[0] >= k and grid.shape[1] >= k
    ]
    if not windows:
        return Counter()
    # One np.unique over all windows as fixed-size byte strings counts them in C; the Python loop
    # below runs once per *distinct* pattern, which is small next to the number of windows.
    rows = np.ascontiguousarray(np.concatenate(windows))
    keys = rows.view(np.dtype((np.void, k * k))).ravel()
    distinct, counts = np.unique(keys, return_counts=True)
    return Counter({key.tobytes(): int(n) for key, n in zip(distinct, counts, strict=True)})


def tile_pattern_kl(
    reference: Sequence[Grid], generated: Sequence[Grid], k: int = 2, eps: float = KL_EPS
) -> float:
    """``KL_k(P || Q)`` of k x k tile patterns: P from ``reference``, Q from ``generated``.

    Exactly as in METRICS.md (and Lucas & Volz's code): ``p(x) = (c_P(x) + eps) / ((N_P + eps)
    (1 + eps))``, likewise ``q``, summed over the patterns of P only. The sum asks "does the
    generator reproduce what the reference has"; swap the arguments (or use
    :func:`kl_both_ways`) to ask "does it invent patterns the reference never has".

    >>> from procgen.tiles import grid_from_rows
    >>> level = grid_from_rows(["#.#", "...", "#.#"])
    >>> tile_pattern_kl([level], [level])
    0.0
    """
    return _kl(pattern_counts(reference, k), pattern_counts(generated, k), eps)


def kl_both_ways(
    reference: Sequence[Grid], generated: Sequence[Grid], k: int = 2, eps: float = KL_EPS
) -> tuple[float, float]:
    """``(KL(P || Q), KL(Q || P))``, counting each set's patterns once."""
    counts_p, counts_q = pattern_counts(reference, k), pattern_counts(generated, k)
    return _kl(counts_p, counts_q, eps), _kl(counts_q, counts_p, eps)


def _kl(counts_p: Counter[bytes], counts_q: Counter[bytes], eps: float) -> float:
    # An empty Q would make q(x) = eps / (eps (1 + eps)) ~ 1 for every pattern: a negative "KL".
    if not counts_p or not counts_q:
        raise InvalidParameterError("a set has no k x k window: there is no histogram to compare")
    n_p, n_q = counts_p.total(), counts_q.total()
    c_p = np.array(list(counts_p.values()), dtype=np.float64)
    c_q = np.array([counts_q.get(pattern, 0) for pattern in counts_p], dtype=np.float64)
    p = (c_p + eps) / ((n_p + eps) * (1 + eps))
    q = (c_q + eps) / ((n_q + eps) * (1 + eps))
    return float(np.sum(p * np.log(p / q)))


# ---------------------------------------------------------------------------------------------
# Novelty


def novelty(generated: Grid, training: Sequence[Grid]) -> float:
    """Normalised Hamming distance (share of differing tiles) to the nearest training level.

    Levels of different shapes are compared on their overlap, of shape ``(min(h), min(w))``:
    every crop of that shape of the generated level against every crop of that shape of the
    training level, keeping the smallest distance. This one rule covers three cases:

    - same shape: the levels themselves, tile by tile;
    - training level at least as large in both dimensions: every crop of it of the generated
      level's shape (does the generated level occur *inside* a training level?);
    - training level smaller in some dimension: crops of the generated level slide along that
      dimension, crops of the training level along any dimension where it is the larger one.

    So 0.0 means the generated level (or all of it that fits) is a verbatim copy of training tiles.

    >>> from procgen.tiles import grid_from_rows
    >>> novelty(grid_from_rows(["ab"]), [grid_from_rows(["xaby"])])
    0.0
    >>> novelty(grid_from_rows(["ab"]), [grid_from_rows(["ba"])])
    1.0
    """
    if not training:
        raise InvalidParameterError("novelty needs at least one training level")
    # Crops of the generated level are copied once per overlap shape and reused for every training
    # level of that shape: comparing contiguous rows is ~4x faster than comparing strided views.
    cached: dict[tuple[int, int], list[npt.NDArray[np.uint8]]] = {}
    best = 1.0
    for level in training:
        shape = _overlap(generated, level)
        if shape not in cached:
            blocks = _crop_blocks(generated, shape)
            first = next(blocks)
            if next(blocks, None) is not None:  # too large to keep: recompute when needed
                best = min(best, _crop_distance(generated, level))
                continue
            cached[shape] = [first]
        best = min(best, _fewest_differences(cached[shape], level, shape) / math.prod(shape))
        if best == 0.0:
            break
    return best


def _overlap(a: Grid, b: Grid) -> tuple[int, int]:
    shape = int(min(a.shape[0], b.shape[0])), int(min(a.shape[1], b.shape[1]))
    if 0 in shape:
        raise InvalidParameterError(f"cannot compare an empty grid ({a.shape} vs {b.shape})")
    return shape


def _crop_distance(a: Grid, b: Grid) -> float:
    """Smallest share of differing tiles over all pairs of overlap-shaped crops of ``a`` and ``b``.

    In each dimension only the larger of the two has more than one crop position, so the pairs
    are the product of ``a``'s offsets along the dimensions where it is larger with ``b``'s.
    """
    shape = _overlap(a, b)
    return _fewest_differences(_crop_blocks(a, shape), b, shape) / math.prod(shape)


def _fewest_differences(
    blocks_a: Iterable[npt.NDArray[np.uint8]], b: Grid, shape: tuple[int, int]
) -> int:
    """Fewest differing tiles between any crop in ``blocks_a`` and any ``shape`` crop of ``b``."""
    size = math.prod(shape)
    fewest = size
    for block_a in blocks_a:
        # Each comparison holds len(block_a) x chunk crops: at most _BLOCK_ELEMENTS tiles.
        chunk = max(1, _BLOCK_ELEMENTS // (block_a.shape[0] * size))
        for block_b in _crop_blocks(b, shape):
            for start in range(0, block_b.shape[0], chunk):
                differ = block_a[:, None, :] != block_b[None, start : start + chunk, :]
                fewest = min(fewest, int(differ.sum(axis=-1, dtype=np.int32).min()))
                if fewest == 0:
                    return 0
    return fewest


def _crop_blocks(
    grid: Grid, shape: tuple[int, int], rows: int | None = None
) -> Iterator[npt.NDArray[np.uint8]]:
    """Every ``shape`` crop of ``grid`` as a flat contiguous row, in blocks of ``rows`` offset rows.

    Blocks bound memory: all 32x32 crops of a 512x512 level take 237 MB at once. By default a
    block holds at most ``_BLOCK_ELEMENTS`` tiles.
    """
    view = sliding_window_view(grid, shape)
    size = math.prod(shape)
    if rows is None:
        rows = max(1, _BLOCK_ELEMENTS // (view.shape[1] * size))
    for start in range(0, view.shape[0], rows):
        yield np.ascontiguousarray(view[start : start + rows]).reshape(-1, size)


def novelty_summary(generated: Sequence[Grid], training: Sequence[Grid]) -> dict[str, float | int]:
    """The distribution of :func:`novelty` over a generated set, as METRICS.md asks to report it.

    ``min``, ``median``, ``mean``: of the nearest-training distances; ``near_copies``: share below
    0.10; ``exact_copies``: levels at distance 0 (identical to a training level or to a crop of
    one -- must be 0); ``count``: levels measured.
    """
    if not generated:
        raise InvalidParameterError("novelty_summary needs at least one generated level")
    distances = np.array([novelty(grid, training) for grid in generated], dtype=np.float64)
    return {
        "count": int(distances.size),
        "min": float(distances.min()),
        "median": float(np.median(distances)),
        "mean": float(distances.mean()),
        "near_copies": float(np.mean(distances < NEAR_COPY)),
        "exact_copies": int(np.count_nonzero(distances == 0.0)),
    }


# ---------------------------------------------------------------------------------------------
# Diversity


def diversity(generated: Sequence[Grid]) -> dict[str, float | int]:
    """How different a generated set's levels are from one another.

    - ``mean_pairwise``: mean normalised Hamming distance over all pairs of levels *of the same
      shape* (different shapes are not compared); each shape group weighs by its number of pairs.
      NaN when no two levels share a shape.
    - ``mean_nearest``: mean, over levels that share their shape with another, of the distance to
      the closest such level (NaN when none does).
    - ``duplicates``: share of levels that are not unique, i.e. that have an identical twin in the
      set -- all copies count, so three equal levels out of four give 0.75.
    - ``pairs``: number of same-shape pairs behind ``mean_pairwise``.

    >>> from procgen.tiles import grid_from_rows
    >>> stats = diversity([grid_from_rows(["ab"]), grid_from_rows(["aa"]), grid_from_rows(["ab"])])
    >>> round(stats["mean_pairwise"], 3), round(stats["duplicates"], 3), stats["pairs"]
    (0.333, 0.667, 3)
    """
    if not generated:
        raise InvalidParameterError("diversity needs at least one generated level")
    by_shape: dict[tuple[int, int], list[Grid]] = {}
    for grid in generated:
        by_shape.setdefault((grid.shape[0], grid.shape[1]), []).append(grid)
    total, pairs, nearest, not_unique = 0.0, 0, [], 0
    for group in by_shape.values():
        flat = np.stack(group).reshape(len(group), -1)
        distance = _pairwise_hamming(flat)
        upper = np.triu_indices(len(group), k=1)
        total += float(distance[upper].sum())
        pairs += upper[0].size
        if len(group) > 1:
            np.fill_diagonal(distance, np.inf)
            closest = distance.min(axis=1)
            nearest.extend(closest.tolist())
            not_unique += int(np.count_nonzero(closest == 0.0))
    return {
        "mean_pairwise": total / pairs if pairs else math.nan,
        "mean_nearest": float(np.mean(nearest)) if nearest else math.nan,
        "duplicates": not_unique / len(generated),
        "pairs": pairs,
    }


def _pairwise_hamming(flat: npt.NDArray[np.uint8]) -> npt.NDArray[np.float64]:
    """``[i, j]``: share of positions where rows i and j differ.

    Matching tiles are counted as one matrix product per tile character (one-hot rows), which
    stays small for thousands of levels where an all-pairs comparison would not. The products are
    integer counts below 2**53, so float64 holds them exactly.
    """
    matches = np.zeros((flat.shape[0], flat.shape[0]), dtype=np.float64)
    for tile in np.unique(flat):
        one_hot = (flat == tile).astype(np.float64)
        matches += one_hot @ one_hot.T
    distance: npt.NDArray[np.float64] = 1.0 - np.rint(matches) / flat.shape[1]
    return distance


# ---------------------------------------------------------------------------------------------
# Expressive range


def expressive_range(levels: Sequence[Level]) -> dict[str, float]:
    """Mean of each :func:`level_stats` measure over ``levels``, plus the ``playable`` share.

    ``path_length`` averages only the levels whose exit is reachable (NaN if none is);
    ``playable`` is the share of levels :func:`procgen.solver.solve` finds playable.
    """
    if not levels:
        raise InvalidParameterError("expressive_range needs at least one level")
    sums: dict[str, float] = {}
    counts: dict[str, int] = {}
    playable = 0
    for level in levels:
        solution = solve(level)
        playable += solution.playable
        for name, value in level_stats(level, solution).items():
            sums.setdefault(name, 0.0)
            counts.setdefault(name, 0)
            if value is not None:
                sums[name] += value
                counts[name] += 1
    out = {name: sums[name] / counts[name] if counts[name] else math.nan for name in sums}
    out["playable"] = playable / len(levels)
    return out
