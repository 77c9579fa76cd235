"""Measurements of generated content, as defined in the project's METRICS reference.

For now: the expressive-range stats every level carries in ``meta.stats``. The corpus-level quality
metrics (tile-pattern KL, novelty, diversity) join them with the learned generators.
"""

from __future__ import annotations

import numpy as np

from procgen.levels import Level
from procgen.solver import Solution, bfs_distances, largest_region, regions, solve, walkable_mask


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
