"""The :class:`Level` asset: a tile grid, its tileset, its entities and how it was made.

The on-disk format is fixed by ``schemas/level.schema.json`` so that any tool can read a level
without procgen: ``tiles`` is a list of ``height`` strings of ``width`` characters, coordinates are
0-based with ``x`` the column and ``y`` the row, and arrays in memory are ``[y, x]``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from procgen.tiles import Tileset, grid_from_rows, rows_from_grid

LEVEL_SCHEMA_ID = "https://procgen-assets.dev/schemas/level/1.0"

#: Entity kinds a level may hold; ``spawn`` and ``exit`` appear exactly once.
ENTITY_KINDS = ("spawn", "exit", "enemy", "item", "key", "door", "npc", "chest")

#: Kinds the solver must be able to reach for a level to count as playable.
MUST_REACH = ("exit", "key", "npc", "item", "chest")


@dataclass(frozen=True)
class Entity:
    """Something placed on a tile. A ``door`` with a ``key`` is locked until that key is held."""

    id: str
    kind: str
    x: int
    y: int
    key: str | None = None
    name: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "kind": self.kind, "x": self.x, "y": self.y}
        if self.key is not None:
            out["key"] = self.key
        if self.name is not None:
            out["name"] = self.name
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Entity:
        return cls(
            id=str(data["id"]),
            kind=str(data["kind"]),
            x=int(data["x"]),
            y=int(data["y"]),
            key=data.get("key"),
            name=data.get("name"),
        )


@dataclass(frozen=True)
class Level:
    """A generated (or loaded) level. Immutable: generators build a new one rather than edit."""

    tiles: tuple[str, ...]
    tileset: Tileset
    entities: tuple[Entity, ...]
    meta: Mapping[str, Any] = field(default_factory=dict)

    @property
    def width(self) -> int:
        return len(self.tiles[0])

    @property
    def height(self) -> int:
        return len(self.tiles)

    @property
    def grid(self) -> npt.NDArray[np.uint8]:
        """The tiles as a fresh ``[y, x]`` array of ASCII codes."""
        return grid_from_rows(self.tiles)

    @classmethod
    def from_grid(
        cls,
        grid: npt.NDArray[np.uint8],
        tileset: Tileset,
        entities: tuple[Entity, ...] = (),
        meta: Mapping[str, Any] | None = None,
    ) -> Level:
        return cls(tuple(rows_from_grid(grid)), tileset, entities, dict(meta or {}))

    def entity(self, entity_id: str) -> Entity:
        for entity in self.entities:
            if entity.id == entity_id:
                return entity
        raise KeyError(entity_id)

    def of_kind(self, kind: str) -> list[Entity]:
        return [entity for entity in self.entities if entity.kind == kind]

    def to_dict(self) -> dict[str, Any]:
        return {
            "$schema": LEVEL_SCHEMA_ID,
            "width": self.width,
            "height": self.height,
            "tiles": list(self.tiles),
            "tileset": self.tileset.to_dict(),
            "entities": [entity.to_dict() for entity in self.entities],
            "meta": _plain(self.meta),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Level:
        """Build from a document that has already passed :func:`procgen.validate`."""
        return cls(
            tiles=tuple(data["tiles"]),
            tileset=Tileset.from_dict(data["tileset"]),
            entities=tuple(Entity.from_dict(e) for e in data["entities"]),
            meta=dict(data.get("meta", {})),
        )

    def to_json(self) -> str:
        """Canonical JSON: two-space indent, one tile row per line, trailing newline."""
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n"

    def to_yaml(self) -> str:
        from procgen.assets import dump_yaml

        return dump_yaml(self.to_dict())

    def save(self, path: str | Path) -> Path:
        """Write the level in the format the extension names: .json .yaml .yml .tmj .png.

        ``.tmj`` also writes the tileset image it refers to, beside it. Either every file is
        written or none is.
        """
        from procgen.assets import save_level

        return save_level(self, Path(path))

    def __str__(self) -> str:
        return "\n".join(self.tiles)


def _plain(value: Any) -> Any:
    """Mappings and tuples in ``meta`` become plain dicts and lists, for the serialisers."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value
