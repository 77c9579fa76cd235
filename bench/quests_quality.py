"""Are procgen's quests any good? Structure, prose and the text model, in tables.

Sections (all seeds fixed; every row reports its sample count):

1. Held-out loss of the shipped prose model on the quest texts of its held-out split, against
   the count bigram and the best interpolated character n-gram (n <= 6) fitted on the same
   training split (all of it, backstories included, as the model was), per character.
2. Quests: N quests over L levels (three generators, five difficulties) with a three-character
   cast: schema-valid, every id in the level or cast, completable by the solver; and one
   questline of 5 per level: acyclic and completable.
3. Prose over the same quests: distinct-2 of the offers (filled, and as templates), the share
   of sentences copied verbatim from the corpus (all, and 5+ words), self-BLEU-4 over 200
   offers, drafts per kept part, and slot consistency before filtering (drafts that use only
   the quest's slots and every required one; foreign slots are masked at decoding, so a
   failure here is a required slot left out).

Copy rate is measured on the templates (placeholders in), which is where the model could copy:
filled-in names would hide a copied sentence. Distinct-2 and self-BLEU are printed on both, beside
the authored offers measured the same way (filled with the generated quests' names), the human
yardstick.

    python bench/quests_quality.py [--quests 1000] [--levels 50]
"""

from __future__ import annotations

import argparse
import statistics
from collections import Counter

import numpy as np

import procgen
from procgen.models.ngram import AddOneBigram, best_ngram
from procgen.models.text_training import nats
from procgen.models.vocabulary import SLOT, Vocabulary
from procgen.models.weights import load_text
from procgen.prose import (
    BACKSTORY_CORPUS,
    PROSE_WEIGHTS,
    QUEST_CORPUS,
    QUEST_PARTS,
    prose_model,
    quest_conditions,
    read_backstories,
    read_quest_prose,
)
from procgen.quests.api import CastEntry
from procgen.quests.structure import completable, questline_completable
from procgen.quests.text import fill, slots_consistent
from procgen.schemas import check
from procgen.text_metrics import copy_rate, distinct_n, self_bleu, sentences
from procgen.writing import documents, split

GENERATORS = ("dungeon", "cave", "overworld")
DIFFICULTIES = (0.1, 0.3, 0.5, 0.7, 0.9)


CAST = (
    CastEntry("char-1", "Ysolde", "mage"),
    CastEntry("char-2", "Brannoc", "guard"),
    CastEntry("char-3", "Tamsin", "merchant"),
)


def heldout_section() -> None:
    examples = read_backstories(BACKSTORY_CORPUS) + read_quest_prose(QUEST_CORPUS)
    train_rows, test_rows = split(len(examples))
    quest_rows = [i for i in test_rows if examples[i].conditions[0] != "part:backstory"]
    model, card = load_text(PROSE_WEIGHTS)
    symbols = Vocabulary(card.vocabulary, card.merges)
    total, _ = nats(model, documents([examples[i] for i in quest_rows], symbols), symbols.begin)
    conditions = sorted({c for e in examples for c in e.conditions})
    characters = Vocabulary.build((e.text for e in examples), conditions)
    char_docs = documents(examples, characters)
    train = [char_docs[i] for i in train_rows]
    test = [char_docs[i] for i in quest_rows]
    chars = sum(len(d.targets) for d in test)
    order, per_order = best_ngram(train, test, len(characters), characters.begin)
    bigram, _ = AddOneBigram(len(characters), characters.begin).fit(train).nats(test)
    print(f"## Held-out quest text ({len(quest_rows)} texts, {chars} characters; shipped weights)")
    print(f"{'model':<34}{'nats/char':>10}")
    print(f"{'learned (prose model)':<34}{total / chars:>10.3f}")
    print(f"{f'best interpolated n-gram (n={order})':<34}{per_order[order]:>10.3f}")
    print(f"{'add-one bigram':<34}{bigram / chars:>10.3f}")
    print(f"margin over the n-gram: {per_order[order] - total / chars:.3f} nats/char")
    print()


def quests_section(count: int, levels: int) -> list[procgen.Quest]:
    maps = [
        procgen.level(
            n, width=32, height=32, generator=GENERATORS[n % 3], difficulty=DIFFICULTIES[n % 5]
        )
        for n in range(levels)
    ]
    made = [procgen.quest(seed=n, level=maps[n % levels], cast=CAST) for n in range(count)]
    valid = sum(check(q.to_dict()) == "quest" for q in made)
    known = sum(_ids(q) <= {e.id for e in q.level.entities} | {m.id for m in CAST} for q in made)
    done = sum(completable(q.skeleton, q.level) for q in made)
    lines = [procgen.questline(m, CAST, length=5, seed=n) for n, m in enumerate(maps)]
    line_ok = sum(
        questline_completable([q.skeleton for q in line], m)
        for line, m in zip(lines, maps, strict=True)
    )
    motivations = Counter(q.skeleton.motivation for q in made)
    print(f"## Quests ({count} over {levels} levels of 32x32; cast of {len(CAST)})")
    print(f"schema-valid           {valid}/{count}")
    print(f"ids exist              {known}/{count}")
    print(f"completable            {done}/{count}")
    print(f"questlines of 5        {line_ok}/{levels} acyclic and completable")
    print("motivations            " + ", ".join(f"{m} {n}" for m, n in sorted(motivations.items())))
    print()
    return made


