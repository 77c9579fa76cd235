"""Trained models on disk: safetensors tensors plus JSON metadata, loaded without running code.

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
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from procgen.errors import AssetFormatError, InvalidParameterError
from procgen.tiles import Tileset

if TYPE_CHECKING:
    import torch

    from procgen.models.grid import GridConfig, GridModel
    from procgen.models.grid_sampling import FirstPasses
    from procgen.models.text import TextModel

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
    save_tensors(path, model, card.to_metadata())


def check_output(out: Path) -> None:
    """Refuse, before minutes of training, a weights path that could not be written."""
    if out.suffix != ".safetensors":
        raise AssetFormatError(f"{out}: weights are written as .safetensors")
    if not out.parent.is_dir():
        raise AssetFormatError(f"{out}: folder {out.parent} does not exist")


def read_metadata(path: Path, expected_format: str, what: str) -> dict[str, str]:
    """The JSON metadata of a safetensors file of ``expected_format`` (header only, no torch)."""
    from safetensors import SafetensorError, safe_open

    if not path.is_file():
        raise AssetFormatError(f"{path}: no such weights file")
    try:
        with safe_open(str(path), framework="numpy") as handle:
            metadata: dict[str, str] = handle.metadata() or {}
    except (SafetensorError, OSError, ValueError) as error:
        raise AssetFormatError(f"{path}: not a safetensors weights file ({error})") from None
    if metadata.get("format") != expected_format:
        raise AssetFormatError(f"{path}: not a {what} (format {metadata.get('format')!r})")
    return metadata


def save_tensors(path: Path, model: torch.nn.Module, metadata: dict[str, str]) -> None:
    """Write a model's tensors and metadata atomically: float32, readable by any safetensors."""
    from safetensors.torch import save_file

    temporary = path.with_name(path.name + ".tmp")
    tensors = {name: t.detach().contiguous() for name, t in model.state_dict().items()}
    save_file(tensors, str(temporary), metadata=metadata)
    temporary.chmod(0o644)  # an asset like any other, not a private file
    temporary.replace(path)


def load_tensors(path: Path, model: torch.nn.Module) -> None:
    """Fill ``model`` from the file. Loads tensors only: nothing in the file is executed."""
    from safetensors import SafetensorError
    from safetensors.torch import load_file

    try:
        model.load_state_dict(load_file(str(path)), strict=True)
    except (SafetensorError, RuntimeError, TypeError, ValueError) as error:
        raise AssetFormatError(
            f"{path}: weights do not fit the model they describe ({error})"
        ) from None


def read_card(path: Path) -> ModelCard:
    """The metadata of a weights file, checked; cheap (reads the header only, no torch)."""
    metadata = read_metadata(path, FORMAT, "procgen grid model")
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
    from procgen.models.grid import GridModel

    card = read_card(path)
    try:
        model = GridModel(grid_config(card.config))
    except (TypeError, ValueError) as error:
        raise AssetFormatError(f"{path}: damaged model configuration ({error})") from None
    load_tensors(path, model)
    return model.eval(), card


class TrainedGrid:
    """A grid model's weights file of one ``kind``: its card now, its network on first use.

    The tile and sprite models build on this; reading the card is cheap (no torch), so a model
    can be listed and checked long before anything is drawn.
    """

    kind: ClassVar[str]  # "tiles" or "sprites"
    what: ClassVar[str]  # how an error names it: "tile-map model", "sprite model"

    def __init__(self, path: Path) -> None:
        self.path = path
        self.card = read_card(path)
        if self.card.kind != self.kind:
            raise AssetFormatError(f"{path}: a {self.card.kind} model, not a {self.what}")

    @cached_property
    def network(self) -> GridModel:
        model, _ = load(self.path)
        return model

    @cached_property
    def first_passes(self) -> FirstPasses:
        """The network's first decoding step for recent requests: its weights never change."""
        from procgen.models.grid_sampling import FirstPasses

        return FirstPasses()

    @cached_property
    def sha256(self) -> str:
        return sha256(self.path)


def grid_config(values: Mapping[str, Any]) -> GridConfig:
    """A :class:`GridConfig` from JSON, with lists turned back into tuples."""
    from procgen.models.grid import GridConfig

    fixed: dict[str, Any] = {k: tuple(v) if isinstance(v, list) else v for k, v in values.items()}
    return GridConfig(**fixed)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def style_index(card: ModelCard, style: str) -> int:
    return card.styles.index(style)


def symbol_prior(
    card: ModelCard, style: str, bias: Mapping[str, float] | None = None
) -> list[float]:
    """Per symbol (tileset order), the log prior a decoder adds for ``style``: ``-inf`` for a
    tile the style never used, else its ``bias`` (by tile character, 0 where absent)."""
    bias = bias or {}
    used = card.style_tiles[style]
    return [bias.get(c, 0.0) if c in used else -math.inf for c in card.tileset]


TEXT_FORMAT = "procgen-text-model/1"


@dataclass(frozen=True)
class TextCard:
    """What a text model's weights file says about itself."""

    kind: str  # "names", "text", ...
    config: dict[str, Any]
    vocabulary: tuple[str, ...]
    training: dict[str, Any] = field(default_factory=dict)
    merges: tuple[tuple[str, str], ...] = ()  # subword merges, in order (none for characters)
    lexicon: tuple[str, ...] = ()  # the only words it may write (none: any spelling)

    def to_metadata(self) -> dict[str, str]:
        return {
            "format": TEXT_FORMAT,
            "kind": self.kind,
            "config": json.dumps(self.config),
            "vocabulary": json.dumps(list(self.vocabulary)),
            "merges": json.dumps([list(pair) for pair in self.merges]),
            "training": json.dumps(self.training),
            "lexicon": json.dumps(list(self.lexicon)),
        }


def save_text(path: Path, model: TextModel, card: TextCard) -> None:
    save_tensors(path, model, card.to_metadata())


def read_text_card(path: Path) -> TextCard:
    """The metadata of a text model's weights file, checked; header only, no torch."""
    metadata = read_metadata(path, TEXT_FORMAT, "procgen text model")
    try:
        config = json.loads(metadata["config"])
        vocabulary = tuple(str(s) for s in json.loads(metadata["vocabulary"]))
        merges = tuple((str(a), str(b)) for a, b in json.loads(metadata.get("merges", "[]")))
        training = json.loads(metadata.get("training", "{}"))
        lexicon = tuple(str(w) for w in json.loads(metadata.get("lexicon", "[]")))
        kind = str(metadata["kind"])
    except (KeyError, ValueError, TypeError) as error:
        raise AssetFormatError(f"{path}: damaged model metadata ({error})") from None
    if not isinstance(config, dict) or config.get("vocab_size") != len(vocabulary):
        raise AssetFormatError(f"{path}: model vocabulary does not match its configuration")
    return TextCard(kind, config, vocabulary, training, merges, lexicon)


def load_text(path: Path) -> tuple[TextModel, TextCard]:
    """The text model in eval mode and its card; tensors only, nothing executed."""
    from procgen.models.text import TextConfig, TextModel

    card = read_text_card(path)
    try:
        model = TextModel(TextConfig(**card.config))
    except (TypeError, ValueError) as error:
        raise AssetFormatError(f"{path}: damaged model configuration ({error})") from None
    load_tensors(path, model)
    return model.eval(), card
