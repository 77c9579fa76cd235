"""How do paper-doll sprites measure against real ones? One table of the sprite structure metrics.

Rows (definitions in METRICS.md, "Sprites"; implementation in procgen.sprites.metrics):

1. The paper-doll corpus the learned sprite model trains on: 9 roles x 200 sprites, seed 0, per
   role and overall. Quality bars: median mirror-IoU >= 0.93, median dark-outline fraction
   >= 0.97, one 4-connected component in 100%, no duplicates, each role's median palette size
   between 6 and 12.
2. Real 16x16 sprites for comparison: the character tiles of Kenney's "Tiny Dungeon" (CC0), read
   in place from ../shared/corpora/sprites-kenney-tiny-dungeon (skipped when absent; nothing is
   copied). Their colours are indexed exactly, not quantised, and they are measured uncropped,
   as drawn.

Also printed: how well a nearest-centroid classifier on one-hot slots tells the roles apart
(trained on seed 0, scored on seed 1), a check that roles are visually distinct.

    python bench/sprites_reference.py [--per-role 200] [--seed 0] [--kenney PATH]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from PIL import Image

from procgen.sprites import ROLES, Sprite, paperdoll_corpus
from procgen.sprites.metrics import (
    components,
    duplicate_count,
    fill_ratio,
    luma,
    mirror_iou,
    outline_fraction,
    palette_size,
)

ROOT = Path(__file__).resolve().parent.parent
KENNEY = ROOT.parent / "shared" / "corpora" / "sprites-kenney-tiny-dungeon"
#: Tile numbers of the pack's characters, from its README: humanoids, then monsters.
KENNEY_HUMANOIDS = (84, 85, 86, 87, 88, 96, 97, 98, 99, 100)
KENNEY_MONSTERS = (108, 109, 110, 111, 112, 120, 121, 122, 123, 124)

HEADER = (
    f"{'set':<26}{'n':>5}{'mirror-IoU':>12}{'p10':>7}{'outline':>9}{'1 comp':>8}{'fill':>7}"
    f"{'colours':>9}{'dups':>6}"
)


def row(name: str, sprites: Sequence[Sprite]) -> str:
    """Medians (IoU also its 10th percentile; components as a share) over ``sprites``."""
    ious = [mirror_iou(s.mask) for s in sprites]
    iou, iou_p10 = np.median(ious), np.percentile(ious, 10)
    outline = np.median([outline_fraction(s.pixels, s.palette) for s in sprites])
    one = np.mean([components(s.mask) == 1 for s in sprites])
    fill = np.median([fill_ratio(s.mask) for s in sprites])
    colours = np.median([palette_size(s.pixels, s.palette) for s in sprites])
    dups = duplicate_count(s.pixels for s in sprites)
    return (
        f"{name:<26}{len(sprites):>5}{iou:>12.3f}{iou_p10:>7.3f}{outline:>9.3f}{one:>8.0%}{fill:>7.2f}"
        f"{colours:>9.1f}{dups:>6}"
    )


def exact_sprite(path: Path) -> Sprite:
    """A PNG tile as an indexed sprite with its exact colours (alpha >= 128 is opaque)."""
    rgba = np.asarray(Image.open(path).convert("RGBA"))
    opaque = rgba[..., 3] >= 128
    colours = sorted({tuple(int(v) for v in c) for c in rgba[..., :3][opaque]}, key=luma)
    lookup = {colour: slot for slot, colour in enumerate(colours, start=1)}
    pixels = np.zeros(opaque.shape, dtype=np.uint8)
    for y, x in zip(*np.nonzero(opaque), strict=True):
        pixels[y, x] = lookup[tuple(int(v) for v in rgba[y, x, :3])]
    palette = ((0, 0, 0), *((c[0], c[1], c[2]) for c in colours))
    return Sprite(pixels, palette)


def role_accuracy(per_role: int, seed: int) -> float:
    """Nearest-centroid role classification on one-hot slots: train on ``seed``, test ``seed+1``."""

    def features(corpus: list[tuple[str, Sprite]]) -> tuple[np.ndarray, np.ndarray]:
        onehot = np.eye(16, dtype=np.float32)
        x = np.stack([onehot[s.pixels].reshape(-1) for _, s in corpus])
        return x, np.array([ROLES.index(role) for role, _ in corpus])

    train_x, train_y = features(paperdoll_corpus(per_role, seed))
    test_x, test_y = features(paperdoll_corpus(per_role, seed + 1))
    centroids = np.stack([train_x[train_y == k].mean(axis=0) for k in range(len(ROLES))])
    distances = ((test_x[:, None, :] - centroids[None]) ** 2).sum(axis=2)
    return float((distances.argmin(axis=1) == test_y).mean())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-role", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--kenney", type=Path, default=KENNEY)
    args = parser.parse_args()

    start = time.perf_counter()
    corpus = paperdoll_corpus(args.per_role, args.seed)
    seconds = time.perf_counter() - start
    print(f"paper-doll corpus: {len(corpus)} sprites, seed {args.seed}, made in {seconds:.2f} s")
    print(HEADER)
    for role in ROLES:
        print(row(f"paperdoll {role}", [s for r, s in corpus if r == role]))
    print(row("paperdoll all", [s for _, s in corpus]))
    pictures = duplicate_count(s.key() for _, s in corpus)
    print(f"duplicates as pictures (slots and palette): {pictures}")
    accuracy = role_accuracy(args.per_role, args.seed)
    print(f"role told apart by nearest centroid (seed {args.seed + 1}): {accuracy:.1%}")

    tiles = args.kenney / "Tiles"
    if not tiles.is_dir():
        print(f"\nreference sprites skipped: {tiles} not found")
        return
    humanoids = [exact_sprite(tiles / f"tile_{n:04d}.png") for n in KENNEY_HUMANOIDS]
    monsters = [exact_sprite(tiles / f"tile_{n:04d}.png") for n in KENNEY_MONSTERS]
    print(f"\nreference: Kenney Tiny Dungeon character tiles, read from {args.kenney}")
    print(HEADER)
    print(row("kenney humanoids", humanoids))
    print(row("kenney monsters", monsters))
    print(row("kenney all characters", humanoids + monsters))


if __name__ == "__main__":
    main()
