"""Real words only: a decoding rule that lets a text model spell only the words it was taught.

A small model trained on under a million characters of prose learns English spelling only
roughly: left alone it writes "sorcivy" and "combassmaster". Filtering such drafts afterwards
keeps one offer in ten, so the rule is applied while decoding instead, to the next symbol: a
symbol is allowed when every word it completes is in the lexicon (the words of the
training texts) and the word it leaves open is the beginning of one. The model's own
probabilities then choose among real words; its grammar is its own.

A *word* is a run of letters and apostrophes; slots, digits, spaces and punctuation end it. Case
counts ("bitteresT" is no word), except that any word may start with a capital, as at the start
of a sentence.

Rather than masking all of a vocabulary at every step, the sampler draws as usual and checks only
what it drew, a cached lookup; the model's likely symbols are nearly always real words. A refused
draw is drawn again among the allowed symbols only (:meth:`Lexicon.allowed_after`, found from the
words the open word can still become), which samples exactly from the masked distribution.

>>> lexicon = Lexicon.build(["The cave is dark."], ["<end>", " ", ".", "c", "ca", "d", "v", "ve."])
>>> def allowed(open_word):
...     return [s for i, s in enumerate(lexicon.symbols) if lexicon.allows(open_word, i)]
>>> allowed("ca")  # only what spells "cave"
['v', 've.']
>>> allowed("cave")  # a whole word: only what ends it
['<end>', ' ', '.']
>>> [lexicon.advance("ca", lexicon.symbols.index(s)) for s in ("ve.", "v")]  # left open
['', 'cav']
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import numpy.typing as npt

from procgen.models.vocabulary import SLOT

LETTERS = re.compile(r"[A-Za-z']+")


def words(texts: Iterable[str]) -> list[str]:
    """The distinct words of ``texts`` as written, sorted (slots are not words)."""
    parts = (part for text in texts for part in SLOT.split(text))
    return sorted({word for part in parts for word in LETTERS.findall(part)})


@dataclass(frozen=True)
class _Piece:
    """How a symbol's text meets word boundaries: the letters before its first boundary
    (``head``), whether it has one, the whole words inside it, and the letters after its last."""

    head: str
    bounded: bool
    inner: tuple[str, ...] = ()
    tail: str = ""


@dataclass
class Lexicon:
    """The words a model may write, over the symbols of its vocabulary."""

    words: frozenset[str]
    symbols: tuple[str, ...]
    _forms: frozenset[str] = field(init=False, repr=False)  # the words, and each capitalised
    _prefixes: frozenset[str] = field(init=False, repr=False)
    _sorted: list[str] = field(init=False, repr=False)  # the forms, for finding completions
    _pieces: list[_Piece | None] = field(init=False, repr=False)  # None: markers, never refused
    _markers: list[int] = field(init=False, repr=False)
    # Symbols by their leading letters: those with a word boundary, and those of letters only.
    _ending: dict[str, list[int]] = field(init=False, repr=False)
    _continuing: dict[str, list[int]] = field(init=False, repr=False)
    _allows: dict[tuple[str, int], bool] = field(init=False, repr=False)
    _after: dict[str, npt.NDArray[np.int64]] = field(init=False, repr=False)

    @classmethod
    def build(cls, texts: Iterable[str], symbols: Sequence[str]) -> Lexicon:
        return cls(frozenset(words(texts)), tuple(symbols))

    def __post_init__(self) -> None:
        self._forms = self.words | {w[:1].upper() + w[1:] for w in self.words}
        self._prefixes = frozenset(w[:i] for w in self._forms for i in range(1, len(w) + 1))
        self._sorted = sorted(self._forms)
        self._pieces = [_piece(s) for s in self.symbols]
        self._markers, self._ending, self._continuing = [], {}, {}
        for i, piece in enumerate(self._pieces):
            if piece is None:
                self._markers.append(i)
            elif not piece.bounded:
                self._continuing.setdefault(piece.head, []).append(i)
            elif self._check("", replace(piece, head="")):  # its inner words and tail are real
                self._ending.setdefault(piece.head, []).append(i)
        self._allows = {}
        self._after = {}

    def allows(self, open_word: str, symbol: int) -> bool:
        """Whether ``symbol`` may follow while ``open_word`` is being written."""
        key = (open_word, symbol)
        found = self._allows.get(key)
        if found is None:
            found = self._allows[key] = self._check(open_word, self._pieces[symbol])
        return found

    def _check(self, open_word: str, piece: _Piece | None) -> bool:
        if piece is None:
            return True
        joined = open_word + piece.head
        if not piece.bounded:
            return joined in self._prefixes
        return (
            (not joined or joined in self._forms)
            and all(w in self._forms for w in piece.inner)
            and (not piece.tail or piece.tail in self._prefixes)
        )

    def allowed_after(self, open_word: str) -> npt.NDArray[np.int64]:
        """Every symbol that may follow ``open_word``, sorted: what :meth:`allows` allows.

        Found from the other side, from the words ``open_word`` can still become (after a few
        letters, a handful), and computed once per open word.
        """
        found = self._after.get(open_word)
        if found is None:
            first = bisect.bisect_left(self._sorted, open_word)
            last = bisect.bisect_left(self._sorted, open_word + "\U0010ffff")
            rests = {form[len(open_word) :] for form in self._sorted[first:last]}
            if not open_word:
                rests.add("")  # no word open: a boundary may come at once
            heads = {rest[:k] for rest in rests for k in range(1, len(rest) + 1)}
            ids = [*self._markers]
            ids += (i for rest in rests for i in self._ending.get(rest, ()))
            ids += (i for head in heads for i in self._continuing.get(head, ()))
            found = self._after[open_word] = np.unique(np.array(ids, dtype=np.int64))
        return found

    def advance(self, open_word: str, symbol: int) -> str:
        """The word left open once ``symbol`` is written after ``open_word``."""
        piece = self._pieces[symbol]
        if piece is None:
            return open_word
        return piece.tail if piece.bounded else open_word + piece.head


def _piece(symbol: str) -> _Piece | None:
    """A symbol's shape at word boundaries; None for markers (``<end>`` is a boundary)."""
    if symbol.startswith("<") and len(symbol) > 1:
        return _Piece("", True) if symbol == "<end>" else None
    if SLOT.fullmatch(symbol):
        return _Piece("", True)
    runs = re.split(r"[^A-Za-z']", symbol)
    if len(runs) == 1:
        return _Piece(runs[0], False)
    return _Piece(runs[0], True, tuple(r for r in runs[1:-1] if r), runs[-1])
