"""Reading a folder of example levels (a corpus) for training.

A game developer points the trainer at a folder of their own levels; this module turns it into
``[y, x]`` grids of ASCII codes over one tileset. Design choices:

- **Styles are folders.** ``folder/<style>/...`` (at any depth below it) has that style; files
  directly in ``folder`` take the folder's own name. Names are normalised to ``[a-z0-9-]`` so
  they can be used as model labels and file names.
- **Every format becomes characters.** Procgen level files (.json .yaml .yml) carry their own
  tileset; Tiled maps (.tmj) carry one in tile properties when procgen wrote them, and get
  characters from :data:`CHAR_POOL` when another tool did; plain text grids (.txt, the format of
  the VGLC corpus) borrow meanings from a legend.
- **Tags are translated, not guessed.** Legends from other tools use their own words; the few
  synonyms in :data:`TAG_SYNONYMS` map onto :data:`procgen.tiles.TAGS`, anything else is dropped
  from the tags but becomes the tile's name, so a "coin" or "enemy" tile stays recognisable.
- **One meaning per character.** The same character tagged differently in two files would teach
  the model nonsense, so it is an error naming both files rather than a silent merge.
- **Order is stable.** Files are read sorted by relative path; the tileset lists tiles in order of
  first appearance, so the same folder always gives the same corpus (and model vocabulary).
- **Mixed sizes are fine** (the trainer buckets them); only absurd sizes are refused.

Reference data: the Video Game Level Corpus (Summerville et al., "The VGLC: The Video Game Level
Corpus", PCG Workshop 2016) defines the text-grid-plus-legend format read here.
"""

from __future__ import annotations

import math
import os
import re
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from procgen.assets import MAX_DOCUMENT_BYTES, parse_json, read_document
from procgen.errors import AssetFormatError
from procgen.schemas import check
from procgen.tiles import TAGS, TILE_CHARACTERS, Tileset, TileType

#: Levels outside these bounds (tiles per side) are refused: smaller ones teach nothing, larger
#: ones are almost certainly not single levels and would dominate training memory.
MIN_SIDE = 4
MAX_SIDE = 512

#: Tile names are capped at the tileset schema's limit.
MAX_NAME = 64

#: Words other tools use for procgen's tags. Deliberately short: a mapping that guesses wrong is
#: worse than a dropped tag, which at least survives as the tile's name.
TAG_SYNONYMS: dict[str, str] = {
    "passable": "walkable",
    "impassable": "solid",
    "blocking": "solid",
    "block": "solid",
    "damaging": "hazard",
    "harmful": "hazard",
    "deadly": "hazard",
    "liquid": "water",
    "collectible": "collectable",
    "destructible": "breakable",
}

#: Characters given, in GID order, to Tiled tiles that carry no ``char`` property: letters and
#: digits first so small foreign maps read well as text; never space, which editors eat.
CHAR_POOL = string.ascii_uppercase + string.ascii_lowercase + string.digits + string.punctuation

LEVEL_SUFFIXES = (".json", ".yaml", ".yml")
TILED_SUFFIX = ".tmj"
TEXT_SUFFIX = ".txt"
LEGEND_NAME = "legend.json"

#: Files with these name stems (case-insensitive, any extension) are documentation, not levels:
#: VGLC ships its Zelda tile legend as ``README.txt`` beside the ``.txt`` levels.
_DOC_STEMS = re.compile(r"^(readme|licen[cs]e|copying|notice|changelog)\b", re.IGNORECASE)

#: Tiled stores flips and rotations in the top four bits of a GID; they do not change the tile.
_GID_FLAGS = 0xF0000000
_GID_LIMIT = 2**32

Grid = npt.NDArray[np.uint8]


@dataclass(frozen=True, eq=False)
class CorpusLevel:
    """One level of a corpus. ``grid`` is read-only, ``[y, x]``, in the corpus tileset's characters.

    Compared by identity: numpy arrays have no single truth value for ``==``.
    """

    grid: Grid
    style: str
    source: str  # path relative to the corpus folder, '/'-separated
    difficulty: float | None  # meta.params.difficulty of procgen level files, else None


