"""Asset packs: complete, verifiable, reproducible, and never half-written."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

import procgen
from procgen.assets import inside
from procgen.cli import main
from procgen.pack import write_pack


@pytest.fixture(scope="module")
def pack(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("packs") / "pack"
    write_pack(out, seed=1)
    return out


class TestPackContents:
    def test_manifest_lists_every_file_with_its_hash(self, pack: Path) -> None:
        """manifest.json names every other file of the pack, and each sha256 matches."""
        manifest = json.loads((pack / "manifest.json").read_text())
        assert procgen.validate(manifest) == "pack"
        listed = {asset["path"] for asset in manifest["assets"]}
        on_disk = {p.relative_to(pack).as_posix() for p in pack.rglob("*") if p.is_file()}
        assert listed == on_disk - {"manifest.json"}
        for asset in manifest["assets"]:
            digest = hashlib.sha256((pack / asset["path"]).read_bytes()).hexdigest()
            assert digest == asset["sha256"], asset["path"]

    def test_every_style_comes_in_every_format(self, pack: Path) -> None:
        """Each built-in style has an easy and a hard level as JSON, YAML, Tiled and PNG."""
        for style in ("dungeon", "cave", "overworld"):
            for variant in ("easy", "hard"):
                for suffix in (".json", ".yaml", ".tmj", ".png", ".tiles.png"):
                    assert (pack / "levels" / f"{style}-{variant}{suffix}").is_file()

    def test_levels_and_tileset_validate(self, pack: Path) -> None:
        """`procgen validate` passes the whole pack folder."""
        assert main(["validate", str(pack)]) == 0

    def test_same_seed_gives_identical_pack(self, pack: Path, tmp_path: Path) -> None:
        """Writing the pack again with the same seed reproduces every byte."""
        write_pack(tmp_path / "again", seed=1)
        again = json.loads((tmp_path / "again" / "manifest.json").read_text())
        assert again == json.loads((pack / "manifest.json").read_text())


class TestPackSafety:
    def test_rerun_replaces_an_old_pack(self, tmp_path: Path) -> None:
        """A second run over a pack replaces it, leaving no stray files behind."""
        out = tmp_path / "pack"
        write_pack(out, seed=1)
        (out / "levels" / "stale.json").write_text("{}")
        write_pack(out, seed=2)
        assert not (out / "levels" / "stale.json").exists()
        assert json.loads((out / "manifest.json").read_text())["seed"] == 2
        assert sorted(p.name for p in tmp_path.iterdir()) == ["pack"]

    def test_refuses_a_folder_that_is_not_a_pack(self, tmp_path: Path) -> None:
        """A folder holding other files is never touched."""
        (tmp_path / "mine.txt").write_text("keep me")
        with pytest.raises(procgen.ExportError, match="is not an asset pack"):
            write_pack(tmp_path, seed=1)
        assert [p.name for p in tmp_path.iterdir()] == ["mine.txt"]

    def test_failure_midway_leaves_nothing(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """If generation fails halfway, neither the pack nor its staging folder remains."""

        def explode(**_: object) -> None:
            raise procgen.GenerationError("boom")

        monkeypatch.setattr("procgen.pack.level", explode)
        with pytest.raises(procgen.GenerationError):
            write_pack(tmp_path / "pack", seed=1)
        assert list(tmp_path.iterdir()) == []

    @pytest.mark.parametrize("escape", ["../outside.json", "/etc/passwd", "levels/../../x.json"])
    def test_paths_cannot_escape_the_pack(self, tmp_path: Path, escape: str) -> None:
        """A relative path that would leave the pack folder is refused."""
        with pytest.raises(procgen.ExportError, match="outside"):
            inside(tmp_path, escape)

    def test_paths_inside_are_allowed(self, tmp_path: Path) -> None:
        """Ordinary nested paths resolve inside the pack."""
        assert inside(tmp_path, "levels/a.json") == (tmp_path / "levels" / "a.json").resolve()
