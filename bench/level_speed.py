"""How fast procgen makes levels: median milliseconds per level, solver and stats included.

Prints one table: each built-in generator at 32x32, 64x64 and 128x128 (median over --repeats
seeds after one warm-up), then the cold start of `procgen --help` against a bare `python -c pass`
run in the same process, so the ratio survives a noisy shared machine.

    python bench/level_speed.py [--repeats 30]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

import procgen

STYLES = ("dungeon", "cave", "overworld")
SIZES = (32, 64, 128)
BUDGET_64_MS = 20.0


def median_ms(style: str, size: int, repeats: int) -> float:
    procgen.level(seed=0, width=size, height=size, style=style)  # warm caches and imports
    times = []
    for seed in range(1, repeats + 1):
        start = time.perf_counter()
        procgen.level(seed=seed, width=size, height=size, style=style)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def cold_start_ms(command: list[str], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=30)
    repeats = parser.parse_args().repeats

    print(f"median ms per level over {repeats} seeds (difficulty 0.5, solver and stats included)")
    print(f"{'generator':<12}" + "".join(f"{f'{s}x{s}':>10}" for s in SIZES) + "   64x64 budget")
    for style in STYLES:
        cells = {size: median_ms(style, size, repeats) for size in SIZES}
        verdict = "ok" if cells[64] <= BUDGET_64_MS else "OVER"
        print(
            f"{style:<12}"
            + "".join(f"{cells[s]:>10.1f}" for s in SIZES)
            + f"   {verdict} (<= {BUDGET_64_MS:.0f} ms)"
        )

    bare = cold_start_ms([sys.executable, "-c", "pass"], 10)
    helped = cold_start_ms([sys.executable, "-m", "procgen", "--help"], 10)
    imports_torch = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, runpy; sys.argv = ['procgen', '--help']\n"
            "try: runpy.run_module('procgen', run_name='__main__')\nexcept SystemExit: pass\n"
            "print('torch' in sys.modules)",
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()[-1]
    print()
    print(f"{'cold start (median of 10)':<34}{'ms':>8}{'x bare python':>15}")
    print(f"{'python -c pass':<34}{bare:>8.0f}{1.0:>15.1f}")
    print(f"{'python -m procgen --help':<34}{helped:>8.0f}{helped / bare:>15.1f}")
    print(f"procgen --help imports torch: {imports_torch}")


if __name__ == "__main__":
    main()
