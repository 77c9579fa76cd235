"""The text models: count baselines, the transformer, its training, sampling and safe loading."""

from __future__ import annotations

import math
import pickle
import re
from pathlib import Path

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from procgen.errors import AssetFormatError, InvalidParameterError, UnknownNameError
from procgen.models import weights
from procgen.models.lexicon import Lexicon
from procgen.models.ngram import AddOneBigram, Document, InterpolatedNGram, best_ngram
from procgen.models.text import TextConfig, TextModel
from procgen.models.text_inference import TextSampler, sample
from procgen.models.text_training import TextSettings, nats, train_text
from procgen.models.vocabulary import Vocabulary

WORDS = ["tam", "tim", "tom", "tum", "mat", "mit", "mot", "mut"] * 8


def documents(words: list[str], vocabulary: Vocabulary) -> list[Document]:
    return [Document((), (*vocabulary.encode(w), vocabulary.end)) for w in words]


@pytest.fixture(scope="module")
def vocabulary() -> Vocabulary:
    return Vocabulary.build(WORDS)


class TestVocabulary:
    @given(text=st.text(alphabet="abc {}.'name", max_size=40))
    def test_subword_encoding_round_trips(self, text: str) -> None:
        """Whatever the merges, decoding an encoded text gives the text back."""
        vocabulary = Vocabulary.build(
            ["a cab bac {name}. abc cab cab", "{name}'s ban", "abc.", "}{e m"], merges=12
        )
        if all(vocabulary.covers(piece) for piece in [text]):
            assert vocabulary.decode(vocabulary.encode(text)) == text

    def test_merges_shorten_prose(self) -> None:
        """Learned merges make frequent words single symbols: fewer steps per sentence."""
        texts = ["the cat sat on the mat with the hat"] * 5
        characters = Vocabulary.build(texts)
        merged = Vocabulary.build(texts, merges=20)
        assert len(merged.encode(texts[0])) < len(characters.encode(texts[0])) / 2

    def test_unknown_characters_are_an_error(self) -> None:
        """A character the vocabulary never saw is named, not dropped."""
        with pytest.raises(UnknownNameError, match="'z'"):
            Vocabulary.build(["abc"], merges=2).encode("abz")


class TestCountBaselines:
    @given(history=st.lists(st.integers(0, 6), max_size=6), order=st.integers(1, 6))
    def test_interpolated_ngram_is_a_distribution(self, history: list[int], order: int) -> None:
        """For any history, the interpolated n-gram's probabilities sum to one."""
        vocabulary = Vocabulary.build(WORDS)
        model = InterpolatedNGram(order, len(vocabulary), vocabulary.begin)
        model.fit(documents(WORDS, vocabulary))
        total = sum(model.probability(history, s) for s in range(len(vocabulary)))
        assert math.isclose(total, 1.0, rel_tol=1e-9)

    def test_add_one_bigram_matches_its_formula(self, vocabulary: Vocabulary) -> None:
        """The bigram's loss is the add-one count formula, symbol by symbol."""
        docs = documents(["ab"], Vocabulary.build(["ab"]))
        size = len(Vocabulary.build(["ab"]))
        total, count = AddOneBigram(size, 0).fit(docs).nats(docs)
        # begin->a, a->b, b->end each seen once after a history seen once
        assert count == 3
        assert math.isclose(total, -3 * math.log(2 / (1 + size)))

    def test_longer_histories_win_on_structured_text(self, vocabulary: Vocabulary) -> None:
        """On words with a fixed shape, a trigram beats a unigram: the baseline is a real model."""
        docs = documents(WORDS, vocabulary)
        best, per_order = best_ngram(docs, docs, len(vocabulary), vocabulary.begin, (1, 3))
        assert best == 3 and per_order[3] < per_order[1]


