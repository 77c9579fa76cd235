"""procgen: small learned models that generate game content as schema-valid assets.

>>> import procgen
>>> level = procgen.level(seed=3, width=20, height=12, style="dungeon")
>>> procgen.validate(level.to_dict())
'level'

The public names below load on first use (PEP 562), so ``import procgen`` and ``procgen --help``
cost milliseconds; numpy, scipy and the schema machinery arrive with the first real call.
"""

from __future__ import annotations

from importlib import import_module
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

from procgen.errors import (
    AssetFormatError,
    AssetValidationError,
    ExportError,
    GenerationError,
    InvalidParameterError,
    ProcgenError,
    UnknownNameError,
)

if TYPE_CHECKING:
    from procgen.assets import load, validate
    from procgen.characters import Character, character
    from procgen.generation import level, level_batch
    from procgen.levels import Entity, Level
    from procgen.quests.api import Quest, quest, questline
    from procgen.tiles import Tileset, TileType

try:
    __version__ = version("procgen-assets")
except PackageNotFoundError:  # running from a checkout that was never installed
    __version__ = "0.0.0"

_LAZY = {
    "character": "procgen.characters",
    "Character": "procgen.characters",
    "level": "procgen.generation",
    "level_batch": "procgen.generation",
    "load": "procgen.assets",
    "Quest": "procgen.quests.api",
    "quest": "procgen.quests.api",
    "questline": "procgen.quests.api",
    "validate": "procgen.assets",
    "Entity": "procgen.levels",
    "Level": "procgen.levels",
    "Tileset": "procgen.tiles",
    "TileType": "procgen.tiles",
}

__all__ = [
    "AssetFormatError",
    "AssetValidationError",
    "Character",
    "Entity",
    "ExportError",
    "GenerationError",
    "InvalidParameterError",
    "Level",
    "ProcgenError",
    "Quest",
    "TileType",
    "Tileset",
    "UnknownNameError",
    "__version__",
    "character",
    "level",
    "level_batch",
    "load",
    "quest",
    "questline",
    "validate",
]


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'procgen' has no attribute {name!r}")
    value = getattr(import_module(_LAZY[name]), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