def prose_section(made: list[procgen.Quest], drafts_per_part: int) -> None:
    offers = [q.text.offer for q in made]
    templates = {part: [q.text.templates[part] for q in made] for part in QUEST_PARTS}
    corpus = [e.text for e in read_quest_prose(QUEST_CORPUS)]
    lines = [t for part in QUEST_PARTS[1:] for t in templates[part]]
    copied = copy_rate(lines, corpus)
    titles = Counter(templates["title"])
    print(f"## Prose ({len(made)} quests)")
    print(f"distinct-2 of offers, filled        {distinct_n(offers, 2):.3f}")
    print(f"distinct-2 of offers, templates     {distinct_n(templates['offer'], 2):.3f}")
    print(f"self-BLEU-4 of 200 offer templates  {self_bleu(templates['offer'][:200], 4):.3f}")
    print(f"self-BLEU-4 of 200 offers, filled   {self_bleu(offers[:200], 4):.3f}")
    authored = [e.text for e in read_quest_prose(QUEST_CORPUS) if e.conditions[0] == "part:offer"]
    shuffled = [authored[i] for i in np.random.default_rng(0).permutation(len(authored))]
    print(
        f"  the corpus, for reference:         self-BLEU-4 {self_bleu(shuffled[:200], 4):.3f} "
        f"and distinct-2 {distinct_n(shuffled[: len(made)], 2):.3f} of its offer templates"
    )
    human = _filled_like(shuffled[: len(made)], made)
    print(
        f"  the corpus filled like the quests: self-BLEU-4 {self_bleu(human[:200], 4):.3f} "
        f"and distinct-2 {distinct_n(human, 2):.3f} (its placeholders given the quests' values)"
    )
    print(
        f"sentences copied from the corpus    {copied.all:.1%} of {copied.sentences}; "
        f"{copied.long:.1%} of {copied.long_sentences} with 5+ words"
    )
    known = set(corpus)
    copied_titles = sum(t in known for t in templates["title"]) / len(made)
    print(f"titles copied from the corpus       {copied_titles:.1%}")
    print(f"distinct titles                     {len(titles)}/{len(made)}")
    per_offer = statistics.median(len(sentences(o)) for o in offers)
    print(f"sentences per offer (median)        {per_offer}")
    drafts = {part: sum(q.text.drafts[part] for q in made) for part in QUEST_PARTS}
    print(
        "drafts per kept part                "
        + ", ".join(f"{p} {drafts[p] / len(made):.2f}" for p in QUEST_PARTS)
    )
    consistent = _consistency(made[:200], drafts_per_part)
    print(
        "slot-consistent before filtering    "
        + ", ".join(f"{p} {consistent[p]:.1%}" for p in QUEST_PARTS)
        + f" (of {drafts_per_part} drafts per part of 200 quests); after: 100%"
    )

    print()
    for q in made[:3]:
        print(f"[{q.skeleton.motivation}: {'+'.join(q.skeleton.actions)}] {q.text.title}")
        print(f"  offer:    {q.text.offer}")
        print(f"  progress: {q.text.progress}")
        print(f"  complete: {q.text.complete}")


def _filled_like(templates: list[str], made: list[procgen.Quest]) -> list[str]:
    """Authored templates with each placeholder given a value some generated quest gave it: the
    human yardstick for metrics measured on filled-in text."""
    values: dict[str, list[str]] = {}
    for q in made:
        for slot, value in q.skeleton.slots.items():
            values.setdefault(slot, []).append(value)
    rng = np.random.default_rng(0)
    filled = []
    for template in templates:
        slots = {slot[1:-1] for slot in SLOT.findall(template)}
        pools = {s: values.get(s, [s]) for s in slots}  # a slot no quest binds: its own name
        filled.append(fill(template, {s: v[rng.integers(len(v))] for s, v in pools.items()}))
    return filled


def _consistency(made: list[procgen.Quest], per_part: int) -> dict[str, float]:
    """Shares of raw drafts per part that are slot-consistent."""
    writer = prose_model()
    good = Counter[str]()
    for n, q in enumerate(made):
        bound = q.skeleton
        rows = [
            (part, quest_conditions(part, bound.motivation, bound.actions))
            for part in QUEST_PARTS
            for _ in range(per_part)
        ]
        seeds = [n * 1000 + i for i in range(len(rows))]
        texts = writer.write_each([c for _, c in rows], seeds, slots=bound.slots)
        for (part, _), text in zip(rows, texts, strict=True):
            good[part] += slots_consistent(text, part, bound)
    return {part: good[part] / (per_part * len(made)) for part in QUEST_PARTS}


def _ids(made: procgen.Quest) -> set[str]:
    document = made.to_dict()
    ids = {document["giver"]}
    for objective in document["objectives"]:
        ids.update(objective["targets"])
        ids.update(objective[k] for k in ("destination", "recipient") if k in objective)
    return ids


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quests", type=int, default=1000)
    parser.add_argument("--levels", type=int, default=50)
    parser.add_argument("--drafts", type=int, default=4, help="drafts per part for consistency")
    args = parser.parse_args()
    heldout_section()
    made = quests_section(args.quests, args.levels)
    prose_section(made, args.drafts)


if __name__ == "__main__":
    main()