class TestTransformer:
    def test_the_numpy_sampler_computes_the_same_logits(self, tmp_path: Path) -> None:
        """Decoding one symbol at a time in numpy gives the logits of one PyTorch pass."""
        torch.manual_seed(0)
        config = TextConfig(vocab_size=11, block_size=12)
        model = TextModel(config).eval()
        with torch.no_grad():  # trained norms are not (1, 0): the folding must be exercised
            for name, parameter in model.named_parameters():
                if "norm" in name or name.endswith("bias"):
                    parameter.add_(torch.randn_like(parameter) * 0.3)
        vocabulary = Vocabulary(("<begin>", "<end>", *"abcdefghi"))
        card = weights.TextCard("text", config.to_dict(), vocabulary.symbols)
        weights.save_text(tmp_path / "m.safetensors", model, card)
        sampler = TextSampler.load(tmp_path / "m.safetensors", config.n_layer, config.n_head)
        symbols = torch.randint(0, 11, (2, 9))
        with torch.no_grad():
            full = model(symbols).numpy()
        logits, cache = sampler.step(symbols[:, :4].numpy(), None)
        steps = [logits]
        for t in range(4, 9):
            logits, cache = sampler.step(symbols[:, t : t + 1].numpy(), cache)
            steps.append(logits)
        np.testing.assert_allclose(np.stack(steps, 1), full[:, 3:], atol=1e-4, rtol=1e-4)

    def test_training_learns_the_corpus(self, vocabulary: Vocabulary) -> None:
        """A few hundred steps take the loss far below uniform guessing."""
        docs = documents(WORDS, vocabulary)
        config = TextConfig(vocab_size=len(vocabulary), block_size=4, n_layer=1, n_embd=32)
        result = train_text(docs, config, TextSettings(steps=150), begin=vocabulary.begin)
        total, count = nats(result.model, docs, vocabulary.begin)
        assert total / count < 0.6 * math.log(len(vocabulary))

    def test_training_is_reproducible(self, vocabulary: Vocabulary) -> None:
        """The same seed and settings give the same weights."""
        docs = documents(WORDS, vocabulary)
        config = TextConfig(vocab_size=len(vocabulary), block_size=4, n_layer=1, n_embd=16)
        runs = [
            train_text(docs, config, TextSettings(steps=20, seed=3), begin=0).model
            for _ in range(2)
        ]
        for a, b in zip(runs[0].state_dict().values(), runs[1].state_dict().values(), strict=True):
            assert torch.equal(a, b)

    def test_documents_longer_than_the_model_are_refused(self, vocabulary: Vocabulary) -> None:
        """A corpus that does not fit the context is a clear error, not a silent truncation."""
        docs = documents(["tomtomtom"], vocabulary)
        config = TextConfig(vocab_size=len(vocabulary), block_size=4)
        with pytest.raises(InvalidParameterError, match="positions"):
            train_text(docs * 10, config, TextSettings(steps=1), begin=0)


@pytest.fixture(scope="module")
def sampler(tmp_path_factory: pytest.TempPathFactory) -> TextSampler:
    """An untrained model's sampler: sampling rules do not depend on training."""
    torch.manual_seed(0)
    config = TextConfig(vocab_size=9, block_size=16)
    path = tmp_path_factory.mktemp("text") / "m.safetensors"
    vocabulary = Vocabulary(("<begin>", "<end>", *"abcdefg"))
    card = weights.TextCard("text", config.to_dict(), vocabulary.symbols)
    weights.save_text(path, TextModel(config).eval(), card)
    return TextSampler.load(path, config.n_layer, config.n_head)


