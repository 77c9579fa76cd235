"""Symbols of a text model: markers, conditions, slots, characters, and optional subword merges.

Conditions (a naming style, a role, a quest motivation) are symbols of their own, written
``<style:desert>``, so that a model and its count baselines read them the same way: as the first
symbols of a document (see :mod:`procgen.models.ngram`). Slots (``{name}``, ``{place}``) are one
symbol each too: a model cannot misspell a placeholder it writes in one step, and filling it with
a real name is then exact.

Long prose can add **byte-pair merges** (Sennrich et al. 2016, as in GPT-2): the most frequent
adjacent pair of symbols within a word becomes one symbol, again and again. A quest sentence then
takes a third of the steps it takes in characters, which buys the model three times the context
and a three times faster sampler. Names stay in characters (no merges).

>>> vocab = Vocabulary.build(["Ash", "{name} is Bo"], conditions=["style:north"])
>>> vocab.decode(vocab.encode("{name} is Bosh"))
'{name} is Bosh'
>>> len(vocab.encode("{name}"))
1
>>> vocab.condition("style:north") == vocab.symbols.index("<style:north>")
True
>>> merged = Vocabulary.build(["the theme", "then the"], merges=3)
>>> merged.merges
(('h', 'e'), ('t', 'he'), (' ', 'the'))
>>> [merged.symbols[i] for i in merged.encode("the then")]
['the', ' the', 'n']
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from procgen.errors import AssetFormatError, UnknownNameError

BEGIN, END = "<begin>", "<end>"
SLOT = re.compile(r"(\{[a-z_]+\})")  # a placeholder such as {name}; the group keeps it in split()
#: Words for merging (GPT-2's rule, simplified): an optional space and then a slot, letters,
#: digits or other marks; or spaces. Merges never cross these boundaries.
WORD = re.compile(r" ?\{[a-z_]+\}| ?[A-Za-z']+| ?[0-9]+| ?[^\sA-Za-z0-9'{}]+|[{}]|\s+")


@dataclass(frozen=True)
class Vocabulary:
    symbols: tuple[str, ...]  # specials, conditions, slots, characters, then merged pieces
    merges: tuple[tuple[str, str], ...] = ()  # in the order they were learned

    @classmethod
    def build(
        cls,
        texts: Iterable[str],
        conditions: Iterable[str] = (),
        merges: int = 0,
        merge_texts: Sequence[str] | None = None,
    ) -> Vocabulary:
        """Every slot and character of ``texts``, sorted, after the specials and conditions;
        then up to ``merges`` byte-pair merges learned on ``merge_texts`` (default: ``texts``)."""
        texts = list(texts)
        pieces = {piece for text in texts for piece in _pieces(text)}
        slots = sorted(p for p in pieces if len(p) > 1)
        characters = sorted(p for p in pieces if len(p) == 1)
        condition_symbols = (f"<{c}>" for c in sorted(set(conditions)))
        source = texts if merge_texts is None else list(merge_texts)
        learned = _learn_merges(source, merges) if merges else ()
        merged = tuple(a + b for a, b in learned)
        return cls((BEGIN, END, *condition_symbols, *slots, *characters, *merged), learned)

    _index: dict[str, int] = field(init=False, repr=False, compare=False)
    _ranks: dict[tuple[str, str], int] = field(init=False, repr=False, compare=False)
    _cache: dict[str, list[int]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.symbols[:2] != (BEGIN, END) or len(set(self.symbols)) != len(self.symbols):
            raise AssetFormatError("a vocabulary starts with <begin>, <end> and has no repeats")
        index = {s: i for i, s in enumerate(self.symbols)}
        if any(a + b not in index for a, b in self.merges):
            raise AssetFormatError("every merge must produce a symbol of the vocabulary")
        object.__setattr__(self, "_index", index)
        object.__setattr__(self, "_ranks", {pair: i for i, pair in enumerate(self.merges)})
        object.__setattr__(self, "_cache", {})

    def __len__(self) -> int:
        return len(self.symbols)

    @property
    def begin(self) -> int:
        return 0

    @property
    def end(self) -> int:
        return 1

    @property
    def conditions(self) -> tuple[str, ...]:
        return tuple(s[1:-1] for s in self.symbols[2:] if len(s) > 2 and s[0] == "<")

    def condition(self, name: str) -> int:
        try:
            return self._index[f"<{name}>"]
        except KeyError:
            known = ", ".join(self.conditions) or "none"
            raise UnknownNameError(f"unknown condition {name!r} (known: {known})") from None

    def covers(self, text: str) -> bool:
        """Whether every slot and character of ``text`` is in the vocabulary."""
        return all(piece in self._index for piece in _pieces(text))

    def encode(self, text: str) -> list[int]:
        """Symbol ids; anything outside the vocabulary is an error, not silently dropped."""
        if not self.merges:
            return [self._lookup(p) for p in _pieces(text)]
        return [i for word in WORD.findall(text) for i in self._encode_word(word)]

    def _encode_word(self, word: str) -> list[int]:
        cached = self._cache.get(word)
        if cached is None:
            parts = _pieces(word)
            while len(parts) > 1:
                ranked = [
                    (self._ranks.get(pair, len(self._ranks)), i)
                    for i, pair in enumerate(itertools.pairwise(parts))
                ]
                rank, i = min(ranked)
                if rank == len(self._ranks):
                    break
                parts[i : i + 2] = [parts[i] + parts[i + 1]]
            cached = [self._lookup(p) for p in parts]
            self._cache[word] = cached
        return cached

    def _lookup(self, piece: str) -> int:
        try:
            return self._index[piece]
        except KeyError:
            raise UnknownNameError(f"{piece!r} is not in the vocabulary") from None

    def decode(self, ids: Sequence[int]) -> str:
        return "".join(self.symbols[i] for i in ids)


def _pieces(text: str) -> list[str]:
    """A text as slots and single characters, in order."""
    return [p for part in SLOT.split(text) for p in ([part] if SLOT.fullmatch(part) else part)]


def _learn_merges(texts: list[str], count: int) -> tuple[tuple[str, str], ...]:
    """The ``count`` most useful merges, greedily: each time the most frequent adjacent pair
    within words (ties broken alphabetically, so the result never depends on dict order)."""
    words = Counter(word for text in texts for word in WORD.findall(text))
    split = {w: _pieces(w) for w in words}
    merges: list[tuple[str, str]] = []
    for _ in range(count):
        pairs: Counter[tuple[str, str]] = Counter()
        for word, frequency in words.items():
            parts = split[word]
            for pair in itertools.pairwise(parts):
                pairs[pair] += frequency
        if not pairs:
            break
        best = min(pairs, key=lambda pair: (-pairs[pair], pair))
        if pairs[best] < 2:
            break
        merges.append(best)
        joined = best[0] + best[1]
        for parts in split.values():
            i = 0
            while i < len(parts) - 1:
                if parts[i] == best[0] and parts[i + 1] == best[1]:
                    parts[i : i + 2] = [joined]
                i += 1
    return tuple(merges)
