"""The contract between procgen and a level generator, built-in or third-party.

A generator turns a :class:`LevelRequest` and a seeded ``numpy`` random generator into a
:class:`Draft`: a tile grid, its tileset and, optionally, entities. procgen does the rest: it places
entities by the documented rule when the draft has none, checks playability with the solver,
resamples a draft that fails, and records how the level was made. So a plugin gets every guarantee
procgen makes (schema-valid, solvable, deterministic) by writing only its terrain algorithm.

Register one under the entry-point group ``procgen.generators`` (see the README)::

    [project.entry-points."procgen.generators"]
    mygen = "mypackage.generators:MyGenerator"
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from procgen.levels import Entity
from procgen.tiles import Tileset


@dataclass(frozen=True)
class LevelRequest:
    """What the caller asked for, already checked: sizes in range, difficulty in [0, 1].

    ``locked`` (inpainting) is a ``[y, x]`` grid of ASCII codes with 0 where the generator is free
    to choose; only generators with ``can_inpaint = True`` receive one.
    """

    width: int
    height: int
    style: str
    difficulty: float
    locked: npt.NDArray[np.uint8] | None = None


@dataclass(frozen=True)
class Draft:
    """A generator's output: a ``[y, x]`` grid of ASCII codes drawn from ``tileset``.

    ``entities`` may be empty (procgen then places them); ``params`` records generator-specific
    settings in ``meta.params``; ``provenance`` adds top-level ``meta`` entries (``weights``,
    ``repairs``) that the level schema defines.
    """

    grid: npt.NDArray[np.uint8]
    tileset: Tileset
    entities: tuple[Entity, ...] = ()
    params: Mapping[str, Any] = field(default_factory=dict)
    provenance: Mapping[str, Any] = field(default_factory=dict)


class RejectDraft(Exception):  # noqa: N818 - a signal, not an error: procgen resamples
    """Raised by a generator that judges its own draft unusable; procgen draws another."""


@runtime_checkable
class Generator(Protocol):
    """What an entry point in ``procgen.generators`` loads: a class, or a ready instance."""

    #: Registry name, also written to ``meta.generator.name``.
    name: str
    #: Bumped whenever the same seed would give a different level.
    version: str

    @property
    def styles(self) -> tuple[str, ...]:
        """Styles this generator can produce; ``procgen.level(style=...)`` picks among them.

        A plain class attribute (``styles = ("cave",)``) satisfies this.
        """
        ...

    #: When several generators offer a style, the highest priority is the default.
    priority: int
    # Optional: ``can_inpaint = True`` for generators that honour ``LevelRequest.locked``.

    def generate(self, request: LevelRequest, rng: np.random.Generator) -> Draft:
        """Return terrain (and optionally entities) for ``request``, using only ``rng``."""
        ...
