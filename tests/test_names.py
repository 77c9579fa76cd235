"""Names: reading a studio's name list, training on it, and the filter on every returned name."""

from __future__ import annotations

from pathlib import Path

import pytest

from procgen.cli import main
from procgen.errors import AssetFormatError, UnknownNameError
from procgen.names import NAME_CORPUS, NameModel, blocklist, read_names, train_names
from procgen.writing import split

SYLLABLES = {
    "hill": ["bra", "dun", "gor", "ma", "rik", "tor", "ulf", "va"],
    "shore": ["li", "sa", "mer", "el", "wyn", "ia", "th", "ol"],
}


def name_list(count: int) -> str:
    """A small styled name list made of style-specific syllables (deterministic)."""
    lines = []
    for style, parts in SYLLABLES.items():
        for i in range(count):
            a, b, c = parts[i % 8], parts[(i // 8) % 8], parts[(i // 64) % 8]
            lines.append(f"{(a + b + c[: i % 3]).capitalize()}\t{style}")
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("names")
    data = folder / "names.tsv"
    data.write_text(name_list(120))
    out = folder / "names.safetensors"
    train_names(data, out, steps=150, seed=0, progress=False)
    return data, out


class TestReadingANameList:
    def test_styles_are_optional_but_all_or_none(self, tmp_path: Path) -> None:
        """A list gives a style for every name or for none; mixing is an error."""
        plain = tmp_path / "plain.txt"
        plain.write_text("\n".join(f"Name{chr(97 + i)}" for i in range(12)) + "\n")
        assert read_names(plain).styles is None
        mixed = tmp_path / "mixed.txt"
        mixed.write_text(plain.read_text() + "Odd\tnorth\n")
        with pytest.raises(AssetFormatError, match="every name or for none"):
            read_names(mixed)

    @pytest.mark.parametrize(
        ("content", "message"),
        [
            ("", "at least 10 names"),
            ("a\tb\tc\n" * 12, "expected 'name'"),
            ("x" * 30 + "\n", "longer than"),
            ("Ann\tnot a word\n" * 12, "not a simple word"),
        ],
    )
    def test_malformed_lists_are_clear_errors(
        self, tmp_path: Path, content: str, message: str
    ) -> None:
        """Empty, malformed and oversized lines are named, with their line number."""
        path = tmp_path / "bad.txt"
        path.write_text(content)
        with pytest.raises(AssetFormatError, match=message):
            read_names(path)

    def test_the_shipped_corpus_reads(self) -> None:
        """The shipped list is in the same format a studio's list is."""
        names = read_names(NAME_CORPUS)
        assert len(names.names) >= 2000
        assert names.styles is not None and len(set(names.styles)) >= 3

    def test_the_held_out_split_is_stable(self) -> None:
        """The test split is a fixed tenth or so, chosen by position, not by seed."""
        train, test = split(1000)
        assert 70 <= len(test) <= 130
        assert not set(train) & set(test)
        assert split(1000) == (train, test)


class TestTrainedNameModel:
    def test_training_reports_the_baselines(self, trained: tuple[Path, Path]) -> None:
        """Training records held-out loss of the model beside the n-gram and bigram."""
        model = NameModel(trained[1])
        figures = model.card.training["heldout_nats_per_char"]
        assert set(figures) == {"model", "ngram", "bigram"}
        assert model.styles == ("hill", "shore")

    def test_returned_names_pass_the_filter(self, trained: tuple[Path, Path]) -> None:
        """No returned name is in the training list or contains a blocklisted word."""
        model = NameModel(trained[1])
        corpus = {n.lower() for n in read_names(trained[0]).names}
        for seed in range(40):
            name = model.generate("hill", seed)[0]
            assert name.lower() not in corpus
            assert not any(word in name.lower() for word in blocklist())

    def test_the_filter_rejects_corpus_names_and_blocklisted_words(
        self, trained: tuple[Path, Path]
    ) -> None:
        """The filter itself: a corpus name, a blocked word, a one-letter name all fail."""
        model = NameModel(trained[1])
        corpus_name = read_names(trained[0]).names[0]
        assert not model.acceptable(corpus_name)
        assert not model.acceptable("Ma" + blocklist()[0] + "ra")
        assert not model.acceptable("A")

    def test_names_are_reproducible(self, trained: tuple[Path, Path]) -> None:
        """The same seed gives the same name."""
        model = NameModel(trained[1])
        assert model.generate("shore", 11, count=3) == model.generate("shore", 11, count=3)

    def test_unknown_style_is_named(self, trained: tuple[Path, Path]) -> None:
        """A style the model was not trained on is an error listing the known ones."""
        with pytest.raises(UnknownNameError, match="hill, shore"):
            NameModel(trained[1]).generate("desert", 0)


class TestTrainNamesCommand:
    def test_prints_the_held_out_comparison(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """`procgen train names` trains on any list and prints model, n-gram and bigram loss."""
        data = tmp_path / "list.tsv"
        data.write_text(name_list(40))
        out = tmp_path / "mine.safetensors"
        assert main(["train", "names", "--data", str(data), "--out", str(out), "--steps", "5"]) == 0
        printed = capsys.readouterr().out
        assert "n-gram" in printed and "bigram" in printed and out.is_file()

    def test_a_missing_list_is_one_line_and_exit_2(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """No such file: exit 2, one readable line, nothing written."""
        out = tmp_path / "x.safetensors"
        code = main(["train", "names", "--data", str(tmp_path / "nope"), "--out", str(out)])
        assert code == 2
        assert capsys.readouterr().err.count("\n") == 1
        assert not out.exists()
