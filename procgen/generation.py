"""``procgen.level()``: check the request, run a generator, guarantee a playable level.

Each attempt draws from its own random stream, ``SeedSequence([seed, attempt])``, so a level depends
only on its inputs and never on what ran before it in the process. A draft that breaks the
generator contract is a bug in that generator and is reported as such; a draft that is merely
unplayable is resampled, and the attempts it took are recorded in ``meta.attempts``.
"""

from __future__ import annotations

import math
import os
from dataclasses import replace
from numbers import Integral, Real
from typing import Any

import numpy as np

from procgen import generators
from procgen.errors import GenerationError, InvalidParameterError, UnknownNameError
from procgen.generators.base import Draft, Generator, LevelRequest
from procgen.levels import Level
from procgen.metrics import level_stats
from procgen.placement import PlacementError, populate
from procgen.solver import solve

MIN_SIZE, MAX_SIZE = 8, 512
MAX_ATTEMPTS = 32
DEFAULT_STYLE = "dungeon"


def level(
    seed: int | None = None,
    *,
    width: int = 32,
    height: int = 32,
    style: str | None = None,
    difficulty: float = 0.5,
    generator: str | None = None,
) -> Level:
    """Generate a playable level.

    ``style`` picks the default generator for that style; ``generator`` names one explicitly.
    ``difficulty`` in [0, 1] raises enemy and hazard density and path length. With ``seed=None``
    a fresh seed is drawn and recorded in ``meta.seed``, so any level can be made again.

    >>> import procgen
    >>> a = procgen.level(seed=7, width=24, height=16, style="cave")
    >>> a.width, a.height, a.meta["seed"]
    (24, 16, 7)
    >>> a.to_json() == procgen.level(seed=7, width=24, height=16, style="cave").to_json()
    True
    """
    width = _size("width", width)
    height = _size("height", height)
    difficulty = _difficulty(difficulty)
    seed = _seed(seed)
    chosen, style = _resolve(style, generator)
    request = LevelRequest(width=width, height=height, style=style, difficulty=difficulty)

    for attempt in range(1, MAX_ATTEMPTS + 1):
        rng = np.random.default_rng(np.random.SeedSequence([seed, attempt]))
        draft = chosen.generate(request, rng)
        _check_draft(chosen, draft, request)
        entities = draft.entities
        if not entities:
            try:
                entities = tuple(populate(draft.grid, draft.tileset, difficulty, rng))
            except PlacementError:
                continue
        candidate = Level.from_grid(draft.grid, draft.tileset, entities)
        solution = solve(candidate)
        if solution.playable:
            params: dict[str, Any] = {
                "width": width,
                "height": height,
                "style": style,
                "difficulty": difficulty,
                **draft.params,
            }
            meta = {
                "generator": {"name": chosen.name, "version": chosen.version},
                "seed": seed,
                "params": params,
                "attempts": attempt,
                "stats": level_stats(candidate, solution),
            }
            return replace(candidate, meta=meta)
    raise GenerationError(
        f"generator {chosen.name!r} produced no playable {width}x{height} {style} level "
        f"in {MAX_ATTEMPTS} attempts (seed {seed})"
    )


def _resolve(style: str | None, name: str | None) -> tuple[Generator, str]:
    if name is None:
        style = style or DEFAULT_STYLE
        return generators.for_style(style), style
    chosen = generators.load(name)
    style = style or chosen.styles[0]
    if style not in chosen.styles:
        offered = ", ".join(chosen.styles)
        raise UnknownNameError(f"generator {name!r} has no style {style!r}; it offers {offered}")
    return chosen, style


def _check_draft(chosen: Generator, draft: Draft, request: LevelRequest) -> None:
    """A draft must match the request and use only its tileset's characters."""
    grid = draft.grid
    expected = (request.height, request.width)
    problem = None
    if not isinstance(grid, np.ndarray) or grid.dtype != np.uint8 or grid.shape != expected:
        problem = f"grid must be a uint8 array of shape {expected}"
    else:
        used = {chr(code) for code in np.unique(grid)}
        if not used <= set(draft.tileset):
            problem = (
                f"grid uses tiles {''.join(sorted(used - set(draft.tileset)))!r} not in its tileset"
            )
    if problem:
        raise GenerationError(f"generator {chosen.name!r} broke its contract: {problem}")


def _size(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise InvalidParameterError(f"{name} must be an integer, got {value!r}")
    size = int(value)
    if not MIN_SIZE <= size <= MAX_SIZE:
        raise InvalidParameterError(f"{name} must be from {MIN_SIZE} to {MAX_SIZE}, got {size}")
    return size


def _difficulty(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(value):
        raise InvalidParameterError(f"difficulty must be a number from 0 to 1, got {value!r}")
    difficulty = float(value)
    if not 0.0 <= difficulty <= 1.0:
        raise InvalidParameterError(f"difficulty must be from 0 to 1, got {difficulty}")
    return difficulty


def _seed(value: Any) -> int:
    if value is None:
        return int.from_bytes(os.urandom(4), "big")
    if isinstance(value, bool) or not isinstance(value, Integral) or not 0 <= int(value) < 2**64:
        raise InvalidParameterError(f"seed must be an integer from 0 to 2**64 - 1, got {value!r}")
    return int(value)
