"""Reading a folder of example levels (a training corpus): formats, styles, legends and errors."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import procgen
from procgen.corpus import (
    CHAR_POOL,
    MAX_NAME,
    TAG_SYNONYMS,
    Corpus,
    CorpusLevel,
    read_corpus,
    read_legend,
)
from procgen.schemas import schema_id
from procgen.tiles import TAGS, TileType, grid_from_rows, rows_from_grid

#: The issue's example legend, in the VGLC format (character -> list of tags).
LEGEND = {"tiles": {"W": ["solid", "wall"], "F": ["walkable"], "D": ["walkable", "door"]}}

ROOM = ["WWWWW", "WFFFW", "WFFFD", "WWWWW"]

DUNGEON = procgen.level(seed=1, width=16, height=12, style="dungeon", difficulty=0.25)
CAVE = procgen.level(seed=2, width=20, height=14, style="cave")

VGLC = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "vglc"


def write(path: Path, content: str | bytes) -> Path:
    """Write a file, creating its folders."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


def write_json(path: Path, document: Any) -> Path:
    return write(path, json.dumps(document))


def save(level: procgen.Level, path: Path) -> Path:
    """Save a procgen level, creating its folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    return level.save(path)


def text(rows: list[str]) -> str:
    return "\n".join(rows) + "\n"


def grid_rows(level: CorpusLevel) -> list[str]:
    return rows_from_grid(level.grid)


def tiled_map(
    data: list[int],
    width: int,
    height: int,
    tiles: list[dict[str, Any]] | None = None,
    layer: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A minimal Tiled JSON map as another editor would write it: one tileset, one tile layer."""
    return {
        "type": "map",
        "orientation": "orthogonal",
        "infinite": False,
        "width": width,
        "height": height,
        "tilewidth": 8,
        "tileheight": 8,
        "tilesets": [{"firstgid": 1, "name": "art", "tilecount": 8, "tiles": tiles or []}],
        "layers": [
            {"type": "objectgroup", "name": "things", "objects": []},
            {"type": "tilelayer", "name": "ground", "width": width, "height": height}
            | {"data": data}
            | (layer or {}),
        ],
    }


def tags_property(value: str) -> list[dict[str, str]]:
    return [{"name": "tags", "type": "string", "value": value}]


# ---------------------------------------------------------------------------------------------


class TestTextGrids:
    def test_grid_reads_through_legend_in_the_folder(self, tmp_path: Path) -> None:
        """A .txt grid is read with folder/legend.json; its grid holds the file's characters."""
        write_json(tmp_path / "legend.json", LEGEND)
        write(tmp_path / "room.txt", text(ROOM))
        corpus = read_corpus(tmp_path)
        assert [grid_rows(level) for level in corpus.levels] == [ROOM]
        assert corpus.levels[0].grid.dtype == np.uint8
        assert corpus.levels[0].grid.shape == (4, 5)

    def test_legend_argument_is_used(self, tmp_path: Path) -> None:
        """The legend argument gives the meanings when the folder has no legend.json."""
        legend = write_json(tmp_path / "elsewhere" / "my-legend.json", LEGEND)
        write(tmp_path / "levels" / "room.txt", text(ROOM))
        corpus = read_corpus(tmp_path / "levels", legend=legend)
        assert corpus.tileset["D"] == TileType("walkable", ("walkable", "door"))

    def test_legend_argument_wins_over_legend_json(self, tmp_path: Path) -> None:
        """An explicit legend replaces folder/legend.json."""
        write_json(tmp_path / "legend.json", {"tiles": {"W": ["solid"]}})
        legend = write_json(tmp_path.parent / f"{tmp_path.name}-legend.json", LEGEND)
        write(tmp_path / "room.txt", text(ROOM))
        assert read_corpus(tmp_path, legend).tileset["W"].tags == ("solid", "wall")

    def test_crlf_and_missing_final_newline_are_tolerated(self, tmp_path: Path) -> None:
        """Windows line endings and a missing trailing newline read the same grid."""
        write_json(tmp_path / "legend.json", LEGEND)
        write(tmp_path / "a.txt", "\r\n".join(ROOM) + "\r\n")
        write(tmp_path / "b.txt", "\n".join(ROOM))
        assert [grid_rows(level) for level in read_corpus(tmp_path).levels] == [ROOM, ROOM]

    def test_tileset_holds_only_the_tiles_used(self, tmp_path: Path) -> None:
        """Legend entries no level uses stay out of the corpus tileset (the model's vocabulary)."""
        write_json(tmp_path / "legend.json", {"tiles": {**LEGEND["tiles"], "L": ["lava"]}})
        write(tmp_path / "room.txt", text(ROOM))
        assert list(read_corpus(tmp_path).tileset) == ["W", "F", "D"]

    def test_text_levels_have_no_difficulty(self, tmp_path: Path) -> None:
        """Only procgen level files record a difficulty."""
        write_json(tmp_path / "legend.json", LEGEND)
        write(tmp_path / "room.txt", text(ROOM))
        assert read_corpus(tmp_path).levels[0].difficulty is None

    def test_grids_are_read_only(self, tmp_path: Path) -> None:
        """A corpus is shared by everything that trains on it, so its grids cannot be changed."""
        write_json(tmp_path / "legend.json", LEGEND)
        write(tmp_path / "room.txt", text(ROOM))
        grid = read_corpus(tmp_path).levels[0].grid
        with pytest.raises(ValueError, match="read-only"):
            grid[0, 0] = ord("F")


