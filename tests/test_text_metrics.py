"""Text-quality metrics: distinct-n, self-BLEU and copy rate, as defined in METRICS.md.

Small hand-computed cases pin each rule down; self-BLEU is also checked against values from nltk's
``sentence_bleu`` (the function Texygen calls) and, through hypothesis, against a plain loop that
states BLEU literally, one hypothesis and its references at a time.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from procgen.backstory import SENTENCE_END
from procgen.errors import InvalidParameterError
from procgen.text_metrics import (
    EPSILON,
    CopyRate,
    copy_rate,
    distinct_n,
    ngrams,
    self_bleu,
    sentences,
    words,
)

QUESTS = [
    "The knight seeks the silver sword.",
    "The witch seeks the silver ring!",
    "A knight guards the old bridge.",
    "Nobody seeks the old bridge at night.",
]


def test_words_are_lower_case_words_and_punctuation_marks() -> None:
    assert words("The knight's sword,  3 coins!") == [
        "the",
        "knight's",
        "sword",
        ",",
        "3",
        "coins",
        "!",
    ]
    assert words("{name} rides.") == ["{", "name", "}", "rides", "."]


def test_sentences_end_at_a_mark_followed_by_space_or_the_end() -> None:
    assert sentences("One.  Two!\nThree?  Four") == ["One.", "Two!", "Three?", "Four"]
    assert sentences("It costs 3.5 gold   coins. Pay.") == ["It costs 3.5 gold coins.", "Pay."]
    assert sentences("  ") == []


@pytest.mark.parametrize(
    "text", ["One. Two! Three?", "It costs 3.5 gold. Pay now!", "Wait... what? No.", "Go."]
)
def test_sentences_count_as_backstory_does(text: str) -> None:
    assert len(sentences(text)) == len(SENTENCE_END.findall(text))


def test_distinct_n_pools_ngrams_over_all_samples() -> None:
    texts = ["the cat sat", "the cat ran"]
    assert distinct_n(texts, 1) == pytest.approx(4 / 6)  # the cat sat ran, of 6
    assert distinct_n(texts, 2) == pytest.approx(3 / 4)  # "the cat" twice
    assert distinct_n(texts, 3) == 1.0
    assert distinct_n(["Door.", "door"], 1) == pytest.approx(2 / 3)  # door . door


def test_distinct_n_never_joins_two_samples() -> None:
    assert distinct_n(["a b", "a b"], 2) == 0.5  # "a b a b" would have given 2 / 3


def test_self_bleu_of_identical_texts_is_one() -> None:
    assert self_bleu([QUESTS[0]] * 3) == pytest.approx(1.0)


def test_self_bleu_of_texts_sharing_no_word_is_zero() -> None:
    assert self_bleu(["alpha beta gamma", "delta epsilon zeta"]) == 0.0  # as nltk: no unigram


def test_self_bleu_smooths_missing_orders_with_method1() -> None:
    # every word shared, no bigram: precisions 4/4, 0.1/3, 0.1/2, 0.1/1; equal lengths, no penalty
    expected = (1 * EPSILON / 3 * EPSILON / 2 * EPSILON / 1) ** 0.25
    assert self_bleu(["a b c d", "d c b a"]) == pytest.approx(expected)
    assert expected == pytest.approx(0.11362193664674995)  # nltk


def test_self_bleu_brevity_penalty_uses_the_closest_reference_shorter_on_a_tie() -> None:
    # "a b c" against the 6-word text is penalised exp(1 - 6/3); the longer text is not.
    assert self_bleu(["a b c d e f", "a b c"], n=1) == pytest.approx((0.5 + math.exp(-1)) / 2)
    # 4 words between references of 3 and 5: the 3 counts, so no penalty for the first text.
    expected = (1 + math.exp(1 - 4 / 3) + 4 / 5) / 3
    assert self_bleu(["a b c d", "a b c", "a b c d e"], n=1) == pytest.approx(expected)


def test_self_bleu_clips_to_the_most_in_one_other_text() -> None:
    # "a a a a": each other text has one "a", so 1/4 (not 2/4); a text never clips against itself
    assert self_bleu(["a a a a", "a b", "a c"], n=1) == pytest.approx((1 / 4 + 1 / 2 + 1 / 2) / 3)


@pytest.mark.parametrize(
    ("texts", "n", "expected"),
    [
        (QUESTS, 4, 0.18217402722199552),
        (QUESTS, 2, 0.4941143675694665),
        (
            [
                "Bring me the head of the troll, and the village is yours.",
                "Bring me the head of the wolf.",
                "The village needs a hero, and gold is yours.",
            ],
            4,
            0.3775650577651504,
        ),
    ],
)
def test_self_bleu_matches_nltk(texts: list[str], n: int, expected: float) -> None:
    # Values from nltk 3.10 sentence_bleu(others, hypothesis, weights 1/n,
    # smoothing_function=SmoothingFunction().method1) on these words(), averaged as Texygen does.
    assert self_bleu(texts, n) == pytest.approx(expected, rel=1e-12)


def literal_bleu(references: list[list[str]], hypothesis: list[str], n: int) -> float:
    """Sentence BLEU written out as nltk computes it, one reference at a time."""
    log_precisions = []
    for order in range(1, n + 1):
        counts = ngrams(hypothesis, order)
        most = Counter[tuple[str, ...]]()
        for reference in references:
            most |= ngrams(reference, order)
        matched = sum(min(count, most[gram]) for gram, count in counts.items())
        if order == 1 and matched == 0:
            return 0.0
        log_precisions.append(math.log((matched or EPSILON) / max(1, counts.total())))
    hyp = len(hypothesis)
    closest = min((len(r) for r in references), key=lambda r: (abs(r - hyp), r))
    brevity = 1.0 if hyp > closest else math.exp(1 - closest / hyp)
    return brevity * math.exp(sum(log_precisions) / n)


@settings(max_examples=60)
@given(
    st.lists(st.lists(st.sampled_from("abcd."), max_size=8).map(" ".join), min_size=2, max_size=6),
    st.integers(1, 4),
)
def test_self_bleu_equals_the_literal_definition(texts: list[str], n: int) -> None:
    tokens = [words(t) for t in texts]
    scores = [literal_bleu(tokens[:i] + tokens[i + 1 :], h, n) for i, h in enumerate(tokens)]
    assert self_bleu(texts, n) == pytest.approx(sum(scores) / len(scores))


CORPUS = ["The knight seeks the silver sword. He rides north at dawn!", "She nods."]


def test_copy_rate_counts_verbatim_sentences_after_whitespace_normalisation() -> None:
    rate = copy_rate(
        ["The knight  seeks the silver\nsword. He rides north at dawn! She stays."], CORPUS
    )
    assert rate == CopyRate(all=2 / 3, long=1.0, sentences=3, long_sentences=2)


@pytest.mark.parametrize(
    "text",
    [
        "the knight seeks the silver sword.",  # case differs
        "The knight seeks the silver sword again.",  # longer
        "He rides north.",  # a part of a sentence
        "The knight seeks the silver sword",  # no full stop
    ],
)
def test_copy_rate_needs_the_whole_sentence(text: str) -> None:
    assert copy_rate([text], CORPUS).all == 0.0


def test_copy_rate_long_counts_words_not_punctuation() -> None:
    rate = copy_rate(["She nods. He rides north, fast."], CORPUS)  # 2 and 4 words
    assert rate == CopyRate(all=0.5, long=0.0, sentences=2, long_sentences=0)
    rate = copy_rate(["She nods. He rides north at dawn! Then he rests by the river."], CORPUS)
    assert rate == CopyRate(all=2 / 3, long=0.5, sentences=3, long_sentences=2)


def test_copy_rate_never_joins_sentences_across_texts() -> None:
    split = ["The knight seeks", "the silver sword."]
    assert copy_rate(split, CORPUS) == CopyRate(all=0.0, long=0.0, sentences=2, long_sentences=0)
    assert copy_rate(["The knight seeks the silver sword."], split).all == 0.0


@pytest.mark.parametrize(
    "call",
    [
        lambda: distinct_n([], 1),
        lambda: distinct_n(["a b"], 0),
        lambda: distinct_n(["a b", "c"], 3),  # no text has three tokens
        lambda: distinct_n("a b", 1),  # one string, not a list of texts
        lambda: self_bleu([]),
        lambda: self_bleu(["only one text"]),
        lambda: self_bleu(["a", "b"], n=0),
        lambda: copy_rate([], CORPUS),
        lambda: copy_rate([" \n"], CORPUS),
        lambda: copy_rate(["She nods."], []),
        lambda: copy_rate("She nods.", CORPUS),
    ],
)
def test_empty_input_and_bad_order_are_refused(call: Callable[[], object]) -> None:
    with pytest.raises(InvalidParameterError):
        call()
