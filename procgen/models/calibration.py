"""Calibrating a tile model's sampler: per style, a log prior per tile that makes the levels it
decodes use each tile as often as the style's training levels do.

Why it is needed: the network is calibrated where it was trained, on real levels with cells
hidden (on the shipped corpus its mean predicted share of walkable tiles is within 0.01 of the
truth at every mask ratio), but decoding from nothing conditions each of the 8 parallel steps on
the network's own earlier draws, and their errors add up. Uncalibrated, the shipped model's caves
came out 53% floor against the corpus's 49%, and the one pattern of four rock tiles, too rare in
them, made most of their 2x2 pattern KL to the held-out caves. Neither another commit order nor
a lower temperature moved the share.

The fit is a damped fixed-point iteration of a few rounds: decode levels of the style at its
training sizes and the neutral difficulty, count their tiles, and move each tile's offset by
``DAMPING * log(corpus share / decoded share)``. It runs at the end of training, on the training
corpus only, and is stored in the model card; decoding adds it to the network's logits.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

import numpy as np
import numpy.typing as npt

from procgen.corpus import Corpus
from procgen.evaluation import shapes_for
from procgen.metrics import pattern_counts

if TYPE_CHECKING:
    from procgen.models.tiles import TileSample

Grid = npt.NDArray[np.uint8]

ROUNDS = 4
DAMPING = 0.7  # a full step overshoots: the shares answer a shift of all offsets at once
SAMPLES = 96  # levels decoded per style and round
LIMIT = 2.0  # no tile is made more than e^2 times likelier or rarer
#: A tile decoded fewer times than this in a round keeps its offset: the calibration corrects
#: the rate of tiles the network does place, it does not sprinkle ones it never places (a lava
#: pool of a hand-authored dungeon set piece, say) wherever a nudge lands them.
MIN_COUNT = 50
DIFFICULTY = 0.5  # the neutral difficulty, trained on every level (tiles.NEUTRAL_DIFFICULTY)


class Sampler(Protocol):
    """What calibration needs of a tile model (:class:`~procgen.models.tiles.TileModel`)."""

    symbol_bias: dict[str, dict[str, float]]

    def sample(
        self, style: str, difficulty: float, locked: Grid, seeds: Sequence[int]
    ) -> list[TileSample]: ...


def tile_counts(grids: Sequence[Grid]) -> dict[str, int]:
    """How many cells of ``grids`` hold each tile: the 1x1 tile patterns, by character."""
    return {pattern.decode("ascii"): n for pattern, n in pattern_counts(grids, k=1).items()}


def calibrate(model: Sampler, corpus: Corpus, *, seed: int = 0) -> dict[str, dict[str, float]]:
    """Per style of ``corpus``, the offset per tile character that ``model`` decodes with.

    Sets ``model.symbol_bias`` as it goes and returns it; offsets are rounded to 4 decimals, so
    the card's JSON holds exactly the values the model decodes with."""
    for style, levels in corpus.by_style().items():
        grids = [level.grid for level in levels]
        target = tile_counts(grids)
        cells = sum(target.values())
        offsets = dict.fromkeys(target, 0.0)
        shapes = Counter(shapes_for(grids, SAMPLES))
        for round_ in range(ROUNDS):
            model.symbol_bias[style] = offsets
            made = []
            for n, (shape, count) in enumerate(sorted(shapes.items())):
                seeds = [_seed(seed, style, round_, n, i) for i in range(count)]
                blank = np.zeros(shape, np.uint8)
                made += [s.grid for s in model.sample(style, DIFFICULTY, blank, seeds)]
            decoded = tile_counts(made)
            total = sum(decoded.values())
            offsets = {
                tile: bias
                if decoded.get(tile, 0) < MIN_COUNT
                else _step(bias, target[tile] / cells, decoded[tile] / total)
                for tile, bias in offsets.items()
            }
        model.symbol_bias[style] = offsets
    return dict(model.symbol_bias)


def _step(bias: float, want: float, have: float) -> float:
    """The offset moved towards the corpus's share, clipped, rounded as the card stores it."""
    moved = bias + DAMPING * math.log(want / have)
    return round(max(-LIMIT, min(LIMIT, moved)), 4)


def _seed(seed: int, style: str, round_: int, shape: int, index: int) -> int:
    entropy = [seed, *style.encode(), round_, shape, index]
    return int(np.random.SeedSequence(entropy).generate_state(1, np.uint64)[0])