@dataclass(frozen=True)
class Corpus:
    """The levels of a folder, the tiles they use and their styles (sorted)."""

    levels: tuple[CorpusLevel, ...]
    tileset: Tileset
    styles: tuple[str, ...]

    def by_style(self) -> dict[str, list[CorpusLevel]]:
        """Levels grouped by style, styles in sorted order, levels in corpus order."""
        groups: dict[str, list[CorpusLevel]] = {style: [] for style in self.styles}
        for level in self.levels:
            groups[level.style].append(level)
        return groups


# ---------------------------------------------------------------------------------------------
# Tags, names and legends


def _translate_tags(raw: Iterable[str]) -> tuple[tuple[str, ...], str | None, str | None]:
    """Map foreign tags onto procgen's vocabulary.

    Returns the vocabulary tags (deduplicated, in order), the first tag that is neither vocabulary
    nor a synonym (the best name: "coin", "enemy"), and the first tag of all (the fallback name).
    """
    tags: list[str] = []
    foreign: str | None = None
    first: str | None = None
    for original in raw:
        text = original.strip()
        if not text:
            continue
        first = first or text
        word = text.lower()
        tag = word if word in TAGS else TAG_SYNONYMS.get(word)
        if tag is None:
            foreign = foreign or text
        elif tag not in tags:
            tags.append(tag)
    return tuple(tags), foreign, first


def _tile(name: object, raw_tags: Iterable[str], fallback: str, color: str | None) -> TileType:
    """A tile whose name is ``name``, else its first untranslatable tag, else its first tag."""
    tags, foreign, first = _translate_tags(raw_tags)
    given = name.strip() if isinstance(name, str) else ""
    chosen = given or foreign or first or fallback
    return TileType(name=chosen[:MAX_NAME], tags=tags, color=color)


_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")


def _legend_tile(char: str, spec: object, where: str) -> TileType:
    """One legend entry: a list of tags (VGLC) or ``{"name", "tags", "color"}`` (procgen)."""
    if isinstance(spec, list):
        name, tags, color = None, spec, None
    elif isinstance(spec, Mapping):
        name, tags, color = spec.get("name"), spec.get("tags", []), spec.get("color")
    else:
        raise AssetFormatError(f"{where}: tile {char!r} must be a list of tags or an object")
    if name is not None and not isinstance(name, str):
        raise AssetFormatError(f"{where}: tile {char!r} has a name that is not a string")
    if not isinstance(tags, list) or not all(isinstance(tag, str) for tag in tags):
        raise AssetFormatError(f"{where}: tile {char!r} tags must be a list of strings")
    if color is not None and not (isinstance(color, str) and _COLOR.match(color)):
        raise AssetFormatError(f"{where}: tile {char!r} color must be '#rrggbb', got {color!r}")
    return _tile(name, tags, f"tile-{char}", color.lower() if color else None)


def _document(path: Path) -> Any:
    """:func:`procgen.assets.read_document`, with I/O failures (permissions) reported alike."""
    try:
        return read_document(path)
    except OSError as error:
        raise AssetFormatError(f"{path}: cannot be read: {error.strerror}") from None


def read_legend(path: str | Path) -> Tileset:
    """Read a legend: ``{"tiles": {char: [tags...] | {"name", "tags", "color"}}}``.

    Tags are translated into procgen's vocabulary (see :data:`TAG_SYNONYMS`); a procgen tileset
    file is also a valid legend.

    >>> import json, tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = Path(tmp) / "legend.json"
    ...     _ = path.write_text(json.dumps({"tiles": {"-": ["passable", "empty"]}}))
    ...     read_legend(path)["-"]
    TileType(name='empty', tags=('walkable',), color=None)
    """
    path = Path(path)
    document = _document(path)
    tiles = document.get("tiles") if isinstance(document, Mapping) else None
    if not isinstance(tiles, Mapping):
        raise AssetFormatError(
            f"{path}: a legend needs a 'tiles' object mapping characters to tags"
        )
    if not tiles:
        raise AssetFormatError(f"{path}: the legend's 'tiles' object is empty")
    bad = [key for key in tiles if not (isinstance(key, str) and key in TILE_CHARACTERS)]
    if bad:
        raise AssetFormatError(
            f"{path}: legend keys must be single printable ASCII characters, got {bad[:5]!r}"
        )
    return Tileset({char: _legend_tile(char, spec, str(path)) for char, spec in tiles.items()})


