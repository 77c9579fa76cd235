"""Levels and tilesets as RGBA pictures, and pictures as PNG bytes.

Levels reach 512x512 tiles, so :func:`render_level` never loops over tiles in Python: it draws each
distinct tile once into an atlas and builds the picture by indexing the atlas with the grid. Images
are ``[y, x, rgba]`` uint8 arrays, like the level grid they come from.
"""

from __future__ import annotations

import io

import numpy as np
import numpy.typing as npt
from PIL import Image

from procgen.errors import InvalidParameterError
from procgen.export.art import Pixels, entity_icon, tile_image
from procgen.levels import Level
from procgen.tiles import Tileset

#: Tiles per row in a tileset atlas; :mod:`procgen.export.tiled` writes the same into ``.tmj``.
ATLAS_COLUMNS = 8


def tile_atlas(tileset: Tileset, tile_size: int = 16) -> Pixels:
    """Every tile's image, in tileset order: ``[len(tileset), tile_size, tile_size, 4]``."""
    return np.stack([tile_image(tile, tile_size) for tile in tileset.values()])


def atlas_shape(tile_count: int, columns: int = ATLAS_COLUMNS) -> tuple[int, int]:
    """``(rows, columns)`` of the atlas grid for ``tile_count`` tiles.

    >>> atlas_shape(15), atlas_shape(3)
    ((2, 8), (1, 3))
    """
    if columns < 1:
        raise InvalidParameterError(f"columns must be positive, got {columns}")
    used = max(1, min(columns, tile_count))
    return -(-tile_count // used), used


def tileset_image(tileset: Tileset, tile_size: int = 16, columns: int = ATLAS_COLUMNS) -> Pixels:
    """All tiles in tileset order, row-major, ``columns`` to a row; unused cells transparent."""
    tiles = tile_atlas(tileset, tile_size)
    rows, used = atlas_shape(len(tiles), columns)
    padded = np.zeros((rows * used, tile_size, tile_size, 4), dtype=np.uint8)
    padded[: len(tiles)] = tiles
    grid = padded.reshape(rows, used, tile_size, tile_size, 4)
    return grid.transpose(0, 2, 1, 3, 4).reshape(rows * tile_size, used * tile_size, 4)


def _tile_indices(level: Level) -> npt.NDArray[np.intp]:
    """The grid as indices into the tileset's order; an unknown character is an error."""
    lut = np.full(256, -1, dtype=np.intp)
    for index, char in enumerate(level.tileset):
        lut[ord(char)] = index
    indices = lut[level.grid]
    if (indices < 0).any():
        strays = sorted({chr(code) for code in np.unique(level.grid[indices < 0])})
        raise InvalidParameterError(f"level tiles use characters not in its tileset: {strays}")
    return indices


def _composite(dst: Pixels, src: Pixels) -> None:
    """Draw ``src`` over ``dst`` (same shape) in place, with straight-alpha "over"."""
    src_a = src[..., 3:].astype(np.float64) / 255
    dst_a = dst[..., 3:].astype(np.float64) / 255
    out_a = src_a + dst_a * (1 - src_a)
    rgb = src[..., :3] * src_a + dst[..., :3] * dst_a * (1 - src_a)
    safe = np.where(out_a > 0, out_a, 1)
    dst[..., :3] = np.clip(np.rint(rgb / safe), 0, 255)
    dst[..., 3:] = np.clip(np.rint(out_a * 255), 0, 255)


def render_level(level: Level, tile_size: int = 16) -> Pixels:
    """The level as ``[height * tile_size, width * tile_size, 4]`` RGBA: tiles, then entities."""
    atlas = tile_atlas(level.tileset, tile_size)
    indices = _tile_indices(level)
    height, width = indices.shape
    out = np.empty((height, tile_size, width, tile_size, 4), dtype=np.uint8)
    # One pixel row of every tile per step: tile_size vectorised copies, and no temporary the
    # size of the whole picture (a 512x512 level is already 268 MB at 16 px).
    for row in range(tile_size):
        out[:, row] = atlas[:, row][indices]
    pixels = out.reshape(height * tile_size, width * tile_size, 4)
    for entity in level.entities:
        if not (0 <= entity.x < width and 0 <= entity.y < height):
            raise InvalidParameterError(
                f"entity {entity.id!r} at ({entity.x}, {entity.y}) is outside the "
                f"{width}x{height} level"
            )
        top, left = entity.y * tile_size, entity.x * tile_size
        patch = pixels[top : top + tile_size, left : left + tile_size]
        _composite(patch, entity_icon(entity.kind, tile_size))
    return pixels


def png_bytes(pixels: Pixels) -> bytes:
    """Encode ``[y, x, 4]`` uint8 RGBA as PNG; the same pixels always give the same bytes.

    Pillow writes no timestamp or other metadata unless asked, and the compression settings are
    pinned, so a saved level can be diffed and cached by content.
    """
    if pixels.dtype != np.uint8 or pixels.ndim != 3 or pixels.shape[2] != 4:
        raise InvalidParameterError(
            f"expected a [y, x, 4] uint8 array, got {pixels.dtype} {pixels.shape}"
        )
    buffer = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(pixels), "RGBA").save(
        buffer, format="PNG", optimize=False, compress_level=6
    )
    return buffer.getvalue()
