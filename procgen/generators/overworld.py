"""Perlin-noise overworlds: seas, beaches, meadows, forests, swamps and mountain ranges.

Two fractal Perlin fields (``noise.pnoise2``), elevation and moisture, are cut at quantiles of
themselves, so every map has the same mix of terrain whatever the noise's range. The ``noise``
package repeats every 256 units of ``base`` and is exactly zero on integer lattice points, so the
seed moves the sampling window by a fractional offset instead.
"""

from __future__ import annotations

import noise
import numpy as np
import numpy.typing as npt

from procgen.generators.base import Draft, LevelRequest
from procgen.tiles import STANDARD_TILESET

SCALE = 22.0  # tiles per noise unit: the size of a typical landmass
OCTAVES = 4


class OverworldGenerator:
    name = "overworld"
    version = "1.0"
    styles = ("overworld",)
    priority = 10

    def generate(self, request: LevelRequest, rng: np.random.Generator) -> Draft:
        shape = (request.height, request.width)
        elevation = _fbm(shape, rng)
        moisture = _fbm(shape, rng)

        def below(field: npt.NDArray[np.float64], share: float) -> npt.NDArray[np.bool_]:
            mask: npt.NDArray[np.bool_] = field < np.quantile(field, share)
            return mask

        grid = np.full(shape, ord(","), dtype=np.uint8)  # grass
        grid[~below(moisture, 0.72)] = ord("T")  # forest where it is wettest
        swamp = 0.03 + 0.07 * request.difficulty
        grid[~below(moisture, 1 - swamp) & below(elevation, 0.45)] = ord("&")
        grid[below(elevation, 0.26)] = ord(":")  # beaches
        grid[below(elevation, 0.20)] = ord("-")  # shallows
        grid[below(elevation, 0.14)] = ord("~")  # sea
        grid[~below(elevation, 0.92)] = ord("^")  # mountains
        return Draft(grid, STANDARD_TILESET, params={"scale": SCALE, "octaves": OCTAVES})


def _fbm(shape: tuple[int, int], rng: np.random.Generator) -> npt.NDArray[np.float64]:
    """Fractal Perlin noise sampled at tile centres, offset by the seed."""
    offset_x, offset_y = rng.uniform(0.0, 4096.0, size=2) + 0.5
    height, width = shape
    pnoise2 = noise.pnoise2
    values = [
        pnoise2(x / SCALE + offset_x, y / SCALE + offset_y, octaves=OCTAVES)
        for y in range(height)
        for x in range(width)
    ]
    return np.array(values, dtype=np.float64).reshape(shape)
