"""Decoding a :class:`~procgen.models.grid.GridModel`: iterative parallel unmasking (MaskGIT).

Every step predicts all masked cells at once, samples a symbol for each, and commits the most
confident share; the rest are masked again. The share still masked after step ``t`` of ``T`` is
``cos(pi/2 * t/T)``, the schedule the model was trained on. Cells the caller locks are never masked,
which is all inpainting needs. Confidence gets Gumbel noise that fades over the steps (MaskGIT's
"choice temperature"), so early commitments are varied and late ones are sure.

Each grid draws its randomness from its own ``torch.Generator``, so a grid depends on its seed,
not on the other grids decoded beside it.

The first step sees the same input for every grid of a request (all masked, or the same locked
cells), so one grid's pass serves the whole batch. A model loaded from a file never changes, so
its :class:`FirstPasses` can keep that pass for the next request like it: the first of a level's
eight passes is then free. The pass is always computed for a single grid, so a grid gets the same
bits whether it was kept or not.

A :class:`~procgen.models.grid_connectivity.ConnectedDecoding` passed as ``connect`` keeps the
cells of some symbols in one 4-connected region: it rules symbols out before each draw, masks
again the commits that would cut, and may ask for one last pass over the cells it had to join.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import torch

from procgen.models.grid import GridModel
from procgen.models.grid_connectivity import ConnectedDecoding

DEFAULT_STEPS = 8
#: Gumbel noise on the commit order. Low values commit the most confident (majority) symbols
#: first and starve rare ones (water, lava): measured on the held-out corpus, before tile models
#: were calibrated, 2.0 gave a cave KL2 of 0.31, 8.0 gave 0.05 at the same speed. Calibrated tile
#: models decode at their own value (``tiles.CHOICE_TEMPERATURE``); sprites at this one.
DEFAULT_CHOICE_TEMPERATURE = 8.0
#: Below this many cells per call, decode on one thread. A second thread cannot pay for its
#: hand-offs on a 16x16 sprite, and when another process holds a core it costs far more:
#: one sprite took 13 ms on one thread against 27-85 ms on two (bench: character_speed.py).
SMALL_WORK = 1024


class FirstPasses:
    """The first-step logits of a fixed model's recent requests, by input (least recent out).

    Only for a model whose weights will not change: a kept pass is not recomputed. The thread
    count is part of the key, as a pass on two threads may differ from one on one in the last bit.
    """

    def __init__(self, size: int = 16) -> None:
        # Room for every role of the sprite model (9), whose characters come in any order, or
        # a game's few level requests; a 128x128 map over 20 symbols takes 1.3 MB a pass.
        self.size = size
        self.kept: OrderedDict[tuple[object, ...], torch.Tensor] = OrderedDict()

    def logits(
        self, model: GridModel, tokens: torch.Tensor, style: torch.Tensor, difficulty: torch.Tensor
    ) -> torch.Tensor:
        """``model``'s logits for one grid ([1, ...] inputs), kept or computed now."""
        key = (
            tokens.numpy().tobytes(),
            tuple(tokens.shape),
            int(style),
            float(difficulty),
            torch.get_num_threads(),
        )
        logits = self.kept.pop(key, None)
        if logits is None:
            logits = model(tokens, style, difficulty)
        self.kept[key] = logits  # now the most recent
        if len(self.kept) > self.size:
            self.kept.popitem(last=False)
        return logits


@contextmanager
def _threads(cells: int) -> Iterator[None]:
    """One torch thread for small work, restored afterwards (the setting is process-wide)."""
    threads = torch.get_num_threads()
    if cells <= SMALL_WORK and threads > 1:
        torch.set_num_threads(1)
        try:
            yield
        finally:
            torch.set_num_threads(threads)
    else:
        yield


def mask_ratio(progress: torch.Tensor) -> torch.Tensor:
    """Share of cells masked at ``progress`` in [0, 1]: all at 0, none at 1 (cosine schedule)."""
    return torch.cos(progress * math.pi / 2)


@torch.inference_mode()
def decode(
    model: GridModel,
    style: torch.Tensor,
    difficulty: torch.Tensor,
    locked: torch.Tensor,
    *,
    prior: torch.Tensor | None = None,
    connect: ConnectedDecoding | None = None,
    first_passes: FirstPasses | None = None,
    steps: int = DEFAULT_STEPS,
    temperature: float = 1.0,
    choice_temperature: float = DEFAULT_CHOICE_TEMPERATURE,
    generators: Sequence[torch.Generator],
) -> torch.Tensor:
    """Fill every ``MASK`` cell of ``locked`` ([B, H, W] long) and return the full grids.

    ``prior`` ([B, vocab] float) is added to the network's logits: ``-inf`` rules out a symbol
    (one the grid's style never used), a finite value shifts it (a calibration);
    ``connect`` keeps some symbols connected (and counts the joins it made);
    ``first_passes`` keeps the first step's pass for later calls (only for a fixed model);
    ``generators`` holds one random generator per grid.
    """
    with _threads(locked.numel()):
        return _decode(
            model,
            style,
            difficulty,
            locked,
            prior=prior,
            connect=connect,
            first_passes=first_passes,
            steps=steps,
            temperature=temperature,
            choice_temperature=choice_temperature,
            generators=generators,
        )


