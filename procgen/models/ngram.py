"""Count-based character n-grams: the baselines every procgen text model is measured against.

Two models, exactly as ``METRICS.md`` defines them:

- :class:`AddOneBigram`: counts of (previous symbol, symbol) with add-one smoothing.
- :class:`InterpolatedNGram`: interpolated absolute discounting (Ney, Essen & Kneser 1994) with
  discount ``d = 0.75``: the share ``d`` takes from every seen count goes to the next shorter
  history, down to a uniform distribution over the vocabulary. On short texts this is a strong
  model: makemore's small transformer beats its 5-gram by only 0.11 nats per character.

A *document* is a list of symbols to predict, ending with an end symbol, after a *prefix* of
condition symbols (a naming style, a quest motivation) that is seen but never predicted. Histories
are padded on the left with a begin symbol. Both baselines and the neural models read the same
prefixes, so a comparison between them is about modelling, not about who knows the condition.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

DISCOUNT = 0.75


@dataclass(frozen=True)
class Document:
    """Symbols to predict (``targets``, end symbol included) after a condition ``prefix``."""

    prefix: tuple[int, ...]
    targets: tuple[int, ...]


class AddOneBigram:
    """P(symbol | previous symbol) = (count + 1) / (count of previous + vocabulary size)."""

    def __init__(self, vocab_size: int, begin: int) -> None:
        self.vocab_size = vocab_size
        self.begin = begin
        self.pairs: Counter[tuple[int, int]] = Counter()
        self.firsts: Counter[int] = Counter()

    def fit(self, documents: Sequence[Document]) -> AddOneBigram:
        for document in documents:
            history = [self.begin, *document.prefix, *document.targets]
            for previous, symbol in itertools.pairwise(history):
                self.pairs[previous, symbol] += 1
                self.firsts[previous] += 1
        return self

    def nats(self, documents: Sequence[Document]) -> tuple[float, int]:
        """Total negative log-likelihood of every target symbol, and how many there were."""
        total, count = 0.0, 0
        for document in documents:
            history = [self.begin, *document.prefix, *document.targets]
            start = 1 + len(document.prefix)
            for i in range(start, len(history)):
                previous, symbol = history[i - 1], history[i]
                p = (self.pairs[previous, symbol] + 1) / (self.firsts[previous] + self.vocab_size)
                total -= math.log(p)
                count += 1
        return total, count


class InterpolatedNGram:
    """An order-``n`` model: histories of up to ``n - 1`` symbols, absolute discounting."""

    def __init__(self, order: int, vocab_size: int, begin: int, discount: float = DISCOUNT):
        if order < 1:
            raise ValueError(f"order must be at least 1, got {order}")
        self.order = order
        self.vocab_size = vocab_size
        self.begin = begin
        self.discount = discount
        # history (a tuple, () for the unigram) -> counts of the next symbol
        self.counts: defaultdict[tuple[int, ...], Counter[int]] = defaultdict(Counter)
        self.totals: Counter[tuple[int, ...]] = Counter()

    def fit(self, documents: Sequence[Document]) -> InterpolatedNGram:
        for document in documents:
            padded = self._padded(document)
            for i in range(self.order - 1 + len(document.prefix), len(padded)):
                for length in range(self.order):
                    history = tuple(padded[i - length : i])
                    self.counts[history][padded[i]] += 1
                    self.totals[history] += 1
        return self

    def probability(self, history: Sequence[int], symbol: int) -> float:
        """P(symbol | the last ``order - 1`` symbols of history), interpolated to uniform."""
        p = 1.0 / self.vocab_size
        for length in range(min(len(history), self.order - 1) + 1):
            context = tuple(history[len(history) - length :])
            seen = self.totals.get(context, 0)
            if not seen:
                break  # a longer history that was never seen cannot have been either
            followers = self.counts[context]
            backoff = self.discount * len(followers) / seen
            p = max(followers.get(symbol, 0) - self.discount, 0.0) / seen + backoff * p
        return p

    def nats(self, documents: Sequence[Document]) -> tuple[float, int]:
        """Total negative log-likelihood of every target symbol, and how many there were."""
        total, count = 0.0, 0
        for document in documents:
            padded = self._padded(document)
            for i in range(self.order - 1 + len(document.prefix), len(padded)):
                total -= math.log(self.probability(padded[:i], padded[i]))
                count += 1
        return total, count

    def _padded(self, document: Document) -> list[int]:
        return [self.begin] * (self.order - 1) + [*document.prefix, *document.targets]


def best_ngram(
    train: Sequence[Document],
    heldout: Sequence[Document],
    vocab_size: int,
    begin: int,
    orders: Sequence[int] = (1, 2, 3, 4, 5, 6),
) -> tuple[int, dict[int, float]]:
    """Held-out nats per symbol of every order, and the best order: the bar a model must beat."""
    per_order = {}
    for order in orders:
        total, count = InterpolatedNGram(order, vocab_size, begin).fit(train).nats(heldout)
        per_order[order] = total / count
    return min(per_order, key=per_order.__getitem__), per_order
