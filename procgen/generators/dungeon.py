"""BSP dungeons: rooms in the leaves of a binary space partition, joined by corridors.

The map is split recursively along its longer side until leaves are small; each leaf gets a room;
each split joins the two nearest rooms across it with an L-shaped corridor, so the rooms form a
connected tree (corridors crossing other rooms add the odd loop). A corridor tile that leads
straight into a room between two walls becomes a door: the placement rule locks some of them
with keys. Spike traps in rooms grow with difficulty.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from procgen.generators.base import Draft, LevelRequest
from procgen.tiles import STANDARD_TILESET

MIN_LEAF = 7  # a leaf this size still fits a 3x3 room and its walls
MIN_ROOM = 3

WALL, FLOOR, DOOR, SPIKES = (ord(c) for c in "#.+*")


@dataclass(frozen=True)
class Rect:
    x: int
    y: int
    w: int
    h: int

    @property
    def center(self) -> tuple[int, int]:
        return self.y + self.h // 2, self.x + self.w // 2


class DungeonGenerator:
    name = "dungeon"
    version = "1.0"
    styles = ("dungeon",)
    priority = 10

    def generate(self, request: LevelRequest, rng: np.random.Generator) -> Draft:
        height, width = request.height, request.width
        grid = np.full((height, width), WALL, dtype=np.uint8)
        in_room = np.zeros((height, width), dtype=bool)
        corridors: list[tuple[tuple[int, int], tuple[int, int]]] = []
        self._build(Rect(1, 1, width - 2, height - 2), rng, grid, in_room, corridors)
        for start, end in corridors:
            _carve_corridor(grid, start, end, rng)
        _place_doors(grid, in_room)

        trap_share = 0.03 * request.difficulty
        traps = in_room & (rng.random((height, width)) < trap_share)
        grid[traps] = SPIKES
        return Draft(grid, STANDARD_TILESET, params={"min_leaf": MIN_LEAF})

    def _build(
        self,
        leaf: Rect,
        rng: np.random.Generator,
        grid: npt.NDArray[np.uint8],
        in_room: npt.NDArray[np.bool_],
        corridors: list[tuple[tuple[int, int], tuple[int, int]]],
    ) -> list[Rect]:
        """Partition ``leaf``; return its rooms after joining its two halves' nearest rooms."""
        halves = _split(leaf, rng)
        if halves is None:
            room = _room_in(leaf, rng)
            grid[room.y : room.y + room.h, room.x : room.x + room.w] = FLOOR
            in_room[room.y : room.y + room.h, room.x : room.x + room.w] = True
            return [room]
        first = self._build(halves[0], rng, grid, in_room, corridors)
        second = self._build(halves[1], rng, grid, in_room, corridors)
        a, b = min(
            ((r, s) for r in first for s in second),
            key=lambda pair: _manhattan(pair[0].center, pair[1].center),
        )
        corridors.append((a.center, b.center))
        return first + second


def _split(leaf: Rect, rng: np.random.Generator) -> tuple[Rect, Rect] | None:
    vertical = leaf.w > leaf.h if leaf.w != leaf.h else bool(rng.integers(2))
    size = leaf.w if vertical else leaf.h
    if size < 2 * MIN_LEAF:
        return None
    cut = int(rng.integers(MIN_LEAF, size - MIN_LEAF + 1))
    if vertical:
        return Rect(leaf.x, leaf.y, cut, leaf.h), Rect(leaf.x + cut, leaf.y, leaf.w - cut, leaf.h)
    return Rect(leaf.x, leaf.y, leaf.w, cut), Rect(leaf.x, leaf.y + cut, leaf.w, leaf.h - cut)


def _room_in(leaf: Rect, rng: np.random.Generator) -> Rect:
    """A room inside ``leaf`` that keeps the leaf's last row and column as wall.

    Every leaf is at least ``MIN_ROOM + 1`` tiles on a side (maps are at least 8x8 and leaves at
    least ``MIN_LEAF``), so rooms of neighbouring leaves never touch.
    """
    w = int(rng.integers(MIN_ROOM, leaf.w))
    h = int(rng.integers(MIN_ROOM, leaf.h))
    x = leaf.x + int(rng.integers(0, leaf.w - w))
    y = leaf.y + int(rng.integers(0, leaf.h - h))
    return Rect(x, y, w, h)


def _carve_corridor(
    grid: npt.NDArray[np.uint8],
    start: tuple[int, int],
    end: tuple[int, int],
    rng: np.random.Generator,
) -> None:
    (y0, x0), (y1, x1) = start, end
    corner = (y0, x1) if rng.integers(2) else (y1, x0)
    for (ya, xa), (yb, xb) in ((start, corner), (corner, end)):
        ys = slice(min(ya, yb), max(ya, yb) + 1)
        xs = slice(min(xa, xb), max(xa, xb) + 1)
        region = grid[ys, xs]
        region[region == WALL] = FLOOR


def _place_doors(grid: npt.NDArray[np.uint8], in_room: npt.NDArray[np.bool_]) -> None:
    """Turn corridor tiles that enter a room straight, between two walls, into doors."""
    floor = grid == FLOOR
    corridor = floor & ~in_room
    pad_room = np.pad(in_room, 1)
    pad_floor = np.pad(floor, 1)
    pad_wall = np.pad(grid == WALL, 1, constant_values=True)

    def shifted(padded: npt.NDArray[np.bool_], dy: int, dx: int) -> npt.NDArray[np.bool_]:
        h, w = grid.shape
        view: npt.NDArray[np.bool_] = padded[1 + dy : 1 + dy + h, 1 + dx : 1 + dx + w]
        return view

    doors = np.zeros_like(corridor)
    for dy, dx in ((0, 1), (0, -1), (1, 0), (-1, 0)):
        into_room = shifted(pad_room, dy, dx) & shifted(pad_floor, -dy, -dx)
        walled = shifted(pad_wall, dx, dy) & shifted(pad_wall, -dx, -dy)
        doors |= corridor & into_room & walled & ~shifted(pad_room, -dy, -dx)
    grid[doors] = DOOR


def _manhattan(a: tuple[int, int], b: tuple[int, int]) -> int:
    return abs(a[0] - b[0]) + abs(a[1] - b[1])
