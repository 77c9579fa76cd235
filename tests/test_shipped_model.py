"""The weights that ship: what `procgen.level()` uses out of the box, and where they came from."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from independent_solver import playable

import procgen
from procgen import generators
from procgen.corpus import read_corpus
from procgen.data import CORPUS, HELDOUT, TILE_WEIGHTS
from procgen.models import weights
from procgen.models.tiles import TileModel, connectivity, corpus_digest


class TestShippedWeights:
    def test_default_level_comes_from_the_shipped_model(self) -> None:
        """procgen.level() with only a size uses the learned model, named by sha256 in meta."""
        made = procgen.level(seed=1, width=40, height=30)
        assert made.meta["generator"]["name"] == "tiles"
        assert made.meta["weights"] == {
            "name": "tiles.safetensors",
            "sha256": weights.sha256(TILE_WEIGHTS),
        }
        assert playable(made.to_dict())

    def test_every_builtin_style_is_learned(self) -> None:
        """The shipped model is the default for dungeon, cave and overworld."""
        for style in ("dungeon", "cave", "overworld"):
            assert generators.for_style(style).name == "tiles"

    def test_list_shows_the_learned_model_beside_the_classical_ones(self) -> None:
        """`procgen list` names the tiles generator and the three classical generators."""
        out = subprocess.run(
            [sys.executable, "-m", "procgen", "list"], capture_output=True, text=True, check=True
        ).stdout
        names = {line.split()[0] for line in out.splitlines()[1:]}
        assert {"tiles", "dungeon", "cave", "overworld"} <= names

    def test_weights_are_small(self) -> None:
        """The shipped weights stay a few megabytes."""
        assert TILE_WEIGHTS.stat().st_size < 4 * 2**20

    def test_weights_were_trained_on_the_shipped_corpus(self) -> None:
        """The weights' card records the digest of exactly the corpus in the repository."""
        card = weights.read_card(TILE_WEIGHTS)
        assert card.training["corpus_sha256"] == corpus_digest(read_corpus(CORPUS))
        assert card.styles == ("cave", "dungeon", "overworld")

    def test_held_out_levels_were_never_trained_on(self) -> None:
        """No held-out level is also in the training corpus."""
        train = {lv.grid.tobytes() for lv in read_corpus(CORPUS).levels}
        assert not any(lv.grid.tobytes() in train for lv in read_corpus(HELDOUT).levels)


class TestShippedModelBehaviour:
    @pytest.mark.parametrize("style", ["dungeon", "cave", "overworld"])
    def test_levels_are_valid_and_playable_at_many_sizes(self, style: str) -> None:
        """Every size from 8x8 to 96x64 gives a valid, playable level in the style's own tiles."""
        card = weights.read_card(TILE_WEIGHTS)
        for n, (width, height) in enumerate(((8, 8), (17, 11), (32, 32), (96, 64))):
            made = procgen.level(seed=n, width=width, height=height, style=style)
            assert procgen.validate(made.to_dict()) == "level"
            assert playable(made.to_dict())
            assert set("".join(made.tiles)) <= set(card.style_tiles[style])

    def test_difficulty_moves_enemies_hazards_and_path_length(self) -> None:
        """Over 30 levels, difficulty 0.9 beats 0.1 on enemy density, hazards and path length."""

        def mean(stat: str, difficulty: float) -> float:
            return float(
                np.mean(
                    [
                        procgen.level(seed=s, width=32, height=32, difficulty=difficulty).meta[
                            "stats"
                        ][stat]
                        for s in range(30)
                    ]
                )
            )

        assert mean("enemy_density", 0.9) > 2 * mean("enemy_density", 0.1)
        assert mean("path_length", 0.9) > 1.2 * mean("path_length", 0.1)
        assert mean("hazard_density", 0.9) > mean("hazard_density", 0.1)

    def test_a_batch_through_the_network_is_valid_and_reproducible(self) -> None:
        """level_batch decodes many levels together; each is valid and the batch repeats."""
        batch = procgen.level_batch(12, seed=5, width=24, height=24, style="cave")
        assert all(playable(made.to_dict()) for made in batch)
        again = procgen.level_batch(12, seed=5, width=24, height=24, style="cave")
        assert [a.to_json() for a in batch] == [b.to_json() for b in again]

    def test_inpainting_around_a_hand_drawn_room(self) -> None:
        """A locked room in the middle of an unknown map survives; the rest is filled in."""
        locked = ["?" * 24] * 6 + ["?" * 8 + "#" * 8 + "?" * 8]
        locked += ["?" * 8 + "#......#" + "?" * 8] * 4
        locked += ["?" * 8 + "###+####" + "?" * 8] + ["?" * 24] * 6
        made = procgen.level(seed=2, style="dungeon", locked=locked)
        for row, template in zip(made.tiles, locked, strict=True):
            assert all(t == "?" or c == t for c, t in zip(row, template, strict=True))
        assert playable(made.to_dict())


class TestRepair:
    def test_broken_drafts_are_joined_the_same_together_or_one_by_one(self) -> None:
        """A cave less connected than its style's training levels is joined up to the floor,
        locked cells untouched, and repairing a batch gives each draft what it gets alone."""
        model = TileModel(TILE_WEIGHTS)
        tileset, floor = model.card.tileset, model.connectivity_floor("cave")
        locked = np.zeros((24, 24), np.uint8)
        locked[0, :] = ord("#")  # the caller's wall along the top
        drafts = [s.grid for s in model.sample("cave", 0.5, locked, range(40))]
        broken = [grid for grid in drafts if connectivity(grid, tileset) < floor]
        assert len(broken) >= 2, "the shipped caves should need repair now and then"

        together = model.repair(broken, locked, "cave", 0.5, range(len(broken)))
        alone = [model.repair([g], locked, "cave", 0.5, [n])[0] for n, g in enumerate(broken)]
        for joined, single in zip(together, alone, strict=True):
            assert joined is not None and single is not None
            assert np.array_equal(joined, single)
            assert connectivity(joined, tileset) >= floor
            assert (joined[0] == ord("#")).all()

    def test_a_draft_of_one_region_has_nothing_to_repair(self) -> None:
        model = TileModel(TILE_WEIGHTS)
        room = np.full((10, 10), ord("#"), np.uint8)
        room[1:-1, 1:-1] = ord(".")
        assert model.repair([room], np.zeros_like(room), "cave", 0.5, [0]) == [None]