# ---------------------------------------------------------------------------------------------
# One file each


@dataclass
class _Read:
    """A file as read, before its tiles are merged into the corpus tileset.

    ``codes`` indexes ``tiles``; a tile's character is fixed by the file (legend, level tileset,
    ``char`` property) or ``None`` when the corpus must pick one from :data:`CHAR_POOL`.
    """

    path: Path
    source: str
    style: str
    codes: npt.NDArray[np.intp]
    tiles: list[tuple[str | None, TileType]]
    difficulty: float | None = None


def _check_size(path: Path, width: int, height: int) -> None:
    """Checked before a grid is built, so a hostile 10**6-wide map costs nothing."""
    if not (MIN_SIDE <= width <= MAX_SIDE and MIN_SIDE <= height <= MAX_SIDE):
        raise AssetFormatError(
            f"{path}: level is {width}x{height} tiles; corpus levels must be from "
            f"{MIN_SIDE}x{MIN_SIDE} to {MAX_SIDE}x{MAX_SIDE}"
        )


def _difficulty(value: object) -> float | None:
    """A recorded difficulty, if it is a usable training label: a finite number in [0, 1]."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = float(value)
        if math.isfinite(number) and 0.0 <= number <= 1.0:
            return number
    return None


def _fixed_chars(path: Path, grid: Grid, tileset: Mapping[str, TileType]) -> _Read:
    """A character grid whose characters all appear in ``tileset``: keep the tiles it uses."""
    present = np.zeros(128, dtype=bool)
    present[np.unique(grid)] = True
    used = [char for char in tileset if present[ord(char)]]
    lookup = np.zeros(128, dtype=np.intp)
    lookup[[ord(char) for char in used]] = np.arange(len(used))
    return _Read(path, "", "", lookup[grid], [(char, tileset[char]) for char in used])


def _is_data_file(document: Any) -> bool:
    """A JSON/YAML object that is no procgen asset and holds only sub-objects: a legend.

    VGLC ships its legends (``smb.json``'s ``tiles``, ``zelda.json``'s ``nodes`` and ``edges``)
    beside the levels; a level document, even a broken one, has scalar or list fields.
    """
    return (
        isinstance(document, Mapping)
        and "$schema" not in document
        and all(isinstance(value, Mapping) for value in document.values())
    )


def _read_level_document(path: Path) -> _Read | None:
    document = _document(path)
    if _is_data_file(document):
        return None
    try:
        kind = check(document, source=str(path))
    except AssetFormatError as error:  # an unknown $schema: check() does not know the file
        raise AssetFormatError(f"{path}: {error}") from None
    if kind != "level":
        raise AssetFormatError(f"{path}: is a {kind}, not a level")
    rows: list[str] = document["tiles"]
    _check_size(path, len(rows[0]), len(rows))
    grid = np.frombuffer("".join(rows).encode("ascii"), dtype=np.uint8).reshape(len(rows), -1)
    read = _fixed_chars(path, grid, Tileset.from_dict(document["tileset"]))
    params = document["meta"].get("params")
    read.difficulty = _difficulty(params.get("difficulty")) if isinstance(params, Mapping) else None
    return read


def _read_text(path: Path, legend: Tileset | None) -> _Read:
    """A VGLC-style grid: one character per tile, one line per row, meanings from the legend."""
    try:
        if path.stat().st_size > MAX_DOCUMENT_BYTES:
            raise AssetFormatError(f"{path}: larger than {MAX_DOCUMENT_BYTES // 2**20} MiB")
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as error:
        raise AssetFormatError(f"{path}: not UTF-8 text (byte {error.start})") from None
    except OSError as error:
        raise AssetFormatError(f"{path}: cannot be read: {error.strerror}") from None
    text = text.replace("\r\n", "\n")
    lines = (text.removesuffix("\n")).split("\n")
    if not text:
        raise AssetFormatError(f"{path}: empty text grid")
    width = len(lines[0])
    for number, line in enumerate(lines, start=1):
        if len(line) != width:
            raise AssetFormatError(
                f"{path}: not rectangular: line {number} has {len(line)} characters, "
                f"line 1 has {width}"
            )
    _check_size(path, width, len(lines))
    if legend is None:
        raise AssetFormatError(
            f"{path}: text grids need a legend: pass legend= or put {LEGEND_NAME} in the folder"
        )
    missing = sorted(set(text) - set(legend) - {"\n"})
    if missing:
        raise AssetFormatError(f"{path}: characters {''.join(missing)!r} are not in the legend")
    grid = np.frombuffer("".join(lines).encode("ascii"), dtype=np.uint8).reshape(len(lines), -1)
    return _fixed_chars(path, grid, legend)


def _properties(owner: Mapping[str, Any]) -> dict[str, Any]:
    """Tiled custom properties, from the current list form or the pre-1.2 object form."""
    found = owner.get("properties")
    if isinstance(found, Mapping):
        return dict(found)
    if isinstance(found, list):
        return {
            p["name"]: p.get("value")
            for p in found
            if isinstance(p, Mapping) and isinstance(p.get("name"), str)
        }
    return {}


def _first_tile_layer(layers: object) -> Mapping[str, Any] | None:
    """The first ``tilelayer`` in drawing order, looking inside group layers."""
    for layer in layers if isinstance(layers, list) else []:
        if not isinstance(layer, Mapping):
            continue
        if layer.get("type") == "tilelayer":
            return layer
        if layer.get("type") == "group":
            found = _first_tile_layer(layer.get("layers"))
            if found is not None:
                return found
    return None


def _external_tiles(path: Path, source: object) -> list[Any]:
    """The ``tiles`` of an external JSON tileset (.tsj); XML ones (.tsx) give no properties."""
    if not isinstance(source, str) or Path(source).suffix.lower() not in (".tsj", ".json"):
        return []
    tileset_path = path.parent / source
    try:
        if tileset_path.stat().st_size > MAX_DOCUMENT_BYTES:
            raise AssetFormatError(f"{tileset_path}: too large (the tileset of {path})")
        text = tileset_path.read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        raise AssetFormatError(f"{path}: cannot read its tileset {source!r}") from None
    document = parse_json(text, str(tileset_path))
    tiles = document.get("tiles") if isinstance(document, Mapping) else None
    return tiles if isinstance(tiles, list) else []


def _tiled_tiles(path: Path, document: Mapping[str, Any]) -> list[tuple[int, dict[int, Any]]]:
    """Each tileset's first GID and its tile entries by local id, highest first GID first."""
    tilesets = document.get("tilesets")
    found: list[tuple[int, dict[int, Any]]] = []
    for tileset in tilesets if isinstance(tilesets, list) else []:
        first_gid = tileset.get("firstgid") if isinstance(tileset, Mapping) else None
        if not isinstance(first_gid, int) or first_gid < 1:
            raise AssetFormatError(f"{path}: a tileset without a valid 'firstgid'")
        tiles = tileset.get("tiles")
        entries = tiles if isinstance(tiles, list) else _external_tiles(path, tileset.get("source"))
        by_id = {e["id"]: e for e in entries if isinstance(e, Mapping) and "id" in e}
        found.append((first_gid, by_id))
    return sorted(found, key=lambda item: -item[0])


