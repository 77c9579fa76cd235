"""How fast procgen makes characters: median milliseconds per character, warm, and per part.

Prints the median over --repeats seeds (after one warm-up character, which loads the models) of
a whole ``procgen.character()``, and of each of its parts alone (name, sprite, stats and traits,
backstory), beside a ``procgen.level`` of 16x16 made in the same process as a yardstick, so the
ratios survive a noisy shared machine. Budget: 20 ms per character.

    python bench/character_speed.py [--repeats 100]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

import procgen
from procgen.backstory import template
from procgen.characters import draw_traits
from procgen.models.sprites import sprite_model
from procgen.names import name_model
from procgen.prose import prose_model
from procgen.stats import draw_stats

sys.path.insert(0, str(Path(__file__).resolve().parent))
from breakdown import report

BUDGET_MS = 20.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=100)
    args = parser.parse_args()
    names, sprites, writer = name_model(), sprite_model(), prose_model()
    rows = {
        "character (whole)": lambda s: procgen.character(seed=s, role="mage", level=10),
        "  name and home": lambda s: names.generate("northern", s, count=2),
        "  sprite": lambda s: sprites.sample("mage", [s]),
        "  stats + traits": lambda s: (
            draw_stats("mage", 10, np.random.default_rng(s)),
            draw_traits("mage", np.random.default_rng(s)),
        ),
        "  backstory": lambda s: template(writer, "mage", s),
    }
    report("character", rows, BUDGET_MS, args.repeats)


if __name__ == "__main__":
    main()
