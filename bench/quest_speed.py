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
import sys
from pathlib import Path

import procgen
from procgen.prose import prose_model
from procgen.quests.api import CastEntry
from procgen.quests.structure import skeleton
from procgen.quests.text import write_quest_text

sys.path.insert(0, str(Path(__file__).resolve().parent))
from breakdown import report

BUDGET_MS = 50.0


CAST = (CastEntry("char-1", "Ysolde", "mage"), CastEntry("char-2", "Brannoc", "guard"))


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
    }
    report("quest", rows, BUDGET_MS, args.repeats)


if __name__ == "__main__":
    main()