class TestStyles:
    def test_subfolders_are_styles(self, tmp_path: Path) -> None:
        """folder/<style>/... gives its files that style; styles come back sorted."""
        write_json(tmp_path / "legend.json", LEGEND)
        write(tmp_path / "ruins" / "a.txt", text(ROOM))
        write(tmp_path / "keep" / "b.txt", text(ROOM))
        corpus = read_corpus(tmp_path)
        assert corpus.styles == ("keep", "ruins")
        assert [(level.source, level.style) for level in corpus.levels] == [
            ("keep/b.txt", "keep"),
            ("ruins/a.txt", "ruins"),
        ]

    def test_deeper_folders_take_their_first_component(self, tmp_path: Path) -> None:
        """folder/keep/floor1/a.txt has the style 'keep' and keeps its full relative source."""
        write_json(tmp_path / "legend.json", LEGEND)
        write(tmp_path / "keep" / "floor1" / "deep" / "a.txt", text(ROOM))
        level = read_corpus(tmp_path).levels[0]
        assert (level.style, level.source) == ("keep", "keep/floor1/deep/a.txt")

    def test_files_directly_in_the_folder_take_its_name(self, tmp_path: Path) -> None:
        """A flat folder of levels is one style, named after the folder."""
        folder = tmp_path / "castles"
        write_json(folder / "legend.json", LEGEND)
        write(folder / "a.txt", text(ROOM))
        assert read_corpus(folder).styles == ("castles",)

    @pytest.mark.parametrize(
        ("folder", "style"),
        [("Ice Caves", "ice-caves"), ("World_1 (Final)", "world-1-final"), ("ÉTÉ2", "t-2")],
    )
    def test_style_names_are_normalised(self, tmp_path: Path, folder: str, style: str) -> None:
        """Folder names become lowercase [a-z0-9-] styles."""
        write_json(tmp_path / "legend.json", LEGEND)
        write(tmp_path / folder / "a.txt", text(ROOM))
        assert read_corpus(tmp_path).styles == (style,)

    def test_folders_normalising_alike_share_a_style(self, tmp_path: Path) -> None:
        """'Keep' and 'keep!' are the same style."""
        write_json(tmp_path / "legend.json", LEGEND)
        write(tmp_path / "Keep" / "a.txt", text(ROOM))
        write(tmp_path / "keep!" / "b.txt", text(ROOM))
        corpus = read_corpus(tmp_path)
        assert corpus.styles == ("keep",)
        assert len(corpus.by_style()["keep"]) == 2

    def test_empty_style_name_is_refused(self, tmp_path: Path) -> None:
        """A folder name with no letters or digits gives no style: an error naming the file."""
        write_json(tmp_path / "legend.json", LEGEND)
        write(tmp_path / "___" / "a.txt", text(ROOM))
        with pytest.raises(procgen.AssetFormatError, match=r"a\.txt.*empty style"):
            read_corpus(tmp_path)

    def test_by_style_groups_levels_in_corpus_order(self, tmp_path: Path) -> None:
        """by_style maps each style, in sorted order, to its levels in corpus order."""
        write_json(tmp_path / "legend.json", LEGEND)
        for name in ("b/2.txt", "a/1.txt", "b/1.txt"):
            write(tmp_path / name, text(ROOM))
        groups = read_corpus(tmp_path).by_style()
        assert list(groups) == ["a", "b"]
        assert [level.source for level in groups["b"]] == ["b/1.txt", "b/2.txt"]


class TestStableOrder:
    def test_levels_are_sorted_by_relative_path(self, tmp_path: Path) -> None:
        """Levels come in relative-path order, whatever order the file system lists them in."""
        write_json(tmp_path / "legend.json", LEGEND)
        for name in ("z.txt", "m/b.txt", "a.txt", "m/a.txt"):
            write(tmp_path / name, text(ROOM))
        sources = [level.source for level in read_corpus(tmp_path).levels]
        assert sources == ["a.txt", "m/a.txt", "m/b.txt", "z.txt"]

    def test_tileset_lists_tiles_in_order_of_first_appearance(self, tmp_path: Path) -> None:
        """Tiles follow the first file that uses them, each file in its own tileset's order."""
        write_json(tmp_path / "legend.json", {"tiles": {"F": ["walkable"], **LEGEND["tiles"]}})
        write(tmp_path / "a.txt", text(["WWWW"] * 4))
        write(tmp_path / "b.txt", text(ROOM))
        assert list(read_corpus(tmp_path).tileset) == ["W", "F", "D"]

    def test_reading_twice_gives_the_same_corpus(self, tmp_path: Path) -> None:
        """Same folder, same corpus: sources, styles, grids and tileset."""
        write_json(tmp_path / "legend.json", LEGEND)
        write(tmp_path / "x" / "a.txt", text(ROOM))
        save(DUNGEON, tmp_path / "y" / "b.json")
        save(CAVE, tmp_path / "c.tmj")
        first, second = read_corpus(tmp_path), read_corpus(tmp_path)
        assert first.tileset == second.tileset and first.styles == second.styles
        assert [(lv.source, lv.style, lv.grid.tobytes()) for lv in first.levels] == [
            (lv.source, lv.style, lv.grid.tobytes()) for lv in second.levels
        ]


