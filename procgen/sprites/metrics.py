"""Structure and novelty measures of indexed sprites, as defined in the project's METRICS reference.

A sprite here is a ``uint8`` array ``[y, x]`` of palette slots (slot 0 transparent) plus its palette
of RGB tuples; a *mask* is the boolean ``[y, x]`` array of opaque pixels. Every measure works on
any sprite size and on sprites that did not come from procgen (the reference figures in
``bench/sprites_reference.py`` are computed by the same functions), so none of them assumes the
semantic slots of :mod:`procgen.sprites.paperdoll`.

The one definition METRICS leaves open is "near-darkest" in :func:`outline_fraction`; it is fixed
in :data:`NEAR_DARKEST` and :func:`luma`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import numpy.typing as npt
from scipy import ndimage

from procgen.errors import InvalidParameterError

Mask = npt.NDArray[np.bool_]
Pixels = npt.NDArray[np.uint8]
RGB = tuple[int, int, int]

#: A colour is "near-darkest" when its luma lies in the darkest 15% of the luma range of the colours
#: the sprite uses: ``luma <= darkest + NEAR_DARKEST * (brightest - darkest)``. Relative to the
#: sprite's own range, so a dark-themed sprite is not penalised for a dark-grey outline and a
#: pastel sprite cannot pass with a mid-grey one.
NEAR_DARKEST = 0.15

_FOUR_NEIGHBOURS = ndimage.generate_binary_structure(2, 1)


def luma(colour: Sequence[int]) -> float:
    """Rec. 601 luma of a gamma-encoded RGB colour, 0 (black) to 255 (white).

    >>> luma((255, 255, 255)), luma((0, 0, 0)), round(luma((255, 0, 0)), 1)
    (255.0, 0.0, 76.2)
    """
    red, green, blue = (float(c) for c in colour[:3])
    return 0.299 * red + 0.587 * green + 0.114 * blue


def _check_mask(mask: Mask) -> Mask:
    array = np.asarray(mask)
    if array.ndim != 2:
        raise InvalidParameterError(f"expected a 2-D [y, x] mask, got shape {array.shape}")
    return array.astype(bool, copy=False)


def mirror_iou(mask: Mask) -> float:
    """Intersection over union of the mask and its left-right mirror image.

    Front views of characters are nearly symmetric, so this is the quickest sign of a broken
    silhouette. An empty mask counts as symmetric (1.0).

    >>> mirror_iou(np.array([[1, 1, 0, 0]], dtype=bool))
    0.0
    >>> mirror_iou(np.array([[0, 1, 1, 1]], dtype=bool))
    0.5
    """
    array = _check_mask(mask)
    mirrored = array[:, ::-1]
    union = int((array | mirrored).sum())
    return 1.0 if union == 0 else int((array & mirrored).sum()) / union


def border(mask: Mask) -> Mask:
    """Opaque pixels with a transparent 4-neighbour; pixels beyond the image count as transparent.

    >>> border(np.ones((3, 3), dtype=bool)).astype(int)
    array([[1, 1, 1],
           [1, 0, 1],
           [1, 1, 1]])
    """
    array = _check_mask(mask)
    inner = ndimage.binary_erosion(array, structure=_FOUR_NEIGHBOURS, border_value=0)
    return array & ~inner


def outline_fraction(pixels: Pixels, palette: Sequence[Sequence[int]]) -> float:
    """Share of the mask's border pixels whose colour is the darkest or near-darkest one used.

    "Border" is :func:`border`; "near-darkest" is :data:`NEAR_DARKEST` of the luma range of the
    colours the opaque pixels use. Slot 0 is transparent. A sprite with no opaque pixel scores 0.

    >>> palette = [(0, 0, 0), (20, 10, 30), (200, 150, 120)]
    >>> pixels = np.array([[1, 1, 1], [1, 2, 1], [1, 1, 2]], dtype=np.uint8)
    >>> outline_fraction(pixels, palette)  # 8 border pixels, one of them (a corner) skin
    0.875
    """
    array = _check_pixels(pixels, palette)
    mask = array != 0
    if not mask.any():
        return 0.0
    lumas = np.array([luma(c) for c in palette], dtype=np.float64)
    used = lumas[np.unique(array[mask])]
    darkest, brightest = float(used.min()), float(used.max())
    dark_slots = lumas <= darkest + NEAR_DARKEST * (brightest - darkest)
    edge = border(mask)
    return float(dark_slots[array[edge]].mean())


def components(mask: Mask) -> int:
    """Number of 4-connected regions of the mask (a finished sprite has exactly one).

    >>> components(np.array([[1, 0, 1], [1, 0, 0], [0, 1, 1]], dtype=bool))
    3
    """
    _, count = ndimage.label(_check_mask(mask), structure=_FOUR_NEIGHBOURS)
    return int(count)


def fill_ratio(mask: Mask) -> float:
    """Opaque pixels / all pixels.

    >>> fill_ratio(np.array([[1, 0], [1, 1]], dtype=bool))
    0.75
    """
    array = _check_mask(mask)
    return float(array.mean()) if array.size else 0.0


def palette_size(pixels: Pixels, palette: Sequence[Sequence[int]]) -> int:
    """Distinct RGB colours the opaque pixels use; two slots of the same colour count once.

    >>> palette = [(0, 0, 0), (9, 9, 9), (9, 9, 9), (1, 2, 3)]
    >>> palette_size(np.array([[0, 1, 2, 3]], dtype=np.uint8), palette)
    2
    """
    array = _check_pixels(pixels, palette)
    slots = np.unique(array[array != 0])
    return len({tuple(int(c) for c in palette[int(slot)][:3]) for slot in slots})


def nearest_hamming(pixels: Pixels, training: npt.ArrayLike) -> float:
    """Normalised Hamming distance (share of differing pixels) to the nearest training sprite.

    ``training`` is a ``[n, y, x]`` array (or a sequence of ``[y, x]`` arrays) of the same shape as
    ``pixels``; compared in slot space, in one vectorised pass. 0 means an exact copy.

    >>> training = np.array([[[0, 1], [1, 1]], [[2, 2], [2, 2]]], dtype=np.uint8)
    >>> nearest_hamming(np.array([[0, 1], [1, 2]], dtype=np.uint8), training)
    0.25
    """
    query = np.asarray(pixels)
    try:
        stack = np.asarray(training)
    except ValueError:  # a ragged list of grids
        raise InvalidParameterError("training sprites must all have one shape") from None
    if stack.ndim == query.ndim:
        stack = stack[None]
    if stack.shape[0] == 0:
        raise InvalidParameterError("nearest_hamming needs at least one training sprite")
    if stack.shape[1:] != query.shape:
        raise InvalidParameterError(
            f"training sprites have shape {stack.shape[1:]}, the query has {query.shape}"
        )
    differing = (stack != query[None]).reshape(stack.shape[0], -1).mean(axis=1)
    return float(differing.min())


def duplicate_count(grids: Iterable[npt.ArrayLike]) -> int:
    """How many grids repeat an earlier one exactly (shape and values): 0 for an all-distinct set.

    >>> a, b = np.zeros((2, 2), np.uint8), np.ones((2, 2), np.uint8)
    >>> duplicate_count([a, b, a, a])
    2
    """
    seen: set[tuple[tuple[int, ...], bytes]] = set()
    repeats = 0
    for grid in grids:
        array = np.ascontiguousarray(grid)
        key = (array.shape, array.tobytes())
        repeats += key in seen
        seen.add(key)
    return repeats


def _check_pixels(pixels: Pixels, palette: Sequence[Sequence[int]]) -> Pixels:
    array = np.asarray(pixels)
    if array.ndim != 2:
        raise InvalidParameterError(f"expected a 2-D [y, x] sprite, got shape {array.shape}")
    if array.size and int(array.max()) >= len(palette):
        raise InvalidParameterError(
            f"sprite uses slot {int(array.max())} but the palette has {len(palette)} colours"
        )
    return array
