"""The learned tile-map model: training on a user's folder, generating, inpainting, safe loading."""

from __future__ import annotations

import json
import pickle
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import torch
from independent_solver import playable

import procgen
from procgen.corpus import read_corpus
from procgen.models import weights
from procgen.models.calibration import tile_counts
from procgen.models.grid_sampling import FirstPasses
from procgen.models.grid_training import TrainSettings, train
from procgen.models.tiles import (
    NEUTRAL_DIFFICULTY,
    TileModel,
    TileSymbols,
    connectivity,
    train_tiles,
    training_labels,
)

LEGEND = {
    "tiles": {
        "W": ["solid", "wall"],
        "F": ["walkable"],
        "D": ["walkable", "door"],
        "L": ["hazard", "lava"],
    }
}


def room(rng: np.random.Generator) -> str:
    """A 12x9 walled room with a door and a few pillars or lava: a tiny hand-style corpus."""
    grid = np.full((9, 12), "F")
    grid[[0, -1], :] = grid[:, [0, -1]] = "W"
    grid[0, int(rng.integers(2, 10))] = "D"
    for _ in range(int(rng.integers(1, 5))):
        grid[int(rng.integers(2, 7)), int(rng.integers(2, 10))] = rng.choice(["W", "L"])
    return "\n".join("".join(row) for row in grid) + "\n"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("rooms")
    (folder / "legend.json").write_text(json.dumps(LEGEND))
    rng = np.random.default_rng(0)
    for n in range(30):
        (folder / f"room-{n:02d}.txt").write_text(room(rng))
    return folder


