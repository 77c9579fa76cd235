"""The learned tile-map generator: procgen's default, and any model you train yourself.

Registered as ``tiles`` through the same entry points as every other generator; it offers every
style its weights were trained on. Reading which styles those are touches only the weights file's
header, so ``procgen list`` stays fast; torch loads on the first level.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from pathlib import Path

import numpy as np

from procgen.data import TILE_WEIGHTS
from procgen.generators.base import Draft, LevelRequest, RejectDraft
from procgen.models.tiles import DECODE_STEPS, TileModel, connectivity

MAX_REPAIRS = 2  # repair passes before the draft is resampled


class LearnedTileGenerator:
    name = "tiles"
    version = "1.0"
    priority = 20  # above the classical generators: the default for every style it knows
    can_inpaint = True

    def __init__(self, weights: Path | None = None) -> None:
        self.model = TileModel(weights or TILE_WEIGHTS)

    @classmethod
    def from_file(cls, weights: Path) -> LearnedTileGenerator:
        """One generator per weights file and version of it: the network loads once, and a
        file retrained in place is picked up."""
        try:
            stat = weights.stat()
        except OSError:
            return cls(weights)  # TileModel names the missing file
        return _load(weights.resolve(), stat.st_mtime_ns, stat.st_size)

    @property
    def styles(self) -> tuple[str, ...]:
        return self.model.card.styles

    def generate(self, request: LevelRequest, rng: np.random.Generator) -> Draft:
        draft = self.generate_batch(request, [rng])[0]
        if draft is None:
            raise RejectDraft
        return draft

    def generate_batch(
        self, request: LevelRequest, rngs: Sequence[np.random.Generator]
    ) -> list[Draft | None]:
        """One draft per random stream, decoded together; None for a draft beyond repair.

        A draft less connected than its style's training levels is repaired, up to
        :data:`MAX_REPAIRS` times; each round repairs every such draft of the batch together.
        ``joined`` (cells decoding forced walkable to keep a draft connected) is recorded
        beside the repairs: both are corrections of what the network chose.
        """
        shape = (request.height, request.width)
        locked = request.locked if request.locked is not None else np.zeros(shape, np.uint8)
        seeds = [int(rng.integers(2**62)) for rng in rngs]
        samples = self.model.sample(request.style, request.difficulty, locked, seeds)
        grids = [sample.grid for sample in samples]
        tileset = self.model.card.tileset
        floor = self.model.connectivity_floor(request.style)
        repairs = [0] * len(grids)
        broken = {i for i, grid in enumerate(grids) if connectivity(grid, tileset) < floor}
        retry = sorted(broken)
        for attempt in range(1, MAX_REPAIRS + 1):
            if not retry:
                break
            repaired = self.model.repair(
                [grids[i] for i in retry],
                locked,
                request.style,
                request.difficulty,
                [seeds[i] + attempt for i in retry],
            )
            for i, grid in zip(retry, repaired, strict=True):
                repairs[i] = attempt
                if grid is not None:
                    grids[i] = grid
                    if connectivity(grid, tileset) >= floor:
                        broken.discard(i)
            retry = [
                i
                for i, grid in zip(retry, repaired, strict=True)
                if grid is not None and i in broken
            ]
        return [
            None
            if i in broken
            else Draft(
                grid,
                tileset,
                params={"decode_steps": DECODE_STEPS},
                provenance={
                    "weights": {"name": self.model.path.name, "sha256": self.model.sha256},
                    "repairs": repairs[i],
                    "joined": sample.joined,
                },
            )
            for i, (grid, sample) in enumerate(zip(grids, samples, strict=True))
        ]


@cache
def _load(path: Path, mtime_ns: int, size: int) -> LearnedTileGenerator:
    """Keyed by modification time and size too, so a file retrained in place is reloaded."""
    return LearnedTileGenerator(path)
