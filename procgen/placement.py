"""Where spawn, exit, locked doors, keys, enemies and items go, driven by the difficulty knob.

Generators that produce only terrain (the classical ones, and learned models trained on corpora
without entities) get their entities from this one documented rule, so every level is complete:

1. Everything is placed in the largest 4-connected region of walkable tiles, never on a hazard
   (walkable hazards such as spikes may lie on the way, like in any dungeon).
2. **Spawn** is one end of a double BFS sweep (the far end of that region from a random tile).
   **Exit** is the tile whose distance from spawn sits at quantile ``0.5 + 0.5 * difficulty`` of
   all distances: harder levels have longer paths.
3. **Locked doors**: ``round(2 * difficulty)`` door tiles on the spawn-to-exit path that cut exit
   off from spawn (chokepoints) get a locked ``door`` entity; each door's key lies in the part of
   the level that is reachable before that door, preferably off the main path.
4. **Enemies**: ``walkable * (0.004 + 0.036 * difficulty)``, at least 4 steps from spawn.
   **Items**: ``walkable * (0.012 - 0.008 * difficulty)``, at least one; one **chest** per 400
   walkable tiles (at least one); one **npc** where the region has 40 tiles or more.

Candidate tiles are enumerated row-major and drawn with the caller's ``numpy`` generator, so the
result depends only on the grid, the difficulty and the seed.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from procgen.levels import Entity
from procgen.solver import Mask, bfs_distances, largest_region
from procgen.tiles import Tileset

Cell = tuple[int, int]  # (y, x)

#: Below this many tiles in the largest region, a level is too small to place entities in.
MIN_REGION = 6


class PlacementError(Exception):
    """The terrain has no region big enough for spawn and exit (the pipeline resamples)."""


def populate(
    grid: npt.NDArray[np.uint8], tileset: Tileset, difficulty: float, rng: np.random.Generator
) -> list[Entity]:
    """Place every entity on ``grid`` by the module's rule."""
    walkable: Mask = tileset.mask_lut("walkable")[grid]
    region = largest_region(walkable)
    safe = region & ~tileset.mask_lut("hazard")[grid]
    size = int(safe.sum())
    if size < MIN_REGION:
        raise PlacementError(f"largest walkable region has {size} safe tiles")

    start = _pick(safe, 1, rng, np.zeros_like(safe))[0]
    from_start = np.where(safe, bfs_distances(region, [start]), -1)
    spawn = _first(from_start == from_start.max())
    from_spawn = bfs_distances(region, [spawn])
    target = np.quantile(from_spawn[safe], 0.5 + 0.5 * difficulty, method="nearest")
    exit_ = _first(safe & (from_spawn == target))

    entities = [_entity("spawn", "spawn", spawn), _entity("exit", "exit", exit_)]
    taken = np.zeros_like(region)
    taken[spawn] = taken[exit_] = True
    door_tiles = tileset.mask_lut("door")[grid] & region
    entities += _lock_doors(
        region=region,
        safe=safe,
        door_tiles=door_tiles,
        spawn=spawn,
        exit_=exit_,
        from_spawn=from_spawn,
        wanted=round(2 * difficulty),
        rng=rng,
        taken=taken,
    )

    # Doors stay clear so nothing stands in a doorway.
    free = safe & ~door_tiles
    far_from_spawn = free & (from_spawn >= 4)
    n_enemies = round(size * (0.004 + 0.036 * difficulty))
    n_items = max(1, round(size * (0.012 - 0.008 * difficulty)))
    n_chests = max(1, size // 400)
    n_npcs = 1 if size >= 40 else 0
    for kind, count, where in (
        ("enemy", n_enemies, far_from_spawn),
        ("item", n_items, free),
        ("chest", n_chests, free),
        ("npc", n_npcs, free),
    ):
        for n, cell in enumerate(_pick(where, count, rng, taken), start=1):
            entities.append(_entity(f"{kind}-{n}", kind, cell))
    return entities


def _lock_doors(
    *,
    region: Mask,
    safe: Mask,
    door_tiles: Mask,
    spawn: Cell,
    exit_: Cell,
    from_spawn: npt.NDArray[np.int32],
    wanted: int,
    rng: np.random.Generator,
    taken: Mask,
) -> list[Entity]:
    """Lock up to ``wanted`` chokepoint doors on the way to the exit, keys placed before them."""
    if wanted <= 0 or not door_tiles.any():
        return []
    from_exit = bfs_distances(region, [exit_])
    total = from_spawn[exit_]
    on_path = door_tiles & (from_spawn + from_exit == total) & (from_spawn > 0)
    # Nearest the exit first: the last door guards the most.
    candidates = sorted(_cells(on_path), key=lambda c: -from_spawn[c])
    chokepoints: list[Cell] = []
    for cell in candidates:
        if len(chokepoints) == wanted:
            break
        blocked = region.copy()
        blocked[cell] = False
        if bfs_distances(blocked, [spawn])[exit_] < 0:
            chokepoints.append(cell)
    chokepoints.sort(key=lambda c: from_spawn[c])  # spawn side first

    entities: list[Entity] = []
    closed = region.copy()
    for cell in chokepoints:
        closed[cell] = False
    before = np.zeros_like(region)
    for n, door in enumerate(chokepoints, start=1):
        reachable = bfs_distances(closed, [spawn]) >= 0
        # Prefer the stretch newly opened by the previous door, away from the main path.
        fresh = reachable & ~before & ~door_tiles & safe
        off_path = fresh & (from_spawn + from_exit > total + 2)
        where = off_path if off_path.any() else fresh
        picked = _pick(where, 1, rng, taken)
        if not picked:
            break
        entities.append(_entity(f"key-{n}", "key", picked[0]))
        entities.append(_entity(f"door-{n}", "door", door, key=f"key-{n}"))
        taken[door] = True
        before = reachable
        closed[door] = True
    return entities


def _pick(where: Mask, count: int, rng: np.random.Generator, taken: Mask) -> list[Cell]:
    """Draw up to ``count`` distinct cells of ``where`` not yet taken, and mark them taken."""
    free = np.flatnonzero(where & ~taken)  # row-major, so the draw is reproducible
    if count <= 0 or free.size == 0:
        return []
    chosen = free[np.sort(rng.choice(free.size, size=min(count, free.size), replace=False))]
    taken.flat[chosen] = True
    width = where.shape[1]
    return [(int(c) // width, int(c) % width) for c in chosen]


def _cells(mask: Mask) -> list[Cell]:
    """The ``(y, x)`` cells of ``mask`` in row-major order."""
    return [(int(y), int(x)) for y, x in np.argwhere(mask)]


def _first(mask: Mask) -> Cell:
    return _cells(mask)[0]


def _entity(entity_id: str, kind: str, cell: Cell, key: str | None = None) -> Entity:
    y, x = cell
    return Entity(id=entity_id, kind=kind, x=x, y=y, key=key)
