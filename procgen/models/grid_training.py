"""Training a :class:`~procgen.models.grid.GridModel` on grids of symbol indices.

Batches hold levels of one exact shape (drawn in proportion to how many levels have it), never
crops: a crop's edge would look like the map's border under zero padding, and borders matter
(dungeon walls, cave rock). Each step hides a share ``cos(pi/2 * u)`` of cells, ``u`` uniform, and
scores the prediction of the hidden ones: the schedule the sampler walks back down.

Optional flips multiply a small corpus for top-down maps; side-view maps (where gravity points
down) should train with ``augment="mirror"`` or ``"none"``.

Checkpoints (model, optimiser, step, random state) are plain tensors and numbers written with
``torch.save`` and read with ``torch.load(weights_only=True)``, so resuming never runs code from
the file.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import torch
import torch.nn.functional as F  # noqa: N812
from tqdm import tqdm

from procgen.errors import AssetFormatError, InvalidParameterError
from procgen.models import schedule
from procgen.models.grid import GridConfig, GridModel
from procgen.models.grid_sampling import mask_ratio

AUGMENTATIONS = ("flips", "mirror", "none")
TILES_PER_BATCH = 24 * 1024


@dataclass(frozen=True)
class Example:
    """One training grid: symbol indices ``[y, x]``, its style index and difficulty in [0, 1]."""

    symbols: npt.NDArray[np.int64]
    style: int
    difficulty: float


@dataclass(frozen=True)
class TrainSettings:
    steps: int | None = None  # stop after this many optimiser steps ...
    minutes: float | None = None  # ... or after this much wall time, whichever comes first
    seed: int = 0
    learning_rate: float = 2e-3
    weight_decay: float = 0.01
    warmup: int = 100
    augment: str = "flips"
    checkpoint_every: int = 250
    batch_tiles: int = TILES_PER_BATCH  # tiles per batch, whatever the level size

    def __post_init__(self) -> None:
        schedule.check_budget(self.steps, self.minutes)
        if self.augment not in AUGMENTATIONS:
            raise InvalidParameterError(f"augment must be one of {AUGMENTATIONS}")


@dataclass
class TrainResult:
    model: GridModel
    steps: int
    losses: list[float]  # mean loss per checkpoint interval
    seconds: float


class Batcher:
    """Draws same-shape batches from a mixed-shape corpus, reproducibly from one numpy seed."""

    def __init__(
        self,
        examples: Sequence[Example],
        augment: str,
        rng: np.random.Generator,
        batch_tiles: int = TILES_PER_BATCH,
    ) -> None:
        self.buckets: dict[tuple[int, int], list[Example]] = {}
        for example in examples:
            shape = (int(example.symbols.shape[0]), int(example.symbols.shape[1]))
            self.buckets.setdefault(shape, []).append(example)
        self.shapes = sorted(self.buckets)
        counts = np.array([len(self.buckets[s]) for s in self.shapes], dtype=np.float64)
        self.weights = counts / counts.sum()
        self.augment = augment
        self.rng = rng
        self.batch_tiles = batch_tiles

    def batch(self) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        shape = self.shapes[int(self.rng.choice(len(self.shapes), p=self.weights))]
        pool = self.buckets[shape]
        size = max(2, self.batch_tiles // (shape[0] * shape[1]))
        chosen = [pool[int(i)] for i in self.rng.integers(len(pool), size=size)]
        grids = np.stack([e.symbols for e in chosen])
        if self.augment in ("flips", "mirror"):
            flip = self.rng.random(size) < 0.5
            grids[flip] = grids[flip, :, ::-1]
        if self.augment == "flips":
            flip = self.rng.random(size) < 0.5
            grids[flip] = grids[flip, ::-1, :]
        style = torch.tensor([e.style for e in chosen], dtype=torch.long)
        difficulty = torch.tensor([e.difficulty for e in chosen], dtype=torch.float32)
        return torch.from_numpy(np.ascontiguousarray(grids)), style, difficulty


def masked_loss(
    model: GridModel,
    symbols: torch.Tensor,
    style: torch.Tensor,
    difficulty: torch.Tensor,
    generator: torch.Generator,
) -> torch.Tensor:
    """Cross-entropy on a random, cosine-scheduled share of hidden cells."""
    ratio = mask_ratio(torch.rand(symbols.shape[0], generator=generator))
    hidden = torch.rand(symbols.shape, generator=generator) < ratio[:, None, None]
    tokens = symbols.masked_fill(hidden, model.config.mask_id)
    logits = model(tokens, style, difficulty)
    loss = F.cross_entropy(logits, symbols, reduction="none")
    return (loss * hidden).sum() / hidden.sum().clamp_min(1)


def train(
    examples: Sequence[Example],
    config: GridConfig,
    settings: TrainSettings,
    *,
    checkpoint: Path | None = None,
    resume: bool = False,
    on_checkpoint: Callable[[GridModel, int], None] | None = None,
    progress: bool | None = None,
) -> TrainResult:
    """Train from scratch (or from ``checkpoint`` when ``resume``) and return the model.

    ``progress=None`` shows a bar only on a terminal (tqdm's own rule).
    """
    torch.manual_seed(settings.seed)
    model = GridModel(config)
    optimizer = torch.optim.AdamW(
        model.parameters(), lr=settings.learning_rate, weight_decay=settings.weight_decay
    )
    rng = np.random.default_rng(settings.seed)
    generator = torch.Generator().manual_seed(settings.seed)
    step, elapsed_before, losses = 0, 0.0, []
    if resume:
        if checkpoint is None or not checkpoint.is_file():
            raise AssetFormatError(f"no checkpoint to resume from at {checkpoint}")
        state = _load_checkpoint(checkpoint)
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        step, elapsed_before, losses = state["step"], state["seconds"], list(state["losses"])
        rng.bit_generator.state = state["numpy_rng"]
        generator.set_state(state["torch_rng"])
    batcher = Batcher(examples, settings.augment, rng, settings.batch_tiles)

    start = time.perf_counter()
    interval: list[float] = []
    # tqdm's disable=None means "only on a terminal": quiet in CI logs, alive in a shell.
    bar = tqdm(
        total=settings.steps,
        initial=step,
        unit="step",
        dynamic_ncols=True,
        disable=None if progress is None else not progress,
    )
    model.train()
    while True:
        elapsed = elapsed_before + time.perf_counter() - start
        done = schedule.progress(settings.steps, settings.minutes, step, elapsed)
        if done >= 1.0:
            break
        for group in optimizer.param_groups:
            group["lr"] = schedule.learning_rate(
                settings.learning_rate, settings.warmup, step, done
            )
        symbols, style, difficulty = batcher.batch()
        loss = masked_loss(model, symbols, style, difficulty, generator)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()  # type: ignore[no-untyped-call]
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        step += 1
        interval.append(loss.item())
        bar.update(1)
        bar.set_postfix(loss=f"{np.mean(interval[-50:]):.3f}", refresh=False)
        if step % settings.checkpoint_every == 0:
            losses.append(float(np.mean(interval)))
            interval = []
            if checkpoint is not None:
                _save_checkpoint(
                    checkpoint,
                    model=model,
                    optimizer=optimizer,
                    step=step,
                    seconds=elapsed,
                    losses=losses,
                    rng=rng,
                    generator=generator,
                )
            if on_checkpoint is not None:
                on_checkpoint(model, step)
    if interval:
        losses.append(float(np.mean(interval)))
    bar.close()
    model.eval()
    seconds = elapsed_before + time.perf_counter() - start
    return TrainResult(model=model, steps=step, losses=losses, seconds=seconds)


def _save_checkpoint(
    path: Path,
    *,
    model: GridModel,
    optimizer: torch.optim.Optimizer,
    step: int,
    seconds: float,
    losses: list[float],
    rng: np.random.Generator,
    generator: torch.Generator,
) -> None:
    state = {
        "model": model.state_dict(),
        "optimizer": optimizer.state_dict(),
        "step": step,
        "seconds": seconds,
        "losses": losses,
        "numpy_rng": rng.bit_generator.state,
        "torch_rng": generator.get_state(),
    }
    temporary = path.with_name(path.name + ".tmp")
    torch.save(state, temporary)
    temporary.replace(path)


def _load_checkpoint(path: Path) -> dict[str, Any]:
    try:
        state: dict[str, Any] = torch.load(path, weights_only=True)
    except Exception as error:  # any failure to unpickle safely is a bad file
        raise AssetFormatError(f"{path}: not a procgen training checkpoint ({error})") from None
    return state
