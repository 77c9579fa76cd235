"""Conditioned text from the shared text model: names, backstories, quest prose.

Every kind of text procgen writes is a set of *examples*: a text (with ``{slot}`` placeholders)
and the conditions it was written under (a naming style, a role, a quest motivation). One
function trains the text model of :mod:`procgen.models.text` on such a set and measures it on a
held-out tenth against the count baselines of :mod:`procgen.models.ngram`, on the same split
and the same symbols; one class samples from the result.

The held-out split is chosen by a hash of each example's position, so it never changes with the
training seed, and the model never sees it: not for training, not for choosing its weights.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from procgen.errors import AssetFormatError
from procgen.models import weights
from procgen.models.lexicon import Lexicon, words
from procgen.models.ngram import AddOneBigram, Document, best_ngram
from procgen.models.vocabulary import SLOT, Vocabulary

if TYPE_CHECKING:
    from procgen.models.text_inference import TextSampler

TEST_SHARE = 0.1


@dataclass(frozen=True)
class Example:
    conditions: tuple[str, ...]  # e.g. ("role:mage",); each a symbol placed before the text
    text: str


@dataclass(frozen=True)
class WriterReport:
    out: Path
    examples: int
    conditions: tuple[str, ...]
    steps: int
    seconds: float
    heldout: dict[str, float]  # nats per symbol on the test split: model, ngram, bigram
    best_order: int

    def lines(self, what: str) -> list[str]:
        """The held-out comparison, as ``procgen train`` prints it."""
        figures = self.heldout
        return [
            f"wrote {self.out} ({self.examples} {what};"
            f" {self.steps} steps in {self.seconds:.0f} s)",
            "held-out loss, nats per character (end marker included):",
            f"  model                          {figures['model']:.3f}",
            f"  best interpolated n-gram (n={self.best_order})  {figures['ngram']:.3f}",
            f"  add-one bigram                 {figures['bigram']:.3f}",
        ]


def split(count: int, share: float = TEST_SHARE) -> tuple[list[int], list[int]]:
    """Train and test indices: an example is held out by a hash of its position, forever."""
    test = [i for i in range(count) if _unit(i) < share]
    held = set(test)
    return [i for i in range(count) if i not in held], test


def _unit(i: int) -> float:
    return int.from_bytes(hashlib.sha256(f"example-{i}".encode()).digest()[:8], "big") / 2**64


def documents(examples: Sequence[Example], vocabulary: Vocabulary) -> list[Document]:
    return [
        Document(
            tuple(vocabulary.condition(c) for c in example.conditions),
            (*vocabulary.encode(example.text), vocabulary.end),
        )
        for example in examples
    ]


def train_writer(
    examples: Sequence[Example],
    out: Path,
    *,
    kind: str,
    steps: int | None = None,
    minutes: float | None = None,
    seed: int = 0,
    progress: bool | None = None,
    card_extra: dict[str, Any] | None = None,
    merges: int = 0,
    real_words: bool = False,
    **config: Any,
) -> WriterReport:
    """Train on all but the held-out tenth of ``examples``, save to ``out``, measure.

    ``merges`` > 0 gives the model subword symbols (:mod:`procgen.models.vocabulary`); the
    baselines stay on characters, and every loss is per character either way. ``real_words``
    records the examples' words in the weights file, and the model then writes only those
    (:mod:`procgen.models.lexicon`); held-out loss is measured without that rule.
    """
    from procgen.models.text import TextConfig
    from procgen.models.text_training import TextSettings, nats, train_text

    weights.check_output(out)
    if len(examples) < 10:
        raise AssetFormatError(f"need at least 10 examples to train on, got {len(examples)}")
    settings = TextSettings(steps=steps, minutes=minutes, seed=seed)
    conditions = sorted({c for e in examples for c in e.conditions})
    train_rows, test_rows = split(len(examples))
    # The model learns its merges from the training split only: nothing of the test leaks in.
    vocabulary = Vocabulary.build(
        (e.text for e in examples),
        conditions,
        merges=merges,
        merge_texts=[examples[i].text for i in train_rows],
    )
    encoded = documents(examples, vocabulary)
    train = [encoded[i] for i in train_rows]
    test = [encoded[i] for i in test_rows]
    longest = max(len(d.prefix) + len(d.targets) for d in encoded)
    text_config = TextConfig(vocab_size=len(vocabulary), block_size=longest, **config)
    result = train_text(train, text_config, settings, begin=vocabulary.begin, progress=progress)

    characters = Vocabulary.build((e.text for e in examples), conditions)
    char_docs = documents(examples, characters)
    char_train = [char_docs[i] for i in train_rows]
    char_test = [char_docs[i] for i in test_rows]
    chars = sum(len(d.targets) for d in char_test)  # characters, slots as one, ends included
    total, _ = nats(result.model, test, vocabulary.begin)
    order, per_order = best_ngram(char_train, char_test, len(characters), characters.begin)
    bigram, _ = AddOneBigram(len(characters), characters.begin).fit(char_train).nats(char_test)
    heldout = {"model": total / chars, "ngram": per_order[order], "bigram": bigram / chars}
    training = {
        "seed": seed,
        "steps": result.steps,
        "best_step": result.best_step,
        "seconds": round(result.seconds, 1),
        "heldout_nats_per_char": {k: round(v, 4) for k, v in heldout.items()},
        "ngram_order": order,
        **(card_extra or {}),
    }
    lexicon = tuple(words(e.text for e in examples)) if real_words else ()
    card = weights.TextCard(
        kind, text_config.to_dict(), vocabulary.symbols, training, vocabulary.merges, lexicon
    )
    weights.save_text(out, result.model, card)
    return WriterReport(
        out, len(examples), tuple(conditions), result.steps, result.seconds, heldout, order
    )


class Writer:
    """A trained text model of one kind, ready to write under given conditions."""

    def __init__(self, path: Path, kind: str) -> None:
        self.path = path
        self.card = weights.read_text_card(path)
        if self.card.kind != kind:
            raise AssetFormatError(f"{path}: a {self.card.kind} model, not a {kind} model")
        self.vocabulary = Vocabulary(self.card.vocabulary, self.card.merges)

    @cached_property
    def sha256(self) -> str:
        """The weights file's digest, recorded in every asset the model helps make."""
        return weights.sha256(self.path)

    @cached_property
    def banned(self) -> list[int]:
        """Markers a text never contains: begin and the conditions (end stops it instead)."""
        markers = (i for i, s in enumerate(self.vocabulary.symbols) if s[0] == "<" and len(s) > 1)
        return [i for i in markers if i != self.vocabulary.end]

    def _other_slots(self, slots: Collection[str]) -> list[int]:
        allowed = {f"{{{slot}}}" for slot in slots}
        symbols = self.vocabulary.symbols
        return [i for i, s in enumerate(symbols) if SLOT.fullmatch(s) and s not in allowed]

    @cached_property
    def lexicon(self) -> Lexicon | None:
        """The words this model may write, if its weights file lists them."""
        if not self.card.lexicon:
            return None
        return Lexicon(frozenset(self.card.lexicon), self.vocabulary.symbols)

    @cached_property
    def sampler(self) -> TextSampler:
        """The network in numpy, for sampling (weights are read on first use)."""
        from procgen.models.text_inference import TextSampler

        config = self.card.config
        return TextSampler.load(self.path, int(config["n_layer"]), int(config["n_head"]))

    def write(
        self,
        conditions: Sequence[str],
        seeds: Sequence[int],
        *,
        slots: Collection[str] | None = None,
        temperature: float = 1.0,
    ) -> list[str]:
        """One text per seed under ``conditions`` (slots still as ``{placeholders}``)."""
        return self.write_each(
            [conditions] * len(seeds), seeds, slots=slots, temperature=temperature
        )

    def write_each(
        self,
        conditions: Sequence[Sequence[str]],
        seeds: Sequence[int],
        *,
        slots: Collection[str] | None = None,
        temperature: float = 1.0,
        groups: Sequence[int] | None = None,
        accept: Callable[[int, str], bool] | None = None,
    ) -> list[str]:
        """One text per (conditions, seed) pair, decoded together in one batch.

        Every row needs as many conditions as the others, and draws its randomness from its
        own seed. An unknown condition is an :class:`~procgen.errors.UnknownNameError`.
        ``slots`` names the placeholders the caller can fill (``{"name", "place"}``); the
        model is never let to write another, rather than writing it and being rejected.

        A caller that keeps only the first acceptable draft of each group of rows passes
        ``groups`` and ``accept(row, text)``: the rows after an accepted one in its group are
        then cut short (their texts are unfinished), which changes no choice and saves steps.
        """
        from procgen.models.text_inference import sample

        vocabulary = self.vocabulary
        prefixes = [
            [vocabulary.begin, *(vocabulary.condition(c) for c in row)] for row in conditions
        ]
        outputs = sample(
            self.sampler,
            prefixes,
            end=vocabulary.end,
            max_length=self.sampler.block_size,
            rngs=[np.random.default_rng(s) for s in seeds],
            banned=self.banned if slots is None else self.banned + self._other_slots(slots),
            temperature=temperature,
            lexicon=self.lexicon,
            groups=groups,
            accept=None if accept is None else lambda row, ids: accept(row, vocabulary.decode(ids)),
        )
        return [vocabulary.decode(o) for o in outputs]
