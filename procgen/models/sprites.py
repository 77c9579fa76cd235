"""The sprite model: the tile maps' grid model, trained on indexed sprites, conditioned on role.

A sprite is a tiny grid of palette *slots* (:class:`procgen.sprites.Slot`), so the network, its
training and its decoding are exactly those of the tile maps: the weights file's "tileset" is the
slot table (one character per slot, ``.`` for transparent, then ``1``-``f``) and its "styles" are
the roles. Colours are not learned: a sprite is drawn in slots, then coloured with a palette from
:func:`procgen.sprites.palette` (a palette swap), which is how pixel artists reuse one sprite.

Training data is the paper-doll corpus by default, or a folder of a user's PNG sprites with one
sub-folder per role. A user's sprites have no slot meanings, so their opaque colours are quantised
to one shared palette of at most 15 colours; a slot then *is* a colour, and the trained model
keeps that palette as its own.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from procgen.data import DATA
from procgen.errors import AssetFormatError, UnknownNameError
from procgen.models import weights
from procgen.tiles import Tileset, TileType

if TYPE_CHECKING:
    pass

SPRITE_WEIGHTS = DATA / "sprites.safetensors"
SLOT_CHARACTERS = ".123456789abcdef"  # slot k is written as SLOT_CHARACTERS[k]
SIZE = 16
PAPERDOLL_PER_ROLE = 200
DECODE_STEPS = 4  # 8 gave the same outline, symmetry and class figures at twice the cost
SPRITE_DILATIONS = (1, 2, 4, 1, 2)
SPECK = 3  # opaque islands this small beside the figure are decoding noise

Pixels = npt.NDArray[np.uint8]


@dataclass(frozen=True)
class SpriteReport:
    path: Path
    sprites: int
    roles: tuple[str, ...]
    steps: int
    seconds: float
    losses: list[float]
    parameters: int


def slot_tileset(names: Sequence[str], colours: Sequence[tuple[int, int, int]]) -> Tileset:
    """The slot table as a tileset: character, name and default colour per slot."""
    return Tileset(
        {
            SLOT_CHARACTERS[k]: TileType(name, (), "#{:02x}{:02x}{:02x}".format(*colour))
            for k, (name, colour) in enumerate(zip(names, colours, strict=True))
        }
    )


def paperdoll_examples(per_role: int, seed: int) -> tuple[list[tuple[str, Pixels]], Tileset]:
    """The paper-doll corpus as (role, slot pixels), and the slot table with default colours."""
    from procgen.sprites import Slot, palette, paperdoll_corpus

    corpus = paperdoll_corpus(per_role, seed)
    names = [slot.name.lower() for slot in Slot]
    defaults = palette("villager", np.random.default_rng(seed))
    return [(role, sprite.pixels) for role, sprite in corpus], slot_tileset(names, defaults)


def folder_examples(folder: Path) -> tuple[list[tuple[str, Pixels]], Tileset]:
    """A user's ``<role>/*.png`` sprites, quantised to one shared palette of <= 15 colours."""
    from procgen.sprites import read_sprite_png

    files = sorted(p for p in folder.glob("*/*.png") if p.is_file())
    if not files:
        raise AssetFormatError(f"{folder}: no sprites found (expected <role>/*.png)")
    sprites = [(p.parent.name, read_sprite_png(p, size=SIZE)) for p in files]
    colours = np.concatenate(
        [np.array(s.palette, dtype=np.uint8)[s.pixels[s.mask]] for _, s in sprites]
    )
    shared = _shared_palette(colours, len(SLOT_CHARACTERS) - 1)
    examples = []
    for role, sprite in sprites:
        rgb = np.array(sprite.palette, dtype=np.int64)[sprite.pixels]
        distance = ((rgb[:, :, None, :] - shared[None, None].astype(np.int64)) ** 2).sum(-1)
        pixels = (distance.argmin(-1) + 1).astype(np.uint8)
        pixels[~sprite.mask] = 0
        examples.append((role, pixels))
    names = ["transparent", *(f"colour {k}" for k in range(1, len(shared) + 1))]
    return examples, slot_tileset(names, [(0, 0, 0), *map(tuple, shared.tolist())])


def _shared_palette(colours: npt.NDArray[np.uint8], limit: int) -> npt.NDArray[np.uint8]:
    """At most ``limit`` colours for all sprites together (Pillow's median cut: deterministic)."""
    from PIL import Image

    strip = Image.fromarray(colours.reshape(1, -1, 3), "RGB")
    quantised = strip.quantize(colors=limit, method=Image.Quantize.MEDIANCUT)
    used = sorted(set(np.asarray(quantised).ravel().tolist()))
    table = np.array(quantised.getpalette() or [], dtype=np.uint8).reshape(-1, 3)
    return table[used]