class TestIgnoredFiles:
    def test_non_level_files_are_ignored(self, tmp_path: Path) -> None:
        """Images, notes, hidden files and hidden folders are not levels."""
        write_json(tmp_path / "legend.json", LEGEND)
        write(tmp_path / "room.txt", text(ROOM))
        write(tmp_path / "room.png", b"\x89PNG")
        write(tmp_path / "notes.md", "# notes")
        write(tmp_path / ".draft.txt", "broken")
        write(tmp_path / ".cache" / "x.json", "{broken")
        assert [level.source for level in read_corpus(tmp_path).levels] == ["room.txt"]

    @pytest.mark.parametrize("name", ["README.txt", "readme.yaml", "LICENSE.txt", "keep/README"])
    def test_documentation_files_are_ignored(self, tmp_path: Path, name: str) -> None:
        """README and licence files are documentation even with a level extension (VGLC's Zelda
        folder keeps its legend in README.txt)."""
        write_json(tmp_path / "legend.json", LEGEND)
        write(tmp_path / "room.txt", text(ROOM))
        write(tmp_path / name, "F = FLOOR\nW = WALL")
        assert [level.source for level in read_corpus(tmp_path).levels] == ["room.txt"]

    def test_legend_argument_inside_the_folder_is_not_a_level(self, tmp_path: Path) -> None:
        """A legend passed explicitly may live among the levels, as VGLC's smb.json does."""
        legend = write_json(tmp_path / "smb.json", LEGEND)
        write(tmp_path / "room.txt", text(ROOM))
        assert len(read_corpus(tmp_path, legend).levels) == 1

    def test_other_legend_shaped_json_is_ignored(self, tmp_path: Path) -> None:
        """JSON made only of sub-objects and no $schema (a legend, a graph legend) is skipped."""
        write_json(tmp_path / "legend.json", LEGEND)
        write(tmp_path / "room.txt", text(ROOM))
        write_json(tmp_path / "graph.json", {"nodes": {"e": ["room"]}, "edges": {}})
        assert [level.source for level in read_corpus(tmp_path).levels] == ["room.txt"]


