"""The training schedule every procgen model shares: a step or time budget, warm-up, cosine decay.

>>> progress(steps=100, minutes=None, step=25, elapsed=999.0)
0.25
>>> round(learning_rate(1e-3, warmup=10, step=100, done=1.0), 6)
0.0001
"""

from __future__ import annotations

import math

from procgen.errors import InvalidParameterError


def check_budget(steps: int | None, minutes: float | None) -> None:
    """A training budget is a positive number of steps, of minutes, or both."""
    if steps is None and minutes is None:
        raise InvalidParameterError("give a number of steps or of minutes to train")
    if steps is not None and steps < 1:
        raise InvalidParameterError(f"steps must be at least 1, got {steps}")
    if minutes is not None and not minutes > 0:
        raise InvalidParameterError(f"minutes must be positive, got {minutes}")


def progress(steps: int | None, minutes: float | None, step: int, elapsed: float) -> float:
    """How far along training is, in [0, 1]: by steps, by time, whichever is further."""
    done = 0.0
    if steps is not None:
        done = max(done, step / steps)
    if minutes is not None:
        done = max(done, elapsed / (60 * minutes))
    return done


def learning_rate(peak: float, warmup: int, step: int, done: float) -> float:
    """Linear warm-up over ``warmup`` steps, then cosine decay to a tenth of ``peak``."""
    warm = min(1.0, (step + 1) / warmup)
    return peak * warm * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * done)))