def _decode(
    model: GridModel,
    style: torch.Tensor,
    difficulty: torch.Tensor,
    locked: torch.Tensor,
    *,
    prior: torch.Tensor | None,
    connect: ConnectedDecoding | None,
    first_passes: FirstPasses | None,
    steps: int,
    temperature: float,
    choice_temperature: float,
    generators: Sequence[torch.Generator],
) -> torch.Tensor:
    mask_id = model.config.mask_id
    tokens = locked.clone()
    unknown = tokens == mask_id
    total = unknown.flatten(1).sum(dim=1)  # per grid
    # All of a grid's randomness in one draw from its own generator: per step, a uniform for
    # the symbol (inverse-CDF sampling) and one for the commit order's Gumbel noise; one step
    # more under a connectivity constraint, for its joins.
    draws = steps + (connect is not None)
    uniforms = torch.stack(
        [torch.rand((draws, 2, *tokens.shape[1:]), generator=g) for g in generators], dim=1
    ).clamp(1e-12, 1 - 1e-12)

    def propose(
        tokens: torch.Tensor, unknown: torch.Tensor, draw: torch.Tensor, first: bool = False
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """The network's distribution over every unknown cell, and a symbol drawn from it."""
        if first and _alike(tokens, style, difficulty):  # one grid's pass serves them all
            one = (tokens[:1], style[:1], difficulty[:1])
            logits = model(*one) if first_passes is None else first_passes.logits(model, *one)
            logits = logits.expand(tokens.shape[0], -1, -1, -1)
        else:
            logits = model(tokens, style, difficulty)
        logits = logits.permute(0, 2, 3, 1) / temperature
        return _draw(
            logits, tokens=tokens, unknown=unknown, prior=prior, connect=connect, draw=draw
        )

    for step in range(1, steps + 1):
        if not unknown.any():
            break
        probs, sampled = propose(tokens, unknown, uniforms[step - 1, :, 0], first=step == 1)
        order_noise = uniforms[step - 1, :, 1]
        confidence = torch.log(probs.gather(-1, sampled[..., None]).squeeze(-1).clamp_min(1e-12))
        fade = choice_temperature * (1 - step / steps)
        confidence = confidence - fade * torch.log(-torch.log(order_noise))  # + fade * Gumbel
        confidence = confidence.masked_fill(~unknown, float("inf"))  # committed cells stay

        still_masked = torch.floor(total * mask_ratio(torch.tensor(step / steps))).long()
        tokens = torch.where(unknown, sampled, tokens)
        # Re-mask the least confident `still_masked` cells of each grid.
        order = confidence.flatten(1).argsort(dim=1)
        rank = torch.empty_like(order)
        rank.scatter_(1, order, torch.arange(order.shape[1]).expand_as(order))
        masked = (rank < still_masked[:, None]).view(tokens.shape)
        if connect is not None:
            masked |= connect.settle(tokens, masked, unknown & ~masked, last=step == steps)
        unknown = masked
        tokens = tokens.masked_fill(unknown, mask_id)
    if connect is not None and unknown.any():  # the joins the last step needed
        _, sampled = propose(tokens, unknown, uniforms[steps, :, 0])
        tokens = torch.where(unknown, sampled, tokens)
    return tokens


def _alike(*batches: torch.Tensor) -> bool:
    """Whether every grid of the batch has the same inputs as the first."""
    return all(bool((batch == batch[:1]).all()) for batch in batches)


def _draw(
    logits: torch.Tensor,
    *,
    tokens: torch.Tensor,
    unknown: torch.Tensor,
    prior: torch.Tensor | None,
    connect: ConnectedDecoding | None,
    draw: torch.Tensor,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Each cell's probabilities over the symbols it may take, and a symbol drawn from them by
    inverse CDF with the uniforms ``draw`` ([B, H, W])."""
    if prior is not None:
        logits = logits + prior[:, None, None, :]
    if connect is not None:
        logits = connect.restrict(logits, tokens, unknown)
    # Over the channels of the network's own NCHW layout: a softmax over a short last dimension
    # (a dozen symbols) ran ~15x slower, 0.7 ms a step at 64x64.
    probs = torch.softmax(logits.float().permute(0, 3, 1, 2), dim=1).permute(0, 2, 3, 1)
    cumulative = probs.cumsum(dim=-1)
    # Scaled by the total so rounding never lands past the last possible symbol.
    return probs, (cumulative < draw[..., None] * cumulative[..., -1:]).sum(dim=-1)
