"""Every level procgen returns is schema-valid and solvable: counted over 1,000 levels per style.

Sizes are drawn uniformly from 16 to 128 on each side, difficulty from [0, 1], seeds 0..N-1.
Validity is checked with plain `jsonschema` against the files in schemas/ (no procgen code), and
solvability with the independent BFS of tests/independent_solver.py (no procgen code either).

    python bench/levels_validity.py [--levels 1000]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

import procgen

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from independent_solver import playable  # noqa: E402

STYLES = ("dungeon", "cave", "overworld")


def plain_validator() -> Draft202012Validator:
    documents = [json.loads(p.read_text()) for p in (ROOT / "schemas").glob("*.schema.json")]
    registry = Registry().with_resources((d["$id"], Resource.from_contents(d)) for d in documents)
    level_schema = next(d for d in documents if d["$id"].endswith("/level/1.0"))
    return Draft202012Validator(level_schema, registry=registry)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--levels", type=int, default=1000, help="levels per style")
    count = parser.parse_args().levels
    validator = plain_validator()
    rng = np.random.default_rng(2026)

    print(f"{count} levels per style, sizes 16..128 per side, difficulty uniform in [0, 1]")
    header = f"{'style':<11}{'levels':>8}{'schema-valid':>14}{'solvable':>10}"
    print(header + f"{'resampled':>11}{'max attempts':>14}{'seconds':>9}")
    for style in STYLES:
        valid = solvable = resampled = worst = 0
        start = time.perf_counter()
        for seed in range(count):
            width, height = (int(v) for v in rng.integers(16, 129, size=2))
            difficulty = float(rng.random())
            level = procgen.level(
                seed=seed, width=width, height=height, style=style, difficulty=difficulty
            )
            document = json.loads(level.to_json())
            valid += validator.is_valid(document)
            solvable += playable(document)
            attempts = level.meta["attempts"]
            resampled += attempts > 1
            worst = max(worst, attempts)
        seconds = time.perf_counter() - start
        print(
            f"{style:<11}{count:>8}{valid:>14}{solvable:>10}{resampled:>11}{worst:>14}"
            f"{seconds:>9.1f}"
        )


if __name__ == "__main__":
    main()
