"""The sprite model: the grid model trained on sprites, from paper dolls or a folder of PNGs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from procgen.cli import main
from procgen.errors import AssetFormatError, UnknownNameError
from procgen.models import weights
from procgen.models.sprites import SpriteModel, digest, remove_specks, train_sprites
from procgen.sprites import paperdoll, sprite_png


@pytest.fixture(scope="module")
def png_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A user's sprites: PNGs at 2x in one folder per role."""
    folder = tmp_path_factory.mktemp("sprites")
    for role in ("guard", "mage"):
        (folder / role).mkdir()
        rng = np.random.default_rng(["guard", "mage"].index(role))
        for n in range(12):
            (folder / role / f"{n}.png").write_bytes(sprite_png(paperdoll(role, rng), scale=2))
    return folder


@pytest.fixture(scope="module")
def png_model(png_folder: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("model") / "mine.safetensors"
    train_sprites(out, data=png_folder, steps=30, progress=False)
    return out


class TestTrainingOnAUsersPNGs:
    def test_roles_and_palette_come_from_the_folder(self, png_model: Path) -> None:
        """Sub-folders are the roles; the slots are one shared palette of at most 15 colours."""
        card = weights.read_card(png_model)
        assert card.kind == "sprites" and card.styles == ("guard", "mage")
        assert 2 <= len(card.tileset) <= 16

    def test_samples_are_sprites_in_the_models_colours(self, png_model: Path) -> None:
        """Samples are 16x16 slot grids; their palette is the model's own colours."""
        model = SpriteModel(png_model)
        pixels = model.sample("mage", [1, 2, 3])
        assert all(p.shape == (16, 16) and p.max() < len(model.card.tileset) for p in pixels)
        palette = model.palette("mage", np.random.default_rng(0))
        assert len(palette) == len(model.card.tileset)

    def test_characters_use_it_and_pick_roles_it_can_draw(self, png_model: Path) -> None:
        """procgen.character(sprites=...) draws with your model, in the roles it knows."""
        import procgen

        heroes = [procgen.character(seed=s, sprites=png_model) for s in range(6)]
        assert {hero.role for hero in heroes} <= {"guard", "mage"}
        assert all(
            hero.meta["weights"]["sprites"] == SpriteModel(png_model).sha256 for hero in heroes
        )

    def test_an_unknown_role_is_named(self, png_model: Path) -> None:
        """Roles the folder did not have are an error listing the known ones."""
        with pytest.raises(UnknownNameError, match="guard, mage"):
            SpriteModel(png_model).sample("boss", [0])

    def test_an_empty_folder_is_a_clear_error(self, tmp_path: Path) -> None:
        """No <role>/*.png at all: one error naming the folder, nothing written."""
        with pytest.raises(AssetFormatError, match="no sprites"):
            train_sprites(tmp_path / "out.safetensors", data=tmp_path, steps=1)
        assert not (tmp_path / "out.safetensors").exists()

    def test_the_command_trains_on_the_paper_dolls_by_default(self, tmp_path: Path) -> None:
        """`procgen train sprites` without --data trains on the paper-doll corpus."""
        out = tmp_path / "dolls.safetensors"
        assert main(["train", "sprites", "--out", str(out), "--steps", "2"]) == 0
        card = weights.read_card(out)
        assert card.training["source"] == "paperdoll" and len(card.styles) == 9


class TestCleaning:
    def test_specks_go_and_the_figure_stays(self) -> None:
        """Islands of a few pixels beside the figure are cleared; the figure is untouched."""
        pixels = np.zeros((8, 8), dtype=np.uint8)
        pixels[2:6, 2:5] = 6
        pixels[0, 7] = 1
        cleaned = remove_specks(pixels)
        assert cleaned[0, 7] == 0 and (cleaned[2:6, 2:5] == 6).all()

    def test_digests_tell_grids_apart(self) -> None:
        """Two grids differing in one pixel have different digests; equal grids equal ones."""
        a = np.zeros((16, 16), dtype=np.uint8)
        b = a.copy()
        b[3, 3] = 1
        assert digest(a) != digest(b) and digest(a) == digest(a.copy())
