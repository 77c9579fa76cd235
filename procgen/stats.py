"""Character stats drawn from a distribution fitted to a designer's example characters.

The examples (``procgen/data/characters/stat_examples.csv``) give, per role, a few characters at
each of a dozen levels. Per role, the fit is a log-linear trend in level plus a correlated spread:

    log(1 + stats) = a + b * log(level) + e,    e ~ N(0, S)

with ``a``, ``b`` (one per stat) by least squares and ``S`` the 5x5 covariance of the residuals.
Log space because RPG stats grow multiplicatively; a full covariance because a designer trades
stats against each other (a sturdier warrior of the same level is often a slower one). A draw is
rounded and clipped to the schema's ranges, so no stat is ever out of range, and for every role
the mean of every stat grows with level whenever its fitted slope ``b`` is positive (a test checks
that it is).

>>> stats = draw_stats("warrior", 10, np.random.default_rng(0))
>>> sorted(stats) == sorted(STAT_NAMES)
True
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache

import numpy as np
import numpy.typing as npt

from procgen.data import DATA
from procgen.errors import AssetFormatError

STAT_EXAMPLES = DATA / "characters" / "stat_examples.csv"
STAT_NAMES = ("hp", "attack", "defense", "speed", "magic")
STAT_RANGES = {
    "hp": (1, 9999),
    "attack": (0, 999),
    "defense": (0, 999),
    "speed": (0, 999),
    "magic": (0, 999),
}  # the character schema's ranges


@dataclass(frozen=True)
class RoleFit:
    intercept: npt.NDArray[np.float64]  # [5]
    slope: npt.NDArray[np.float64]  # [5], per log(level)
    spread: npt.NDArray[np.float64]  # [5, 5] Cholesky factor of the residual covariance

    def mean_log(self, level: int) -> npt.NDArray[np.float64]:
        result: npt.NDArray[np.float64] = self.intercept + self.slope * np.log(level)
        return result


@cache
def fits() -> dict[str, RoleFit]:
    """Per-role fits of the shipped examples (a few hundred rows: microseconds)."""
    rows: dict[str, list[tuple[int, list[int]]]] = {}
    try:
        with STAT_EXAMPLES.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                values = [int(row[name]) for name in STAT_NAMES]
                rows.setdefault(row["role"], []).append((int(row["level"]), values))
    except (OSError, KeyError, ValueError) as error:
        raise AssetFormatError(f"{STAT_EXAMPLES}: unreadable stat examples ({error})") from None
    return {role: _fit(examples) for role, examples in sorted(rows.items())}


def _fit(examples: list[tuple[int, list[int]]]) -> RoleFit:
    levels = np.log(np.array([level for level, _ in examples], dtype=np.float64))
    targets = np.log1p(np.array([values for _, values in examples], dtype=np.float64))
    design = np.stack([np.ones_like(levels), levels], axis=1)
    coefficients, *_ = np.linalg.lstsq(design, targets, rcond=None)
    residuals = targets - design @ coefficients
    covariance = np.cov(residuals, rowvar=False) + 1e-6 * np.eye(len(STAT_NAMES))
    spread = np.asarray(np.linalg.cholesky(covariance), dtype=np.float64)
    return RoleFit(coefficients[0], coefficients[1], spread)


def draw_stats(role: str, level: int, rng: np.random.Generator) -> dict[str, int]:
    """One character's stats for ``role`` at ``level``, within the schema's ranges."""
    fit = fits()[role]
    sample = fit.mean_log(level) + fit.spread @ rng.standard_normal(len(STAT_NAMES))
    values = np.rint(np.expm1(sample))
    return {
        name: int(np.clip(value, *STAT_RANGES[name]))
        for name, value in zip(STAT_NAMES, values, strict=True)
    }
