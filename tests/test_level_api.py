"""procgen.level(): what a caller can rely on."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from independent_solver import playable
from strategies import STYLES, classical_requests, learned_requests

import procgen
from procgen.generation import MAX_SIZE, MIN_SIZE


class TestPublicSurface:
    def test_all_is_exactly_the_public_api(self) -> None:
        """__all__ lists the public names and nothing grows it by accident."""
        assert sorted(procgen.__all__) == sorted(
            [
                "AssetFormatError",
                "AssetValidationError",
                "Character",
                "Entity",
                "ExportError",
                "GenerationError",
                "InvalidParameterError",
                "Level",
                "ProcgenError",
                "Quest",
                "TileType",
                "Tileset",
                "UnknownNameError",
                "__version__",
                "character",
                "level",
                "level_batch",
                "load",
                "quest",
                "questline",
                "validate",
            ]
        )

    def test_every_error_is_a_procgen_error(self) -> None:
        """Catching ProcgenError catches every error procgen raises on purpose."""
        for name in procgen.__all__:
            obj = getattr(procgen, name)
            if isinstance(obj, type) and issubclass(obj, Exception):
                assert issubclass(obj, procgen.ProcgenError)

    def test_classical_generators_do_not_import_torch(self) -> None:
        """Classical generators, I/O and validation work without paying torch's start-up cost."""
        import subprocess
        import sys

        code = (
            "import sys, procgen; l = procgen.level(seed=1, generator='cave');"
            " procgen.validate(l.to_dict()); print('torch' in sys.modules)"
        )
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        assert out.stdout.strip() == "False"


class TestGeneratedLevels:
    @pytest.mark.parametrize("style", STYLES)
    def test_level_has_requested_size_and_style(self, style: str) -> None:
        """A level is as wide and tall as asked and records its style and generator."""
        made = procgen.level(seed=5, width=40, height=24, style=style)
        assert (made.width, made.height) == (40, 24)
        assert all(len(row) == 40 for row in made.tiles)
        assert made.meta["params"]["style"] == style
        assert made.meta["generator"]["name"] == "tiles"  # the learned model serves every style

    @given(classical_requests)
    @settings(max_examples=60)
    def test_every_classical_level_is_valid_and_playable(self, request: dict[str, object]) -> None:
        """Whatever the seed, size, generator and difficulty, the level validates and solves."""
        made = procgen.level(**request)  # type: ignore[arg-type]
        document = made.to_dict()
        assert procgen.validate(document) == "level"
        assert playable(document)
        assert len(made.of_kind("spawn")) == len(made.of_kind("exit")) == 1

    @given(learned_requests)
    @settings(max_examples=25)
    def test_every_learned_level_is_valid_and_playable(self, request: dict[str, object]) -> None:
        """The learned model's levels validate and solve at every size, style and difficulty."""
        made = procgen.level(**request)  # type: ignore[arg-type]
        document = made.to_dict()
        assert procgen.validate(document) == "level"
        assert playable(document)

    def test_same_seed_gives_identical_assets(self) -> None:
        """Same seed and parameters give byte-identical JSON and YAML."""
        a = procgen.level(seed=11, width=30, height=20, style="overworld", difficulty=0.3)
        b = procgen.level(seed=11, width=30, height=20, style="overworld", difficulty=0.3)
        assert a.to_json() == b.to_json()
        assert a.to_yaml() == b.to_yaml()

    def test_different_seeds_give_different_levels(self) -> None:
        """Seeds matter: ten seeds give ten different maps."""
        maps = {procgen.level(seed=s, width=24, height=24, style="cave").tiles for s in range(10)}
        assert len(maps) == 10

    def test_no_seed_draws_and_records_one(self) -> None:
        """Without a seed a fresh one is drawn, and meta.seed reproduces the level exactly."""
        made = procgen.level(width=20, height=20, style="dungeon")
        again = procgen.level(seed=made.meta["seed"], width=20, height=20, style="dungeon")
        assert made.to_json() == again.to_json()

    def test_default_style_is_dungeon(self) -> None:
        """procgen.level() with no arguments makes a 32x32 dungeon."""
        made = procgen.level(seed=1)
        assert (made.width, made.height, made.meta["params"]["style"]) == (32, 32, "dungeon")

    def test_meta_records_how_and_what(self) -> None:
        """meta holds the generator, seed, parameters, attempts and measured stats."""
        made = procgen.level(seed=2, width=32, height=32, style="cave", difficulty=0.25)
        meta = made.meta
        assert meta["seed"] == 2
        assert meta["params"]["difficulty"] == 0.25
        assert meta["attempts"] >= 1
        assert meta["stats"]["path_length"] > 0
        assert 0 < meta["stats"]["walkable_fraction"] < 1


