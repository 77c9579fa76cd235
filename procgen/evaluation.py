"""How good is a tile model? The figures of ``procgen eval`` and ``bench/tiles_quality.py``.

For each style, a generator's levels are compared with reference levels the generator never saw
(tile-pattern KL both ways, k = 2 and 3), with the levels it learned from (novelty) and with each
other (diversity); levels made through ``procgen.level`` also report playability and how often the
pipeline had to repair or resample. Definitions: ``procgen.metrics``.

Smoothed KL punishes a small generated set for every rare pattern it happens to miss, so sets are
compared at equal size: given the training levels, a generator makes exactly as many levels, of
exactly their shapes, as the training split that serves as the floor (the KL a perfect generator
would reach). Without training levels it makes two per reference level, of their shapes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt

from procgen.corpus import Corpus
from procgen.metrics import diversity, kl_both_ways, novelty_summary

Grid = npt.NDArray[np.uint8]


@dataclass
class Report:
    """One generator's figures for one style."""

    name: str
    style: str
    samples: int
    kl2: tuple[float, float]  # (KL(P||Q), KL(Q||P)), P = reference, Q = generated
    kl3: tuple[float, float]
    novelty: dict[str, float | int]
    diversity: dict[str, float | int]
    pipeline: dict[str, float] = field(default_factory=dict)  # playable, repaired, stats means


def compare(
    name: str,
    style: str,
    generated: Sequence[Grid],
    reference: Sequence[Grid],
    training: Sequence[Grid],
) -> Report:
    """Figures of ``generated`` against held-out ``reference`` and the ``training`` levels."""
    return Report(
        name=name,
        style=style,
        samples=len(generated),
        kl2=kl_both_ways(reference, generated, 2),
        kl3=kl_both_ways(reference, generated, 3),
        novelty=novelty_summary(generated, training) if training else {},
        diversity=diversity(generated),
    )


def shapes_for(pattern: Sequence[Grid], count: int) -> list[tuple[int, int]]:
    """``count`` (height, width) pairs cycling through the shapes of ``pattern``."""
    return [
        (int(g.shape[0]), int(g.shape[1]))
        for g in (pattern[i % len(pattern)] for i in range(count))
    ]


def evaluate_model(
    model: Path,
    reference: Corpus,
    training: Corpus | None = None,
    *,
    samples: int | None = None,
    seed: int = 0,
    on_level: Callable[[], None] | None = None,
) -> list[Report]:
    """Generate through ``procgen.level(model=...)`` for every style the reference shares with the
    model; ``samples`` overrides the count described in the module docstring."""
    from procgen.generation import level
    from procgen.models.weights import read_card

    known = set(read_card(model).styles)
    reports = []
    for style, levels in sorted(reference.by_style().items()):
        if style not in known:
            continue
        grids = [lv.grid for lv in levels]
        train = [lv.grid for lv in training.levels if lv.style == style] if training else []
        pattern = train or grids
        count = samples or (len(train) if train else 2 * len(grids))
        made = []
        for n, (height, width) in enumerate(shapes_for(pattern, count)):
            made.append(level(seed=seed + n, width=width, height=height, style=style, model=model))
            if on_level is not None:
                on_level()
        report = compare("learned", style, [m.grid for m in made], grids, train)
        report.pipeline = pipeline_figures(made)
        reports.append(report)
    return reports


def pipeline_figures(levels: Sequence[object]) -> dict[str, float]:
    """Playable share, repaired-or-resampled share and mean expressive-range stats of levels.

    A level counts as repaired when decoding forced cells walkable to join it (``joined``), when
    it was repaired after decoding (``repairs``) or when it took more than one attempt.
    """
    from procgen.levels import Level
    from procgen.metrics import expressive_range

    typed = [lv for lv in levels if isinstance(lv, Level)]
    repaired = [
        lv.meta.get("repairs", 0) > 0
        or lv.meta.get("joined", 0) > 0
        or lv.meta.get("attempts", 1) > 1
        for lv in typed
    ]
    return {**expressive_range(typed), "repaired": float(np.mean(repaired)) if typed else 0.0}


def table(reports: Sequence[Report]) -> str:
    """One line per (generator, style): the figures METRICS.md asks for, aligned."""
    head = (
        f"{'generator':<16}{'style':<11}{'n':>5}{'KL2 P|Q':>9}{'KL2 Q|P':>9}{'KL3 P|Q':>9}"
        f"{'KL3 Q|P':>9}{'nov.med':>8}{'nov<.1':>7}{'copies':>7}{'div':>6}{'dup':>6}"
        f"{'play':>6}{'repair':>7}"
    )
    lines = [head, "-" * len(head)]
    for r in reports:
        nov = r.novelty
        lines.append(
            f"{r.name:<16}{r.style:<11}{r.samples:>5}{r.kl2[0]:>9.3f}{r.kl2[1]:>9.3f}"
            f"{r.kl3[0]:>9.3f}{r.kl3[1]:>9.3f}"
            + (
                f"{nov['median']:>8.3f}{nov['near_copies']:>7.1%}{nov['exact_copies']:>7}"
                if nov
                else f"{'-':>8}{'-':>7}{'-':>7}"
            )
            + f"{r.diversity['mean_pairwise']:>6.2f}{r.diversity['duplicates']:>6.1%}"
            + _share(r.pipeline.get("playable"), 6, ".0%")
            + _share(r.pipeline.get("repaired"), 7, ".1%")
        )
    return "\n".join(lines)


def _share(value: float | None, width: int, spec: str) -> str:
    return f"{'-' if value is None else format(value, spec):>{width}}"