def _tiled_tile(gid: int, tilesets: list[tuple[int, dict[int, Any]]], path: Path) -> Any:
    for first_gid, by_id in tilesets:
        if gid >= first_gid:
            return by_id.get(gid - first_gid, {})
    raise AssetFormatError(f"{path}: tile GID {gid} belongs to no tileset")


def _read_tiled(path: Path) -> _Read:
    """The first tile layer of a Tiled map, its tiles identified by ``char``/``tags`` properties
    (procgen's export) or, failing those, by GID, ``type``/``class`` and ``tags``."""
    document = _document(path)
    if not isinstance(document, Mapping) or document.get("type", "map") != "map":
        raise AssetFormatError(f"{path}: not a Tiled map")
    if document.get("infinite"):
        raise AssetFormatError(f"{path}: infinite Tiled maps are not supported; untick 'Infinite'")
    layer = _first_tile_layer(document.get("layers"))
    if layer is None:
        raise AssetFormatError(f"{path}: the map has no tile layer")
    name = layer.get("name", "")
    if "chunks" in layer:
        raise AssetFormatError(f"{path}: layer {name!r} is stored in chunks (an infinite map)")
    data = layer.get("data")
    if layer.get("encoding", "csv") != "csv" or layer.get("compression") or isinstance(data, str):
        raise AssetFormatError(
            f"{path}: layer {name!r} is base64 or compressed; save it with Tile Layer Format CSV"
        )
    width, height = layer.get("width"), layer.get("height")
    if not (isinstance(width, int) and isinstance(height, int)):
        raise AssetFormatError(f"{path}: layer {name!r} has no integer width and height")
    _check_size(path, width, height)
    if not isinstance(data, list) or len(data) != width * height:
        raise AssetFormatError(f"{path}: layer {name!r} data is not {width}x{height} tile GIDs")
    if not all(type(gid) is int and 0 <= gid < _GID_LIMIT for gid in data):
        raise AssetFormatError(f"{path}: layer {name!r} data holds values that are not GIDs")
    gids = np.array(data, dtype=np.int64).reshape(height, width) & ~_GID_FLAGS
    used, codes = np.unique(gids, return_inverse=True)
    tilesets = _tiled_tiles(path, document)
    tiles: list[tuple[str | None, TileType]] = []
    for gid in (int(g) for g in used):
        if gid == 0:  # an empty cell
            tiles.append((None, TileType("void", ("void",))))
            continue
        entry = _tiled_tile(gid, tilesets, path)
        properties = _properties(entry) if isinstance(entry, Mapping) else {}
        char, raw_tags = properties.get("char"), properties.get("tags", "")
        if char is not None and not (isinstance(char, str) and char in TILE_CHARACTERS):
            raise AssetFormatError(f"{path}: tile GID {gid} has 'char' {char!r}, not one character")
        tag_list = raw_tags.split(",") if isinstance(raw_tags, str) else []
        label = next((entry.get(k) for k in ("type", "class") if entry.get(k)), None)
        tiles.append((char, _tile(label, tag_list, f"tile-{gid}", None)))
    difficulty = _difficulty(_properties(document).get("params.difficulty"))
    return _Read(path, "", "", codes.reshape(height, width), tiles, difficulty)