class TestBatches:
    def test_a_batch_holds_count_valid_playable_levels(self) -> None:
        """level_batch(n) returns n schema-valid, playable levels with distinct seeds."""
        batch = procgen.level_batch(6, seed=3, width=20, height=16, generator="dungeon")
        assert len(batch) == 6
        assert len({made.meta["seed"] for made in batch}) == 6
        for made in batch:
            assert procgen.validate(made.to_dict()) == "level"
            assert playable(made.to_dict())

    def test_same_call_gives_the_same_batch(self) -> None:
        """The same count, seed and parameters give byte-identical levels."""
        first = procgen.level_batch(4, seed=8, width=16, height=16, generator="overworld")
        again = procgen.level_batch(4, seed=8, width=16, height=16, generator="overworld")
        assert [a.to_json() for a in first] == [b.to_json() for b in again]

    @pytest.mark.parametrize("count", [0, -1, 10_001, 2.5, True])
    def test_count_must_be_a_sensible_integer(self, count: object) -> None:
        """A batch of zero, negative, huge or fractional size is refused."""
        with pytest.raises(procgen.InvalidParameterError, match="count must be"):
            procgen.level_batch(count, seed=1)  # type: ignore[arg-type]


class TestDifficulty:
    @pytest.mark.parametrize("style", STYLES)
    def test_harder_levels_have_more_enemies_and_longer_paths(self, style: str) -> None:
        """Over 20 seeds, difficulty 0.9 beats 0.1 on enemy density and path length."""

        def mean(stat: str, difficulty: float) -> float:
            values = [
                procgen.level(
                    seed=s, width=40, height=40, generator=style, difficulty=difficulty
                ).meta["stats"][stat]
                for s in range(20)
            ]
            return sum(values) / len(values)

        assert mean("enemy_density", 0.9) > 2 * mean("enemy_density", 0.1)
        assert mean("path_length", 0.9) > 1.2 * mean("path_length", 0.1)

    def test_hard_dungeons_lock_doors_behind_reachable_keys(self) -> None:
        """At high difficulty dungeons have locked doors, and each door's key exists."""
        doors = []
        for seed in range(10):
            made = procgen.level(seed=seed, width=48, height=48, generator="dungeon", difficulty=1)
            for door in made.of_kind("door"):
                assert made.entity(door.key or "").kind == "key"
                doors.append(door)
        assert len(doors) >= 10


class TestBadArguments:
    @pytest.mark.parametrize(
        ("kwargs", "message"),
        [
            ({"width": 0}, "width must be from"),
            ({"width": 10_000_000}, "width must be from"),
            ({"height": MIN_SIZE - 1}, "height must be from"),
            ({"height": MAX_SIZE + 1}, "height must be from"),
            ({"width": 12.5}, "width must be an integer"),
            ({"width": True}, "width must be an integer"),
            ({"difficulty": math.nan}, "difficulty must be a number"),
            ({"difficulty": math.inf}, "difficulty must be a number"),
            ({"difficulty": 1.5}, "difficulty must be from 0 to 1"),
            ({"difficulty": "hard"}, "difficulty must be a number"),
            ({"seed": -1}, "seed must be an integer"),
            ({"seed": 2**64}, "seed must be an integer"),
        ],
    )
    def test_out_of_range_arguments_raise_invalid_parameter(
        self, kwargs: dict[str, object], message: str
    ) -> None:
        """Each bad argument raises InvalidParameterError saying what is allowed."""
        with pytest.raises(procgen.InvalidParameterError, match=message):
            procgen.level(**kwargs)  # type: ignore[arg-type]

    def test_unknown_style_lists_the_known_ones(self) -> None:
        """An unknown style raises UnknownNameError naming the available styles."""
        with pytest.raises(procgen.UnknownNameError, match="cave, dungeon, overworld"):
            procgen.level(style="moonbase")

    def test_unknown_generator_is_a_clear_error(self) -> None:
        """An unknown generator name raises UnknownNameError listing registered ones."""
        with pytest.raises(procgen.UnknownNameError, match=r"registered: .*cave"):
            procgen.level(generator="nope")

    def test_generator_and_style_must_agree(self) -> None:
        """Asking the cave generator for an overworld is refused, not silently ignored."""
        with pytest.raises(procgen.UnknownNameError, match="has no style 'overworld'"):
            procgen.level(generator="cave", style="overworld")
