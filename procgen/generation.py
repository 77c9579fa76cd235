"""``procgen.level()`` and ``procgen.level_batch()``: check the request, run a generator,
guarantee playable levels.

Each attempt draws from its own random stream, ``SeedSequence([seed, attempt])``, so a level depends
only on its inputs and never on what ran before it in the process. A draft that breaks the
generator contract is a bug in that generator and is reported as such; a draft that is merely
unplayable is resampled, and the attempts it took are recorded in ``meta.attempts``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace
from numbers import Integral, Real
from pathlib import Path
from typing import Any

import numpy as np

from procgen import generators
from procgen.errors import GenerationError, InvalidParameterError, UnknownNameError
from procgen.generators.base import Draft, Generator, LevelRequest, RejectDraft
from procgen.levels import Level
from procgen.metrics import level_stats
from procgen.placement import PlacementError, populate
from procgen.seeds import resolve_seed
from procgen.solver import solve

MIN_SIZE, MAX_SIZE = 8, 512
MAX_ATTEMPTS = 32
MAX_BATCH = 10_000
DEFAULT_STYLE = "dungeon"


def level(
    seed: int | None = None,
    *,
    width: int = 32,
    height: int = 32,
    style: str | None = None,
    difficulty: float = 0.5,
    generator: str | None = None,
    model: str | Path | None = None,
    locked: Sequence[str] | None = None,
    unknown: str = "?",
) -> Level:
    """Generate a playable level.

    ``style`` picks the default generator for that style; ``generator`` names one explicitly;
    ``model`` uses your own trained tile model (a ``.safetensors`` file from ``procgen train
    tiles``). ``difficulty`` in [0, 1] raises enemy and hazard density and path length. With
    ``seed=None`` a fresh seed is drawn and recorded in ``meta.seed``, so any level can be made
    again.

    ``locked`` inpaints: rows of tiles, ``unknown`` marking the cells to fill; its size is the
    level's size and every other tile is kept as given.

    >>> import procgen
    >>> a = procgen.level(seed=7, width=24, height=16, style="cave")
    >>> a.width, a.height, a.meta["seed"]
    (24, 16, 7)
    >>> a.to_json() == procgen.level(seed=7, width=24, height=16, style="cave").to_json()
    True
    """
    template = None
    if locked is not None:
        template = _locked_grid(locked, unknown)
        height, width = template.shape
    chosen, request = _prepare(
        width=width,
        height=height,
        style=style,
        difficulty=difficulty,
        generator=generator,
        model=model,
        template=template,
    )
    return _generate(chosen, request, resolve_seed(seed))


def level_batch(
    count: int,
    seed: int | None = None,
    *,
    width: int = 32,
    height: int = 32,
    style: str | None = None,
    difficulty: float = 0.5,
    generator: str | None = None,
    model: str | Path | None = None,
) -> list[Level]:
    """Generate ``count`` playable levels at once: batched through the network when the generator
    supports it (the learned model does), so many small levels cost far less than one by one.

    Level ``i`` gets the seed ``SeedSequence([seed, i])`` draws (recorded in its ``meta.seed``);
    the same ``count``, ``seed`` and parameters give byte-identical levels.

    >>> import procgen
    >>> batch = procgen.level_batch(3, seed=1, width=16, height=16, generator="cave")
    >>> [lv.meta["seed"] for lv in batch] == [lv.meta["seed"] for lv in procgen.level_batch(
    ...     3, seed=1, width=16, height=16, generator="cave")]
    True
    """
    count = _integer("count", count, 1, MAX_BATCH)
    chosen, request = _prepare(
        width=width,
        height=height,
        style=style,
        difficulty=difficulty,
        generator=generator,
        model=model,
        template=None,
    )
    root = resolve_seed(seed)
    seeds = [int(np.random.SeedSequence([root, i]).generate_state(1)[0]) for i in range(count)]
    batch = getattr(chosen, "generate_batch", None)
    if batch is None:
        return [_generate(chosen, request, s) for s in seeds]
    rngs = [_rng(s, 1) for s in seeds]
    drafts: list[Draft | None] = batch(request, rngs)
    made = []
    for s, rng, draft in zip(seeds, rngs, drafts, strict=True):
        first = None
        if draft is not None:
            first = _attempt(chosen, request, s, attempt=1, rng=rng, draft=draft)
        made.append(first or _generate(chosen, request, s, first_attempt=2))
    return made


def _prepare(
    *,
    width: int,
    height: int,
    style: str | None,
    difficulty: float,
    generator: str | None,
    model: str | Path | None,
    template: np.ndarray | None,
) -> tuple[Generator, LevelRequest]:
    width = _integer("width", width, MIN_SIZE, MAX_SIZE)
    height = _integer("height", height, MIN_SIZE, MAX_SIZE)
    difficulty = _difficulty(difficulty)
    chosen, style = _resolve(style, generator, model)
    if template is not None and not getattr(chosen, "can_inpaint", False):
        raise InvalidParameterError(f"generator {chosen.name!r} cannot inpaint locked tiles")
    return chosen, LevelRequest(width, height, style, difficulty, locked=template)


def _rng(seed: int, attempt: int) -> np.random.Generator:
    """Each attempt draws from its own stream, so a level never depends on what ran before."""
    return np.random.default_rng(np.random.SeedSequence([seed, attempt]))


def _generate(chosen: Generator, request: LevelRequest, seed: int, first_attempt: int = 1) -> Level:
    for attempt in range(first_attempt, MAX_ATTEMPTS + 1):
        rng = _rng(seed, attempt)
        try:
            draft = chosen.generate(request, rng)
        except RejectDraft:
            continue
        made = _attempt(chosen, request, seed, attempt=attempt, rng=rng, draft=draft)
        if made is not None:
            return made
    raise GenerationError(
        f"generator {chosen.name!r} produced no playable {request.width}x{request.height} "
        f"{request.style} level in {MAX_ATTEMPTS} attempts (seed {seed})"
    )


def _attempt(
    chosen: Generator,
    request: LevelRequest,
    seed: int,
    *,
    attempt: int,
    rng: np.random.Generator,
    draft: Draft,
) -> Level | None:
    """Complete a draft into a level: entities, solving, provenance. None if it is unplayable."""
    _check_draft(chosen, draft, request)
    entities = draft.entities
    if not entities:
        try:
            entities = tuple(populate(draft.grid, draft.tileset, request.difficulty, rng))
        except PlacementError:
            return None
    candidate = Level.from_grid(draft.grid, draft.tileset, entities)
    solution = solve(candidate)
    if not solution.playable:
        return None
    params: dict[str, Any] = {
        "width": request.width,
        "height": request.height,
        "style": request.style,
        "difficulty": request.difficulty,
        **draft.params,
    }
    meta = {
        "generator": {"name": chosen.name, "version": chosen.version},
        "seed": seed,
        "params": params,
        "attempts": attempt,
        **draft.provenance,
        "stats": level_stats(candidate, solution),
    }
    return replace(candidate, meta=meta)


def _resolve(
    style: str | None, name: str | None, model: str | Path | None
) -> tuple[Generator, str]:
    """The generator to use and the style to ask it for."""
    chosen: Generator
    if model is not None:
        if name is not None:
            raise InvalidParameterError("give either a generator or a model, not both")
        from procgen.generators.learned import LearnedTileGenerator

        chosen, what = LearnedTileGenerator.from_file(Path(model)), f"model {model}"
    elif name is not None:
        chosen, what = generators.load(name), f"generator {name!r}"
    else:
        style = style or DEFAULT_STYLE
        return generators.for_style(style), style
    style = style or chosen.styles[0]
    if style not in chosen.styles:
        offered = ", ".join(chosen.styles)
        raise UnknownNameError(f"{what} has no style {style!r}; it offers {offered}")
    return chosen, style


def _locked_grid(rows: Sequence[str], unknown: str) -> np.ndarray:
    """Rows with ``unknown`` cells -> a grid of ASCII codes with 0 where the generator chooses."""
    if isinstance(rows, str) or not rows or not all(isinstance(r, str) for r in rows):
        raise InvalidParameterError("locked must be a non-empty list of row strings")
    if len(unknown) != 1:
        raise InvalidParameterError(f"unknown must be one character, got {unknown!r}")
    if len({len(row) for row in rows}) != 1:
        raise InvalidParameterError("locked rows must all have the same length")
    text = "".join(rows)
    if not text.isascii() or not text.isprintable():
        raise InvalidParameterError("locked rows must be printable ASCII")
    grid = np.frombuffer(text.encode("ascii"), dtype=np.uint8).reshape(len(rows), -1).copy()
    grid[grid == ord(unknown)] = 0
    return grid


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


def _integer(name: str, value: Any, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise InvalidParameterError(f"{name} must be an integer, got {value!r}")
    number = int(value)
    if not low <= number <= high:
        raise InvalidParameterError(f"{name} must be from {low} to {high}, got {number}")
    return number


def _difficulty(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(value):
        raise InvalidParameterError(f"difficulty must be a number from 0 to 1, got {value!r}")
    difficulty = float(value)
    if not 0.0 <= difficulty <= 1.0:
        raise InvalidParameterError(f"difficulty must be from 0 to 1, got {difficulty}")
    return difficulty
