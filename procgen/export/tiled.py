"""Levels as Tiled JSON maps (``.tmj``, format 1.10), for editing in Tiled or loading in engines.

The map embeds one tileset whose image is the atlas :func:`procgen.export.image.tileset_image`
draws, saved beside the map under ``image_name``. Each tile carries its character and tags as
properties and its name as its class, and each entity becomes a rectangle object whose class is its
kind, so nothing a game needs is lost in the round trip through Tiled.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

from procgen.errors import InvalidParameterError
from procgen.export.image import ATLAS_COLUMNS, atlas_shape
from procgen.levels import Entity, Level

TMJ_VERSION = "1.10"
TILED_VERSION = "1.10.2"

_INT32 = range(-(2**31), 2**31)


def _property(name: str, value: str | int | float | bool) -> dict[str, Any]:
    if isinstance(value, bool):
        return {"name": name, "type": "bool", "value": value}
    if isinstance(value, int):
        return {"name": name, "type": "int", "value": int(value)}
    if isinstance(value, float):
        return {"name": name, "type": "float", "value": float(value)}
    return {"name": name, "type": "string", "value": str(value)}


def _meta_properties(meta: Mapping[str, Any], prefix: str = "") -> list[dict[str, Any]]:
    """Scalar ``meta`` entries as map properties, nested keys dotted: ``generator.name``.

    Lists, other structures and non-finite floats (not JSON) are left out; the level file keeps
    them. Integers outside 32 bits (seeds often are) become strings, since Tiled's ``int``
    properties would truncate them.
    """
    found: list[dict[str, Any]] = []
    for key in sorted(meta, key=str):
        name, value = f"{prefix}{key}", meta[key]
        if isinstance(value, Mapping):
            found.extend(_meta_properties(value, f"{name}."))
        elif isinstance(value, bool | str) or (isinstance(value, float) and math.isfinite(value)):
            found.append(_property(name, value))
        elif isinstance(value, int):
            found.append(_property(name, value if value in _INT32 else str(value)))
    return found


def _object(number: int, entity: Entity, tile_size: int) -> dict[str, Any]:
    obj: dict[str, Any] = {
        "id": number,
        "name": entity.id,
        "type": entity.kind,
        "x": entity.x * tile_size,
        "y": entity.y * tile_size,
        "width": tile_size,
        "height": tile_size,
        "rotation": 0,
        "visible": True,
    }
    properties = []
    if entity.key is not None:
        properties.append(_property("key", entity.key))
    if entity.name is not None:  # the object's own name is taken by the entity id
        properties.append(_property("display_name", entity.name))
    if properties:
        obj["properties"] = properties
    return obj


def _gids(level: Level, gid: Mapping[str, int]) -> list[int]:
    """The tile layer's ``data``: one GID per tile, row-major."""
    try:
        return [gid[char] for row in level.tiles for char in row]
    except KeyError as err:
        raise InvalidParameterError(
            f"level tiles use {err.args[0]!r}, not in its tileset"
        ) from None


def to_tmj(level: Level, image_name: str, tile_size: int = 16) -> dict[str, Any]:
    """The level as a Tiled JSON map document whose tileset image is the file ``image_name``."""
    chars = list(level.tileset)
    gid = {char: first_gid for first_gid, char in enumerate(chars, start=1)}
    rows, columns = atlas_shape(len(chars), ATLAS_COLUMNS)
    tileset = {
        "firstgid": 1,
        "name": "procgen",
        "tilewidth": tile_size,
        "tileheight": tile_size,
        "tilecount": len(chars),
        "columns": columns,
        "margin": 0,
        "spacing": 0,
        "image": image_name,
        "imagewidth": columns * tile_size,
        "imageheight": rows * tile_size,
        "tiles": [
            {
                "id": index,
                "type": tile.name,
                "properties": [
                    _property("char", char),
                    _property("tags", ",".join(tile.tags)),
                ],
            }
            for index, (char, tile) in enumerate(level.tileset.items())
        ],
    }
    common = {"opacity": 1, "visible": True, "x": 0, "y": 0}
    tiles_layer = {
        "id": 1,
        "name": "tiles",
        "type": "tilelayer",
        "width": level.width,
        "height": level.height,
        **common,
        "data": _gids(level, gid),
    }
    entities_layer = {
        "id": 2,
        "name": "entities",
        "type": "objectgroup",
        "draworder": "topdown",
        **common,
        "objects": [
            _object(number, entity, tile_size)
            for number, entity in enumerate(level.entities, start=1)
        ],
    }
    document: dict[str, Any] = {
        "type": "map",
        "version": TMJ_VERSION,
        "tiledversion": TILED_VERSION,
        "orientation": "orthogonal",
        "renderorder": "right-down",
        "infinite": False,
        "compressionlevel": -1,
        "width": level.width,
        "height": level.height,
        "tilewidth": tile_size,
        "tileheight": tile_size,
        "nextlayerid": 3,
        "nextobjectid": len(level.entities) + 1,
        "tilesets": [tileset],
        "layers": [tiles_layer, entities_layer],
    }
    properties = _meta_properties(level.meta)
    if properties:
        document["properties"] = properties
    return document


def tmj_text(level: Level, image_name: str, tile_size: int = 16) -> str:
    """:func:`to_tmj` as JSON text: two-space indent and a trailing newline, byte-stable."""
    return json.dumps(to_tmj(level, image_name, tile_size), indent=2, ensure_ascii=False) + "\n"