class TestProcgenLevelFiles:
    @pytest.mark.parametrize("suffix", [".json", ".yaml", ".yml", ".tmj"])
    def test_level_file_reads_back_as_its_grid(self, tmp_path: Path, suffix: str) -> None:
        """A level saved by procgen reads back as exactly the grid it was saved with."""
        DUNGEON.save(tmp_path / f"level{suffix}")
        (level,) = read_corpus(tmp_path).levels
        assert np.array_equal(level.grid, DUNGEON.grid)

    def test_tiles_keep_their_procgen_meaning(self, tmp_path: Path) -> None:
        """Tiles of procgen files keep their names, tags and colours."""
        DUNGEON.save(tmp_path / "level.json")
        tileset = read_corpus(tmp_path).tileset
        assert tileset["#"] == DUNGEON.tileset["#"]
        assert set(tileset) == set("".join(DUNGEON.tiles))

    @pytest.mark.parametrize("suffix", [".json", ".yaml", ".tmj"])
    def test_difficulty_comes_from_meta_params(self, tmp_path: Path, suffix: str) -> None:
        """meta.params.difficulty is the level's difficulty (Tiled maps: params.difficulty)."""
        DUNGEON.save(tmp_path / f"level{suffix}")
        assert read_corpus(tmp_path).levels[0].difficulty == 0.25

    @pytest.mark.parametrize("value", [1.5, -0.1, "hard", True, None])
    def test_difficulty_outside_0_to_1_is_none(self, tmp_path: Path, value: object) -> None:
        """A recorded difficulty that is not a number in [0, 1] is treated as unknown."""
        document = DUNGEON.to_dict()
        document["meta"]["params"]["difficulty"] = value
        write_json(tmp_path / "level.json", document)
        assert read_corpus(tmp_path).levels[0].difficulty is None

    def test_mixed_sizes_and_formats_read_together(self, tmp_path: Path) -> None:
        """Levels of different sizes and formats make one corpus; the trainer buckets sizes."""
        write_json(tmp_path / "legend.json", LEGEND)
        save(DUNGEON, tmp_path / "dungeon" / "a.json")
        save(CAVE, tmp_path / "cave" / "b.yaml")
        write(tmp_path / "rooms" / "c.txt", text(ROOM))
        corpus = read_corpus(tmp_path)
        assert [level.grid.shape for level in corpus.levels] == [(14, 20), (12, 16), (4, 5)]
        assert corpus.styles == ("cave", "dungeon", "rooms")

    def test_tmj_files_of_several_levels_share_one_tileset(self, tmp_path: Path) -> None:
        """Tiled maps written by procgen keep procgen's characters, names and tags (not colours,
        which .tmj files do not record)."""
        DUNGEON.save(tmp_path / "a.tmj")
        CAVE.save(tmp_path / "b.tmj")
        corpus = read_corpus(tmp_path)
        assert np.array_equal(corpus.levels[1].grid, CAVE.grid)
        assert corpus.tileset["#"] == TileType("wall", ("solid", "wall"))

    def test_other_asset_kind_is_refused(self, tmp_path: Path) -> None:
        """A valid procgen asset that is not a level (a tileset) is an error naming the file."""
        write_json(
            tmp_path / "tiles.json",
            {"$schema": schema_id("tileset"), "name": "t", "tiles": DUNGEON.tileset.to_dict()},
        )
        with pytest.raises(procgen.AssetFormatError, match=r"tiles\.json: is a tileset"):
            read_corpus(tmp_path)

    def test_unknown_schema_is_refused(self, tmp_path: Path) -> None:
        """A document declaring another $schema is an error naming the file."""
        write_json(tmp_path / "odd.json", {"$schema": "https://example.com/x", "tiles": ["...."]})
        with pytest.raises(procgen.AssetFormatError, match=r"odd\.json: unknown \$schema"):
            read_corpus(tmp_path)

    def test_invalid_level_is_a_validation_error(self, tmp_path: Path) -> None:
        """A level breaking its schema raises AssetValidationError naming the file."""
        document = DUNGEON.to_dict()
        document["entities"] = []
        write_json(tmp_path / "broken.json", document)
        with pytest.raises(procgen.AssetValidationError, match=r"broken\.json"):
            read_corpus(tmp_path)

    def test_corrupt_json_is_refused(self, tmp_path: Path) -> None:
        """Unparseable JSON is an AssetFormatError naming the file."""
        write(tmp_path / "bad.json", '{"width": ')
        with pytest.raises(procgen.AssetFormatError, match=r"bad\.json: invalid JSON"):
            read_corpus(tmp_path)

    def test_yaml_aliases_are_refused(self, tmp_path: Path) -> None:
        """YAML aliases (the alias bomb) are refused, as everywhere in procgen."""
        write(tmp_path / "bomb.yaml", "a: &a [x, x]\nb: [*a, *a]\n")
        with pytest.raises(procgen.AssetFormatError, match=r"bomb\.yaml.*aliases"):
            read_corpus(tmp_path)


