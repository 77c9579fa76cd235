"""Training the text models on your own writing: `procgen train prose` and `procgen train text`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from procgen.cli import main
from procgen.documents import MAX_CHARACTERS, read_documents
from procgen.errors import AssetFormatError
from procgen.prose import ProseModel

QUEST = {
    "motivation": "wealth",
    "strategy": "gather_raw_materials",
    "actions": ["goto", "gather"],
    "title": "Ore from {place}",
    "offer": "Bring {count} {item} from {place} and take {reward}.",
    "progress": "Still digging?",
    "complete": "Good ore. Thank you.",
}


def story_file(folder: Path) -> Path:
    data = folder / "stories.jsonl"
    lines = [
        json.dumps({"role": role, "text": f"{{name}} was a {role} of {{place}} once, {n}."})
        for role in ("guard", "merchant")
        for n in range(15)
    ]
    data.write_text("\n".join(lines) + "\n")
    return data


def quest_folder(folder: Path) -> Path:
    quests = folder / "quests"
    quests.mkdir()
    records = [{**QUEST, "progress": f"Still digging, day {n}?"} for n in range(6)]
    (quests / "wealth.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    return quests


class TestTrainProse:
    def test_backstories_and_quests_train_one_model(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """The prose model learns both corpora under their conditions and prints the baselines."""
        out = tmp_path / "prose.safetensors"
        arguments = ["train", "prose", "--data", str(story_file(tmp_path))]
        arguments += ["--quests", str(quest_folder(tmp_path)), "--out", str(out), "--steps", "3"]
        assert main(arguments) == 0
        printed = capsys.readouterr().out
        assert "n-gram" in printed and "54 texts" in printed
        model = ProseModel(out)
        texts = model.write(["part:offer", "motivation:wealth", "actions:goto+gather"], [1, 2])
        assert len(texts) == 2
        assert model.write(["part:backstory", "role:guard"], [1]) == model.write(
            ["part:backstory", "role:guard"], [1]
        )

    def test_it_needs_something_to_read(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        assert main(["train", "prose", "--out", str(tmp_path / "x.safetensors")]) == 2
        assert "--quests" in capsys.readouterr().err

    def test_a_malformed_record_is_named(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A line that is not a backstory record: exit 2, the file and line in one line."""
        data = tmp_path / "stories.jsonl"
        data.write_text('{"role": "guard", "text": "{name} keeps watch."}\n[1, 2]\n')
        out = tmp_path / "x.safetensors"
        assert main(["train", "prose", "--data", str(data), "--out", str(out)]) == 2
        assert ":2:" in capsys.readouterr().err and not out.exists()


class TestTrainText:
    def test_documents_separated_by_blank_lines(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        data = tmp_path / "barks.txt"
        barks = [
            f"Halt! Who goes there, traveller number {n}?\nState your business." for n in range(30)
        ]
        data.write_text("\n\n".join(barks) + "\n")
        out = tmp_path / "barks.safetensors"
        assert main(["train", "text", "--data", str(data), "--out", str(out), "--steps", "3"]) == 0
        printed = capsys.readouterr().out
        assert "30 documents" in printed and "n-gram" in printed and out.is_file()

    def test_a_json_list_of_strings(self, tmp_path: Path) -> None:
        data = tmp_path / "lore.json"
        data.write_text(json.dumps(["First tale.", "  ", "Second tale,\n\nin two parts."]))
        assert read_documents(data) == ["First tale.", "Second tale,\n\nin two parts."]

    def test_blank_lines_split_documents_even_with_trailing_spaces(self, tmp_path: Path) -> None:
        data = tmp_path / "lore.txt"
        data.write_text("One line.\nStill one.\n   \nTwo.\n\n\n\nThree.")
        assert read_documents(data) == ["One line.\nStill one.", "Two.", "Three."]

    @pytest.mark.parametrize(
        ("name", "content", "message"),
        [
            ("lore.json", '{"text": "a story"}', "list of strings"),
            ("lore.json", "[1, 2]", "list of strings"),
            ("lore.json", "[unclosed", "not JSON"),
            ("lore.txt", "x" * (MAX_CHARACTERS + 1), "at most"),
        ],
    )
    def test_bad_corpora_are_refused_clearly(
        self, tmp_path: Path, name: str, content: str, message: str
    ) -> None:
        data = tmp_path / name
        data.write_text(content)
        with pytest.raises(AssetFormatError, match=message):
            read_documents(data)

    def test_too_few_documents(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        data = tmp_path / "two.txt"
        data.write_text("One.\n\nTwo.\n")
        out = tmp_path / "x.safetensors"
        assert main(["train", "text", "--data", str(data), "--out", str(out)]) == 2
        assert "at least 10" in capsys.readouterr().err and not out.exists()
