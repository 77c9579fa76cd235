"""How connected are the tile model's raw samples, before any repair? And the corpus's levels?

Per style, over --samples grids at the training levels' sizes (cycled, as bench/tiles_quality.py
does), decoded by ``TileModel.sample`` (no repair, no resampling) twice: by the network alone, and
with the connectivity constraint that styles with a floor of 1.0 decode under, with the share of
grids where it had to force cells walkable after the last step (a repair). Then, for each:
the share below the style's connectivity floor (what ``procgen.level`` would have to repair), the
mean share of walkable tiles in the largest region, and the number of 4-connected walkable regions
per level. For the regions outside the largest one in samples below the floor: how big they are,
how many solid tiles separate them from the largest region, how many touch it only diagonally and
how many hold a whole room (a 3x3 block of walkable tiles). The same figures for the training
levels follow, so the two can be compared. Seconds, not the ten minutes of tiles_quality.py: the
figure to watch while changing the model or its decoding.

    python bench/tiles_connectivity.py [--weights FILE] [--samples 200] [--seed 0]
"""

from __future__ import annotations

import argparse
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from scipy import ndimage

from procgen.corpus import read_corpus
from procgen.data import CORPUS, TILE_WEIGHTS
from procgen.evaluation import shapes_for
from procgen.models.tiles import TileModel, connectivity
from procgen.solver import regions
from procgen.tiles import Tileset

EIGHT = np.ones((3, 3), dtype=bool)
SIZE_BINS = ((1, 1), (2, 3), (4, 9), (10, 29), (30, 10**9))


def stray_regions(grid: np.ndarray, tileset: Tileset) -> list[dict[str, int | bool]]:
    """Every walkable region of ``grid`` but the largest: size, gap, diagonal contact, room."""
    walkable = tileset.mask_lut("walkable")[grid]
    labels, count = regions(walkable)
    if count < 2:
        return []
    sizes = np.bincount(labels.ravel())[1:]
    main = labels == int(np.argmax(sizes)) + 1
    distance = ndimage.distance_transform_cdt(~main, metric="taxicab")
    eight, _ = ndimage.label(walkable, structure=EIGHT)
    main_eight = np.unique(eight[main])
    out: list[dict[str, int | bool]] = []
    for label in range(1, count + 1):
        region = labels == label
        if (region & main).any():
            continue
        out.append(
            {
                "size": int(sizes[label - 1]),
                "gap": int(distance[region].min()) - 1,  # solid tiles in between
                "diagonal": bool(np.isin(eight[region], main_eight).any()),
                "room": bool(ndimage.binary_erosion(region, EIGHT).any()),
            }
        )
    return out


def describe(name: str, grids: Sequence[np.ndarray], tileset: Tileset, floor: float) -> None:
    shares = np.array([connectivity(g, tileset) for g in grids])
    below = shares < floor
    counts = [regions(tileset.mask_lut("walkable")[g])[1] for g in grids]
    by_shape: dict[tuple[int, int], list[bool]] = defaultdict(list)
    for grid, low in zip(grids, below, strict=True):
        by_shape[(int(grid.shape[0]), int(grid.shape[1]))].append(bool(low))
    print(
        f"  {name:<8} n={len(grids):<4} below floor {below.mean():6.1%}  "
        f"largest-region share {shares.mean():.3f}  regions per level: median "
        f"{np.median(counts):.0f}, one region {np.mean(np.array(counts) <= 1):.0%}"
    )
    print(
        "           below floor by size: "
        + ", ".join(f"{h}x{w} {sum(v)}/{len(v)}" for (h, w), v in sorted(by_shape.items()))
    )
    strays = [
        r for g, low in zip(grids, below, strict=True) if low for r in stray_regions(g, tileset)
    ]
    if not strays:
        return
    sizes = np.array([r["size"] for r in strays])
    bins = ", ".join(
        f"{low}{'' if low == high else ('+' if high > 10**6 else f'-{high}')}: "
        f"{int(((sizes >= low) & (sizes <= high)).sum())}"
        for low, high in SIZE_BINS
    )
    gaps = Counter(min(int(r["gap"]), 5) for r in strays)
    print(
        f"           {len(strays)} stray regions in the levels below the floor; tiles {bins}; "
        f"whole rooms {sum(bool(r['room']) for r in strays)}, diagonal contact only "
        f"{sum(bool(r['diagonal']) for r in strays)}"
    )
    print(
        "           solid tiles between a stray region and the largest: "
        + ", ".join(f"{'5+' if k == 5 else k}: {v}" for k, v in sorted(gaps.items()))
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weights", type=Path, default=TILE_WEIGHTS)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    model = TileModel(args.weights)
    corpus = read_corpus(CORPUS)
    tileset = corpus.tileset
    for style, levels in sorted(corpus.by_style().items()):
        if style not in model.card.styles:
            continue
        floor = model.connectivity_floor(style)
        training = [lv.grid for lv in levels]
        shapes = shapes_for(training, args.samples)
        seeds: dict[tuple[int, int], list[int]] = defaultdict(list)
        for n, shape in enumerate(shapes):
            seeds[shape].append(args.seed + n)
        print(f"\n== {style}: floor {floor:.3f}")
        for constrained in (False, True):
            start = time.perf_counter()
            samples = [
                sample
                for shape, chunk in seeds.items()
                for sample in model.sample(
                    style, 0.5, np.zeros(shape, np.uint8), chunk, constrained=constrained
                )
            ]
            name = "decoder" if constrained else "network"
            joined = np.mean([s.joined > 0 for s in samples])
            print(
                f"  {name}: {len(samples)} samples in {time.perf_counter() - start:.1f} s; "
                f"joins forced in {joined:.1%}"
            )
            describe(name, [s.grid for s in samples], tileset, floor)
        describe("training", training, tileset, floor)


if __name__ == "__main__":
    main()