class TestLegends:
    def test_vglc_legend_form(self, tmp_path: Path) -> None:
        """A legend maps characters to tag lists; tags in the vocabulary are kept."""
        tileset = read_legend(write_json(tmp_path / "legend.json", LEGEND))
        assert tileset["W"] == TileType("solid", ("solid", "wall"))
        assert tileset["F"] == TileType("walkable", ("walkable",))

    def test_rich_legend_form(self, tmp_path: Path) -> None:
        """The object form carries a name, tags and a colour (lowercased)."""
        spec = {"name": "wall", "tags": ["solid", "wall"], "color": "#4A4458"}
        tileset = read_legend(write_json(tmp_path / "legend.json", {"tiles": {"#": spec}}))
        assert tileset["#"] == TileType("wall", ("solid", "wall"), "#4a4458")

    def test_a_procgen_tileset_file_is_a_legend(self, tmp_path: Path) -> None:
        """A procgen tileset document (name, tiles) reads as a legend."""
        document = {"$schema": schema_id("tileset"), "name": "std", "tiles": {}}
        document["tiles"] = DUNGEON.tileset.to_dict()
        assert read_legend(write_json(tmp_path / "std.json", document)) == DUNGEON.tileset

    def test_the_shipped_corpus_legend_reads(self) -> None:
        """procgen's own corpus legend is in the rich form and means the standard tileset."""
        from procgen.tiles import STANDARD_TILESET

        legend = Path(procgen.__file__).parent / "data" / "corpus" / "legend.json"
        if not legend.is_file():
            pytest.skip("procgen/data/corpus/legend.json is not in this checkout")
        assert read_legend(legend) == STANDARD_TILESET

    @pytest.mark.parametrize(("synonym", "tag"), sorted(TAG_SYNONYMS.items()))
    def test_synonyms_map_into_the_vocabulary(self, tmp_path: Path, synonym: str, tag: str) -> None:
        """Each documented synonym becomes its procgen tag."""
        path = write_json(tmp_path / "legend.json", {"tiles": {"x": ["thing", synonym]}})
        assert read_legend(path)["x"] == TileType("thing", (tag,))

    def test_synonyms_target_the_vocabulary(self) -> None:
        """The synonym table only ever produces tags procgen knows."""
        assert set(TAG_SYNONYMS.values()) <= set(TAGS)
        assert not set(TAG_SYNONYMS) & set(TAGS)

    def test_tags_match_regardless_of_case_and_duplicates_collapse(self, tmp_path: Path) -> None:
        """'Solid', 'blocking' and 'solid' are one tag."""
        path = write_json(tmp_path / "l.json", {"tiles": {"x": ["Solid", "blocking", "solid"]}})
        assert read_legend(path)["x"].tags == ("solid",)

    def test_unknown_tags_are_dropped_but_name_the_tile(self, tmp_path: Path) -> None:
        """Tags outside the vocabulary leave the tags; the first becomes the tile's name."""
        path = write_json(
            tmp_path / "l.json", {"tiles": {"o": ["passable", "coin", "shiny", "collectable"]}}
        )
        assert read_legend(path)["o"] == TileType("coin", ("walkable", "collectable"))

    def test_known_tags_only_name_the_tile_by_its_first_tag(self, tmp_path: Path) -> None:
        """With every tag known, the first tag (as written) is the name."""
        path = write_json(tmp_path / "l.json", {"tiles": {"B": ["block", "solid"]}})
        assert read_legend(path)["B"] == TileType("block", ("solid",))

    def test_tile_without_tags_or_name_is_named_after_its_character(self, tmp_path: Path) -> None:
        """An entry with nothing to go on is called tile-<char>."""
        path = write_json(tmp_path / "l.json", {"tiles": {"?": [], "!": {"tags": []}}})
        tileset = read_legend(path)
        assert (tileset["?"].name, tileset["!"].name) == ("tile-?", "tile-!")

    def test_long_names_are_cut_to_the_schema_limit(self, tmp_path: Path) -> None:
        """Names longer than 64 characters are shortened, not refused."""
        path = write_json(tmp_path / "l.json", {"tiles": {"x": ["n" * 100]}})
        assert read_legend(path)["x"].name == "n" * MAX_NAME

    @pytest.mark.parametrize(
        ("content", "problem"),
        [
            ('{"tiles": ', "invalid JSON"),
            ("[1, 2]", "'tiles' object"),
            ('{"legend": {}}', "'tiles' object"),
            ('{"tiles": ["W", "F"]}', "'tiles' object"),
            ('{"tiles": {}}', "empty"),
            ('{"tiles": {"WW": ["solid"]}}', "single printable ASCII"),
            ('{"tiles": {"\\t": ["solid"]}}', "single printable ASCII"),
            ('{"tiles": {"é": ["solid"]}}', "single printable ASCII"),
            ('{"tiles": {"W": "solid"}}', "list of tags or an object"),
            ('{"tiles": {"W": [1, 2]}}', "list of strings"),
            ('{"tiles": {"W": {"name": 3}}}', "name"),
            ('{"tiles": {"W": {"color": "red"}}}', "color"),
        ],
    )
    def test_malformed_legend_is_refused(self, tmp_path: Path, content: str, problem: str) -> None:
        """A broken legend is an AssetFormatError naming the legend file."""
        path = write(tmp_path / "my-legend.json", content)
        with pytest.raises(procgen.AssetFormatError, match=problem) as raised:
            read_legend(path)
        assert "my-legend.json" in str(raised.value)

    def test_malformed_default_legend_fails_the_corpus(self, tmp_path: Path) -> None:
        """read_corpus reports a broken folder/legend.json by name."""
        write(tmp_path / "legend.json", '{"tiles": 3}')
        write(tmp_path / "room.txt", text(ROOM))
        with pytest.raises(procgen.AssetFormatError, match=r"legend\.json"):
            read_corpus(tmp_path)


