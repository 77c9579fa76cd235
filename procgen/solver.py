"""Playability: can the player walk from spawn to exit and reach everything that matters?

Movement is 4-connected over tiles tagged ``walkable``. A ``door`` entity with a ``key`` blocks its
tile until the player holds that key; keys are never used up, so collecting them is monotone and a
fixed point of "explore, pick up every reachable key, open its doors" decides solvability exactly.

Shortest paths (unit steps) run in C (``scipy.sparse.csgraph.dijkstra``) over a graph built with
numpy: a level
needs several searches and a pure-Python BFS would eat the whole time budget of a 64x64 level.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt
from scipy import ndimage
from scipy.sparse import csr_array
from scipy.sparse.csgraph import dijkstra

from procgen.levels import MUST_REACH, Level

Mask = npt.NDArray[np.bool_]
Distances = npt.NDArray[np.int32]

UNREACHABLE = -1


def bfs_distances(passable: Mask, sources: Sequence[tuple[int, int]]) -> Distances:
    """Steps from the nearest of ``sources`` (``(y, x)`` pairs) to every tile; -1 where unreachable.

    >>> import numpy as np
    >>> bfs_distances(np.array([[True, True, False, True]]), [(0, 0)]).tolist()
    [[0, 1, -1, -1]]
    """
    height, width = passable.shape
    starts = [y * width + x for y, x in sources if passable[y, x]]
    if not starts:
        return np.full(passable.shape, UNREACHABLE, dtype=np.int32)
    graph = _grid_graph(passable)
    steps = dijkstra(graph, directed=True, unweighted=True, indices=starts, min_only=True)
    out = np.where(np.isinf(steps), UNREACHABLE, steps).astype(np.int32)
    return out.reshape(height, width)


def _grid_graph(passable: Mask) -> csr_array:
    """The 4-neighbour adjacency of passable tiles as a sparse matrix over flat indices.

    Built as scipy's search wants it, so that it is used as it is: both directions of every
    edge and float64 weights (given one direction and int8, ``dijkstra`` transposed and
    converted the graph at every call: 137 us a search against 37 on a 32x32 dungeon). Building
    it costs twice the search, and placement, the solver and the stats search the same few
    masks again and again (645 searches over 133 masks for 64 learned dungeons), so the last
    few graphs are kept, keyed by the mask itself.
    """
    return _graph_of(passable.shape, np.ascontiguousarray(passable, dtype=bool).tobytes())


@lru_cache(maxsize=8)
def _graph_of(shape: tuple[int, ...], mask: bytes) -> csr_array:
    rows, cols = grid_edges(np.frombuffer(mask, dtype=bool).reshape(shape))
    size = int(np.prod(shape))
    both = (np.concatenate([rows, cols]), np.concatenate([cols, rows]))
    graph = csr_array((np.ones(2 * rows.size), both), shape=(size, size))
    graph.sort_indices()
    return graph


def grid_edges(passable: Mask) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    """Each pair of 4-neighbouring passable tiles once, as flat indices: (left or upper, other)."""
    height, width = passable.shape
    index = np.arange(height * width).reshape(height, width)
    right = passable[:, :-1] & passable[:, 1:]
    down = passable[:-1, :] & passable[1:, :]
    first = np.concatenate([index[:, :-1][right], index[:-1, :][down]])
    second = np.concatenate([index[:, 1:][right], index[1:, :][down]])
    return first, second


def regions(passable: Mask) -> tuple[npt.NDArray[np.int32], int]:
    """Label the 4-connected regions of ``passable``: ``(labels, count)``; 0 marks impassable."""
    labels, count = ndimage.label(passable)
    return labels.astype(np.int32), int(count)


def largest_region(passable: Mask) -> Mask:
    """The largest 4-connected region of ``passable`` (all False when nothing is passable)."""
    labels, count = regions(passable)
    if count == 0:
        return np.zeros_like(passable)
    sizes = np.bincount(labels.ravel())[1:]
    region: Mask = labels == (int(np.argmax(sizes)) + 1)
    return region


def walkable_mask(level: Level) -> Mask:
    lut = level.tileset.mask_lut("walkable")
    mask: Mask = lut[level.grid]
    return mask


Locks = dict[tuple[int, int], str]  # (y, x) of a locked door -> the key that opens it


def locks(level: Level) -> Locks:
    """Every door that has a key, by its tile."""
    return {(d.y, d.x): d.key for d in level.of_kind("door") if d.key is not None}


def open_with(passable: Mask, locked: Locks, keys: Collection[str]) -> Mask:
    """``passable`` with every locked door whose key is not among ``keys`` shut."""
    out = passable.copy()
    for (y, x), key in locked.items():
        if key not in keys:
            out[y, x] = False
    return out


@dataclass(frozen=True)
class Solution:
    """What the player can reach: ``distances`` from spawn with every obtainable door open."""

    distances: Distances
    keys_held: frozenset[str]
    unreachable: tuple[str, ...]  # ids of entities that must be reachable but are not

    @property
    def reachable(self) -> Mask:
        mask: Mask = self.distances >= 0
        return mask

    @property
    def playable(self) -> bool:
        return not self.unreachable


def solve(level: Level) -> Solution:
    """Explore from spawn, collecting keys and opening their doors until nothing new opens."""
    spawns = level.of_kind("spawn")
    passable = walkable_mask(level)
    if not spawns:
        nowhere = np.full(passable.shape, UNREACHABLE, dtype=np.int32)
        must = tuple(e.id for e in level.entities if e.kind in MUST_REACH)
        return Solution(nowhere, frozenset(), must)
    spawn = spawns[0]
    locked = locks(level)
    key_at = {k.id: (k.y, k.x) for k in level.of_kind("key")}
    held: set[str] = set()
    while True:
        distances = bfs_distances(open_with(passable, locked, held), [(spawn.y, spawn.x)])
        found = {k for k, (y, x) in key_at.items() if k not in held and distances[y, x] >= 0}
        if not found:
            break
        held |= found
    unreachable = tuple(
        e.id for e in level.entities if e.kind in MUST_REACH and distances[e.y, e.x] < 0
    )
    return Solution(distances, frozenset(held), unreachable)


def path_length(level: Level, solution: Solution | None = None) -> int | None:
    """BFS steps from spawn to exit with every obtainable door open; None when unreachable."""
    solution = solution or solve(level)
    exits = level.of_kind("exit")
    if not exits:
        return None
    steps = int(solution.distances[exits[0].y, exits[0].x])
    return steps if steps >= 0 else None
