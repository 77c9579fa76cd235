"""Are procgen's characters any good? Names, sprites, stats and whole characters, in tables.

Sections (all seeds fixed; every row reports its sample count):

1. Names: held-out loss of the shipped name model against the count bigram and the best
   interpolated n-gram (n <= 6) on the same split (recorded in the weights at training time and
   recomputed here); novelty before the filter; the filter's rejection rate.
2. Sprites: N generated sprites per role against the paper-doll training set: exact copies,
   mirror-IoU of the mask, dark-outline fraction, one connected component, palette size, nearest
   training sprite, 2x2 pattern KL against held-out paper-doll sprites, and the accuracy of a
   nearest-centroid role classifier (fitted on the training sprites) on generated ones.
3. Stats: per role, Spearman's rho between level and each stat, and whether the mean of every
   stat grows with level.
4. Characters: 1,000 characters (random roles, levels 1-100): schema-valid, distinct names,
   backstories that name the character and its role.

    python bench/characters_quality.py [--characters 1000] [--sprites 200]
"""

from __future__ import annotations

import argparse
import itertools
import json
from collections import Counter

import numpy as np
from scipy.stats import spearmanr

import procgen
from procgen.backstory import SLOTS
from procgen.backstory import acceptable as backstory_acceptable
from procgen.metrics import kl_both_ways
from procgen.models.sprites import PAPERDOLL_PER_ROLE, paperdoll_examples, sprite_model
from procgen.names import NAME_CORPUS, name_model, read_names
from procgen.prose import prose_model
from procgen.schemas import validator
from procgen.sprites import components, mirror_iou, nearest_hamming, outline_fraction, palette
from procgen.sprites.paperdoll import ROLES
from procgen.stats import STAT_NAMES, draw_stats
from procgen.writing import split


def names_section(samples: int) -> None:
    model = name_model()
    figures = model.card.training["heldout_nats_per_char"]
    names = read_names(NAME_CORPUS)
    _, test = split(len(names.names))
    print(f"## Names ({len(names.names)} names, {len(test)} held out; shipped weights)")
    print(f"{'model':<34}{'nats/char':>10}")
    print(f"{'learned (text model)':<34}{figures['model']:>10.3f}")
    print(
        f"{'best interpolated n-gram (n=' + str(model.card.training['ngram_order']) + ')':<34}"
        f"{figures['ngram']:>10.3f}"
    )
    print(f"{'add-one bigram':<34}{figures['bigram']:>10.3f}")
    print(f"margin over the n-gram: {figures['ngram'] - figures['model']:.3f} nats/char")
    print()
    print(f"{'style':<10}{'samples':>8}{'novel':>8}{'rejected':>10}{'distinct':>10}")
    for style in model.styles:
        raw = model.samples(style, range(samples))
        novel = np.mean([n.lower() not in model.known for n in raw])
        rejected = 1 - np.mean([model.acceptable(n) for n in raw])
        print(
            f"{style:<10}{samples:>8}{novel:>8.1%}{rejected:>10.1%}{len(set(raw)) / samples:>10.1%}"
        )
    print()