class TestTiledMaps:
    def test_foreign_map_gets_pool_characters_in_gid_order(self, tmp_path: Path) -> None:
        """Tiles without a char property get CHAR_POOL characters by GID; GID 0 is void."""
        data = [3, 3, 3, 3, 3, 1, 1, 3, 3, 0, 1, 3, 3, 3, 3, 3]
        write_json(tmp_path / "map.tmj", tiled_map(data, 4, 4))
        corpus = read_corpus(tmp_path)
        a, b, c = CHAR_POOL[:3]
        assert grid_rows(corpus.levels[0]) == [c * 4, f"{c}{b}{b}{c}", f"{c}{a}{b}{c}", c * 4]
        assert corpus.tileset[a] == TileType("void", ("void",))
        assert (corpus.tileset[b].name, corpus.tileset[c].name) == ("tile-1", "tile-3")

    def test_foreign_tags_and_type_are_read(self, tmp_path: Path) -> None:
        """A 'tags' property (comma-separated, synonyms allowed) and the type/class name a tile."""
        tiles = [
            {"id": 0, "type": "brick", "properties": tags_property("impassable, wall")},
            {"id": 1, "class": "mud", "properties": tags_property("passable,sticky")},
            {"id": 2, "properties": tags_property("lava,damaging")},
        ]
        write_json(tmp_path / "map.tmj", tiled_map([1] * 8 + [2] * 4 + [3] * 4, 4, 4, tiles))
        tileset = read_corpus(tmp_path).tileset
        assert list(tileset.values()) == [
            TileType("brick", ("solid", "wall")),
            TileType("mud", ("walkable",)),
            TileType("lava", ("lava", "hazard")),
        ]

    def test_flip_flags_do_not_change_the_tile(self, tmp_path: Path) -> None:
        """A flipped or rotated tile (high GID bits) is the same tile."""
        data = [1, 1 | 0x80000000, 1 | 0x40000000, 1 | 0x20000000] * 4
        write_json(tmp_path / "map.tmj", tiled_map(data, 4, 4))
        assert len(read_corpus(tmp_path).tileset) == 1

    def test_tile_layer_inside_a_group_is_found(self, tmp_path: Path) -> None:
        """The first tile layer may sit inside a group layer."""
        document = tiled_map([1] * 16, 4, 4)
        document["layers"] = [{"type": "group", "name": "g", "layers": document["layers"]}]
        write_json(tmp_path / "map.tmj", document)
        assert read_corpus(tmp_path).levels[0].grid.shape == (4, 4)

    def test_external_json_tileset_is_read(self, tmp_path: Path) -> None:
        """Tile properties in an external .tsj tileset are used."""
        tiles = [{"id": 0, "type": "stone", "properties": tags_property("solid")}]
        write_json(tmp_path / "art" / "stone.tsj", {"name": "art", "tiles": tiles})
        document = tiled_map([1] * 16, 4, 4)
        document["tilesets"] = [{"firstgid": 1, "source": "art/stone.tsj"}]
        write_json(tmp_path / "map.tmj", document)
        assert list(read_corpus(tmp_path).tileset.values()) == [TileType("stone", ("solid",))]

    def test_pool_characters_avoid_characters_taken_elsewhere(self, tmp_path: Path) -> None:
        """A foreign map never reuses a character that a legend or level file already gave."""
        write_json(tmp_path / "legend.json", {"tiles": {CHAR_POOL[0]: ["solid"], "F": ["floor"]}})
        write(tmp_path / "z.txt", text([CHAR_POOL[0] * 4, "FFFF", "FFFF", "FFFF"]))
        write_json(tmp_path / "a.tmj", tiled_map([1] * 16, 4, 4))
        corpus = read_corpus(tmp_path)
        assert grid_rows(corpus.levels[0]) == [CHAR_POOL[1] * 4] * 4
        assert corpus.tileset[CHAR_POOL[0]].tags == ("solid",)

    def test_same_foreign_tile_in_two_maps_shares_a_character(self, tmp_path: Path) -> None:
        """Tiles with the same name and tags in two foreign maps are one tile."""
        tiles = [{"id": 0, "type": "grass", "properties": tags_property("walkable")}]
        write_json(tmp_path / "a.tmj", tiled_map([1] * 16, 4, 4, tiles))
        write_json(tmp_path / "b.tmj", tiled_map([0] * 8 + [1] * 8, 4, 4, tiles))
        corpus = read_corpus(tmp_path)
        assert len(corpus.tileset) == 2
        assert corpus.levels[0].grid[0, 0] == corpus.levels[1].grid[3, 3]

    @pytest.mark.parametrize(
        ("layer", "problem"),
        [
            ({"encoding": "base64", "data": "AAAA"}, "base64 or compressed"),
            ({"compression": "zlib"}, "base64 or compressed"),
            ({"chunks": []}, "chunks"),
            ({"data": [1, 1, 1]}, "not 4x4"),
            ({"data": [1.5] * 16}, "not GIDs"),
            ({"data": [9] * 16, "width": 4}, None),
        ],
    )
    def test_unsupported_layers_are_refused(
        self, tmp_path: Path, layer: dict[str, Any], problem: str | None
    ) -> None:
        """Layers procgen cannot read give an AssetFormatError naming the map."""
        document = tiled_map([1] * 16, 4, 4, layer=layer)
        if problem is None:  # a GID below every tileset's firstgid
            document["tilesets"][0]["firstgid"] = 20
            problem = "belongs to no tileset"
        write_json(tmp_path / "map.tmj", document)
        with pytest.raises(procgen.AssetFormatError, match=problem) as raised:
            read_corpus(tmp_path)
        assert "map.tmj" in str(raised.value)

    def test_infinite_map_is_refused(self, tmp_path: Path) -> None:
        """Infinite maps have no fixed size: an error naming the map."""
        write_json(tmp_path / "map.tmj", tiled_map([1] * 16, 4, 4) | {"infinite": True})
        with pytest.raises(procgen.AssetFormatError, match=r"map\.tmj: infinite"):
            read_corpus(tmp_path)

    def test_map_without_tile_layer_is_refused(self, tmp_path: Path) -> None:
        """A map of object layers only has no grid to learn from."""
        document = tiled_map([1] * 16, 4, 4)
        document["layers"] = document["layers"][:1]
        write_json(tmp_path / "map.tmj", document)
        with pytest.raises(procgen.AssetFormatError, match=r"map\.tmj: the map has no tile layer"):
            read_corpus(tmp_path)