# ---------------------------------------------------------------------------------------------
# The folder


def _style_name(name: str) -> str:
    """A folder name as a style: lowercase, runs of other characters as one '-'.

    >>> _style_name("Ice Caves (v2)")
    'ice-caves-v2'
    """
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def _level_files(folder: Path, skip: Path | None) -> list[tuple[str, Path]]:
    """``(relative path, path)`` of every level file, sorted; hidden files and folders skipped."""
    suffixes = (*LEVEL_SUFFIXES, TILED_SUFFIX, TEXT_SUFFIX)
    found: list[tuple[str, Path]] = []
    for root, folders, files in os.walk(folder):
        folders[:] = [name for name in folders if not name.startswith(".")]
        for name in files:
            if (
                name.startswith(".")
                or name == LEGEND_NAME
                or _DOC_STEMS.match(name)
                or not name.lower().endswith(suffixes)
            ):
                continue
            path = Path(root) / name
            if skip is not None and path.resolve() == skip:
                continue
            found.append((path.relative_to(folder).as_posix(), path))
    return sorted(found)


def _style_of(relative: str, folder_style: str, path: Path) -> str:
    """The first folder below the corpus names the style; files at the top take the corpus's."""
    parts = relative.split("/")
    if len(parts) == 1:
        return folder_style
    style = _style_name(parts[0])
    if not style:
        raise AssetFormatError(f"{path}: folder {parts[0]!r} gives an empty style name")
    return style