def sprites_section(per_role: int) -> None:
    model = sprite_model()
    train, _ = paperdoll_examples(PAPERDOLL_PER_ROLE, 0)
    heldout, _ = paperdoll_examples(per_role, 1)
    train_pixels = np.stack([p for _, p in train])
    centroids = {
        role: np.stack([np.eye(16)[p] for r, p in train if r == role]).mean(0) for role in ROLES
    }
    print(
        f"## Sprites ({per_role} per role; training: paper-doll seed 0, "
        f"{PAPERDOLL_PER_ROLE} per role; reference: paper-doll seed 1)"
    )
    print(
        f"{'role':<10}{'copies':>7}{'mirror':>8}{'outline':>9}{'1 comp':>8}{'colours':>8}"
        f"{'nearest':>9}{'KL2':>7}{'class':>7}"
    )
    totals: Counter[str] = Counter()
    for role in ROLES:
        raw = model.sample(role, list(range(per_role)), clean=False)
        pixels = model.sample(role, list(range(per_role)))
        cleaned = sum(not np.array_equal(a, b) for a, b in zip(raw, pixels, strict=True))
        rng = np.random.default_rng(ROLES.index(role))
        colours = [palette(role, rng) for _ in pixels]
        copies = sum(model.is_training_copy(p) for p in pixels)
        mirror = np.median([mirror_iou(p != 0) for p in pixels])
        outline = np.median([outline_fraction(p, c) for p, c in zip(pixels, colours, strict=True)])
        single = np.mean([components(p != 0) == 1 for p in pixels])
        used = np.median([len(set(np.unique(p).tolist()) - {0}) for p in pixels])
        nearest = np.median([nearest_hamming(p, train_pixels) for p in pixels])
        reference = [p for r, p in heldout if r == role]
        kl = kl_both_ways(reference, pixels, 2)[0]
        guesses = [_classify(p, centroids) for p in pixels]
        accuracy = np.mean([g == role for g in guesses])
        totals.update(copies=copies, correct=int(accuracy * per_role), n=per_role, cleaned=cleaned)
        print(
            f"{role:<10}{copies:>7}{mirror:>8.3f}{outline:>9.3f}{single:>8.1%}{used:>8.0f}"
            f"{nearest:>9.3f}{kl:>7.3f}{accuracy:>7.1%}"
        )
    print(
        f"exact training copies: {totals['copies']} of {totals['n']}; role classifier accuracy "
        f"on generated sprites: {totals['correct'] / totals['n']:.1%}; stray pixels cleared "
        f"from {totals['cleaned']} ({totals['cleaned'] / totals['n']:.1%})"
    )
    print()


def _classify(pixels: np.ndarray, centroids: dict[str, np.ndarray]) -> str:
    onehot = np.eye(16)[pixels]
    return min(centroids, key=lambda role: float(((onehot - centroids[role]) ** 2).sum()))


def stats_section(draws: int) -> None:
    levels = [1, 2, 5, 10, 20, 35, 50, 75, 100]
    print(f"## Stats ({draws} draws per role and level; levels {levels})")
    print(f"{'role':<10}" + "".join(f"{s:>9}" for s in STAT_NAMES) + f"{'monotone':>10}")
    for role in ROLES:
        rng = np.random.default_rng(ROLES.index(role))
        table = {level: [draw_stats(role, level, rng) for _ in range(draws)] for level in levels}
        rhos, monotone = [], True
        for stat in STAT_NAMES:
            xs = [level for level in levels for _ in range(draws)]
            ys = [s[stat] for level in levels for s in table[level]]
            rhos.append(spearmanr(xs, ys).statistic)
            means = [np.mean([s[stat] for s in table[level]]) for level in levels]
            monotone &= all(b >= a for a, b in itertools.pairwise(means))
        print(f"{role:<10}" + "".join(f"{r:>9.2f}" for r in rhos) + f"{monotone!s:>10}")
    print()


def characters_section(count: int) -> None:
    rng = np.random.default_rng(0)
    valid, names, backstories = 0, [], 0
    for seed in range(count):
        level = int(rng.integers(1, 101))
        hero = procgen.character(seed=seed, level=level)
        document = json.loads(hero.to_json())
        valid += validator("character").is_valid(document)
        names.append(hero.name)
        template = hero.backstory.replace(hero.name, "{name}")
        backstories += backstory_acceptable(template, hero.role)
    print(f"## Characters ({count}, seeds 0..{count - 1}, random roles and levels 1-100)")
    print(
        f"schema-valid: {valid}/{count}; distinct names: {len(set(names)) / count:.1%}; "
        f"backstories naming the character and role: {backstories}/{count}"
    )
    writer = prose_model()
    kept, drafts = 0, 100
    for role in ROLES:
        for text in writer.write(["part:backstory", f"role:{role}"], range(drafts), slots=SLOTS):
            kept += backstory_acceptable(text, role)
    print(f"raw backstory drafts ({drafts} per role): {kept / (drafts * len(ROLES)):.1%} kept")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--characters", type=int, default=1000)
    parser.add_argument("--sprites", type=int, default=200, help="generated sprites per role")
    parser.add_argument("--names", type=int, default=1000, help="raw name samples per style")
    args = parser.parse_args()
    names_section(args.names)
    sprites_section(args.sprites)
    stats_section(200)
    characters_section(args.characters)


if __name__ == "__main__":
    main()
