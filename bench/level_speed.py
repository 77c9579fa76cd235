"""How fast procgen makes levels: median milliseconds per level, solver and stats included.

Prints: each built-in generator (the learned ``tiles`` model in each of its styles, and the
classical ones) at 32x32, 64x64 and 128x128 (median over --repeats seeds after one warm-up);
batched 32x32 learned levels per second and style through ``procgen.level_batch``; and cold
starts (``procgen --help``, ``import procgen`` plus a first learned level) against a bare
``python -c pass`` run in the same process, so the ratios survive a noisy shared machine.

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
#: (generator, style) -> 64x64 budget in ms; the learned model is measured in each style.
GENERATORS = {
    **{("tiles", style): 100.0 for style in STYLES},
    **{(style, style): 20.0 for style in STYLES},
}
SIZES = (32, 64, 128)


def median_ms(generator: str, style: str, size: int, repeats: int) -> float:
    options = {"width": size, "height": size, "generator": generator, "style": style}
    procgen.level(seed=0, **options)  # warm caches, imports
    times = []
    for seed in range(1, repeats + 1):
        start = time.perf_counter()
        procgen.level(seed=seed, **options)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def batch_rate(style: str, count: int, rounds: int = 3) -> float:
    """Median levels per second of level_batch(count) at 32x32 with the learned model."""
    options = {"width": 32, "height": 32, "generator": "tiles", "style": style}
    procgen.level_batch(8, seed=0, **options)
    rates = []
    for seed in range(1, rounds + 1):
        start = time.perf_counter()
        procgen.level_batch(count, seed=seed, **options)
        rates.append(count / (time.perf_counter() - start))
    return statistics.median(rates)


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
    print(f"{'generator':<18}" + "".join(f"{f'{s}x{s}':>10}" for s in SIZES) + "   64x64 budget")
    for (generator, style), budget in GENERATORS.items():
        cells = {size: median_ms(generator, style, size, repeats) for size in SIZES}
        verdict = "ok" if cells[64] <= budget else "OVER"
        print(
            f"{f'{generator} ({style})':<18}"
            + "".join(f"{cells[s]:>10.1f}" for s in SIZES)
            + f"   {verdict} (<= {budget:.0f} ms)"
        )
    print()
    for style in STYLES:
        rate = batch_rate(style, 256)
        verdict = "ok" if rate >= 100 else "UNDER"
        print(f"level_batch(256), 32x32, learned {style}: {rate:.0f} levels/s ({verdict}, >= 100)")

    bare = cold_start_ms([sys.executable, "-c", "pass"], 10)
    helped = cold_start_ms([sys.executable, "-m", "procgen", "--help"], 10)
    first = cold_start_ms(
        [sys.executable, "-c", "import procgen; procgen.level(seed=1, width=32, height=32)"], 5
    )
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
    print(
        f"{'import procgen + first level':<34}{first:>8.0f}{first / bare:>15.1f}"
        f"   ({'ok' if first < 3000 else 'OVER'}, < 3000 ms; learned model, torch included)"
    )
    print(f"procgen --help imports torch: {imports_torch}")


if __name__ == "__main__":
    main()
