"""procgen.character(): whole characters from the shipped models, as schema-valid assets."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import yaml
from PIL import Image

import procgen
from procgen import backstory as backstory_module
from procgen.backstory import names_role, template
from procgen.cli import main
from procgen.errors import ExportError, InvalidParameterError, UnknownNameError
from procgen.models.sprites import sprite_model
from procgen.names import name_model
from procgen.prose import prose_model
from procgen.schemas import validator
from procgen.sprites import components, mirror_iou
from procgen.sprites.paperdoll import ROLES


@pytest.fixture(scope="module")
def cast() -> list[procgen.Character]:
    return [procgen.character(seed=seed, level=1 + seed % 100) for seed in range(60)]


class TestCharacter:
    def test_every_character_is_schema_valid(self, cast: list[procgen.Character]) -> None:
        """Documents validate against schemas/character.schema.json with plain jsonschema."""
        for hero in cast:
            assert validator("character").is_valid(json.loads(hero.to_json()))

    def test_the_same_seed_gives_the_same_bytes(self) -> None:
        """Seed, role, level and style fix the character, byte for byte."""
        first = procgen.character(seed=41, role="rogue", level=9, style="desert")
        again = procgen.character(seed=41, role="rogue", level=9, style="desert")
        assert first.to_json() == again.to_json() and first.png() == again.png()

    def test_requests_are_honoured(self) -> None:
        """Role, level and naming style come out as asked."""
        hero = procgen.character(seed=3, role="mage", level=12, style="northern")
        assert (hero.role, hero.level, hero.style) == ("mage", 12, "northern")

    def test_names_are_new_and_mostly_distinct(self, cast: list[procgen.Character]) -> None:
        """No name is copied from the name corpus, and names rarely repeat."""
        names = [hero.name for hero in cast]
        assert not {n.lower() for n in names} & name_model().known
        assert len(set(names)) >= 0.95 * len(names)

    def test_backstories_name_the_character_and_role(self, cast: list[procgen.Character]) -> None:
        """Every backstory mentions the character's name and its role."""
        for hero in cast:
            assert hero.name in hero.backstory
            assert names_role(hero.backstory, hero.role)
            assert "{" not in hero.backstory

    def test_backstory_samples_decoded_together_change_only_the_speed(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Sample n always has seed n, so the first acceptable backstory is kept whatever the
        batch (18 requests: at 61% of samples kept, some take more than one)."""
        requests = [(ROLES[n % len(ROLES)], n) for n in range(18)]
        shipped = [template(prose_model(), role, seed) for role, seed in requests]
        for batch in (1, 4):
            monkeypatch.setattr(backstory_module, "BATCH", batch)
            assert [template(prose_model(), role, seed) for role, seed in requests] == shipped

    def test_sprites_are_characters_not_copies(self, cast: list[procgen.Character]) -> None:
        """Sprites are never training copies, and are mostly one symmetric silhouette."""
        model = sprite_model()
        pixels = [hero.sprite.pixels for hero in cast]
        assert not any(model.is_training_copy(p) for p in pixels)
        assert np.median([mirror_iou(p != 0) for p in pixels]) >= 0.85
        assert np.mean([components(p != 0) == 1 for p in pixels]) >= 0.8

    def test_higher_levels_are_stronger(self) -> None:
        """A level-40 warrior outclasses a level-1 warrior on average."""
        low = [procgen.character(seed=s, role="warrior", level=1).stats["hp"] for s in range(8)]
        high = [procgen.character(seed=s, role="warrior", level=40).stats["hp"] for s in range(8)]
        assert np.mean(high) > 5 * np.mean(low)

    @pytest.mark.parametrize(
        ("arguments", "error"),
        [
            ({"role": "wizard"}, UnknownNameError),
            ({"level": 0}, InvalidParameterError),
            ({"level": 10**9}, InvalidParameterError),
            ({"level": 2.5}, InvalidParameterError),
            ({"style": "klingon"}, UnknownNameError),
            ({"seed": -1}, InvalidParameterError),
        ],
    )
    def test_bad_requests_are_clear_errors(
        self, arguments: dict[str, object], error: type[Exception]
    ) -> None:
        """Unknown role or style, or a level out of range, is a ProcgenError naming it."""
        with pytest.raises(error):
            procgen.character(**{"seed": 1, **arguments})  # type: ignore[arg-type]


class TestSavingCharacters:
    def test_formats_by_extension(self, tmp_path: Path) -> None:
        """.json and .yaml hold the same document; .png is the sprite, scaled up."""
        hero = procgen.character(seed=5, role="guard")
        hero.save(tmp_path / "hero.json")
        hero.save(tmp_path / "hero.yaml")
        hero.save(tmp_path / "hero.png")
        document = json.loads((tmp_path / "hero.json").read_text())
        assert yaml.safe_load((tmp_path / "hero.yaml").read_text()) == document
        with Image.open(tmp_path / "hero.png") as image:
            assert image.size == (128, 128) and image.mode == "RGBA"

    def test_unknown_format_writes_nothing(self, tmp_path: Path) -> None:
        """An unknown extension is an ExportError and no file appears."""
        with pytest.raises(ExportError):
            procgen.character(seed=5).save(tmp_path / "hero.bmp")
        assert not list(tmp_path.iterdir())


class TestCharacterCommand:
    def test_writes_the_asked_character(self, in_tmp: Path) -> None:
        """`procgen character --seed 3 --role mage -o hero.yaml` writes a valid mage."""
        assert main(["character", "--seed", "3", "--role", "mage", "-o", "hero.yaml"]) == 0
        document = yaml.safe_load(Path("hero.yaml").read_text())
        assert document["role"] == "mage" and validator("character").is_valid(document)

    @pytest.mark.parametrize(
        "arguments",
        [["--role", "wizard"], ["--level", "0"], ["--style", "klingon"], ["-o", "nope/x.json"]],
    )
    def test_bad_arguments_exit_2_with_one_line(
        self, in_tmp: Path, arguments: list[str], capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Bad input: exit 2, one readable line, nothing written."""
        assert main(["character", "--seed", "1", *arguments]) == 2
        assert capsys.readouterr().err.count("\n") == 1
        assert not list(Path().iterdir())


def test_roles_are_the_schema_roles() -> None:
    """The roles procgen generates are exactly the schema's vocabulary."""
    schema = validator("character").schema
    assert tuple(schema["properties"]["role"]["enum"]) == ROLES
