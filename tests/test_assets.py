"""Level files: formats, round trips, validation and hostile input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import procgen
from procgen.tiles import TILE_CHARACTERS

LEVEL = procgen.level(seed=4, width=24, height=16, style="dungeon", difficulty=0.8)


class TestSaveAndLoad:
    @pytest.mark.parametrize("suffix", [".json", ".yaml", ".yml"])
    def test_saved_level_loads_back_identical(self, tmp_path: Path, suffix: str) -> None:
        """A level saved as JSON or YAML loads back equal to the original."""
        path = LEVEL.save(tmp_path / f"level{suffix}")
        assert procgen.load(path) == LEVEL

    def test_json_has_one_tile_row_per_line(self, tmp_path: Path) -> None:
        """Rows stay readable in diffs: each tile row is one JSON line."""
        lines = LEVEL.save(tmp_path / "level.json").read_text().splitlines()
        stripped = {line.strip().rstrip(",") for line in lines}
        assert all(json.dumps(row) in stripped for row in LEVEL.tiles)

    def test_files_are_byte_identical_across_processes(self, tmp_path: Path) -> None:
        """Another interpreter (another hash seed) writes the very same bytes in every format."""
        code = (
            "import procgen, sys; l = procgen.level(seed=4, width=24, height=16, style='dungeon',"
            " difficulty=0.8); [l.save(sys.argv[1] + '/level' + s) for s in"
            " ('.json', '.yaml', '.tmj', '.png')]"
        )
        for hash_seed in ("1", "2"):
            (tmp_path / hash_seed).mkdir()
            env = {"PYTHONHASHSEED": hash_seed, "PATH": "/usr/bin:/bin"}
            subprocess.run(
                [sys.executable, "-c", code, str(tmp_path / hash_seed)], env=env, check=True
            )
        names = sorted(p.name for p in (tmp_path / "1").iterdir())
        assert names == ["level.json", "level.png", "level.tiles.png", "level.tmj", "level.yaml"]
        for name in names:
            assert (tmp_path / "1" / name).read_bytes() == (tmp_path / "2" / name).read_bytes()

    def test_unknown_extension_is_refused_and_nothing_written(self, tmp_path: Path) -> None:
        """Saving to .txt raises ExportError naming the supported formats."""
        with pytest.raises(procgen.ExportError, match=r"\.json, \.yaml, \.yml, \.tmj, \.png"):
            LEVEL.save(tmp_path / "level.txt")
        assert list(tmp_path.iterdir()) == []

    def test_missing_folder_is_refused_and_nothing_written(self, tmp_path: Path) -> None:
        """Saving into a folder that does not exist raises ExportError; nothing is created."""
        with pytest.raises(procgen.ExportError, match="does not exist"):
            LEVEL.save(tmp_path / "missing" / "level.json")
        assert list(tmp_path.iterdir()) == []

    @given(
        st.lists(
            st.text(alphabet=sorted(TILE_CHARACTERS), min_size=5, max_size=5),
            min_size=1,
            max_size=4,
        )
    )
    @settings(max_examples=200)
    def test_any_ascii_rows_survive_yaml(self, rows: list[str]) -> None:
        """Rows of any printable ASCII (YAML syntax characters included) round-trip via YAML."""
        from procgen.assets import dump_yaml, parse_yaml

        assert parse_yaml(dump_yaml({"tiles": rows}))["tiles"] == rows


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


class TestValidation:
    def test_valid_level_reports_its_kind(self) -> None:
        """validate() returns the kind of a valid document."""
        assert procgen.validate(LEVEL.to_dict()) == "level"

    @pytest.mark.parametrize(
        ("mutate", "pointer"),
        [
            (lambda d: d.update(width="wide"), "/width"),
            (lambda d: d["tiles"].__setitem__(2, "short"), "/tiles/2"),
            (lambda d: d["tiles"].__setitem__(1, "\u00e9" * 24), "/tiles/1"),
            (lambda d: d["tiles"].__setitem__(3, "Z" * 24), "/tiles/3"),
            (lambda d: d["tiles"].pop(), "/tiles"),
            (lambda d: d["entities"][0].update(kind="dragon"), "/entities/0/kind"),
            (lambda d: d["entities"][0].update(x=999), "/entities/0"),
            (lambda d: d["entities"][1].update(id="spawn"), "/entities/1/id"),
            (lambda d: d["entities"].pop(0), "/entities"),
            (lambda d: d["tileset"]["#"].update(tags=["sticky"]), "/tileset/#/tags/0"),
            (lambda d: d["meta"].pop("seed"), "/meta"),
        ],
    )
    def test_invalid_level_names_the_json_pointer(self, mutate, pointer: str) -> None:  # type: ignore[no-untyped-def]
        """Each broken rule is reported with the JSON pointer of what broke it."""
        document = json.loads(LEVEL.to_json())
        mutate(document)
        with pytest.raises(procgen.AssetValidationError) as caught:
            procgen.validate(document)
        assert caught.value.pointer == pointer

    def test_door_naming_a_missing_key_is_invalid(self) -> None:
        """A locked door must name a key that is in the level."""
        document = json.loads(LEVEL.to_json())
        door = next(e for e in document["entities"] if e["kind"] == "door")
        door["key"] = "key-99"
        with pytest.raises(procgen.AssetValidationError, match="key-99"):
            procgen.validate(document)

    def test_unknown_schema_is_a_format_error(self) -> None:
        """A document that names no procgen schema is refused by kind, not by guesswork."""
        with pytest.raises(procgen.AssetFormatError, match="unknown \\$schema"):
            procgen.validate({"$schema": "https://example.com/other", "width": 3})


class TestHostileFiles:
    @pytest.mark.parametrize(
        ("name", "content", "message"),
        [
            ("broken.json", '{"width": 3,', "invalid JSON at line 1"),
            ("nan.json", '{"width": NaN}', "NaN is not valid JSON"),
            ("deep.json", "[" * 100_000 + "]" * 100_000, "nested too deeply"),
            ("binary.json", b"\xff\xfe\x00garbage", "not UTF-8"),
            ("list.json", "[1, 2, 3]", "a procgen asset is a JSON/YAML object"),
            ("broken.yaml", "width: [1, 2\n", "invalid YAML"),
            ("python.yaml", "!!python/object/apply:os.system ['touch pwned']\n", "invalid YAML"),
            (
                "bomb.yaml",
                "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c]\n",
                "aliases",
            ),
            ("level.txt", "hello", "unknown extension"),
        ],
    )
    def test_hostile_or_corrupt_files_give_one_clear_error(
        self, tmp_path: Path, name: str, content: str | bytes, message: str
    ) -> None:
        """Corrupt, hostile or foreign files raise a ProcgenError with a readable message."""
        path = write(tmp_path, name, content)
        with pytest.raises(procgen.ProcgenError, match=message):
            procgen.load(path)
        assert not (tmp_path / "pwned").exists()

    def test_oversized_file_is_refused_before_parsing(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A file over the size cap is refused without being read."""
        monkeypatch.setattr("procgen.assets.MAX_DOCUMENT_BYTES", 100)
        path = write(tmp_path, "big.json", " " * 101)
        with pytest.raises(procgen.AssetFormatError, match="larger than"):
            procgen.load(path)

    def test_missing_file_is_a_clear_error(self, tmp_path: Path) -> None:
        """Loading a path that does not exist raises AssetFormatError."""
        with pytest.raises(procgen.AssetFormatError, match="no such file"):
            procgen.load(tmp_path / "nope.json")

    def test_loading_a_non_level_asset_says_what_it_is(self, tmp_path: Path) -> None:
        """procgen.load reads levels; a valid tileset is named as such."""
        from procgen.schemas import schema

        example = schema("tileset")["examples"][0]
        path = write(tmp_path, "tiles.json", json.dumps(example))
        with pytest.raises(procgen.AssetFormatError, match="is a tileset"):
            procgen.load(path)
