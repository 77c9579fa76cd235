"""Regenerate the classical part of procgen's shipped corpus: ``python -m procgen.data.build``.

For each built-in style, levels from procgen's own classical generator at several sizes and
difficulties, written as text grids (``<style>/gen-NNN.txt``) beside the hand-authored
``hand-*.txt`` pieces; ``legend.json`` maps every character to its tile. Seeds are fixed, so the
files come out byte-identical every time.

Every fifth level of each style (generated ``gen-005``, ``gen-010``, ...; hand-authored
``hand-05``, ``hand-10``, ...) lives in ``corpus-heldout/`` instead: the shipped weights never see
it, so quality is measured on levels the model has not memorised.
"""

from __future__ import annotations

import json

import numpy as np

from procgen.data import CORPUS, HELDOUT
from procgen.generation import level
from procgen.tiles import STANDARD_TILESET

STYLES = ("dungeon", "cave", "overworld")
SIZES = ((16, 16), (24, 24), (32, 24), (32, 32), (48, 32), (48, 48))
PER_SIZE = 20


def build() -> int:
    """Write every generated level and the legend; return how many levels were written."""
    written = 0
    for style in STYLES:
        for root in (CORPUS, HELDOUT):
            (root / style).mkdir(parents=True, exist_ok=True)
            for stale in (root / style).glob("gen-*.txt"):
                stale.unlink()
        rng = np.random.default_rng(np.random.SeedSequence([2026, STYLES.index(style)]))
        for number in range(1, len(SIZES) * PER_SIZE + 1):
            width, height = SIZES[(number - 1) // PER_SIZE]
            made = level(
                seed=int(rng.integers(2**32)),
                width=width,
                height=height,
                generator=style,
                difficulty=float(rng.random()),
            )
            root = HELDOUT if number % 5 == 0 else CORPUS
            (root / style / f"gen-{number:03d}.txt").write_text("\n".join(made.tiles) + "\n")
            written += 1
    legend = json.dumps({"tiles": STANDARD_TILESET.to_dict()}, indent=2) + "\n"
    for root in (CORPUS, HELDOUT):
        (root / "legend.json").write_text(legend)
    return written


if __name__ == "__main__":
    print(f"wrote {build()} levels and legend.json under {CORPUS}")
