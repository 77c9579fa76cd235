"""Calibration: per style, a log prior per tile that brings decoded tile shares to the corpus's."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from procgen.corpus import read_corpus
from procgen.models import calibration
from procgen.models.calibration import calibrate, tile_counts
from procgen.models.tiles import TileSample

FLOOR, WALL, LAVA = ord("."), ord("#"), ord("%")


class BiasedSampler:
    """Stands in for a tile model: decodes a wall share of ``sigmoid(logit + bias)``, and never
    lava, whatever lava's bias."""

    def __init__(self, wall_logit: float) -> None:
        self.wall_logit = wall_logit
        self.symbol_bias: dict[str, dict[str, float]] = {}
        self.wall_shares: list[float] = []  # what each round decoded

    def sample(
        self, style: str, difficulty: float, locked: np.ndarray, seeds: Sequence[int]
    ) -> list[TileSample]:
        bias = self.symbol_bias[style]
        logit = self.wall_logit + bias["#"] - bias["."]
        share = 1 / (1 + np.exp(-logit))
        self.wall_shares.append(share)
        grids = []
        for _ in seeds:
            grid = np.full(locked.shape, FLOOR, np.uint8)
            grid.ravel()[: round(share * grid.size)] = WALL
            grids.append(TileSample(grid, 0))
        return grids


def write_corpus(folder: Path, wall_share: float) -> Path:
    """Ten 20x20 levels, ``wall_share`` walls, a little lava, the rest floor."""
    folder.mkdir()
    (folder / "legend.json").write_text(
        '{"tiles": {".": ["walkable"], "#": ["solid"], "%": ["hazard"]}}'
    )
    for n in range(10):
        grid = np.full(400, ".")
        grid[: round(wall_share * 400)] = "#"
        grid[-2:] = "%"
        (folder / f"{n}.txt").write_text("\n".join("".join(r) for r in grid.reshape(20, 20)))
    return folder


class TestCalibration:
    def test_decoded_shares_converge_on_the_corpus(self, tmp_path: Path) -> None:
        """A sampler that decodes 62% walls where the corpus has 45% ends near 45%."""
        corpus = read_corpus(write_corpus(tmp_path / "rooms", wall_share=0.45))
        sampler = BiasedSampler(wall_logit=0.5)
        offsets = calibrate(sampler, corpus)["rooms"]
        first, last = sampler.wall_shares[0], sampler.wall_shares[-1]
        assert first > 0.6
        assert abs(last - 0.45) < abs(first - 0.45) / 4
        assert offsets["#"] < 0 < offsets["."]

    def test_a_tile_the_network_never_places_is_left_alone(self, tmp_path: Path) -> None:
        """Lava the sampler never decodes keeps a zero offset: calibration corrects rates, it does
        not push a tile the network has no place for."""
        corpus = read_corpus(write_corpus(tmp_path / "rooms", wall_share=0.45))
        offsets = calibrate(BiasedSampler(wall_logit=0.5), corpus)["rooms"]
        assert offsets["%"] == 0.0

    def test_offsets_are_bounded(self, tmp_path: Path) -> None:
        """However far off the sampler, no tile's odds move by more than e^LIMIT."""
        corpus = read_corpus(write_corpus(tmp_path / "rooms", wall_share=0.05))
        offsets = calibrate(BiasedSampler(wall_logit=6.0), corpus)["rooms"]
        assert all(abs(v) <= calibration.LIMIT for v in offsets.values())


def test_tile_counts_count_every_cell() -> None:
    grid = np.array([[WALL, FLOOR], [FLOOR, FLOOR]], np.uint8)
    assert tile_counts([grid, grid]) == {"#": 2, ".": 6}
