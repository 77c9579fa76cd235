"""Tile types, the tag vocabulary, and tilesets.

A tileset maps one printable ASCII character to a :class:`TileType`. Tags carry the meaning a game
(or the solver) needs; the name is for people. Keeping tiles to single ASCII characters makes levels
readable in YAML and diffs, and lets procgen hold a grid as a ``uint8`` array of character codes.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from procgen.errors import InvalidParameterError

#: The tag vocabulary, with what each tag promises. The level schema accepts exactly these.
TAGS: dict[str, str] = {
    "walkable": "an actor can stand on and cross this tile (the solver's only passable tiles)",
    "solid": "blocks movement",
    "water": "water: deep when not also walkable, shallow when walkable",
    "hazard": "hurts whoever touches it (walkable hazards such as spikes can still be crossed)",
    "door": "a doorway; a locked door entity may stand on it",
    "wall": "built wall",
    "floor": "built floor",
    "ground": "natural ground: dirt, sand, grass",
    "vegetation": "plants, trees, bushes",
    "rock": "natural rock or mountain",
    "lava": "molten rock",
    "bridge": "a crossing over water or a chasm",
    "void": "outside the playable map",
    "decoration": "purely visual detail",
    "collectable": "picked up when walked over (coins, gems)",
    "breakable": "can be destroyed by the player",
}

#: Tiles are single printable ASCII characters, space to tilde.
TILE_CHARACTERS = frozenset(chr(code) for code in range(0x20, 0x7F))


@dataclass(frozen=True)
class TileType:
    """What one tile character means: a human name, its tags and a display colour."""

    name: str
    tags: tuple[str, ...]
    color: str | None = None  # "#rrggbb"; renderers derive one from the tags when absent

    def has(self, tag: str) -> bool:
        return tag in self.tags

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"name": self.name, "tags": list(self.tags)}
        if self.color is not None:
            out["color"] = self.color
        return out


class Tileset(Mapping[str, TileType]):
    """An immutable, ordered mapping from tile character to :class:`TileType`.

    >>> wall, floor = TileType("wall", ("solid", "wall")), TileType("floor", ("walkable",))
    >>> ts = Tileset({"#": wall, ".": floor})
    >>> ts.char_for("walkable")
    '.'
    >>> ts.mask_lut("solid")[ord("#")]
    np.True_
    """

    def __init__(self, tiles: Mapping[str, TileType]) -> None:
        if not tiles:
            raise InvalidParameterError("a tileset needs at least one tile")
        for char, tile in tiles.items():
            if char not in TILE_CHARACTERS:
                raise InvalidParameterError(f"tile character {char!r} is not printable ASCII")
            unknown = [tag for tag in tile.tags if tag not in TAGS]
            if unknown:
                raise InvalidParameterError(f"tile {char!r} has unknown tags {unknown}")
        self._tiles = dict(tiles)

    def __getitem__(self, char: str) -> TileType:
        return self._tiles[char]

    def __iter__(self) -> Iterator[str]:
        return iter(self._tiles)

    def __len__(self) -> int:
        return len(self._tiles)

    def __repr__(self) -> str:
        return f"Tileset({''.join(self._tiles)!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Tileset) and self._tiles == other._tiles

    def __hash__(self) -> int:
        return hash(tuple(self._tiles.items()))

    def chars_with(self, tag: str) -> list[str]:
        return [char for char, tile in self._tiles.items() if tag in tile.tags]

    def char_for(self, *tags: str) -> str:
        """The first character whose tile carries all ``tags``."""
        for char, tile in self._tiles.items():
            if all(tag in tile.tags for tag in tags):
                return char
        raise KeyError(f"no tile tagged {tags}")

    def mask_lut(self, tag: str) -> npt.NDArray[np.bool_]:
        """A 128-entry lookup table: ``lut[grid]`` is the boolean mask of tiles with ``tag``."""
        lut = np.zeros(128, dtype=bool)
        for char in self.chars_with(tag):
            lut[ord(char)] = True
        return lut

    def to_dict(self) -> dict[str, dict[str, object]]:
        return {char: tile.to_dict() for char, tile in self._tiles.items()}

    @classmethod
    def from_dict(cls, data: Mapping[str, Mapping[str, object]]) -> Tileset:
        """Build from the ``tileset`` object of a level document (already schema-valid)."""
        tiles: dict[str, TileType] = {}
        for char, spec in data.items():
            tags = spec.get("tags", [])
            color = spec.get("color")
            tiles[char] = TileType(
                name=str(spec["name"]),
                tags=tuple(str(tag) for tag in tags) if isinstance(tags, Iterable) else (),
                color=str(color) if color is not None else None,
            )
        return cls(tiles)


def _tile(name: str, color: str, *tags: str) -> TileType:
    return TileType(name=name, tags=tags, color=color)


#: The tileset every built-in generator draws from, so that one learned model can learn them all.
STANDARD_TILESET = Tileset(
    {
        "#": _tile("wall", "#4a4458", "solid", "wall"),
        ".": _tile("floor", "#b9a98f", "walkable", "floor"),
        "+": _tile("door", "#8a5a2b", "walkable", "door"),
        "*": _tile("spikes", "#c9c9d1", "walkable", "hazard"),
        "%": _tile("lava", "#e0521b", "hazard", "lava"),
        "~": _tile("deep water", "#2f5fae", "water"),
        "-": _tile("shallow water", "#6fa3d8", "walkable", "water"),
        "=": _tile("bridge", "#9b6b3c", "walkable", "bridge"),
        ",": _tile("grass", "#6ea84a", "walkable", "ground", "vegetation"),
        ":": _tile("sand", "#dcc98a", "walkable", "ground"),
        ";": _tile("cave floor", "#8c7b68", "walkable", "ground"),
        "T": _tile("tree", "#2f6b2f", "solid", "vegetation"),
        "^": _tile("mountain", "#7d7367", "solid", "rock"),
        "&": _tile("swamp", "#55704a", "walkable", "water", "hazard"),
        "o": _tile("rock", "#5b5048", "solid", "rock"),
    }
)


def grid_from_rows(rows: Iterable[str]) -> npt.NDArray[np.uint8]:
    """Rows of tile characters (all one length) to a ``[y, x]`` array of character codes."""
    rows = list(rows)
    width = len(rows[0]) if rows else 0
    data = "".join(rows).encode("ascii")
    return np.frombuffer(data, dtype=np.uint8).reshape(len(rows), width).copy()


def rows_from_grid(grid: npt.NDArray[np.uint8]) -> list[str]:
    """The inverse of :func:`grid_from_rows`."""
    return [row.tobytes().decode("ascii") for row in grid]
