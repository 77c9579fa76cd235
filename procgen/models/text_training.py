"""Training and scoring a :class:`~procgen.models.text.TextModel` on short documents.

A document is a condition prefix and the symbols to predict (see
:class:`procgen.models.ngram.Document`); the network reads ``<begin>, prefix..., targets...`` and
is scored only on the targets, exactly the symbols the count baselines are scored on.

Small corpora (a few thousand names) overfit within minutes, so training holds out a validation
share of the training documents and keeps the weights that scored best on it. The test split the
caller reports is never seen, not even for that choice.
"""

from __future__ import annotations

import copy
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F  # noqa: N812
from tqdm import tqdm

from procgen.errors import InvalidParameterError
from procgen.models import schedule
from procgen.models.ngram import Document
from procgen.models.text import TextConfig, TextModel

IGNORE = -1  # target id of positions that are not scored (prefix, padding)


@dataclass(frozen=True)
class TextSettings:
    steps: int | None = None  # stop after this many optimiser steps ...
    minutes: float | None = None  # ... or after this much wall time, whichever comes first
    seed: int = 0
    learning_rate: float = 3e-3
    weight_decay: float = 0.1
    batch_size: int = 64
    warmup: int = 100
    eval_every: int = 100

    def __post_init__(self) -> None:
        schedule.check_budget(self.steps, self.minutes)


@dataclass
class TextTrainResult:
    model: TextModel
    steps: int
    seconds: float
    best_step: int
    validation: list[tuple[int, float]]  # (step, nats per target symbol)


def as_tensors(documents: Sequence[Document], begin: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Inputs and targets [N, T], right-padded; targets are IGNORE outside the scored symbols."""
    length = max(len(d.prefix) + len(d.targets) for d in documents)
    inputs = torch.full((len(documents), length), begin, dtype=torch.long)
    targets = torch.full((len(documents), length), IGNORE, dtype=torch.long)
    for row, document in enumerate(documents):
        sequence = [begin, *document.prefix, *document.targets]
        inputs[row, : len(sequence) - 1] = torch.tensor(sequence[:-1])
        scored = torch.tensor(document.targets)
        targets[row, len(document.prefix) : len(sequence) - 1] = scored
    return inputs, targets


@torch.inference_mode()
def nats(
    model: TextModel, documents: Sequence[Document], begin: int, batch_size: int = 256
) -> tuple[float, int]:
    """Total negative log-likelihood of every target symbol, and how many there were."""
    was_training = model.training
    model.eval()
    total, count = 0.0, 0
    for start in range(0, len(documents), batch_size):
        inputs, targets = as_tensors(documents[start : start + batch_size], begin)
        logits = model(inputs)
        total += F.cross_entropy(
            logits.flatten(0, 1), targets.flatten(), ignore_index=IGNORE, reduction="sum"
        ).item()
        count += int((targets != IGNORE).sum())
    model.train(was_training)
    return total, count


def train_text(
    documents: Sequence[Document],
    config: TextConfig,
    settings: TextSettings,
    *,
    begin: int,
    validation_share: float = 0.1,
    progress: bool | None = None,
) -> TextTrainResult:
    """Train on ``documents`` minus a validation share; return the best validated weights."""
    longest = max(1 + len(d.prefix) + len(d.targets) for d in documents)
    if longest - 1 > config.block_size:
        raise InvalidParameterError(
            f"documents need {longest - 1} positions, the model has {config.block_size}"
        )
    rng = np.random.default_rng(settings.seed)
    order = rng.permutation(len(documents))
    held = max(1, int(len(documents) * validation_share))
    validation = [documents[i] for i in order[:held]]
    training = [documents[i] for i in order[held:]]
    inputs, targets = as_tensors(training, begin)

    torch.manual_seed(settings.seed)
    model = TextModel(config)
    optimizer = torch.optim.AdamW(
        model.parameters(), lr=settings.learning_rate, weight_decay=settings.weight_decay
    )
    best = (math.inf, 0, copy.deepcopy(model.state_dict()))
    scores: list[tuple[int, float]] = []
    bar = tqdm(
        total=settings.steps,
        unit="step",
        dynamic_ncols=True,
        disable=None if progress is None else not progress,
    )
    start, step = time.perf_counter(), 0
    model.train()
    while True:
        done = schedule.progress(
            settings.steps, settings.minutes, step, time.perf_counter() - start
        )
        if done >= 1.0 or (step and step % settings.eval_every == 0):
            total, count = nats(model, validation, begin)
            scores.append((step, total / count))
            if total / count < best[0]:
                best = (total / count, step, copy.deepcopy(model.state_dict()))
            bar.set_postfix(validation=f"{total / count:.3f}", refresh=False)
        if done >= 1.0:
            break
        for group in optimizer.param_groups:
            group["lr"] = schedule.learning_rate(
                settings.learning_rate, settings.warmup, step, done
            )
        rows = torch.from_numpy(rng.integers(len(training), size=settings.batch_size))
        batch_inputs, batch_targets = inputs[rows], targets[rows]
        width = int((batch_targets != IGNORE).any(0).nonzero().max()) + 1  # trim padding
        logits = model(batch_inputs[:, :width])
        loss = F.cross_entropy(
            logits.flatten(0, 1), batch_targets[:, :width].flatten(), ignore_index=IGNORE
        )
        optimizer.zero_grad(set_to_none=True)
        loss.backward()  # type: ignore[no-untyped-call]
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        step += 1
        bar.update(1)
    bar.close()
    model.load_state_dict(best[2])
    model.eval()
    return TextTrainResult(model, step, time.perf_counter() - start, best[1], scores)
