"""Sprites to PNG bytes and back: export for game engines, import of a user's own sprite.

Export is byte-reproducible: the same sprite always gives the same file (the PNG encoder in
:func:`procgen.export.image.png_bytes` pins its settings and writes no metadata), so generated
sprites can be cached and diffed by content.

Import (:func:`read_sprite_png`) turns an arbitrary RGBA PNG into the indexed form the metrics and
the grid model use: undo an integer enlargement (a picture made of k x k blocks), crop to the
opaque pixels, fit into ``size x size`` (centred; shrunk with nearest-neighbour sampling if still
larger), and reduce the colours to a small palette with slot 0 transparent. Imported slots are
ordered by luma, darkest first, but carry no paper-doll meaning.
"""

from __future__ import annotations

import io
import math
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt
from PIL import Image, UnidentifiedImageError

from procgen.errors import AssetFormatError, InvalidParameterError
from procgen.export.image import png_bytes
from procgen.sprites.metrics import luma
from procgen.sprites.paperdoll import RGB, Sprite

#: A pixel with at least this alpha counts as opaque on import; anything fainter is transparent.
OPAQUE_ALPHA = 128

#: Files wider or taller than this are refused before decoding (a sprite, not a texture atlas).
MAX_IMPORT_SIDE = 4096


def _check_scale(scale: int) -> int:
    if isinstance(scale, bool) or not isinstance(scale, int) or not 1 <= scale <= 64:
        raise InvalidParameterError(f"scale must be an integer from 1 to 64, got {scale!r}")
    return scale


def _upscale(rgba: npt.NDArray[np.uint8], scale: int) -> npt.NDArray[np.uint8]:
    """Nearest-neighbour enlargement: every pixel becomes a ``scale x scale`` block."""
    return np.repeat(np.repeat(rgba, scale, axis=0), scale, axis=1)


def sprite_png(sprite: Sprite, scale: int = 1) -> bytes:
    """The sprite as RGBA PNG bytes, each pixel a ``scale x scale`` block; slot 0 transparent.

    >>> sprite = Sprite(np.array([[0, 1], [1, 0]], np.uint8), ((0, 0, 0), (9, 9, 9)))
    >>> data = sprite_png(sprite, scale=3)
    >>> data == sprite_png(sprite, scale=3), Image.open(io.BytesIO(data)).size
    (True, (6, 6))
    """
    return png_bytes(_upscale(sprite.rgba(), _check_scale(scale)))


