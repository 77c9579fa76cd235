"""Generators are plugins: third parties register them exactly as procgen registers its own."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from independent_solver import playable

import procgen
from procgen import generators

#: A complete third-party generator: an arena of pillars with its own two-tile tileset.
ARENA_MODULE = textwrap.dedent(
    """
    import numpy as np
    from procgen.generators.base import Draft
    from procgen.tiles import Tileset, TileType

    TILES = Tileset({"X": TileType("pillar", ("solid", "rock")),
                     "_": TileType("sand", ("walkable", "ground"))})

    class ArenaGenerator:
        name = "arena"
        version = "0.1"
        styles = ("arena",)
        priority = 0

        def generate(self, request, rng):
            grid = np.full((request.height, request.width), ord("_"), dtype=np.uint8)
            grid[[0, -1], :] = grid[:, [0, -1]] = ord("X")
            step = int(rng.integers(3, 5))
            grid[step:-1:step, step:-1:step] = ord("X")
            return Draft(grid, TILES, params={"step": step})

    class BrokenGenerator(ArenaGenerator):
        name = "broken"
        styles = ("broken",)

        def generate(self, request, rng):
            return Draft(np.zeros((2, 2), dtype=np.uint8), TILES)
    """
)

ENTRY_POINTS = textwrap.dedent(
    """
    [procgen.generators]
    arena = arena_plugin:ArenaGenerator
    broken = arena_plugin:BrokenGenerator
    missing = arena_plugin:NoSuchGenerator
    """
)


@pytest.fixture
def arena_plugin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An installed-looking distribution: a module plus the dist-info importlib.metadata reads."""
    (tmp_path / "arena_plugin.py").write_text(ARENA_MODULE)
    dist_info = tmp_path / "arena_plugin-0.1.dist-info"
    dist_info.mkdir()
    (dist_info / "METADATA").write_text("Metadata-Version: 2.1\nName: arena-plugin\nVersion: 0.1\n")
    (dist_info / "entry_points.txt").write_text(ENTRY_POINTS)
    monkeypatch.syspath_prepend(str(tmp_path))
    generators.refresh()
    yield tmp_path
    generators.refresh()


class TestRegisteredPlugin:
    def test_plugin_generates_valid_playable_levels(self, arena_plugin: Path) -> None:
        """A plugin that only draws terrain gets entities, solving and meta from procgen."""
        made = procgen.level(seed=3, width=20, height=14, generator="arena")
        document = made.to_dict()
        assert procgen.validate(document) == "level"
        assert playable(document)
        assert made.meta["generator"] == {"name": "arena", "version": "0.1"}
        assert made.meta["params"]["step"] in (3, 4)
        assert set(made.tileset) == {"X", "_"}

    def test_plugin_style_is_offered_by_name(self, arena_plugin: Path) -> None:
        """procgen.level(style=...) finds the plugin's style like a built-in one."""
        with pytest.warns(RuntimeWarning, match="'missing'"):
            made = procgen.level(seed=1, style="arena")
        assert made.meta["generator"]["name"] == "arena"

    def test_builtins_come_through_the_same_entry_points(self) -> None:
        """The built-in generators are entry points of procgen-assets, not a hard-coded list."""
        points = generators.available()
        for name in ("cave", "dungeon", "overworld"):
            assert points[name].group == generators.GROUP
            assert points[name].dist is not None
            assert points[name].dist.name == "procgen-assets"


class TestMisbehavingPlugins:
    def test_contract_breach_is_reported_against_the_plugin(self, arena_plugin: Path) -> None:
        """A draft of the wrong shape raises GenerationError naming the generator."""
        with pytest.raises(procgen.GenerationError, match="'broken' broke its contract"):
            procgen.level(seed=1, generator="broken")

    def test_broken_plugin_does_not_hide_working_styles(self, arena_plugin: Path) -> None:
        """One plugin that fails to import leaves every other style usable, with a warning."""
        with pytest.warns(RuntimeWarning, match="'missing' .* failed to load"):
            assert procgen.level(seed=1, style="cave").meta["params"]["style"] == "cave"

    def test_unloadable_plugin_is_a_procgen_error(self, arena_plugin: Path) -> None:
        """An entry point that does not import raises ProcgenError, not AttributeError."""
        with pytest.raises(procgen.ProcgenError, match=r"'missing' .* failed to load"):
            procgen.level(seed=1, generator="missing")


@pytest.mark.slow
def test_pip_installed_plugin_shows_in_the_cli(tmp_path: Path) -> None:
    """A real `pip install` of a plugin distribution makes `procgen list` and `level` use it."""
    source = tmp_path / "src"
    source.mkdir()
    (source / "arena_plugin.py").write_text(ARENA_MODULE)
    (source / "pyproject.toml").write_text(
        textwrap.dedent(
            """
        [build-system]
        requires = ["hatchling"]
        build-backend = "hatchling.build"

        [project]
        name = "arena-plugin"
        version = "0.1"

        [project.entry-points."procgen.generators"]
        arena = "arena_plugin:ArenaGenerator"

        [tool.hatch.build.targets.wheel]
        include = ["arena_plugin.py"]
        """
        )
    )
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--target",
            str(target),
            str(source),
        ],
        check=True,
        capture_output=True,
    )
    env = {**os.environ, "PYTHONPATH": str(target)}

    def procgen_cli(*args: str) -> str:
        return subprocess.run(
            [sys.executable, "-m", "procgen", *args],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout

    listing = procgen_cli("list")
    assert any(
        line.split()[0] == "arena" and line.endswith("arena-plugin")
        for line in listing.splitlines()
    )
    out = tmp_path / "arena.json"
    procgen_cli("level", "--generator", "arena", "--seed", "2", "-o", str(out))
    assert procgen.load(out).meta["generator"]["name"] == "arena"
