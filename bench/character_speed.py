"""How fast procgen makes characters: median milliseconds per character, warm, and per part.

Prints the median over --repeats seeds (after one warm-up character, which loads the models) of
a whole ``procgen.character()``, and of each of its parts alone (name, sprite, stats and traits,
backstory), beside a ``procgen.level`` of 16x16 made in the same process as a yardstick, so the
ratios survive a noisy shared machine. Budget: 20 ms per character.

    python bench/character_speed.py [--repeats 100]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import numpy as np

import procgen
from procgen.backstory import template
from procgen.characters import draw_traits
from procgen.models.sprites import sprite_model
from procgen.names import name_model
from procgen.prose import prose_model
from procgen.stats import draw_stats

BUDGET_MS = 20.0


def median_ms(make: Callable[[int], object], repeats: int) -> float:
    make(0)  # warm: models load, caches fill
    times = []
    for seed in range(1, repeats + 1):
        start = time.perf_counter()
        make(seed)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


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
        "level 16x16 (yardstick)": lambda s: procgen.level(seed=s, width=16, height=16),
    }
    print(f"{'what':<26}{'median ms':>10}")
    results = {label: median_ms(make, args.repeats) for label, make in rows.items()}
    for label, ms in results.items():
        print(f"{label:<26}{ms:>10.1f}")
    whole = results["character (whole)"]
    verdict = "within" if whole <= BUDGET_MS else "over"
    print(
        f"\na character takes {whole:.1f} ms median over {args.repeats} seeds ({verdict} the "
        f"{BUDGET_MS:.0f} ms budget); {whole / results['level 16x16 (yardstick)']:.2f}x a "
        f"16x16 level"
    )


if __name__ == "__main__":
    main()