class TestSampling:
    def test_a_sample_depends_on_its_seed_only(self, sampler: TextSampler) -> None:
        """Sampled beside other sequences or alone, a seed gives the same symbols."""

        def run(seeds: list[int]) -> list[list[int]]:
            rngs = [np.random.default_rng(s) for s in seeds]
            return sample(sampler, [[0]] * len(seeds), end=1, max_length=10, rngs=rngs)

        together = run([5, 6, 7])
        assert run([6]) == [together[1]]
        assert all(len(s) <= 10 and 1 not in s for s in together)

    def test_banned_symbols_never_appear(self, sampler: TextSampler) -> None:
        """Condition and begin symbols are never sampled as text."""
        rngs = [np.random.default_rng(s) for s in range(20)]
        out = sample(sampler, [[0]] * 20, end=1, max_length=12, rngs=rngs, banned=[0, 2])
        assert not any({0, 2} & set(s) for s in out)

    def test_a_lexicon_admits_only_its_words(self) -> None:
        """With a lexicon, every word written is one of its words (or one capitalised)."""
        torch.manual_seed(0)
        symbols = ("<begin>", "<end>", " ", ".", *"abcdeo", "ab", " ca", "e.")
        config = TextConfig(vocab_size=len(symbols), block_size=40)
        model = TextModel(config).eval()
        lexicon = Lexicon(frozenset({"cab", "bad", "code", "a", "dab"}), symbols)
        rngs = [np.random.default_rng(s) for s in range(30)]
        state = {name: t.numpy() for name, t in model.state_dict().items()}
        sampler = TextSampler(state, config.n_layer, config.n_head)
        drafts = sample(
            sampler, [[0]] * 30, end=1, max_length=30, rngs=rngs, banned=[0], lexicon=lexicon
        )
        texts = ["".join(symbols[i] for i in ids) for ids in drafts if len(ids) < 30]  # ended
        written = {w for text in texts for w in re.findall(r"[A-Za-z']+", text)}
        assert written and written <= {"cab", "bad", "code", "a", "dab"}

    @given(word=st.sampled_from(["", "c", "ca", "cab", "Ca", "co", "cod", "x", "da", "Dab"]))
    def test_the_allowed_set_is_what_allows_allows(self, word: str) -> None:
        """Finding the allowed symbols from a word's completions agrees with checking each."""
        symbols = ("<begin>", "<end>", " ", ".", *"abcdeo", "ab", " ca", "e.", "de.", "b c")
        lexicon = Lexicon(frozenset({"cab", "bad", "code", "a", "dab"}), symbols)
        expected = [i for i in range(len(symbols)) if lexicon.allows(word, i)]
        assert lexicon.allowed_after(word).tolist() == expected

    def test_cutting_short_changes_no_choice(self, sampler: TextSampler) -> None:
        """Stopping the drafts after an accepted one leaves the first accepted draft as it was."""

        def accept(row: int, ids: list[int]) -> bool:
            return len(ids) % 2 == 0

        def first_accepted(groups: list[int] | None) -> list[list[int] | None]:
            rngs = [np.random.default_rng(s) for s in range(12)]
            kwargs = {"groups": groups, "accept": accept} if groups else {}
            out = sample(sampler, [[0]] * 12, end=1, max_length=14, rngs=rngs, **kwargs)
            rows = [range(4), range(4, 8), range(8, 12)]
            return [
                next((out[r] for r in group if len(out[r]) < 14 and accept(r, out[r])), None)
                for group in rows
            ]

        assert first_accepted([0] * 4 + [1] * 4 + [2] * 4) == first_accepted(None)


class TestWeightsFiles:
    def test_round_trip(self, tmp_path: Path, vocabulary: Vocabulary) -> None:
        """A saved text model loads back with its card and identical outputs."""
        torch.manual_seed(0)
        config = TextConfig(vocab_size=len(vocabulary), block_size=8)
        model = TextModel(config).eval()
        card = weights.TextCard("names", config.to_dict(), vocabulary.symbols, {"steps": 1})
        weights.save_text(tmp_path / "m.safetensors", model, card)
        loaded, loaded_card = weights.load_text(tmp_path / "m.safetensors")
        assert loaded_card == card
        symbols = torch.randint(0, len(vocabulary), (1, 8))
        with torch.no_grad():
            assert torch.equal(loaded(symbols), model(symbols))

    def test_a_pickle_is_refused_without_running_it(self, tmp_path: Path) -> None:
        """A pickled payload posing as weights is an error and never executes."""
        marker = tmp_path / "ran"
        hostile = tmp_path / "evil.safetensors"
        hostile.write_bytes(pickle.dumps(_Exploit(str(marker))))
        with pytest.raises(AssetFormatError):
            weights.load_text(hostile)
        assert not marker.exists()

    def test_a_grid_model_is_not_a_text_model(self, tmp_path: Path) -> None:
        """Files of the other model family are named as such."""
        from procgen.data import TILE_WEIGHTS

        with pytest.raises(AssetFormatError, match="not a procgen text model"):
            weights.read_text_card(TILE_WEIGHTS)


class _Exploit:
    def __init__(self, path: str) -> None:
        self.path = path

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (Path.touch, (self.path,))  # type: ignore[return-value]
