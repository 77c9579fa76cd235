"""Cellular-automata caves (the classic 4-5 rule), with pools of water and lava.

Random fill, then a few rounds of "a tile becomes rock when five or more of its eight neighbours
are rock", which melts noise into rounded caverns. Pockets cut off from the main cavern are filled
in. Water and lava pools come from a smoothed second field; more lava at higher difficulty.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from scipy import ndimage

from procgen.generators.base import Draft, LevelRequest
from procgen.solver import largest_region
from procgen.tiles import STANDARD_TILESET

FILL = 0.45
ROUNDS = 5


class CaveGenerator:
    name = "cave"
    version = "1.0"
    styles = ("cave",)
    priority = 10

    def generate(self, request: LevelRequest, rng: np.random.Generator) -> Draft:
        height, width = request.height, request.width
        rock = rng.random((height, width)) < FILL
        for _ in range(ROUNDS):
            rock = _rock_rule(rock)
        rock[[0, -1], :] = True
        rock[:, [0, -1]] = True
        cavern = largest_region(~rock)

        grid = np.where(cavern, ord(";"), ord("#")).astype(np.uint8)
        pools = _smooth_field(rng, (height, width), sigma=max(2.0, min(height, width) / 12))
        wet = cavern & (pools > np.quantile(pools[cavern], 0.9)) if cavern.any() else cavern
        deep = wet & (pools > np.quantile(pools[cavern], 0.96)) if cavern.any() else wet
        grid[wet] = ord("-")
        grid[deep] = ord("~")

        lava_share = 0.02 * request.difficulty
        if lava_share > 0 and cavern.any():
            heat = _smooth_field(rng, (height, width), sigma=1.5)
            dry = cavern & ~wet
            grid[dry & (heat > np.quantile(heat[cavern], 1 - lava_share))] = ord("%")
        return Draft(grid, STANDARD_TILESET, params={"fill": FILL, "rounds": ROUNDS})


def _rock_rule(rock: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:
    """One 4-5 automaton step; outside the map counts as rock."""
    padded = np.pad(rock, 1, constant_values=True).astype(np.int8)
    height, width = rock.shape
    neighbours = sum(
        padded[1 + dy : 1 + dy + height, 1 + dx : 1 + dx + width]
        for dy in (-1, 0, 1)
        for dx in (-1, 0, 1)
        if dy or dx
    )
    result: npt.NDArray[np.bool_] = (neighbours >= 5) | (rock & (neighbours == 4))
    return result


def _smooth_field(
    rng: np.random.Generator, shape: tuple[int, int], sigma: float
) -> npt.NDArray[np.float64]:
    field: npt.NDArray[np.float64] = ndimage.gaussian_filter(rng.random(shape), sigma, mode="wrap")
    return field