@pytest.fixture(scope="module")
def model(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("model") / "rooms.safetensors"
    train_tiles(corpus, out, steps=120, seed=1, progress=False, batch_tiles=2048)
    return out


class TestTrainingOnAUsersFolder:
    def test_weights_describe_their_corpus(self, model: Path, corpus: Path) -> None:
        """The model's tileset and style come from the corpus, not from a fixed list."""
        card = weights.read_card(model)
        assert card.kind == "tiles"
        assert sorted(card.tileset) == ["D", "F", "L", "W"]
        assert card.styles == (corpus.name.lower(),)
        assert card.training["levels"] == 30
        assert model.stat().st_size < 4 * 2**20

    def test_user_model_generates_playable_levels(self, model: Path) -> None:
        """procgen.level(model=...) makes valid, playable levels in the model's own tiles."""
        for seed in range(5):
            made = procgen.level(seed=seed, width=12, height=9, model=model)
            document = made.to_dict()
            assert procgen.validate(document) == "level"
            assert playable(document)
            assert set("".join(made.tiles)) <= {"D", "F", "L", "W"}
            assert made.meta["weights"]["sha256"] == weights.sha256(model)

    def test_same_seed_same_level(self, model: Path) -> None:
        """A seed and a weights file give byte-identical levels."""
        a = procgen.level(seed=9, width=20, height=14, model=model)
        b = procgen.level(seed=9, width=20, height=14, model=model)
        assert a.to_json() == b.to_json()

    def test_any_size_from_one_set_of_weights(self, model: Path) -> None:
        """One model makes levels from 8x8 to 128x128, odd sizes included."""
        for width, height in ((8, 8), (13, 9), (128, 128)):
            made = procgen.level(seed=1, width=width, height=height, model=model)
            assert (made.width, made.height) == (width, height)

    def test_resume_without_checkpoint_is_a_clear_error(self, corpus: Path, tmp_path: Path) -> None:
        """--resume with nothing to resume from says so."""
        with pytest.raises(procgen.AssetFormatError, match="no checkpoint"):
            train_tiles(corpus, tmp_path / "m.safetensors", steps=5, resume=True, progress=False)


class TestConnectedStyles:
    def test_a_style_of_one_region_levels_decodes_in_one_region(self, model: Path) -> None:
        """Every training room is one walkable region, so every sample is, and the cells the
        decoder had to force walkable are counted; unconstrained decoding forces none."""
        tiles = TileModel(model)
        style = tiles.card.styles[0]
        assert tiles.connectivity_floor(style) == 1.0
        blank = np.zeros((14, 20), np.uint8)
        for sample in tiles.sample(style, 0.5, blank, range(12)):
            assert connectivity(sample.grid, tiles.card.tileset) == 1.0
        loose = tiles.sample(style, 0.5, blank, range(12), constrained=False)
        assert all(sample.joined == 0 for sample in loose)


class TestDecoding:
    def test_a_grid_is_the_same_whether_the_first_pass_was_kept_or_not(self, model: Path) -> None:
        """Grids of one request share their first pass, which the model keeps for the next
        request like it; neither changes a grid: it depends on its seed alone."""
        blank = np.zeros((14, 20), np.uint8)
        fresh = TileModel(model)
        style = fresh.card.styles[0]
        alone = [fresh.sample(style, 0.5, blank, [seed])[0].grid for seed in range(4)]
        assert len(fresh.first_passes.kept) == 1
        together = TileModel(model).sample(style, 0.5, blank, range(4))
        for grid, sample in zip(alone, together, strict=True):
            assert np.array_equal(grid, sample.grid)

    def test_kept_passes_are_reused_and_the_least_recent_goes_first(self) -> None:
        """A request like a kept one costs no pass; beyond its size the oldest is dropped."""
        calls: list[int] = []

        def network(tokens: torch.Tensor, style: torch.Tensor, _: torch.Tensor) -> torch.Tensor:
            calls.append(int(style))
            return tokens.float()

        kept = FirstPasses(size=2)
        blank, half = torch.zeros((1, 4, 4), dtype=torch.long), torch.tensor([0.5])
        for style in (0, 1, 0, 2, 0, 1):
            kept.logits(network, blank, torch.tensor([style]), half)  # type: ignore[arg-type]
        assert calls == [0, 1, 2, 1]  # 0 was kept throughout; 1, the oldest when 2 came, was not


class TestCalibration:
    def test_training_ends_by_calibrating_the_sampler_to_the_corpus(
        self, model: Path, corpus: Path
    ) -> None:
        """The card stores a log prior per tile, fitted so decoded levels use each tile about as
        often as the corpus does; the same weights decode further from it without."""
        tiles = TileModel(model)
        style = tiles.card.styles[0]
        assert set(tiles.symbol_bias[style]) == set(tiles.card.style_tiles[style])
        target = tile_counts([lv.grid for lv in read_corpus(corpus).levels])

        def error() -> float:
            blank = np.zeros((9, 12), np.uint8)
            made = tile_counts([s.grid for s in tiles.sample(style, 0.5, blank, range(500, 628))])
            return sum(
                abs(made.get(t, 0) / sum(made.values()) - n / sum(target.values()))
                for t, n in target.items()
            )

        calibrated = error()
        tiles.symbol_bias.clear()
        assert calibrated < error()


class TestDifficultyLabels:
    def test_levels_without_a_recorded_difficulty_also_train_at_the_neutral_label(
        self, corpus: Path
    ) -> None:
        """Text grids are labelled by hazard rank, and each trains once more at 0.5, so the
        default difficulty samples the whole corpus rather than the room ranked in the middle."""
        read = read_corpus(corpus)
        pairs = training_labels(read)
        assert len(pairs) == 2 * len(read.levels)
        ranked, neutral = pairs[: len(read.levels)], pairs[len(read.levels) :]
        assert [i for i, _ in ranked] == [i for i, _ in neutral] == list(range(len(read.levels)))
        ranks = [label for _, label in ranked]
        assert 0.0 <= min(ranks) < max(ranks) <= 1.0  # ranks of hazard density; ties share one
        assert {label for _, label in neutral} == {NEUTRAL_DIFFICULTY}

    def test_a_recorded_difficulty_is_kept_and_trained_once(self, tmp_path: Path) -> None:
        folder = tmp_path / "dungeon"
        folder.mkdir()
        for n, difficulty in enumerate((0.2, 0.7)):
            procgen.level(n, width=16, height=16, generator="dungeon", difficulty=difficulty).save(
                folder / f"{n}.json"
            )
        assert training_labels(read_corpus(folder)) == [(0, 0.2), (1, 0.7)]


class TestResume:
    def test_resumed_training_matches_an_uninterrupted_run(
        self, corpus: Path, tmp_path: Path
    ) -> None:
        """Stopping at a checkpoint and resuming gives the same weights as never stopping."""
        from procgen.models.grid import GridConfig
        from procgen.models.grid_training import Example

        read = read_corpus(corpus)
        symbols = TileSymbols(read.tileset)
        examples = [Example(symbols.encode(lv.grid), 0, 0.5) for lv in read.levels]
        config = GridConfig(vocab_size=len(read.tileset))
        settings = TrainSettings(steps=20, seed=3, checkpoint_every=10)
        straight = train(examples, config, settings, progress=False).model

        checkpoint = tmp_path / "ckpt"

        def stop(_: object, step: int) -> None:
            if step == 10:
                raise KeyboardInterrupt

        with pytest.raises(KeyboardInterrupt):
            train(
                examples,
                config,
                settings,
                checkpoint=checkpoint,
                on_checkpoint=stop,
                progress=False,
            )
        resumed = train(
            examples, config, settings, checkpoint=checkpoint, resume=True, progress=False
        ).model
        for (name, a), (_, b) in zip(
            straight.state_dict().items(), resumed.state_dict().items(), strict=True
        ):
            assert np.allclose(a.numpy(), b.numpy(), atol=1e-6), name


class TestInpainting:
    def test_locked_tiles_are_kept_and_the_level_is_playable(self, model: Path) -> None:
        """Every locked tile survives; the unknown cells are filled; the level is playable."""
        locked = ["WWWWWWWWWWWW"] + ["W??????????W"] * 7 + ["WWWWWDWWWWWW"]
        for seed in range(5):
            made = procgen.level(seed=seed, model=model, locked=locked)
            assert (made.width, made.height) == (12, 9)
            for row, template in zip(made.tiles, locked, strict=True):
                assert all(t in ("?", c) for c, t in zip(row, template, strict=True))
            assert "?" not in "".join(made.tiles)
            assert playable(made.to_dict())

    def test_classical_generators_refuse_to_inpaint(self) -> None:
        """Asking a generator that cannot inpaint for it is an error, not silently ignored."""
        with pytest.raises(procgen.InvalidParameterError, match="cannot inpaint"):
            procgen.level(generator="cave", locked=["#" * 10] * 10)

    def test_ragged_locked_rows_are_refused(self, model: Path) -> None:
        """Locked rows of different lengths are a clear error."""
        with pytest.raises(procgen.InvalidParameterError, match="same length"):
            procgen.level(model=model, locked=["WWWWWWWW", "W??W"])


class TestLoadingWeightsSafely:
    def test_truncated_weights_are_a_clear_error(self, model: Path, tmp_path: Path) -> None:
        """Half a weights file is refused with AssetFormatError."""
        broken = tmp_path / "half.safetensors"
        broken.write_bytes(model.read_bytes()[: model.stat().st_size // 2])
        with pytest.raises(procgen.AssetFormatError):
            procgen.level(seed=1, model=broken)

    def test_a_pickle_is_never_executed(self, tmp_path: Path) -> None:
        """A pickle renamed .safetensors is refused without running its payload."""
        marker = tmp_path / "pwned"

        class Payload:
            def __reduce__(self) -> tuple[object, tuple[str]]:
                return (marker.touch, ())  # type: ignore[return-value]

        hostile = tmp_path / "hostile.safetensors"
        hostile.write_bytes(pickle.dumps(Payload()))
        with pytest.raises(procgen.AssetFormatError):
            procgen.level(seed=1, model=hostile)
        assert not marker.exists()

    def test_foreign_safetensors_are_refused(self, tmp_path: Path) -> None:
        """A valid safetensors file that is not a procgen model is named as such."""
        import torch
        from safetensors.torch import save_file

        foreign = tmp_path / "other.safetensors"
        save_file({"w": torch.zeros(3)}, str(foreign))
        with pytest.raises(procgen.AssetFormatError, match="not a procgen grid model"):
            procgen.level(seed=1, model=foreign)

    @pytest.mark.parametrize("stored", [[1, 2], {"rooms": {"W": "high"}}, {"rooms": {"W": 1e999}}])
    def test_a_damaged_calibration_is_a_clear_error(
        self, model: Path, tmp_path: Path, stored: object
    ) -> None:
        """A card whose tile calibration is not finite numbers per tile is refused on load."""
        network, card = weights.load(model)
        damaged = tmp_path / "damaged.safetensors"
        training = {**card.training, "symbol_bias": stored}
        weights.save(damaged, network, replace(card, training=training))
        with pytest.raises(procgen.AssetFormatError, match="damaged tile calibration"):
            procgen.level(seed=1, model=damaged)

    def test_missing_weights_file_is_a_clear_error(self, tmp_path: Path) -> None:
        """A path to nothing is an AssetFormatError, not a FileNotFoundError."""
        with pytest.raises(procgen.AssetFormatError, match="no such weights file"):
            procgen.level(seed=1, model=tmp_path / "nope.safetensors")
