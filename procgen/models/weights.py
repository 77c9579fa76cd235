"""Trained grid models on disk: safetensors tensors plus JSON metadata, loaded without running code.

A weights file carries everything needed to use it: the network configuration, the tileset its
symbols stand for, its styles and which tiles each style ever used, and how it was trained. Every
piece is checked on load, so a truncated, tampered or foreign file is a clear
:class:`~procgen.AssetFormatError`, never a crash deep inside torch.

The metadata is read with safetensors' numpy backend, so listing a model's styles (``procgen
list``) does not import torch.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from procgen.errors import AssetFormatError, InvalidParameterError
from procgen.tiles import Tileset

if TYPE_CHECKING:
    from procgen.models.grid import GridConfig, GridModel

FORMAT = "procgen-grid-model/1"


@dataclass(frozen=True)
class ModelCard:
    """What a weights file says about itself."""

    kind: str  # "tiles" (levels) or "sprites"
    config: dict[str, Any]
    tileset: Tileset
    styles: tuple[str, ...]
    style_tiles: dict[str, str]  # style -> the characters its training levels used
    training: dict[str, Any] = field(default_factory=dict)

    def to_metadata(self) -> dict[str, str]:
        return {
            "format": FORMAT,
            "kind": self.kind,
            "config": json.dumps(self.config),
            "tileset": json.dumps(self.tileset.to_dict()),
            "styles": json.dumps(list(self.styles)),
            "style_tiles": json.dumps(self.style_tiles),
            "training": json.dumps(self.training),
        }


def save(path: Path, model: GridModel, card: ModelCard) -> None:
    """Write ``model`` and its card: float32 tensors, a few hundred kB to a few MB."""
    from safetensors.torch import save_file

    temporary = path.with_name(path.name + ".tmp")
    tensors = {name: t.detach().contiguous() for name, t in model.state_dict().items()}
    save_file(tensors, str(temporary), metadata=card.to_metadata())
    temporary.chmod(0o644)  # an asset like any other, not a private file
    temporary.replace(path)


def read_card(path: Path) -> ModelCard:
    """The metadata of a weights file, checked; cheap (reads the header only, no torch)."""
    from safetensors import SafetensorError, safe_open

    if not path.is_file():
        raise AssetFormatError(f"{path}: no such weights file")
    try:
        with safe_open(str(path), framework="numpy") as handle:
            metadata = handle.metadata() or {}
    except (SafetensorError, OSError, ValueError) as error:
        raise AssetFormatError(f"{path}: not a safetensors weights file ({error})") from None
    if metadata.get("format") != FORMAT:
        raise AssetFormatError(
            f"{path}: not a procgen grid model (format {metadata.get('format')!r})"
        )
    try:
        config = json.loads(metadata["config"])
        tileset = Tileset.from_dict(json.loads(metadata["tileset"]))
        styles = tuple(str(s) for s in json.loads(metadata["styles"]))
        style_tiles = {str(k): str(v) for k, v in json.loads(metadata["style_tiles"]).items()}
        training = json.loads(metadata.get("training", "{}"))
        kind = str(metadata["kind"])
    except (KeyError, ValueError, TypeError, AttributeError, InvalidParameterError) as error:
        raise AssetFormatError(f"{path}: damaged model metadata ({error})") from None
    if not isinstance(config, dict) or config.get("vocab_size") != len(tileset):
        raise AssetFormatError(f"{path}: model vocabulary does not match its tileset")
    if not styles or set(style_tiles) != set(styles) or config.get("n_styles") != len(styles):
        raise AssetFormatError(f"{path}: model styles are inconsistent")
    return ModelCard(kind, config, tileset, styles, style_tiles, training)


def load(path: Path) -> tuple[GridModel, ModelCard]:
    """The model in eval mode and its card. Loads tensors only: nothing in the file is executed."""
    from safetensors import SafetensorError
    from safetensors.torch import load_file

    from procgen.models.grid import GridModel

    card = read_card(path)
    try:
        config = grid_config(card.config)
        model = GridModel(config)
        model.load_state_dict(load_file(str(path)), strict=True)
    except (SafetensorError, RuntimeError, TypeError, ValueError) as error:
        raise AssetFormatError(
            f"{path}: weights do not fit the model they describe ({error})"
        ) from None
    return model.eval(), card


def grid_config(values: Mapping[str, Any]) -> GridConfig:
    """A :class:`GridConfig` from JSON, with lists turned back into tuples."""
    from procgen.models.grid import GridConfig

    fixed: dict[str, Any] = {k: tuple(v) if isinstance(v, list) else v for k, v in values.items()}
    return GridConfig(**fixed)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def style_index(card: ModelCard, style: str) -> int:
    return card.styles.index(style)


def allowed_symbols(card: ModelCard, styles: Sequence[str]) -> list[list[bool]]:
    """Per requested style, which symbols (tileset order) the style may use."""
    chars = list(card.tileset)
    return [[c in card.style_tiles[s] for c in chars] for s in styles]