def sprite_sheet(sprites: Sequence[Sprite], columns: int, scale: int = 1) -> bytes:
    """Sprites in reading order, ``columns`` to a row, as one PNG; unused cells are transparent.

    All sprites must have the same size.
    """
    _check_scale(scale)
    if isinstance(columns, bool) or not isinstance(columns, int) or columns < 1:
        raise InvalidParameterError(f"columns must be a positive integer, got {columns!r}")
    if not sprites:
        raise InvalidParameterError("a sprite sheet needs at least one sprite")
    shapes = {sprite.pixels.shape for sprite in sprites}
    if len(shapes) != 1:
        raise InvalidParameterError(f"sprites on one sheet must share a size, got {sorted(shapes)}")
    height, width = sprites[0].pixels.shape
    rows = -(-len(sprites) // columns)
    sheet = np.zeros((rows * height, columns * width, 4), dtype=np.uint8)
    for index, sprite in enumerate(sprites):
        top, left = (index // columns) * height, (index % columns) * width
        sheet[top : top + height, left : left + width] = sprite.rgba()
    return png_bytes(_upscale(sheet, scale))


def _open_png(source: str | os.PathLike[str] | bytes) -> npt.NDArray[np.uint8]:
    """Decode a PNG file or PNG bytes to ``[y, x, 4]`` RGBA, refusing anything else."""
    name = "the PNG bytes" if isinstance(source, bytes) else os.fspath(source)
    try:
        data = source if isinstance(source, bytes) else Path(source).read_bytes()
    except OSError as error:
        raise AssetFormatError(
            f"cannot read sprite file {name}: {error.strerror or error}"
        ) from None
    if not data.startswith(b"\x89PNG\r\n\x1a\n"):
        raise AssetFormatError(f"{name} is not a PNG image (wrong signature)")
    try:
        with Image.open(io.BytesIO(data), formats=["PNG"]) as image:
            if max(image.size) > MAX_IMPORT_SIDE:
                raise AssetFormatError(
                    f"{name} is {image.size[0]}x{image.size[1]} pixels; a sprite may be at most "
                    f"{MAX_IMPORT_SIDE} on a side"
                )
            image.load()
            return np.asarray(image.convert("RGBA"), dtype=np.uint8)
    except AssetFormatError:
        raise
    except (OSError, SyntaxError, ValueError, UnidentifiedImageError, Image.DecompressionBombError):
        raise AssetFormatError(f"{name} is a corrupt or truncated PNG") from None


def _block_size(rgba: npt.NDArray[np.uint8]) -> int:
    """The largest ``k`` such that the picture is made of ``k x k`` blocks (1 if none).

    An exported sprite enlarged by an integer factor is such a picture; undoing the factor first
    recovers it exactly, whatever its bounding box.
    """
    height, width = rgba.shape[:2]
    common = math.gcd(height, width)
    for k in range(common, 1, -1):
        if common % k == 0:
            small = rgba[::k, ::k]
            if np.array_equal(np.repeat(np.repeat(small, k, axis=0), k, axis=1), rgba):
                return k
    return 1


def _fit(rgba: npt.NDArray[np.uint8], size: int) -> npt.NDArray[np.uint8]:
    """Undo an integer enlargement, crop to the opaque pixels, shrink if too big, centre."""
    block = _block_size(rgba)
    rgba = rgba[::block, ::block]
    opaque = rgba[..., 3] >= OPAQUE_ALPHA
    ys, xs = np.nonzero(opaque)
    crop = rgba[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1].copy()
    crop[crop[..., 3] < OPAQUE_ALPHA] = 0
    crop[..., 3] = np.where(crop[..., 3] >= OPAQUE_ALPHA, 255, 0)
    height, width = crop.shape[:2]
    if max(height, width) > size:
        factor = size / max(height, width)
        new_size = (max(1, round(width * factor)), max(1, round(height * factor)))
        crop = np.asarray(
            Image.fromarray(crop, "RGBA").resize(new_size, Image.Resampling.NEAREST),
            dtype=np.uint8,
        )
        height, width = crop.shape[:2]
    out = np.zeros((size, size, 4), dtype=np.uint8)
    top, left = (size - height) // 2, (size - width) // 2
    out[top : top + height, left : left + width] = crop
    return out


def _quantise(colours: npt.NDArray[np.uint8], limit: int) -> npt.NDArray[np.uint8]:
    """At most ``limit`` representative colours for ``[n, 3]`` RGB: exact ones if few enough.

    Otherwise Pillow's median cut (fixed method, no dithering), which is deterministic.
    """
    distinct = np.unique(colours, axis=0)
    if len(distinct) <= limit:
        return distinct
    strip = Image.fromarray(colours.reshape(1, -1, 3), "RGB")
    reduced = strip.quantize(limit, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    used = np.asarray(reduced).reshape(-1)
    table = np.asarray(reduced.getpalette() or [], dtype=np.uint8).reshape(-1, 3)
    return np.unique(table[np.unique(used)], axis=0)


def read_sprite_png(
    source: str | os.PathLike[str] | bytes, size: int = 16, max_colours: int = 16
) -> Sprite:
    """A user's RGBA PNG sprite as an indexed ``size x size`` :class:`Sprite`.

    Pixels with alpha below :data:`OPAQUE_ALPHA` become slot 0; the opaque colours are reduced to
    at most ``max_colours - 1`` and mapped to the nearest one. The palette holds slot 0 plus the
    colours used, darkest first. Raises :class:`~procgen.errors.AssetFormatError` for a missing,
    non-PNG, corrupt, oversized or fully transparent file.
    """
    if isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= 256:
        raise InvalidParameterError(f"size must be an integer from 1 to 256, got {size!r}")
    if isinstance(max_colours, bool) or not isinstance(max_colours, int):
        raise InvalidParameterError(f"max_colours must be an integer, got {max_colours!r}")
    if not 2 <= max_colours <= 256:
        raise InvalidParameterError(f"max_colours must be from 2 to 256, got {max_colours}")
    rgba = _open_png(source)
    if not (rgba[..., 3] >= OPAQUE_ALPHA).any():
        name = "the PNG bytes" if isinstance(source, bytes) else os.fspath(source)
        raise AssetFormatError(f"{name} has no opaque pixel: nothing to read as a sprite")
    fitted = _fit(rgba, size)
    opaque = fitted[..., 3] == 255
    colours = _quantise(fitted[..., :3][opaque], max_colours - 1)
    order = sorted(range(len(colours)), key=lambda i: (luma(colours[i].tolist()), *colours[i]))
    colours = colours[order]
    distinct, inverse = np.unique(fitted[..., :3][opaque], axis=0, return_inverse=True)
    nearest = np.empty(len(distinct), dtype=np.intp)
    targets = colours.astype(np.int32)[None]
    for start in range(0, len(distinct), 1024):  # bounded memory for big, colourful pictures
        block = distinct[start : start + 1024].astype(np.int32)[:, None]
        nearest[start : start + 1024] = ((block - targets) ** 2).sum(axis=2).argmin(axis=1)
    pixels = np.zeros((size, size), dtype=np.uint8)
    pixels[opaque] = nearest[inverse.reshape(-1)] + 1
    palette: tuple[RGB, ...] = ((0, 0, 0), *((int(r), int(g), int(b)) for r, g, b in colours))
    return Sprite(pixels, palette)
