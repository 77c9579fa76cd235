"""Character names from a style-conditioned character-level language model.

A name list is a text file with one name per line and an optional naming style after a tab
(``Halvard<TAB>northern``): the shipped corpus (``procgen/data/names/names.tsv``) and any
studio's own list read the same way. :func:`train_names` trains the shared text model on it
(:mod:`procgen.writing`), which also measures held-out loss against the count baselines.

Every returned name passes a filter: not in the training list (a generator that hands back its
corpus is a lookup table), no blocklisted word inside it, a sane length. ``bench/
characters_quality.py`` reports novelty before the filter and the filter's rejection rate.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from procgen.assets import read_text
from procgen.data import DATA
from procgen.errors import AssetFormatError, GenerationError, UnknownNameError
from procgen.writing import Example, Writer, WriterReport, train_writer

NAME_CORPUS = DATA / "names" / "names.tsv"
NAME_WEIGHTS = DATA / "names.safetensors"
BLOCKLIST = DATA / "names" / "blocklist.txt"
MIN_LENGTH, MAX_LENGTH = 2, 24  # longer lines in a name list are an error, longer samples rejected
ATTEMPTS = 64  # samples per requested name before giving up on the filter
BATCH = 4  # samples decoded together while looking for one that passes
MIDWORD_CAPITAL = re.compile(r"[a-z][A-Z]")  # a capital straight after a lower-case letter


@dataclass(frozen=True)
class NameList:
    names: tuple[str, ...]
    styles: tuple[str, ...] | None  # one per name, or None for a list without styles

    def examples(self) -> list[Example]:
        if self.styles is None:
            return [Example((), name) for name in self.names]
        return [Example((f"style:{s}",), n) for n, s in zip(self.names, self.styles, strict=True)]


def read_names(path: Path) -> NameList:
    """Read a name list: one name per line, optionally a tab and a style; blank lines skipped."""
    names: list[str] = []
    styles: list[str | None] = []
    for number, line in enumerate(read_text(path).splitlines(), start=1):
        if not line.strip():
            continue
        fields = line.rstrip("\r").split("\t")
        name = fields[0].strip()
        if len(fields) > 2 or not name or not name.isprintable() or "{" in name:
            raise AssetFormatError(f"{path}:{number}: expected 'name' or 'name<TAB>style'")
        if len(name) > MAX_LENGTH:
            raise AssetFormatError(f"{path}:{number}: name longer than {MAX_LENGTH} characters")
        style = fields[1].strip() if len(fields) == 2 else None
        if style is not None and not style.isidentifier():
            raise AssetFormatError(f"{path}:{number}: style {style!r} is not a simple word")
        names.append(name)
        styles.append(style)
    if len(names) < 10:
        raise AssetFormatError(f"{path}: a name list needs at least 10 names, found {len(names)}")
    if len({s is None for s in styles}) > 1:
        raise AssetFormatError(f"{path}: give a style for every name or for none")
    return NameList(tuple(names), None if styles[0] is None else tuple(map(str, styles)))


def train_names(
    data: Path,
    out: Path,
    *,
    steps: int | None = None,
    minutes: float | None = None,
    seed: int = 0,
    progress: bool | None = None,
) -> WriterReport:
    """Train a name model on the list at ``data``, write it to ``out`` and measure it."""
    names = read_names(data)
    return train_writer(
        names.examples(),
        out,
        kind="names",
        steps=steps,
        minutes=minutes,
        seed=seed,
        progress=progress,
        card_extra={"names": sorted({n.lower() for n in names.names})},
    )


@cache
def blocklist() -> tuple[str, ...]:
    """Lower-case fragments no returned name may contain."""
    lines = BLOCKLIST.read_text(encoding="utf-8").splitlines()
    return tuple(w.strip().lower() for w in lines if w.strip() and not w.startswith("#"))


class NameModel(Writer):
    """A trained name model: samples names in a style and filters them."""

    def __init__(self, path: Path = NAME_WEIGHTS) -> None:
        super().__init__(path, "names")
        self.known = frozenset(self.card.training.get("names", ()))

    @property
    def styles(self) -> tuple[str, ...]:
        return tuple(c.removeprefix("style:") for c in self.vocabulary.conditions)

    def check_style(self, style: str | None) -> None:
        if style is None or style in self.styles:
            return
        known = ", ".join(self.styles) or "none (this model has no styles)"
        raise UnknownNameError(f"unknown naming style {style!r} (known: {known})")

    def samples(self, style: str | None, seeds: Sequence[int]) -> list[str]:
        """Raw samples, one per seed, before any filter: for measuring novelty honestly."""
        self.check_style(style)
        return self.write([f"style:{style}"] if style is not None else [], seeds)

    def acceptable(self, name: str) -> bool:
        """Novel, decent, of a sane length, and capitalised like a name ("IngucKa" is not)."""
        lower = name.lower()
        return (
            MIN_LENGTH <= len(name) <= MAX_LENGTH
            and name[0].isalpha()
            and not MIDWORD_CAPITAL.search(name)
            and lower not in self.known
            and not any(word in lower for word in blocklist())
        )

    def generate(self, style: str | None, seed: int, count: int = 1) -> list[str]:
        """``count`` different names that pass the filter, deterministic in ``seed``."""
        found: list[str] = []
        for attempt in range(0, ATTEMPTS, BATCH):
            seeds = [(seed * ATTEMPTS + attempt + i) % 2**63 for i in range(BATCH)]
            for name in self.samples(style, seeds):
                if self.acceptable(name) and name not in found:
                    found.append(name)
                    if len(found) == count:
                        return found
        raise GenerationError(f"no acceptable name in {ATTEMPTS} samples of style {style!r}")


@cache
def name_model(path: Path | None = None) -> NameModel:
    """A name model (the shipped one by default), loaded once per process and path."""
    return NameModel(path or NAME_WEIGHTS)
