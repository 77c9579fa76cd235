"""Text-quality metrics for generated prose, exactly as defined in the project's METRICS reference.

- :func:`distinct_n` (Li et al. 2016): how many of the n-grams of a set of samples differ;
- :func:`self_bleu` (Texygen, Zhu et al. 2018): how much each sample repeats the others;
- :func:`copy_rate`: how many generated sentences are lifted verbatim from the training corpus.

Every metric sees text through :func:`words` and :func:`sentences`, so numbers stay comparable
across models and with the human reference values quoted in METRICS.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from procgen.errors import InvalidParameterError

#: A word (letters, digits, apostrophes) or a single punctuation mark.
TOKEN = re.compile(r"[\w']+|[^\w\s]")
WORD = re.compile(r"[\w']+")
#: Whitespace after . ! or ?: the boundary of ``procgen.backstory.SENTENCE_END``.
SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+")
#: Sentences of this many words (punctuation not counted) or more are "long" for the copy rate.
LONG_SENTENCE = 5
#: SmoothingFunction().method1's epsilon: the count given to an n-gram order with no match.
EPSILON = 0.1

Ngram = tuple[str, ...]


def words(text: str) -> list[str]:
    """Lower-cased words and punctuation marks of ``text``: the tokens every n-gram metric counts.

    Lower case makes a sentence-initial "The" and a mid-sentence "the" one word; punctuation is a
    token of its own (as in nltk's ``word_tokenize``, which Texygen uses): "door." matches "door".
    """
    return TOKEN.findall(text.lower())


def sentences(text: str) -> list[str]:
    """The sentences of ``text``, whitespace collapsed to single spaces, case and punctuation kept.

    A sentence ends at . ! or ? followed by whitespace or the end of the text, the rule of
    ``procgen.backstory.SENTENCE_END``, so both count the same sentences; words after the last
    mark form a sentence too. Case is kept because the copy rate asks for verbatim copies, and a
    model that learned its corpus reproduces the capitals too; only layout whitespace is ignored.
    """
    return [" ".join(part.split()) for part in SENTENCE_BREAK.split(text) if part.strip()]


def ngrams(tokens: Sequence[str], n: int) -> Counter[Ngram]:
    return Counter(zip(*(tokens[i:] for i in range(n)), strict=False))


def distinct_n(texts: Sequence[str], n: int) -> float:
    """Unique n-grams / all n-grams, pooled over ``texts`` (Li et al. 2016); 1.0 = no repeats.

    N-grams never span two texts: a sample's last word and the next sample's first are unrelated.
    """
    _check(texts, n)
    pooled: Counter[Ngram] = Counter()
    for text in texts:
        pooled.update(ngrams(words(text), n))
    if not pooled:
        raise InvalidParameterError(f"no text has {n} tokens, so there are no {n}-grams")
    return len(pooled) / pooled.total()


def self_bleu(texts: Sequence[str], n: int = 4) -> float:
    """Mean BLEU-n of each text against all the others as references (Texygen); lower = diverse.

    Each score is nltk's ``sentence_bleu`` as Texygen calls it: weights 1/n for orders 1..n,
    n-gram counts clipped to the most any single reference has, brevity penalty from the reference
    length closest to the hypothesis's (the shorter on a tie), and ``SmoothingFunction().method1``:
    an order with no matching n-gram counts ``EPSILON`` = 0.1 matches instead of 0. That smoothing
    is Texygen's, so the published values (human quest text 0.21, GPT-2 0.50) are comparable; with
    none, one missing 4-gram zeroes a sample's score, and the mean would count samples that share
    a 4-gram rather than measure how much they share. As in nltk, a text sharing no word with any
    other scores exactly 0.

    Each text's n-grams are counted once; per n-gram the two largest counts over all texts (and
    the owner of the largest) give "the most in any *other* text" in O(1), so the cost is linear
    in the number of n-grams rather than quadratic in the number of texts.
    """
    _check(texts, n)
    if len(texts) < 2:
        raise InvalidParameterError("self-BLEU needs at least two texts")
    tokens = [words(text) for text in texts]
    matched = np.zeros((len(texts), n))
    possible = np.zeros((len(texts), n))
    for order in range(1, n + 1):
        counts = [ngrams(t, order) for t in tokens]
        top = _top_two(counts)
        for i, own in enumerate(counts):
            matched[i, order - 1] = sum(
                min(count, _most_in_others(top[gram], i)) for gram, count in own.items()
            )
            possible[i, order - 1] = max(1, own.total())
    lengths = np.array([len(t) for t in tokens])
    # per text, the other text's length nearest its own, the shorter on a tie (nltk's rule)
    key = np.abs(lengths[None, :] - lengths[:, None]) * (lengths.max() + 1.0) + lengths[None, :]
    np.fill_diagonal(key, np.inf)
    closest = lengths[key.argmin(axis=1)]
    brevity = np.where(lengths > closest, 1.0, np.exp(1 - closest / np.maximum(lengths, 1)))
    precision = np.where(matched > 0, matched, EPSILON) / possible
    scores = np.where(matched[:, 0] > 0, brevity * np.exp(np.log(precision).mean(axis=1)), 0.0)
    return float(scores.mean())


def _top_two(counts: list[Counter[Ngram]]) -> dict[Ngram, tuple[int, int, int]]:
    """Per n-gram: its largest count in one text, that text's index, and the largest elsewhere."""
    top: dict[Ngram, tuple[int, int, int]] = {}
    for owner, own in enumerate(counts):
        for gram, count in own.items():
            best, best_owner, second = top.get(gram, (0, -1, 0))
            if count > best:
                top[gram] = (count, owner, best)
            elif count > second:
                top[gram] = (best, best_owner, count)
    return top


def _most_in_others(top: tuple[int, int, int], text: int) -> int:
    best, best_owner, second = top
    return second if best_owner == text else best


@dataclass(frozen=True)
class CopyRate:
    """Shares of generated sentences found verbatim in the training corpus.

    ``long`` covers sentences of ``LONG_SENTENCE`` or more words, where a copy cannot be chance
    (a short "He nods." may be); it is 0.0 when there are none, which ``long_sentences`` shows.
    """

    all: float
    long: float
    sentences: int
    long_sentences: int


def copy_rate(texts: Iterable[str], corpus: Iterable[str]) -> CopyRate:
    """Share of the sentences of ``texts`` that are also a sentence of ``corpus``, verbatim.

    Texts are split one by one, so a sentence never spans two texts; both sides go through
    :func:`sentences`, so only whitespace layout may differ between a sentence and its copy.
    """
    if isinstance(texts, str) or isinstance(corpus, str):
        raise InvalidParameterError("texts and corpus are collections of texts, not one string")
    known = {sentence for text in corpus for sentence in sentences(text)}
    generated = [sentence for text in texts for sentence in sentences(text)]
    if not known or not generated:
        raise InvalidParameterError("copy rate needs generated text and a corpus, both non-empty")
    long = [s for s in generated if len(WORD.findall(s)) >= LONG_SENTENCE]
    copied = sum(s in known for s in generated)
    copied_long = sum(s in known for s in long)
    return CopyRate(
        all=copied / len(generated),
        long=copied_long / len(long) if long else 0.0,
        sentences=len(generated),
        long_sentences=len(long),
    )


def _check(texts: Sequence[str], n: int) -> None:
    if isinstance(texts, str) or not texts:
        raise InvalidParameterError("expected a non-empty sequence of texts, not one string")
    if n < 1:
        raise InvalidParameterError(f"n-gram order must be at least 1, got {n}")
