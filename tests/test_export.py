"""procgen.export: the pictures and Tiled maps procgen draws for a level, from its own art."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import zlib
from pathlib import Path

import numpy as np
import pytest
import pytiled_parser
from PIL import Image

from procgen.errors import InvalidParameterError
from procgen.export.art import TAG_COLORS, base_color, entity_icon, parse_color, tile_image
from procgen.export.image import png_bytes, render_level, tileset_image
from procgen.export.tiled import tmj_text, to_tmj
from procgen.levels import ENTITY_KINDS, Entity, Level
from procgen.tiles import STANDARD_TILESET, Tileset, TileType

ROOM = (
    "##########",
    "#....~~..#",
    "#.*..--..+",
    "#.%%.==.,#",
    "#.:::;;,,#",
    "#.TT^^oo&#",
    "#........#",
    "##########",
)
#: One entity of each kind, along the bottom row of floor; the locked door needs the key.
ENTITIES = tuple(
    Entity(f"{kind}-1", kind, x, 6, key="gold" if kind in ("key", "door") else None)
    for x, kind in enumerate(ENTITY_KINDS, start=1)
)
META = {"generator": {"name": "dungeon", "version": "1.0"}, "seed": 42, "style": "dungeon"}


def room(entities: tuple[Entity, ...] = ENTITIES, meta: dict[str, object] | None = None) -> Level:
    return Level(ROOM, STANDARD_TILESET, entities, dict(META if meta is None else meta))


def cell(pixels: np.ndarray, x: int, y: int, size: int = 16) -> np.ndarray:
    """The pixels of tile ``(x, y)`` in a rendered level."""
    return pixels[y * size : (y + 1) * size, x * size : (x + 1) * size]


def decode(data: bytes) -> np.ndarray:
    with Image.open(io.BytesIO(data)) as image:
        assert image.mode == "RGBA"
        return np.asarray(image).copy()


class TestTileImages:
    @pytest.mark.parametrize("char", list(STANDARD_TILESET))
    def test_every_standard_tile_is_an_opaque_rgba_square(self, char: str) -> None:
        """Each standard tile draws as a 16x16 RGBA uint8 image with no see-through pixels."""
        pixels = tile_image(STANDARD_TILESET[char])
        assert pixels.shape == (16, 16, 4)
        assert pixels.dtype == np.uint8
        assert (pixels[..., 3] == 255).all()

    @pytest.mark.parametrize("size", [8, 24, 32])
    def test_other_sizes(self, size: int) -> None:
        """A tile can be drawn at any size the caller picks."""
        for tile in STANDARD_TILESET.values():
            assert tile_image(tile, size).shape == (size, size, 4)

    def test_drawing_is_deterministic(self) -> None:
        """The same tile always draws the same pixels, speckle included."""
        for tile in STANDARD_TILESET.values():
            assert np.array_equal(tile_image(tile), tile_image(tile))

    def test_standard_tiles_are_told_apart(self) -> None:
        """No two standard tiles draw alike, so a picture shows what every tile is."""
        images = [tile_image(tile).tobytes() for tile in STANDARD_TILESET.values()]
        assert len(set(images)) == len(images)

    def test_tile_colour_is_the_dominant_colour(self) -> None:
        """A tile's own colour is the one it is mostly drawn in (here, plain floor)."""
        floor = tile_image(STANDARD_TILESET["."])
        median = np.median(floor[..., :3].reshape(-1, 3), axis=0)
        assert np.abs(median - parse_color("#b9a98f")).max() <= 12

    def test_global_random_state_is_untouched(self) -> None:
        """Drawing neither reads nor advances numpy's global random state."""
        np.random.seed(7)
        expected = np.random.random()
        np.random.seed(7)
        tile_image(STANDARD_TILESET[","])
        assert np.random.random() == expected

    def test_void_is_near_black(self) -> None:
        """Outside the playable map is drawn near-black, whatever its colour."""
        pixels = tile_image(TileType("outside", ("void",), "#808080"))
        assert pixels[..., :3].max() <= 40

    def test_untagged_tile_is_flat_with_a_darker_border(self) -> None:
        """A tile with no drawable tag is its colour, framed by a darker 1 px border."""
        pixels = tile_image(TileType("thing", ("decoration",), "#c08040")).astype(int)
        assert (pixels[1:-1, 1:-1, :3] == (0xC0, 0x80, 0x40)).all()
        assert (pixels[0, :, :3] < (0xC0, 0x80, 0x40)).all()

    def test_tiny_tiles_are_refused(self) -> None:
        """A tile smaller than 4 pixels cannot hold a pattern."""
        with pytest.raises(InvalidParameterError):
            tile_image(STANDARD_TILESET["#"], 3)