def _merge(reads: list[_Read]) -> Tileset:
    """The corpus tileset; also fixes every file's pool characters and checks for clashes."""
    owners: dict[str, tuple[TileType, Path]] = {}
    for read in reads:
        for char, tile in read.tiles:
            if char is None:
                continue
            if char not in owners:
                owners[char] = (tile, read.path)
            elif set(owners[char][0].tags) != set(tile.tags):
                other, where = owners[char]
                raise AssetFormatError(
                    f"{where} and {read.path} give {char!r} different tags: "
                    f"{list(other.tags)} vs {list(tile.tags)}"
                )
    pool = iter(char for char in CHAR_POOL if char not in owners)
    pooled: dict[tuple[str, frozenset[str]], str] = {}
    ordered: dict[str, TileType] = {}
    for read in reads:
        for index, (fixed, tile) in enumerate(read.tiles):
            char = fixed
            if char is None:  # same name and tags in another foreign map: same character
                identity = (tile.name, frozenset(tile.tags))
                if identity not in pooled:
                    pooled[identity] = next(pool, "")
                char = pooled[identity]
                if not char:
                    raise AssetFormatError(
                        f"{read.path}: the corpus uses more than {len(CHAR_POOL)} tiles"
                    )
                read.tiles[index] = (char, tile)
            ordered.setdefault(char, owners[char][0] if char in owners else tile)
    return Tileset(ordered)


def _grid(read: _Read) -> Grid:
    """The file's final character grid, read-only because every trainer shares it."""
    chars = np.array([ord(char or " ") for char, _ in read.tiles], dtype=np.uint8)
    grid: Grid = chars[read.codes]
    grid.setflags(write=False)
    return grid


def read_corpus(folder: str | Path, legend: str | Path | None = None) -> Corpus:
    """Read every level under ``folder``: procgen files, Tiled maps and text grids.

    ``legend`` gives the meaning of text-grid characters (default: ``folder/legend.json`` if
    present). Skipped: hidden files and folders, README/licence files, the legend itself, and
    JSON/YAML objects with no ``$schema`` made only of sub-objects (other tools' legends, such
    as VGLC's ``smb.json``). Raises :class:`~procgen.AssetFormatError` naming the file for
    anything unreadable, and :class:`~procgen.AssetValidationError` for a procgen level file that
    breaks its schema.
    """
    folder = Path(folder)
    if not folder.is_dir():
        what = "not a folder" if folder.exists() else "no such folder"
        raise AssetFormatError(f"{folder}: {what}")
    folder_style = _style_name(folder.resolve().name)
    if not folder_style:
        raise AssetFormatError(f"{folder}: the folder name gives an empty style name")
    if legend is None and (folder / LEGEND_NAME).is_file():
        legend = folder / LEGEND_NAME
    legend_tiles = read_legend(legend) if legend is not None else None
    skip = Path(legend).resolve() if legend is not None else None
    reads: list[_Read] = []
    for relative, path in _level_files(folder, skip):
        style = _style_of(relative, folder_style, path)
        suffix = path.suffix.lower()
        read: _Read | None
        if suffix == TEXT_SUFFIX:
            read = _read_text(path, legend_tiles)
        elif suffix == TILED_SUFFIX:
            read = _read_tiled(path)
        else:
            read = _read_level_document(path)
        if read is not None:
            read.source, read.style = relative, style
            reads.append(read)
    if not reads:
        raise AssetFormatError(
            f"{folder}: empty corpus: no level files (.json .yaml .yml .tmj .txt) found"
        )
    tileset = _merge(reads)
    levels = tuple(CorpusLevel(_grid(r), r.style, r.source, r.difficulty) for r in reads)
    return Corpus(levels, tileset, tuple(sorted({level.style for level in levels})))
