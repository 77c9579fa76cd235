"""Character sprites: the paper-doll generator, sprite metrics, and PNG import and export.

Sprites are indexed 16x16 images whose pixel values are semantic palette slots
(:class:`~procgen.sprites.paperdoll.Slot`), so shapes and colours can be learned and swapped apart.
"""

from procgen.sprites.image import read_sprite_png, sprite_png, sprite_sheet
from procgen.sprites.metrics import (
    components,
    duplicate_count,
    fill_ratio,
    mirror_iou,
    nearest_hamming,
    outline_fraction,
    palette_size,
)
from procgen.sprites.paperdoll import ROLES, Slot, Sprite, palette, paperdoll, paperdoll_corpus

__all__ = [
    "ROLES",
    "Slot",
    "Sprite",
    "components",
    "duplicate_count",
    "fill_ratio",
    "mirror_iou",
    "nearest_hamming",
    "outline_fraction",
    "palette",
    "palette_size",
    "paperdoll",
    "paperdoll_corpus",
    "read_sprite_png",
    "sprite_png",
    "sprite_sheet",
]
