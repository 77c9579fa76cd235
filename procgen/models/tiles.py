"""The learned tile-map model: from a corpus of levels to weights, and from weights to levels.

- **Symbols.** A model's vocabulary is its corpus's tileset, in order; a level's grid of ASCII
  codes maps to symbol indices and back through lookup tables.
- **Difficulty labels.** A level file that records ``meta.params.difficulty`` keeps it; any other
  level (text grids, Tiled maps) is labelled by the rank of its hazard density among the levels of
  its style, in [0, 1], and trains a second time unlabelled, at 0.5. So the difficulty knob means
  "more hazards, like the corpus's harder levels" for every corpus, 0.5 means "like the corpus as
  a whole", and procgen's entity placement then adds enemies and path length.
- **Connectivity floor.** The model card records, per style, the 5th percentile over training
  levels of the share of walkable tiles in the largest walkable region. A sample less connected
  than its style's floor is broken: :meth:`TileModel.repair` joins regions to the largest along
  short paths until the floor is met, and re-inpaints around the joins in one decoding pass.
- **Connected styles.** Where that floor is 1.0 (every training level of the style is one
  walkable region, as every dungeon of procgen's corpus is) decoding keeps the walkable tiles
  connected as it goes (:mod:`procgen.models.grid_connectivity`): the network alone leaves 84-88%
  of dungeons in pieces, and repairing them afterwards, one by one, halved the speed of batched
  dungeons. The joins the decoder has to force are counted per sample, and count as repairs.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import ndimage

from procgen.corpus import Corpus, read_corpus
from procgen.errors import AssetFormatError
from procgen.models import weights
from procgen.solver import Mask, largest_region, regions
from procgen.tiles import Tileset

Grid = npt.NDArray[np.uint8]
CONNECTIVITY_QUANTILE = 0.05
DECODE_STEPS = 8
#: Gumbel noise on the commit order (:mod:`procgen.models.grid_sampling`). Less noise commits the
#: confident majority tiles first and starves rare ones, which the calibration now makes up for;
#: more noise commits at random and leaves speckle. On the held-out corpus, calibrated, one
#: sampling seed, 2x2 KL over the corpus floor (cave, dungeon, overworld): 2.0 gave 1.97, 1.27,
#: 1.41; 4.0 gave 1.40, 1.15, 1.46; 8.0 (the sprites' default) 1.62, 1.18, 1.66. A card's
#: calibration is fitted at this value: change it, and weights need calibrating again.
CHOICE_TEMPERATURE = 4.0
POCKET = 4  # walkable regions smaller than this are filled in by repair, not joined
BATCH = 64  # grids decoded per forward pass
NEUTRAL_DIFFICULTY = 0.5  # the label of an unlabelled copy, and the default knob
#: Trunk width of a tile model (the grid model's default, 64, still draws sprites). Trained the
#: same way on the shipped corpus, 48 channels scored the held-out KL2 of 64 (cave 0.024 against
#: 0.023, dungeon 0.170 both, overworld 0.078 against 0.076) and made batches of 32x32 levels
#: 1.14-1.41x as fast; 40 channels failed the bar (cave 1.60x the corpus floor).
TRUNK_CHANNELS = 48


def connectivity(grid: Grid, tileset: Tileset) -> float:
    """Share of walkable tiles in the largest 4-connected walkable region (1.0 if none)."""
    walkable: Mask = tileset.mask_lut("walkable")[grid]
    total = int(walkable.sum())
    return float(largest_region(walkable).sum()) / total if total else 1.0


def difficulty_labels(corpus: Corpus) -> list[float]:
    """Recorded difficulty where a level has one, else its hazard-density rank within its style."""
    from scipy.stats import rankdata  # training only: importing scipy.stats costs ~0.4 s

    hazard = corpus.tileset.mask_lut("hazard")
    walkable = corpus.tileset.mask_lut("walkable")
    labels = [level.difficulty for level in corpus.levels]
    for style in corpus.styles:
        members = [
            i for i, lv in enumerate(corpus.levels) if lv.style == style and labels[i] is None
        ]
        if not members:
            continue
        density = [
            float(hazard[corpus.levels[i].grid].sum())
            / max(1, int(walkable[corpus.levels[i].grid].sum()))
            for i in members
        ]
        ranks = rankdata(density) - 1
        scale = max(1, len(members) - 1)
        for i, rank in zip(members, ranks, strict=True):
            labels[i] = float(rank) / scale if len(members) > 1 else 0.5
    return [0.5 if label is None else label for label in labels]


def training_labels(corpus: Corpus) -> list[tuple[int, float]]:
    """(level index, difficulty label) pairs to train on: each level at its label, then each
    level whose label was derived once more, unlabelled, at :data:`NEUTRAL_DIFFICULTY`.

    A derived label (a hazard-density rank) nearly names its level, and ties pile the levels
    without hazards onto one value: on VGLC's Zelda rooms no label fell within 0.05 of 0.5, so
    the default difficulty decoded one memorised room (KL2 3.40 against Markov's 0.44). Training
    every such level a second time at 0.5 (condition dropout, p = 0.5) makes the default sample
    the whole corpus (KL2 0.24-0.46), while other values still steer the hazards.
    """
    labels = difficulty_labels(corpus)
    neutral = [
        (i, NEUTRAL_DIFFICULTY) for i, lv in enumerate(corpus.levels) if lv.difficulty is None
    ]
    return [*enumerate(labels), *neutral]


def model_card(
    corpus: Corpus, config: dict[str, Any], training: dict[str, Any]
) -> weights.ModelCard:
    """The card stored with the weights: tiles each style uses, connectivity floors, training."""
    style_tiles, floors = {}, {}
    for style, levels in sorted(corpus.by_style().items()):
        used = set().union(*(np.unique(lv.grid).tolist() for lv in levels))
        style_tiles[style] = "".join(c for c in corpus.tileset if ord(c) in used)
        shares = [connectivity(lv.grid, corpus.tileset) for lv in levels]
        floors[style] = float(np.quantile(shares, CONNECTIVITY_QUANTILE))
    return weights.ModelCard(
        kind="tiles",
        config=config,
        tileset=corpus.tileset,
        styles=corpus.styles,
        style_tiles=style_tiles,
        training={**training, "connectivity_floor": floors},
    )


def corpus_digest(corpus: Corpus) -> str:
    digest = hashlib.sha256()
    for level in corpus.levels:
        digest.update(f"{level.style}:{level.grid.shape}:".encode())
        digest.update(level.grid.tobytes())
    return digest.hexdigest()


@dataclass(frozen=True)
class TileSample:
    """A decoded grid, and how many of its cells were forced walkable to keep it connected."""

    grid: Grid
    joined: int


@dataclass(frozen=True)
class TrainReport:
    path: Path
    levels: int
    styles: tuple[str, ...]
    steps: int
    seconds: float
    losses: list[float]
    parameters: int
    calibration_seconds: float


def train_tiles(
    data: Path,
    out: Path,
    *,
    legend: Path | None = None,
    steps: int | None = None,
    minutes: float | None = None,
    seed: int = 0,
    augment: str = "flips",
    resume: bool = False,
    progress: bool | None = None,
    batch_tiles: int | None = None,
) -> TrainReport:
    """Train a tile model on the levels in ``data`` and write it to ``out`` (.safetensors)."""
    from procgen.models.calibration import calibrate
    from procgen.models.grid import GridConfig
    from procgen.models.grid_training import TILES_PER_BATCH, Example, TrainSettings, train

    weights.check_output(out)
    settings = TrainSettings(
        steps=steps,
        minutes=minutes,
        seed=seed,
        augment=augment,
        batch_tiles=batch_tiles or TILES_PER_BATCH,
    )
    corpus = read_corpus(data, legend)
    symbols = TileSymbols(corpus.tileset)
    examples = [
        Example(
            symbols.encode(corpus.levels[i].grid),
            corpus.styles.index(corpus.levels[i].style),
            label,
        )
        for i, label in training_labels(corpus)
    ]
    config = GridConfig(
        vocab_size=len(corpus.tileset),
        n_styles=len(corpus.styles),
        trunk_channels=TRUNK_CHANNELS,
    )
    checkpoint = out.with_name(out.name + ".ckpt")
    training: dict[str, Any] = {
        "seed": seed,
        "augment": augment,
        "levels": len(corpus.levels),
        "corpus_sha256": corpus_digest(corpus),
    }
    result = train(
        examples, config, settings, checkpoint=checkpoint, resume=resume, progress=progress
    )
    training.update(
        losses=[round(loss, 4) for loss in result.losses],
        steps=result.steps,
        seconds=round(result.seconds, 1),
        final_loss=round(result.losses[-1], 4) if result.losses else None,
    )
    weights.save(out, result.model, model_card(corpus, config.to_dict(), training))
    started = time.perf_counter()  # calibration decodes with the saved model, floors and all
    training["symbol_bias"] = calibrate(TileModel(out), corpus, seed=seed)
    weights.save(out, result.model, model_card(corpus, config.to_dict(), training))
    calibration_seconds = time.perf_counter() - started
    checkpoint.unlink(missing_ok=True)
    return TrainReport(
        out,
        len(corpus.levels),
        corpus.styles,
        result.steps,
        result.seconds,
        result.losses,
        result.model.parameter_count(),
        calibration_seconds,
    )


class TileSymbols:
    """ASCII codes <-> symbol indices for one tileset."""

    def __init__(self, tileset: Tileset) -> None:
        self.chars = np.array([ord(c) for c in tileset], dtype=np.uint8)
        self.index = np.full(128, -1, dtype=np.int64)
        self.index[self.chars] = np.arange(len(self.chars))

    def encode(self, grid: Grid) -> npt.NDArray[np.int64]:
        encoded = self.index[grid]
        if (encoded < 0).any():
            raise AssetFormatError("grid uses tiles outside the model's tileset")
        return encoded

    def decode(self, symbols: npt.NDArray[np.int64]) -> Grid:
        return self.chars[symbols]


class TileModel(weights.TrainedGrid):
    """A trained tile model ready to generate, inpaint and repair levels."""

    kind = "tiles"
    what = "tile-map model"

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.symbols = TileSymbols(self.card.tileset)
        #: Per style, a log prior per tile character (:mod:`procgen.models.calibration`).
        self.symbol_bias = _symbol_bias(self.card.training.get("symbol_bias", {}), path)

    def sample(
        self,
        style: str,
        difficulty: float,
        locked: Grid,
        seeds: Sequence[int],
        *,
        constrained: bool = True,
    ) -> list[TileSample]:
        """One grid per seed, each filling the cells of ``locked`` that hold 0 (unknown).

        ``locked`` is one [H, W] template for every seed, or [len(seeds), H, W], one each.
        Grids decode together, up to :data:`BATCH` per forward pass, each from its own seed.
        A style whose connectivity floor is 1.0 decodes under the connectivity constraint unless
        ``constrained`` is False (which shows what the network does alone).
        """
        import torch

        from procgen.models.grid_connectivity import ConnectedDecoding
        from procgen.models.grid_sampling import decode

        count = len(seeds)
        mask_id = self.network.config.mask_id
        known = locked != 0
        tokens = np.full(locked.shape, mask_id, dtype=np.int64)
        tokens[known] = self.symbols.encode(locked[known])
        tokens = np.broadcast_to(tokens, (count, *locked.shape[-2:]))
        style_ids = torch.full((count,), self.card.styles.index(style), dtype=torch.long)
        prior = torch.tensor(
            [weights.symbol_prior(self.card, style, self.symbol_bias.get(style))] * count
        )
        walkable = torch.from_numpy(self.card.tileset.mask_lut("walkable")[self.symbols.chars])
        samples: list[TileSample] = []
        for start in range(0, count, BATCH):
            chunk = seeds[start : start + BATCH]
            connect = (
                ConnectedDecoding(walkable, len(chunk))
                if constrained and self.connectivity_floor(style) >= 1.0
                else None
            )
            decoded = decode(
                self.network,
                style_ids[: len(chunk)],
                torch.full((len(chunk),), float(difficulty)),
                torch.from_numpy(tokens[start : start + len(chunk)].copy()),
                prior=prior[: len(chunk)],
                connect=connect,
                first_passes=self.first_passes,
                steps=DECODE_STEPS,
                choice_temperature=CHOICE_TEMPERATURE,
                generators=[torch.Generator().manual_seed(s % 2**63) for s in chunk],
            )
            joined = connect.joined if connect is not None else [0] * len(chunk)
            samples.extend(
                TileSample(self.symbols.decode(g.numpy()), j)
                for g, j in zip(decoded, joined, strict=True)
            )
        return samples

    def connectivity_floor(self, style: str) -> float:
        floors = self.card.training.get("connectivity_floor", {})
        return float(floors.get(style, 0.0))

    def repair(
        self,
        grids: Sequence[Grid],
        locked: Grid,
        style: str,
        difficulty: float,
        seeds: Sequence[int],
    ) -> list[Grid | None]:
        """Make drafts as connected as their style's training levels; None for a draft that is
        one walkable region already.

        Walkable pockets smaller than :data:`POCKET` tiles are filled with the solid tile most
        common around them (a stray floor tile in a wall is noise, not a place). Every larger
        region joins the main one along the shortest L-shaped path, largest first, until the
        style's floor is met; path cells become the level's most common walkable tile, and the
        ring of solid cells around the paths is re-inpainted in one decoding pass. That pass can
        only add walkable tiles beside the paths, so it never undoes a join. Cells the caller
        locked (non-zero in ``locked``) never change.

        The drafts re-inpaint together, one seed each: a batch of 1 would pay a whole decode
        per draft, and repairs were 40% of the time of a batch of caves that way.
        """
        templates = {
            i: template
            for i, grid in enumerate(grids)
            if (template := self._repair_template(grid, locked, style)) is not None
        }
        repaired: list[Grid | None] = [None] * len(grids)
        if templates:
            stacked = np.stack(list(templates.values()))
            samples = self.sample(style, difficulty, stacked, [seeds[i] for i in templates])
            for i, sample in zip(templates, samples, strict=True):
                repaired[i] = sample.grid
        return repaired

    def _repair_template(self, grid: Grid, locked: Grid, style: str) -> Grid | None:
        """``grid`` with its pockets filled, its join paths carved and their ring unknown (0),
        for :meth:`repair` to re-inpaint; None if it is one walkable region already."""
        tileset = self.card.tileset
        walkable: Mask = tileset.mask_lut("walkable")[grid]
        labels, count = regions(walkable)
        if count < 2:
            return None
        free = locked == 0
        sizes = np.bincount(labels.ravel())[1:]
        order = (np.argsort(-sizes, kind="stable") + 1).tolist()
        template = grid.copy()
        for label in order[1:]:
            pocket = labels == label
            if sizes[label - 1] < POCKET and (pocket <= free).all():
                template[pocket] = _surrounding_solid(grid, pocket, ~walkable)
                walkable = walkable & ~pocket
        total = int(walkable.sum())
        main = labels == order[0]
        paths = np.zeros_like(main)
        floor = self.connectivity_floor(style)
        for label in order[1:]:
            if (main & walkable).sum() / total >= floor:  # paths are not part of the share
                break
            region = (labels == label) & walkable
            if region.any():
                path = _joining_path(main, region)
                paths |= path
                main |= path | region
        floor_tile = np.bincount(grid[walkable], minlength=128).argmax()
        ring = ndimage.binary_dilation(paths) & ~paths & ~walkable & free
        template[paths & free] = floor_tile
        template[ring] = 0
        return template


def _symbol_bias(stored: Any, path: Path) -> dict[str, dict[str, float]]:
    """A card's calibration, checked: a damaged one is a clear error, not NaN logits."""
    damaged = AssetFormatError(f"{path}: damaged tile calibration in the model card")
    try:
        bias = {
            str(style): {str(tile): float(b) for tile, b in tiles.items()}
            for style, tiles in stored.items()
        }
    except (AttributeError, TypeError, ValueError):
        raise damaged from None
    if not all(math.isfinite(b) for tiles in bias.values() for b in tiles.values()):
        raise damaged
    return bias


def _surrounding_solid(grid: Grid, pocket: Mask, solid: Mask) -> int:
    """The most common non-walkable tile bordering ``pocket``."""
    border = ndimage.binary_dilation(pocket) & ~pocket & solid
    return int(np.bincount(grid[border], minlength=128).argmax()) if border.any() else 0


def _joining_path(first: Mask, second: Mask) -> Mask:
    """The cells of an L-shaped path between the closest pair of cells of two regions."""
    distance, (near_y, near_x) = ndimage.distance_transform_cdt(
        ~first, metric="taxicab", return_indices=True
    )
    candidates = np.argwhere(second)
    y1, x1 = candidates[np.argmin(distance[second])]
    y0, x0 = int(near_y[y1, x1]), int(near_x[y1, x1])
    path = np.zeros_like(first)
    path[min(y0, y1) : max(y0, y1) + 1, x0] = True
    path[y1, min(x0, x1) : max(x0, x1) + 1] = True
    return path
