"""A second, deliberately naive playability checker that shares no code with procgen.solver.

It reads the level *document* (plain dicts), so a bug in procgen's model classes cannot hide a bug
in procgen's solver. Tests count a level as playable only when both agree.
"""

from __future__ import annotations

from collections import deque
from typing import Any

MUST_REACH = {"exit", "key", "npc", "item", "chest"}


def playable(document: dict[str, Any]) -> bool:
    """Spawn reaches exit and every key, npc, item and chest; keys open the doors naming them."""
    tiles = document["tiles"]
    walkable = {c for c, tile in document["tileset"].items() if "walkable" in tile["tags"]}
    entities = document["entities"]
    spawn = next(e for e in entities if e["kind"] == "spawn")
    doors = {(e["x"], e["y"]): e["key"] for e in entities if e["kind"] == "door" and "key" in e}
    keys = {e["id"]: (e["x"], e["y"]) for e in entities if e["kind"] == "key"}
    held: set[str] = set()
    while True:
        seen = _flood(tiles, walkable, doors, held, (spawn["x"], spawn["y"]))
        new = {k for k, at in keys.items() if at in seen and k not in held}
        if not new:
            break
        held |= new
    return all((e["x"], e["y"]) in seen for e in entities if e["kind"] in MUST_REACH)


def _flood(
    tiles: list[str],
    walkable: set[str],
    doors: dict[tuple[int, int], str],
    held: set[str],
    start: tuple[int, int],
) -> set[tuple[int, int]]:
    def open_(x: int, y: int) -> bool:
        if not (0 <= y < len(tiles) and 0 <= x < len(tiles[y])):
            return False
        if tiles[y][x] not in walkable:
            return False
        return (x, y) not in doors or doors[(x, y)] in held

    if not open_(*start):
        return set()
    seen = {start}
    queue = deque([start])
    while queue:
        x, y = queue.popleft()
        for nx, ny in ((x + 1, y), (x - 1, y), (x, y + 1), (x, y - 1)):
            if (nx, ny) not in seen and open_(nx, ny):
                seen.add((nx, ny))
                queue.append((nx, ny))
    return seen