class TestOneMeaningPerCharacter:
    def test_same_character_with_other_tags_is_refused(self, tmp_path: Path) -> None:
        """'#' as a wall in one file and as floor in another is an error naming both files."""
        DUNGEON.save(tmp_path / "a.json")
        floor = {"tiles": {"#": ["walkable"], ".": ["walkable"], "+": ["door"]}}
        legend = write_json(tmp_path.parent / f"{tmp_path.name}.legend.json", floor)
        write(tmp_path / "b.txt", text(["####", "#..#", "#.+#", "####"]))
        with pytest.raises(procgen.AssetFormatError, match=r"a\.json and .*b\.txt give '#'"):
            read_corpus(tmp_path, legend)

    def test_same_character_with_same_tags_is_one_tile(self, tmp_path: Path) -> None:
        """Files agreeing on a character's tags share it, whatever they call it."""
        DUNGEON.save(tmp_path / "a.json")
        legend = write_json(tmp_path / "legend.json", {"tiles": {"#": ["wall", "solid"]}})
        write(tmp_path / "b.txt", text(["####"] * 4))
        tileset = read_corpus(tmp_path, legend).tileset
        assert tileset["#"] == DUNGEON.tileset["#"]


class TestFolderErrors:
    def test_missing_folder(self, tmp_path: Path) -> None:
        """A folder that does not exist is an AssetFormatError naming it."""
        with pytest.raises(procgen.AssetFormatError, match=r"nowhere: no such folder"):
            read_corpus(tmp_path / "nowhere")

    def test_file_instead_of_folder(self, tmp_path: Path) -> None:
        """A file is not a corpus."""
        path = write(tmp_path / "room.txt", text(ROOM))
        with pytest.raises(procgen.AssetFormatError, match=r"room\.txt: not a folder"):
            read_corpus(path)

    def test_empty_corpus(self, tmp_path: Path) -> None:
        """A folder with no level files is an 'empty corpus'."""
        write_json(tmp_path / "legend.json", LEGEND)
        write(tmp_path / "README.md", "levels go here")
        with pytest.raises(procgen.AssetFormatError, match="empty corpus") as raised:
            read_corpus(tmp_path)
        assert tmp_path.name in str(raised.value)


class TestTextGridErrors:
    def test_ragged_grid_names_the_line(self, tmp_path: Path) -> None:
        """A text grid whose rows differ in length is refused, naming the file and the line."""
        write_json(tmp_path / "legend.json", LEGEND)
        write(tmp_path / "ragged.txt", text([*ROOM[:2], "WFFW", *ROOM[3:]]))
        with pytest.raises(procgen.AssetFormatError, match=r"ragged\.txt: .*line 3 has 4"):
            read_corpus(tmp_path)

    def test_missing_legend(self, tmp_path: Path) -> None:
        """Text grids without any legend are refused, saying how to give one."""
        write(tmp_path / "room.txt", text(ROOM))
        with pytest.raises(procgen.AssetFormatError, match=r"room\.txt: .*need a legend"):
            read_corpus(tmp_path)

    def test_characters_missing_from_the_legend_are_listed(self, tmp_path: Path) -> None:
        """Every character the legend lacks is named, with the file."""
        write_json(tmp_path / "legend.json", LEGEND)
        write(tmp_path / "room.txt", text(["WWWW", "W?!W", "W\tFW", "WWWW"]))
        with pytest.raises(
            procgen.AssetFormatError, match=r"room\.txt: characters '\\t!\?' are not in the legend"
        ):
            read_corpus(tmp_path)

    @pytest.mark.parametrize(
        "rows", [["WWW"] * 3, ["WWWW"] * 3, ["W" * 3] * 10, ["W" * 513] * 4, ["W" * 4] * 513]
    )
    def test_sizes_outside_4_to_512_are_refused(self, tmp_path: Path, rows: list[str]) -> None:
        """Levels smaller than 4x4 or larger than 512x512 are refused, naming the file."""
        write_json(tmp_path / "legend.json", LEGEND)
        write(tmp_path / "odd.txt", text(rows))
        with pytest.raises(procgen.AssetFormatError, match=r"odd\.txt: level is \d+x\d+ tiles"):
            read_corpus(tmp_path)

    @pytest.mark.parametrize("rows", [["W" * 4] * 4, ["W" * 512] * 512, ["W" * 4] * 512])
    def test_sizes_at_the_limits_are_accepted(self, tmp_path: Path, rows: list[str]) -> None:
        """4x4 and 512x512 themselves are fine."""
        write_json(tmp_path / "legend.json", LEGEND)
        write(tmp_path / "edge.txt", text(rows))
        assert read_corpus(tmp_path).levels[0].grid.shape == (len(rows), len(rows[0]))

    def test_small_procgen_level_is_refused(self, tmp_path: Path) -> None:
        """The size limits hold for procgen level files too."""
        document = DUNGEON.to_dict() | {"width": 3, "height": 3, "tiles": ["#.#", "...", "#.#"]}
        document["entities"] = [
            {"id": "s", "kind": "spawn", "x": 0, "y": 1},
            {"id": "e", "kind": "exit", "x": 2, "y": 1},
        ]
        write_json(tmp_path / "tiny.json", document)
        with pytest.raises(procgen.AssetFormatError, match=r"tiny\.json: level is 3x3"):
            read_corpus(tmp_path)

    def test_binary_file_is_refused(self, tmp_path: Path) -> None:
        """A .txt that is not UTF-8 text is an error naming it."""
        write_json(tmp_path / "legend.json", LEGEND)
        write(tmp_path / "blob.txt", b"\xff\xfe\x00W")
        with pytest.raises(procgen.AssetFormatError, match=r"blob\.txt: not UTF-8"):
            read_corpus(tmp_path)

    def test_empty_text_file_is_refused(self, tmp_path: Path) -> None:
        """An empty .txt is an error naming it."""
        write_json(tmp_path / "legend.json", LEGEND)
        write(tmp_path / "blank.txt", "")
        with pytest.raises(procgen.AssetFormatError, match=r"blank\.txt: empty"):
            read_corpus(tmp_path)


