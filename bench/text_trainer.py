"""Is ``procgen train text`` strong enough? Ten CPU minutes on half a million characters.

The bar (issue 6): on a corpus of about 0.5 M characters, the text model trained for 10 minutes
on a 2-core CPU beats an interpolated character 5-gram on held-out text. This script writes such
a corpus the way a studio would hand one over (plain documents separated by blank lines, no
conditions): the first --characters characters of procgen's own quest lines and backstories,
placeholders and all, in a fixed shuffled order. It then runs the same code as
``procgen train text`` for --minutes and prints the held-out table, with the 5-gram's own figure
beside the best order's.

    python bench/text_trainer.py [--characters 500000] [--minutes 10]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import numpy as np

from procgen.documents import read_documents, train_documents
from procgen.models.ngram import InterpolatedNGram
from procgen.models.vocabulary import Vocabulary
from procgen.prose import BACKSTORY_CORPUS, QUEST_CORPUS, read_backstories, read_quest_prose
from procgen.writing import Example, documents, split


def corpus(characters: int) -> list[str]:
    texts = [e.text for e in read_backstories(BACKSTORY_CORPUS) + read_quest_prose(QUEST_CORPUS)]
    order = np.random.default_rng(0).permutation(len(texts))
    chosen, total = [], 0
    for i in order:
        if total >= characters:
            break
        chosen.append(texts[i])
        total += len(texts[i])
    return chosen


def five_gram(texts: list[str]) -> float:
    """The interpolated character 5-gram on the trainer's own split, nats per character."""
    examples = [Example((), t) for t in texts]
    characters = Vocabulary.build(texts, [])
    encoded = documents(examples, characters)
    train_rows, test_rows = split(len(encoded))
    model = InterpolatedNGram(5, len(characters), characters.begin)
    total, count = model.fit([encoded[i] for i in train_rows]).nats([encoded[i] for i in test_rows])
    return total / count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--characters", type=int, default=500_000)
    parser.add_argument("--minutes", type=float, default=10.0)
    args = parser.parse_args()
    texts = corpus(args.characters)
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder) / "writing.txt"
        data.write_text("\n\n".join(t.replace("\n", " ") for t in texts) + "\n", "utf-8")
        assert len(read_documents(data)) == len(texts)
        report = train_documents(data, Path(folder) / "model.safetensors", minutes=args.minutes)
    print(f"corpus: {len(texts)} documents, {sum(map(len, texts)):,} characters")
    print("\n".join(report.lines("documents")))
    print(f"  interpolated 5-gram            {five_gram(texts):.3f}")
    margin = report.heldout["ngram"] - report.heldout["model"]
    verdict = "beats" if margin > 0 else "does not beat"
    print(f"\nthe model {verdict} the best n-gram by {margin:.3f} nats/char")


if __name__ == "__main__":
    main()