def train_sprites(
    out: Path,
    *,
    data: Path | None = None,
    steps: int | None = None,
    minutes: float | None = None,
    seed: int = 0,
    progress: bool | None = None,
) -> SpriteReport:
    """Train the sprite model on the paper-doll corpus (``data=None``) or a folder of PNGs."""
    from procgen.models.grid import GridConfig
    from procgen.models.grid_training import Example, TrainSettings, train

    weights.check_output(out)
    # Front views are left-right symmetric; flipping them upside down would not be a sprite.
    settings = TrainSettings(steps=steps, minutes=minutes, seed=seed, augment="mirror")
    if data is None:
        examples, tileset = paperdoll_examples(PAPERDOLL_PER_ROLE, seed)
    else:
        examples, tileset = folder_examples(data)
    roles = tuple(sorted({role for role, _ in examples}))
    # A 16x16 sprite is 8x8 in the trunk: dilations past 4 would only see padding.
    config = GridConfig(
        vocab_size=len(tileset), n_styles=len(roles), trunk_dilations=SPRITE_DILATIONS
    )
    result = train(
        [Example(p.astype(np.int64), roles.index(r), 0.0) for r, p in examples],
        config,
        settings,
        checkpoint=out.with_name(out.name + ".ckpt"),
        progress=progress,
    )
    used: dict[str, set[int]] = {role: set() for role in roles}
    for role, pixels in examples:
        used[role].update(np.unique(pixels).tolist())
    style_tiles = {role: "".join(SLOT_CHARACTERS[k] for k in sorted(used[role])) for role in roles}
    training: dict[str, Any] = {
        "seed": seed,
        "source": "paperdoll" if data is None else "folder",
        "sprites": len(examples),
        "steps": result.steps,
        "seconds": round(result.seconds, 1),
        "losses": [round(loss, 4) for loss in result.losses],
        # Digests, not pictures: enough to promise a sample is never a training sprite.
        "training_digests": sorted({digest(p) for _, p in examples}),
    }
    card = weights.ModelCard("sprites", config.to_dict(), tileset, roles, style_tiles, training)
    weights.save(out, result.model, card)
    out.with_name(out.name + ".ckpt").unlink(missing_ok=True)
    return SpriteReport(
        out,
        len(examples),
        roles,
        result.steps,
        result.seconds,
        result.losses,
        result.model.parameter_count(),
    )


def remove_specks(pixels: Pixels) -> Pixels:
    """Clear opaque islands of at most :data:`SPECK` pixels apart from the largest one.

    Parallel decoding now and then leaves a stray pixel or two beside the figure; a sprite is one
    silhouette, so they go. Larger islands (a detached weapon) are left for the metrics to see.
    """
    from scipy import ndimage

    labels, count = ndimage.label(pixels != 0)
    if count < 2:
        return pixels
    sizes = np.bincount(labels.ravel())[1:]
    specks = np.flatnonzero(sizes <= SPECK) + 1
    specks = specks[specks != sizes.argmax() + 1]
    cleaned = pixels.copy()
    cleaned[np.isin(labels, specks)] = 0
    return cleaned


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def digest(pixels: Pixels) -> str:
    """A short fingerprint of a slot grid (shape and pixels)."""
    data = np.ascontiguousarray(pixels, dtype=np.uint8)
    return hashlib.blake2b(bytes(data.shape) + data.tobytes(), digest_size=8).hexdigest()


class SpriteModel(weights.TrainedGrid):
    """A trained sprite model: draws slot pixels for a role; never returns a training sprite."""

    kind = "sprites"
    what = "sprite model"

    def __init__(self, path: Path = SPRITE_WEIGHTS) -> None:
        super().__init__(path)
        self.training = frozenset(self.card.training.get("training_digests", ()))

    @property
    def roles(self) -> tuple[str, ...]:
        return self.card.styles

    def sample(self, role: str, seeds: Sequence[int], *, clean: bool = True) -> list[Pixels]:
        """One ``[16, 16]`` slot grid per seed, decoded together; ``clean=False`` keeps the
        stray pixels :func:`remove_specks` would clear (to measure how often it does)."""
        import torch

        from procgen.models.grid_sampling import decode

        if role not in self.roles:
            raise UnknownNameError(
                f"unknown role {role!r}; expected one of: {', '.join(self.roles)}"
            )
        count = len(seeds)
        mask_id = self.network.config.mask_id
        decoded = decode(
            self.network,
            torch.full((count,), self.roles.index(role), dtype=torch.long),
            torch.zeros(count),
            torch.full((count, SIZE, SIZE), mask_id, dtype=torch.long),
            prior=torch.tensor([weights.symbol_prior(self.card, role)] * count),
            first_passes=self.first_passes,
            steps=DECODE_STEPS,
            generators=[torch.Generator().manual_seed(s % 2**63) for s in seeds],
        )
        # The slot table is in slot order, so a symbol index is its slot number.
        grids = [g.numpy().astype(np.uint8) for g in decoded]
        return [remove_specks(g) for g in grids] if clean else grids

    def palette(self, role: str, rng: np.random.Generator) -> tuple[tuple[int, int, int], ...]:
        """Colours for a sprite: a paper-doll palette swap, or the model's own palette when it
        was trained on a folder of PNGs (where a slot is a colour)."""
        if self.card.training.get("source") == "paperdoll":
            from procgen.sprites import palette

            return palette(role, rng)
        return tuple(_rgb(self.card.tileset[c].color or "#000000") for c in self.card.tileset)

    def is_training_copy(self, pixels: Pixels) -> bool:
        return digest(pixels) in self.training


@cache
def sprite_model(path: Path | None = None) -> SpriteModel:
    """A sprite model (the shipped one by default), loaded once per process and path."""
    return SpriteModel(path or SPRITE_WEIGHTS)