class TestPerformance:
    def test_five_hundred_small_levels_read_quickly(self, tmp_path: Path) -> None:
        """500 small text grids read in well under a second or two."""
        write_json(tmp_path / "legend.json", LEGEND)
        rows = text(["WWWWWWWWWWWW", *["WFFFFFFFFFFD"] * 8, "WWWWWWWWWWWW"])
        for n in range(500):
            write(tmp_path / f"style{n % 5}" / f"level{n:03}.txt", rows)
        start = time.perf_counter()
        corpus = read_corpus(tmp_path)
        assert time.perf_counter() - start < 1.0
        assert len(corpus.levels) == 500 and len(corpus.styles) == 5


class TestCorpusValue:
    def test_corpus_is_immutable(self, tmp_path: Path) -> None:
        """Corpus and CorpusLevel are frozen dataclasses."""
        write_json(tmp_path / "legend.json", LEGEND)
        write(tmp_path / "room.txt", text(ROOM))
        corpus = read_corpus(tmp_path)
        with pytest.raises(AttributeError):
            corpus.levels = ()  # type: ignore[misc]
        with pytest.raises(AttributeError):
            corpus.levels[0].style = "x"  # type: ignore[misc]
        assert isinstance(corpus, Corpus)

    def test_grid_round_trips_through_rows(self, tmp_path: Path) -> None:
        """The grid is uint8 ASCII codes that grid_from_rows would build."""
        write_json(tmp_path / "legend.json", LEGEND)
        write(tmp_path / "room.txt", text(ROOM))
        assert np.array_equal(read_corpus(tmp_path).levels[0].grid, grid_from_rows(ROOM))


# ---------------------------------------------------------------------------------------------
# Third-party corpora: the Video Game Level Corpus, read in place (never copied into the repo).


def vglc(game: str) -> Path:
    folder = VGLC / game
    if not folder.is_dir():
        pytest.skip(f"VGLC reference corpus not found at {folder}")
    return folder


#: Zelda's tile meanings, from VGLC's Processed/README.txt (the repo has no tile legend JSON).
ZELDA_LEGEND = {
    "tiles": {
        "F": ["floor", "walkable"],
        "B": ["block", "solid"],
        "M": ["monster", "walkable", "hazard"],
        "P": ["element", "water"],
        "O": ["element", "floor", "walkable"],
        "I": ["element", "block", "solid"],
        "D": ["door", "walkable"],
        "S": ["stair", "walkable"],
        "W": ["wall", "solid"],
        "-": ["void"],
    }
}


class TestVGLC:
    def test_super_mario_bros(self) -> None:
        """All 15 SMB levels read with smb.json as legend; VGLC's words map onto procgen's tags."""
        folder = vglc("smb")
        corpus = read_corpus(folder, legend=folder / "smb.json")
        assert len(corpus.levels) == 15
        assert corpus.styles == ("smb",)
        assert all(level.grid.shape[0] == 14 for level in corpus.levels)
        assert corpus.tileset["?"].has("solid")
        assert corpus.tileset["-"] == TileType("empty", ("walkable",))
        assert corpus.tileset["E"] == TileType("enemy", ("hazard",))
        assert corpus.tileset["o"] == TileType("coin", ("collectable", "walkable"))
        assert corpus.levels[0].source == "mario-1-1.txt"

    def test_zelda(self, tmp_path: Path) -> None:
        """The 18 Zelda dungeons read in place with a legend written from VGLC's README."""
        folder = vglc("zelda")
        legend = write_json(tmp_path / "zelda-legend.json", ZELDA_LEGEND)
        corpus = read_corpus(folder, legend=legend)
        assert len(corpus.levels) == 18
        assert {level.source for level in corpus.levels} == {
            f"tloz{d}_{q}.txt" for d in range(1, 10) for q in (1, 2)
        }
        assert set(corpus.tileset) <= set(ZELDA_LEGEND["tiles"])
        assert corpus.tileset["W"].tags == ("wall", "solid")
        assert corpus.tileset["P"] == TileType("element", ("water",))
        assert all(level.grid.shape[1] in (66, 77, 88) for level in corpus.levels)
