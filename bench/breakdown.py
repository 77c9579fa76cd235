"""Median milliseconds of a thing and its parts, beside a yardstick made in the same process.

Shared by the speed benches of characters and quests: each times a whole asset, each of its parts
alone, and a 16x16 level as a yardstick, so the ratio survives a noisy shared machine.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Mapping

import procgen

YARDSTICK = "level 16x16 (yardstick)"


def median_ms(make: Callable[[int], object], repeats: int) -> float:
    """Median ms of ``make(seed)`` over seeds 1..repeats, after a warm-up call (models load)."""
    make(0)
    times = []
    for seed in range(1, repeats + 1):
        start = time.perf_counter()
        make(seed)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def report(
    what: str, rows: Mapping[str, Callable[[int], object]], budget_ms: float, repeats: int
) -> None:
    """Time every row (the first is the whole ``what``) and the yardstick; print the table and
    the verdict against ``budget_ms``."""
    timed = {**rows, YARDSTICK: lambda s: procgen.level(seed=s, width=16, height=16)}
    print(f"{'what':<26}{'median ms':>10}")
    results = {label: median_ms(make, repeats) for label, make in timed.items()}
    for label, ms in results.items():
        print(f"{label:<26}{ms:>10.1f}")
    whole = next(iter(results.values()))
    verdict = "within" if whole <= budget_ms else "over"
    print(
        f"\na {what} takes {whole:.1f} ms median over {repeats} seeds ({verdict} the "
        f"{budget_ms:.0f} ms budget); {whole / results[YARDSTICK]:.2f}x a 16x16 level"
    )
