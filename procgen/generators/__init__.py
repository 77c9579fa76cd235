"""The generator registry: every level generator, built-in or not, is an entry point.

procgen's own generators are registered in its ``pyproject.toml`` under the entry-point group
``procgen.generators`` exactly as a third-party package registers its own, so there is one path
for both. Entry points are read once per process (see :func:`refresh`).
"""

from __future__ import annotations

import warnings
from functools import cache
from importlib.metadata import EntryPoint, entry_points

from procgen.errors import ProcgenError, UnknownNameError
from procgen.generators.base import Draft, Generator, LevelRequest

__all__ = [
    "GROUP",
    "Draft",
    "Generator",
    "LevelRequest",
    "available",
    "for_style",
    "load",
    "loadable",
    "styles",
]

GROUP = "procgen.generators"


@cache
def available() -> dict[str, EntryPoint]:
    """Registered generator names -> entry points, sorted by name; the first of a name wins."""
    found: dict[str, EntryPoint] = {}
    for point in sorted(entry_points(group=GROUP), key=lambda p: p.name):
        found.setdefault(point.name, point)
    return found


@cache
def load(name: str) -> Generator:
    """The generator registered as ``name``, instantiated once per process."""
    point = available().get(name)
    if point is None:
        known = ", ".join(available()) or "none"
        raise UnknownNameError(f"unknown generator {name!r}; registered: {known}")
    try:
        target = point.load()
        generator = target() if isinstance(target, type) else target
    except Exception as error:  # a broken plugin must not take procgen down with it
        raise ProcgenError(f"generator {name!r} ({point.value}) failed to load: {error}") from error
    if not isinstance(generator, Generator):
        raise ProcgenError(f"generator {name!r} ({point.value}) does not implement Generator")
    return generator


def loadable() -> dict[str, Generator]:
    """Every registered generator that loads; broken plugins are skipped with a warning.

    One bad third-party package must not stop procgen from offering the styles that work.
    """
    found: dict[str, Generator] = {}
    for name in available():
        try:
            found[name] = load(name)
        except ProcgenError as error:
            warnings.warn(str(error), RuntimeWarning, stacklevel=2)
    return found


def styles() -> list[str]:
    """Every style some working generator can produce."""
    return sorted({style for generator in loadable().values() for style in generator.styles})


def for_style(style: str) -> Generator:
    """The default generator for ``style``: the highest priority, then the first by name."""
    offering = [g for g in loadable().values() if style in g.styles]
    if not offering:
        raise UnknownNameError(f"unknown style {style!r}; available: {', '.join(styles())}")
    return max(offering, key=lambda g: g.priority)


def refresh() -> None:
    """Forget what was read from entry points, e.g. after installing a plugin at run time."""
    available.cache_clear()
    load.cache_clear()