class TestDerivedColours:
    def test_unknown_name_without_tags_gets_a_crc32_colour(self) -> None:
        """A tile with neither colour nor known tags is coloured from a CRC-32 of its name."""
        digest = zlib.crc32(b"glowmoss")
        expected = tuple(48 + ((digest >> s) & 0xFF) * 160 // 255 for s in (16, 8, 0))
        assert base_color(TileType("glowmoss", ())) == expected

    def test_names_give_different_colours(self) -> None:
        """Different unknown tiles are told apart by colour."""
        assert base_color(TileType("glowmoss", ())) != base_color(TileType("quicksand", ()))

    def test_colour_is_the_same_in_another_process(self) -> None:
        """The derived colour does not depend on Python's per-process string hashing."""
        code = (
            "from procgen.export.art import tile_image; from procgen.tiles import TileType;"
            "import zlib; print(zlib.crc32(tile_image(TileType('glowmoss', ())).tobytes()))"
        )
        runs = {
            subprocess.run(
                [sys.executable, "-c", code],
                capture_output=True,
                text=True,
                check=True,
                env={**os.environ, "PYTHONHASHSEED": seed},
                cwd=Path(__file__).parent.parent,
            ).stdout
            for seed in ("1", "2")
        }
        assert runs == {f"{zlib.crc32(tile_image(TileType('glowmoss', ())).tobytes())}\n"}

    def test_known_tag_gives_that_tags_colour(self) -> None:
        """A colourless tile with a known tag is drawn in that tag's colour."""
        assert base_color(TileType("bog", ("walkable", "water"))) == parse_color(
            TAG_COLORS["water"]
        )

    def test_the_most_telling_tag_wins_whatever_the_tag_order(self) -> None:
        """Grass tagged ground and vegetation is coloured as vegetation in either order."""
        first = base_color(TileType("moss", ("ground", "vegetation")))
        second = base_color(TileType("moss", ("vegetation", "ground")))
        assert first == second == parse_color(TAG_COLORS["vegetation"])

    def test_a_colourless_tileset_renders_and_exports(self, tmp_path: Path) -> None:
        """A level over a tileset with no colours renders, twice alike, and exports to Tiled."""
        tileset = Tileset(
            {"x": TileType("glowmoss", ()), "_": TileType("mud", ("walkable", "ground"))}
        )
        level = Level(("x_x", "___"), tileset, (Entity("s", "spawn", 1, 1),))
        first, second = png_bytes(render_level(level)), png_bytes(render_level(level))
        assert first == second
        assert to_tmj(level, "t.png")["layers"][0]["data"] == [1, 2, 1, 2, 2, 2]

    def test_malformed_colour_is_refused(self) -> None:
        """A colour that is not #rrggbb is a parameter error, not a crash."""
        with pytest.raises(InvalidParameterError):
            tile_image(TileType("odd", (), "red"))


class TestEntityIcons:
    @pytest.mark.parametrize("kind", ENTITY_KINDS)
    def test_every_kind_has_an_icon(self, kind: str) -> None:
        """Each entity kind draws as a 16x16 RGBA uint8 icon."""
        icon = entity_icon(kind)
        assert icon.shape == (16, 16, 4)
        assert icon.dtype == np.uint8

    @pytest.mark.parametrize("kind", ENTITY_KINDS)
    def test_background_is_transparent_and_figure_opaque(self, kind: str) -> None:
        """An icon is a fully opaque figure on a fully transparent background."""
        alpha = entity_icon(kind)[..., 3]
        assert set(np.unique(alpha).tolist()) == {0, 255}
        assert (alpha == 255).sum() >= 40

    @pytest.mark.parametrize("kind", ENTITY_KINDS)
    def test_figure_has_a_dark_outline(self, kind: str) -> None:
        """Every opaque pixel at the figure's edge is dark, so icons read on any tile."""
        icon = entity_icon(kind)
        opaque = np.pad(icon[..., 3] == 255, 1)
        inner = opaque[:-2, 1:-1] & opaque[2:, 1:-1] & opaque[1:-1, :-2] & opaque[1:-1, 2:]
        edge = opaque[1:-1, 1:-1] & ~inner
        assert icon[edge][:, :3].max() <= 64

    def test_icons_differ(self) -> None:
        """No two kinds share an icon."""
        icons = [entity_icon(kind).tobytes() for kind in ENTITY_KINDS]
        assert len(set(icons)) == len(icons)

    def test_scaling_keeps_pixels_crisp(self) -> None:
        """A 32 px icon is the 16 px one with every pixel doubled."""
        small = entity_icon("key")
        assert np.array_equal(entity_icon("key", 32), small.repeat(2, 0).repeat(2, 1))

    def test_callers_cannot_spoil_the_cache(self) -> None:
        """Changing a returned icon does not change the next one."""
        entity_icon("npc")[...] = 0
        assert entity_icon("npc")[..., 3].any()

    def test_unknown_kind(self) -> None:
        """A kind the schema does not know has no icon."""
        with pytest.raises(KeyError):
            entity_icon("dragon")


class TestRenderLevel:
    def test_shape_and_type(self) -> None:
        """A level renders as [height * 16, width * 16, 4] uint8, fully opaque."""
        pixels = render_level(room())
        assert pixels.shape == (8 * 16, 10 * 16, 4)
        assert pixels.dtype == np.uint8
        assert (pixels[..., 3] == 255).all()

    def test_tile_size(self) -> None:
        """The tile size scales the picture."""
        assert render_level(room(), tile_size=8).shape == (8 * 8, 10 * 8, 4)

    def test_each_tile_is_its_tile_image(self) -> None:
        """Every tile without an entity shows exactly its tile's image."""
        pixels = render_level(room(entities=()))
        for y, row in enumerate(ROOM):
            for x, char in enumerate(row):
                assert np.array_equal(cell(pixels, x, y), tile_image(STANDARD_TILESET[char]))

    def test_an_entity_changes_only_the_pixels_of_its_tile(self) -> None:
        """An entity is drawn over its own tile and nowhere else."""
        chest = Entity("c", "chest", 4, 2)
        bare, with_chest = render_level(room(())), render_level(room((chest,)))
        changed = np.argwhere((bare != with_chest).any(axis=2))
        assert len(changed) > 0
        assert set(map(tuple, changed // 16)) == {(2, 4)}

    def test_entity_is_composited_over_the_tile(self) -> None:
        """Where the icon is transparent the tile shows; where it is opaque, the icon does."""
        pixels = render_level(room((Entity("k", "key", 1, 1),)))
        icon, tile = entity_icon("key"), tile_image(STANDARD_TILESET["."])
        drawn = cell(pixels, 1, 1)
        see_through = icon[..., 3] == 0
        assert np.array_equal(drawn[see_through], tile[see_through])
        assert np.array_equal(drawn[~see_through], icon[~see_through])

    def test_large_level(self) -> None:
        """A 512x512 level renders at full size."""
        grid = np.random.default_rng(0).choice(np.frombuffer(b"#.~,T", np.uint8), (512, 512))
        level = Level.from_grid(grid, STANDARD_TILESET, ENTITIES)
        assert render_level(level, tile_size=4).shape == (2048, 2048, 4)

    def test_character_outside_the_tileset_is_refused(self) -> None:
        """A grid character the tileset lacks is an error, not a silently wrong tile."""
        level = Level(("#?",), STANDARD_TILESET, ())
        with pytest.raises(InvalidParameterError, match=r"\?"):
            render_level(level)

    def test_entity_outside_the_level_is_refused(self) -> None:
        """An entity off the map is an error, not a wrapped-around icon."""
        with pytest.raises(InvalidParameterError):
            render_level(room((Entity("e", "enemy", 10, 0),)))


class TestPng:
    def test_same_level_same_bytes(self) -> None:
        """Rendering and encoding the same level twice gives byte-identical PNGs."""
        assert png_bytes(render_level(room())) == png_bytes(render_level(room()))

    def test_decodes_to_the_same_pixels(self) -> None:
        """The PNG holds exactly the rendered pixels."""
        pixels = render_level(room())
        assert np.array_equal(decode(png_bytes(pixels)), pixels)

    def test_no_metadata(self) -> None:
        """The PNG carries no text or time chunks that could make equal images differ."""
        data = png_bytes(render_level(room()))
        for chunk in (b"tEXt", b"zTXt", b"iTXt", b"tIME"):
            assert chunk not in data

    def test_transparency_survives(self) -> None:
        """Transparent pixels stay transparent through PNG."""
        icon = entity_icon("spawn")
        assert np.array_equal(decode(png_bytes(icon)), icon)

    def test_wrong_array_is_refused(self) -> None:
        """Only [y, x, 4] uint8 arrays are accepted."""
        with pytest.raises(InvalidParameterError):
            png_bytes(np.zeros((4, 4, 3), dtype=np.uint8))
        with pytest.raises(InvalidParameterError):
            png_bytes(np.zeros((4, 4, 4), dtype=np.float32))


class TestTilesetImage:
    def test_standard_atlas_size(self) -> None:
        """15 standard tiles fill two rows of eight."""
        assert tileset_image(STANDARD_TILESET).shape == (2 * 16, 8 * 16, 4)

    def test_small_tileset_is_one_short_row(self) -> None:
        """A tileset smaller than a row is only as wide as it needs."""
        tileset = Tileset({char: STANDARD_TILESET[char] for char in "#.+"})
        assert tileset_image(tileset, tile_size=8).shape == (8, 3 * 8, 4)

    def test_columns(self) -> None:
        """The caller picks how many tiles go on a row."""
        assert tileset_image(STANDARD_TILESET, columns=4).shape == (4 * 16, 4 * 16, 4)

    def test_cells_in_tileset_order(self) -> None:
        """Cell i (row-major) is the image of the tileset's i-th tile."""
        atlas = tileset_image(STANDARD_TILESET)
        for index, tile in enumerate(STANDARD_TILESET.values()):
            y, x = divmod(index, 8)
            assert np.array_equal(cell(atlas, x, y), tile_image(tile))

    def test_padding_is_transparent(self) -> None:
        """Cells past the last tile are fully transparent."""
        assert (cell(tileset_image(STANDARD_TILESET), 7, 1)[..., 3] == 0).all()


@pytest.fixture
def tiled_map(tmp_path: Path) -> tuple[Level, pytiled_parser.TiledMap, Path]:
    """The room written as a .tmj beside its tileset PNG, then read back by pytiled-parser."""
    level = room()
    (tmp_path / "room.tiles.png").write_bytes(png_bytes(tileset_image(level.tileset)))
    path = tmp_path / "room.tmj"
    path.write_text(tmj_text(level, "room.tiles.png"), encoding="utf-8")
    return level, pytiled_parser.parse_map(path), tmp_path


class TestTiledExport:
    def test_pytiled_parser_loads_it(self, tiled_map: tuple[Level, object, Path]) -> None:
        """The map parses as an orthogonal 1.10 map of the level's size."""
        level, parsed, _ = tiled_map
        assert isinstance(parsed, pytiled_parser.TiledMap)
        assert parsed.version == "1.10"
        assert parsed.orientation == "orthogonal"
        assert (parsed.map_size.width, parsed.map_size.height) == (level.width, level.height)
        assert (parsed.tile_size.width, parsed.tile_size.height) == (16, 16)

    def test_tile_layer_matches_the_grid(self, tiled_map: tuple[Level, object, Path]) -> None:
        """Each tile's GID is 1 + the index of its character in tileset order."""
        level, parsed, _ = tiled_map
        assert isinstance(parsed, pytiled_parser.TiledMap)
        layer = parsed.layers[0]
        assert isinstance(layer, pytiled_parser.TileLayer)
        order = list(level.tileset)
        assert layer.data == [[order.index(char) + 1 for char in row] for row in level.tiles]

    def test_tileset_matches_its_image(self, tiled_map: tuple[Level, object, Path]) -> None:
        """Tile count, columns and image size agree with the PNG written beside the map."""
        level, parsed, folder = tiled_map
        assert isinstance(parsed, pytiled_parser.TiledMap)
        tileset = parsed.tilesets[1]
        with Image.open(folder / "room.tiles.png") as image:
            size = image.size
        assert tileset.tile_count == len(level.tileset)
        assert tileset.columns == 8
        assert (tileset.image_width, tileset.image_height) == size == (128, 32)
        assert tileset.image is not None and tileset.image.name == "room.tiles.png"

    def test_tiles_say_what_they_mean(self, tiled_map: tuple[Level, object, Path]) -> None:
        """Each tile's class is its name, with its character and tags as properties."""
        level, parsed, _ = tiled_map
        assert isinstance(parsed, pytiled_parser.TiledMap)
        tiles = parsed.tilesets[1].tiles
        assert tiles is not None
        for index, (char, tile) in enumerate(level.tileset.items()):
            assert tiles[index].class_ == tile.name
            assert tiles[index].properties == {"char": char, "tags": ",".join(tile.tags)}

    def test_entities_are_objects(self, tiled_map: tuple[Level, object, Path]) -> None:
        """Each entity is a tile-sized object at its tile, named by id and classed by kind."""
        level, parsed, _ = tiled_map
        assert isinstance(parsed, pytiled_parser.TiledMap)
        layer = parsed.layers[1]
        assert isinstance(layer, pytiled_parser.ObjectLayer)
        assert layer.name == "entities"
        found = [
            (obj.id, obj.name, obj.class_, obj.coordinates.x, obj.coordinates.y, obj.size.width)
            for obj in layer.tiled_objects
        ]
        expected = [
            (number, e.id, e.kind, e.x * 16, e.y * 16, 16)
            for number, e in enumerate(level.entities, start=1)
        ]
        assert found == expected
        assert parsed.next_object_id == len(level.entities) + 1

    def test_keys_are_object_properties(self, tiled_map: tuple[Level, object, Path]) -> None:
        """A key and the door it opens carry the key's name as a property."""
        _, parsed, _ = tiled_map
        assert isinstance(parsed, pytiled_parser.TiledMap)
        layer = parsed.layers[1]
        assert isinstance(layer, pytiled_parser.ObjectLayer)
        keyed = {obj.class_: obj.properties for obj in layer.tiled_objects if obj.properties}
        assert keyed == {"key": {"key": "gold"}, "door": {"key": "gold"}}

    def test_meta_becomes_map_properties(self, tiled_map: tuple[Level, object, Path]) -> None:
        """The generator's name and the seed are shown on the map."""
        _, parsed, _ = tiled_map
        assert isinstance(parsed, pytiled_parser.TiledMap)
        assert parsed.properties is not None
        assert parsed.properties["generator.name"] == "dungeon"
        assert parsed.properties["seed"] == 42

    @pytest.mark.skipif(shutil.which("tiled") is None, reason="needs the Tiled editor")
    def test_tiled_itself_reads_it(self, tiled_map: tuple[Level, object, Path]) -> None:
        """Tiled, run headless, converts the map and keeps its tiles and entities."""
        level, _, folder = tiled_map
        out = folder / "converted.tmj"
        subprocess.run(
            ["tiled", "--export-map", "json", str(folder / "room.tmj"), str(out)],
            env={**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(folder)},
            capture_output=True,
            check=True,
            timeout=120,
        )
        converted = json.loads(out.read_text(encoding="utf-8"))
        assert converted["layers"][0]["data"] == to_tmj(level, "x")["layers"][0]["data"]
        names = [obj["name"] for obj in converted["layers"][1]["objects"]]
        assert names == [entity.id for entity in level.entities]

    def test_empty_meta(self) -> None:
        """A level with no meta exports without map properties."""
        assert "properties" not in to_tmj(room(meta={}), "t.png")

    def test_huge_seed_survives(self) -> None:
        """A seed beyond 32 bits is written as a string, which Tiled cannot truncate."""
        document = to_tmj(room(meta={"seed": 2**40}), "t.png")
        assert document["properties"] == [{"name": "seed", "type": "string", "value": str(2**40)}]

    def test_gids_in_range_and_data_complete(self) -> None:
        """The layer holds width * height GIDs, each within 1..tilecount."""
        document = to_tmj(room(), "t.png")
        data, tilecount = document["layers"][0]["data"], document["tilesets"][0]["tilecount"]
        assert len(data) == 10 * 8
        assert all(1 <= gid <= tilecount for gid in data)

    def test_declared_format(self) -> None:
        """The document declares the Tiled 1.10 map format and a finite orthogonal map."""
        document = to_tmj(room(), "t.png")
        assert document["version"] == "1.10"
        assert document["tiledversion"] == "1.10.2"
        assert document["type"] == "map"
        assert document["infinite"] is False
        assert document["renderorder"] == "right-down"
        assert document["nextlayerid"] == 3

    def test_tile_size(self) -> None:
        """Object positions and the tileset image follow the tile size."""
        document = to_tmj(room(), "t.png", tile_size=8)
        assert document["tilesets"][0]["imagewidth"] == tileset_image(STANDARD_TILESET, 8).shape[1]
        spawn = document["layers"][1]["objects"][0]
        assert (spawn["x"], spawn["y"], spawn["width"]) == (8, 48, 8)

    def test_text_is_deterministic(self) -> None:
        """The same level gives the same text, which is the document as JSON plus a newline."""
        text = tmj_text(room(), "t.png")
        assert text == tmj_text(room(), "t.png")
        assert text.endswith("}\n")
        assert json.loads(text) == to_tmj(room(), "t.png")
