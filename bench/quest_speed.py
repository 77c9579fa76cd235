"""How fast procgen makes quests: median milliseconds per quest, warm, and per part.

Prints the median over --repeats seeds (after one warm-up quest, which loads the prose model)
of a whole ``procgen.quest()`` for a given 32x32 level and cast, and of its two halves alone
(the structure: grammar, binding and the world simulation; the prose: four parts drafted and
filtered), beside a ``procgen.level`` of 16x16 made in the same process as a yardstick, so the
ratios survive a noisy shared machine. Budget: 50 ms per quest.

    python bench/quest_speed.py [--repeats 100]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

import procgen
from procgen.prose import prose_model
from procgen.quests.structure import skeleton
from procgen.quests.text import write_quest_text

BUDGET_MS = 50.0


@dataclass(frozen=True)
class Member:
    id: str
    name: str
    role: str


CAST = (Member("char-1", "Ysolde", "mage"), Member("char-2", "Brannoc", "guard"))


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
    level = procgen.level(1, width=32, height=32, generator="dungeon")
    writer = prose_model()
    bound = {s: skeleton(level, CAST, seed=s) for s in range(args.repeats + 1)}
    rows = {
        "quest (whole)": lambda s: procgen.quest(seed=s, level=level, cast=CAST),
        "  structure": lambda s: skeleton(level, CAST, seed=s),
        "  prose": lambda s: write_quest_text(writer, bound[s]),
        "level 16x16 (yardstick)": lambda s: procgen.level(seed=s, width=16, height=16),
    }
    print(f"{'what':<26}{'median ms':>10}")
    results = {label: median_ms(make, args.repeats) for label, make in rows.items()}
    for label, ms in results.items():
        print(f"{label:<26}{ms:>10.1f}")
    whole = results["quest (whole)"]
    verdict = "within" if whole <= BUDGET_MS else "over"
    print(
        f"\na quest takes {whole:.1f} ms median over {args.repeats} seeds ({verdict} the "
        f"{BUDGET_MS:.0f} ms budget); {whole / results['level 16x16 (yardstick)']:.2f}x a "
        f"16x16 level"
    )


if __name__ == "__main__":
    main()
