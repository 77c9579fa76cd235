"""procgen's own pixel art: a small tile per tile type and an icon per entity kind.

procgen ships no art and downloads none, so every picture it exports is drawn here, from code.
A tile's pattern follows its tags (what it *means*), not its name, so a third-party tileset with
names procgen has never seen still renders sensibly. Its colour is ``TileType.color``, else the
colour of its most telling tag, else one derived from a CRC-32 of its name (Python's ``hash()`` is
salted per process, which would make images differ from run to run). The random bits (speckle,
grass, lava blobs) come from a generator seeded by that same CRC-32, never from global state, so a
tileset always draws the same pixels. Most patterns wrap at the tile edge, so large areas of
one tile look seamless.

Every image is a ``[y, x, rgba]`` uint8 array.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from functools import cache

import numpy as np
import numpy.typing as npt

from procgen.errors import InvalidParameterError
from procgen.tiles import TileType

Pixels = npt.NDArray[np.uint8]
_Rgb = npt.NDArray[np.float64]  # [3] colour or [y, x, 3] image, 0..255, rounded at the end
_Mask = npt.NDArray[np.bool_]
_Painter = Callable[[_Rgb, int, np.random.Generator], _Rgb]

#: Colours for tiles that have none. The table's order is its priority: a grassy tile tagged
#: ``ground`` and ``vegetation`` should look like vegetation, whatever order its tags are in.
TAG_COLORS: dict[str, str] = {
    "void": "#0c0b10",
    "lava": "#e0521b",
    "water": "#2f5fae",
    "door": "#8a5a2b",
    "bridge": "#9b6b3c",
    "wall": "#4a4458",
    "vegetation": "#4f8f3a",
    "rock": "#7d7367",
    "floor": "#b9a98f",
    "ground": "#a38b62",
    "hazard": "#c9c9d1",
    "collectable": "#e8c440",
    "breakable": "#8f7a5e",
    "decoration": "#a0a0a8",
}

_BLACK = np.zeros(3)
_WHITE = np.full(3, 255.0)


def _crc(text: str) -> int:
    return zlib.crc32(text.encode("utf-8"))


def parse_color(hex_color: str) -> tuple[int, int, int]:
    """``"#rrggbb"`` to an ``(r, g, b)`` tuple."""
    text = hex_color.strip()
    if len(text) != 7 or text[0] != "#":
        raise InvalidParameterError(f"colour {hex_color!r} is not of the form #rrggbb")
    try:
        return int(text[1:3], 16), int(text[3:5], 16), int(text[5:7], 16)
    except ValueError:
        raise InvalidParameterError(f"colour {hex_color!r} is not of the form #rrggbb") from None


def base_color(tile: TileType) -> tuple[int, int, int]:
    """The colour a tile is drawn in: its own, else its tag's, else one from its name.

    >>> base_color(TileType("ooze", ("decoration",), "#102030"))
    (16, 32, 48)
    >>> base_color(TileType("ooze", ())) == base_color(TileType("ooze", ()))
    True
    """
    if tile.color is not None:
        return parse_color(tile.color)
    for tag, color in TAG_COLORS.items():
        if tile.has(tag):
            return parse_color(color)
    # Mid-range channels only: a hashed colour should be neither black nor white.
    digest = _crc(tile.name)
    red, green, blue = (48 + ((digest >> shift) & 0xFF) * 160 // 255 for shift in (16, 8, 0))
    return red, green, blue


def _mix(color: _Rgb, other: _Rgb, amount: float) -> _Rgb:
    return color + (other - color) * amount


def _darker(color: _Rgb, amount: float) -> _Rgb:
    return _mix(color, _BLACK, amount)


def _lighter(color: _Rgb, amount: float) -> _Rgb:
    return _mix(color, _WHITE, amount)


def _fill(size: int, color: _Rgb) -> _Rgb:
    return np.broadcast_to(color, (size, size, 3)).copy()


def _coords(size: int) -> tuple[_Rgb, _Rgb]:
    """Pixel-centre coordinates ``(y, x)``, so shapes are symmetric about the tile centre."""
    y, x = np.indices((size, size), dtype=np.float64) + 0.5
    return y, x


def _speckle(img: _Rgb, rng: np.random.Generator, amount: float, fraction: float) -> None:
    """Nudge the brightness of a random ``fraction`` of pixels by up to ``amount``, in place."""
    size = img.shape[0]
    chosen = rng.random((size, size)) < fraction
    delta = rng.uniform(-amount, amount, (size, size))
    img += (chosen * delta)[..., None]


def _edge(mask: _Mask) -> _Mask:
    """The pixels of ``mask`` that touch a pixel outside it: the outline of a shape."""
    p = np.pad(mask, 1)
    inner = p[:-2, 1:-1] & p[2:, 1:-1] & p[1:-1, :-2] & p[1:-1, 2:]
    return mask & ~inner


# ---------------------------------------------------------------------------------------------
# Tile patterns. Each takes the base colour, the size and the tile's generator; returns [y, x, 3].


def _plain(base: _Rgb, size: int, rng: np.random.Generator) -> _Rgb:
    """Tiles with no tag procgen knows how to draw: flat, with a border so the grid still shows."""
    img = _fill(size, base)
    border = np.ones((size, size), dtype=bool)
    border[1:-1, 1:-1] = False
    img[border] = _darker(base, 0.35)
    return img


def _void(base: _Rgb, size: int, rng: np.random.Generator) -> _Rgb:
    return _fill(size, _darker(base, 0.85))


def _bricks(base: _Rgb, size: int, rng: np.random.Generator) -> _Rgb:
    y, x = np.indices((size, size))
    high, wide = max(2, size // 4), max(4, size // 2)
    row = y // high
    shifted = x + (row % 2) * (wide // 2)  # running bond: every other course offset half a brick
    brick = row * (size // wide + 2) + shifted // wide
    img = _fill(size, base)
    img += rng.uniform(-9.0, 9.0, int(brick.max()) + 1)[brick][..., None]
    img[y % high == 0] += 16.0  # lit top edge of each brick
    img[(y % high == high - 1) | (shifted % wide == wide - 1)] = _darker(base, 0.45)
    return img


def _floor(base: _Rgb, size: int, rng: np.random.Generator) -> _Rgb:
    img = _fill(size, base)
    _speckle(img, rng, 9.0, 0.18)
    y, x = np.indices((size, size))
    img[(y == 0) | (x == 0)] = _lighter(base, 0.08)  # a faint bevel makes rooms read as flagstones
    img[(y == size - 1) | (x == size - 1)] = _darker(base, 0.12)
    return img


def _water(base: _Rgb, size: int, rng: np.random.Generator, shallow: bool, murky: bool) -> _Rgb:
    if shallow:
        base = _lighter(base, 0.15)
    img = _fill(size, base)
    _speckle(img, rng, 5.0, 0.12)
    y, x = _coords(size)
    band, period = max(3, size // 4), max(4, size // 2)
    phase = (y // band) * (period / 2)  # stagger rows so crests don't line up into stripes
    crest = 1 + np.rint(np.sin(2 * np.pi * (x + phase) / period))
    row = np.floor(y) % band
    img[row == (crest + 1) % band] = _darker(base, 0.12)
    img[row == crest % band] = _lighter(base, 0.45 if shallow else 0.3)
    if murky:  # hazardous water (swamp): reeds poking out of it
        count = max(2, size // 5)
        xs, ys = rng.integers(0, size, count), rng.integers(size // 4, size, count)
        for step in range(max(2, size // 5)):
            img[(ys - step) % size, xs] = _darker(base, 0.45)
        img[(ys - max(2, size // 5)) % size, xs] = _mix(base, np.array([150.0, 110.0, 60.0]), 0.7)
    return img


def _tree(base: _Rgb, size: int, rng: np.random.Generator) -> _Rgb:
    img = _fill(size, _darker(base, 0.45))  # shaded undergrowth around the trunk
    _speckle(img, rng, 8.0, 0.2)
    y, x = _coords(size)
    trunk = (np.abs(x - size / 2) < size * 0.12) & (y > size * 0.55) & (y < size * 0.95)
    img[trunk] = np.array([94.0, 60.0, 30.0])
    img[_edge(trunk)] = np.array([52.0, 32.0, 16.0])
    dy, dx = y - size * 0.42, x - size / 2
    radius = size * 0.42
    canopy = np.hypot(dx, dy) < radius
    img[canopy] = base
    img[canopy & (dx + dy < -radius * 0.4)] = _lighter(base, 0.22)  # lit from the top left
    img[canopy & (dx + dy > radius * 0.55)] = _darker(base, 0.28)
    leaves = canopy & (rng.random((size, size)) < 0.12)
    img[leaves] = _lighter(base, 0.35)
    img[_edge(canopy)] = _darker(base, 0.6)
    return img


def _grass(base: _Rgb, size: int, rng: np.random.Generator) -> _Rgb:
    img = _fill(size, base)
    _speckle(img, rng, 8.0, 0.15)
    count = max(3, size * size // 24)
    xs = rng.integers(0, size, count)
    ys = rng.integers(1, size, count)
    img[ys, xs] = _darker(base, 0.3)  # blade roots, then a lighter tip leaning either way
    img[ys - 1, (xs + rng.choice(np.array([-1, 1]), count)) % size] = _lighter(base, 0.3)
    return img


def _ground(base: _Rgb, size: int, rng: np.random.Generator) -> _Rgb:
    img = _fill(size, base)
    _speckle(img, rng, 20.0, 0.3)
    pebbles = rng.random((size, size)) < 0.03
    img[pebbles] = _darker(base, 0.3)
    return img


def _boulder(base: _Rgb, size: int, rng: np.random.Generator) -> _Rgb:
    img = _fill(size, _darker(base, 0.5))
    _speckle(img, rng, 8.0, 0.2)
    y, x = _coords(size)
    u, v = (x - size * 0.5) / (size * 0.45), (y - size * 0.55) / (size * 0.4)
    body = u * u + v * v < 1
    img[body] = base
    img[body & (u + v < -0.7)] = _lighter(base, 0.25)
    img[body & (v > 0.45)] = _darker(base, 0.25)
    img[body & (rng.random((size, size)) < 0.06)] = _darker(base, 0.4)  # pits and cracks
    img[_edge(body)] = _darker(base, 0.65)
    return img


def _peak(base: _Rgb, size: int, rng: np.random.Generator) -> _Rgb:
    img = _fill(size, _darker(base, 0.5))
    _speckle(img, rng, 8.0, 0.2)
    y, x = _coords(size)
    top = size * 0.08
    half = (y - top) / (size - top) * size * 0.56
    body = (np.abs(x - size / 2) <= half) & (y >= top)
    img[body] = _darker(base, 0.12)
    img[body & (x < size / 2)] = _lighter(base, 0.12)  # lit west face
    snow = body & (y < top + (size - top) * 0.4)
    img[snow] = np.array([236.0, 240.0, 246.0])
    img[snow & (x >= size / 2)] = np.array([190.0, 198.0, 214.0])
    edge = _edge(body)
    img[edge] = _darker(base, 0.65)
    img[edge & snow] = np.array([120.0, 128.0, 146.0])  # a black rim would swallow a small cap
    return img


def _is_peak(tile: TileType) -> bool:
    """Rock and mountain share their tags, so only the name can tell a peak from a boulder."""
    name = tile.name.lower()
    return any(word in name for word in ("mountain", "peak", "cliff", "hill"))


def _lava(base: _Rgb, size: int, rng: np.random.Generator) -> _Rgb:
    img = _fill(size, _darker(base, 0.25))  # cooling crust between the molten pools
    _speckle(img, rng, 12.0, 0.25)
    y, x = _coords(size)
    hot = _mix(base, np.array([255.0, 214.0, 60.0]), 0.65)
    core = np.array([255.0, 246.0, 190.0])
    for _ in range(3 + size // 8):
        cy, cx = rng.uniform(0, size, 2)
        radius = rng.uniform(0.14, 0.26) * size
        dy = np.abs(y - cy)
        dx = np.abs(x - cx)
        dist = np.hypot(np.minimum(dx, size - dx), np.minimum(dy, size - dy))  # wraps: seamless
        img[dist < radius * 1.35] = base
        img[dist < radius] = hot
        img[dist < radius * 0.45] = core
    return img


def _door(base: _Rgb, size: int, rng: np.random.Generator) -> _Rgb:
    frame = max(1, size // 8)
    plank = max(2, size // 4)
    y, x = np.indices((size, size))
    img = _fill(size, _darker(base, 0.55))  # the door frame
    inside = (x >= frame) & (x < size - frame) & (y >= frame)
    img[inside] = base
    _speckle(img, rng, 7.0, 0.25)
    img[inside & ((x - frame) % plank == plank - 1)] = _darker(base, 0.35)
    img[inside & ((y == size // 4) | (y == size - size // 4))] = _darker(base, 0.45)  # braces
    img[size // 2, size - frame - 2] = np.array([232.0, 196.0, 64.0])  # handle
    return img


def _bridge(base: _Rgb, size: int, rng: np.random.Generator) -> _Rgb:
    plank = max(2, size // 4)
    rail = max(1, size // 8)
    y, x = np.indices((size, size))
    img = _fill(size, base)
    img += rng.uniform(-10.0, 10.0, size // plank + 1)[y // plank][..., None]
    img[y % plank == plank - 1] = _darker(base, 0.4)
    rails = (x < rail) | (x >= size - rail)
    img[rails] = _darker(base, 0.5)
    img[rails & (y % plank == 0)] = _lighter(base, 0.1)
    nails = (y % plank == plank // 2 - 1) & ((x == rail + 1) | (x == size - rail - 2))
    img[nails] = _darker(base, 0.65)
    return img


def _spikes(base: _Rgb, size: int, rng: np.random.Generator) -> _Rgb:
    img = _fill(size, _darker(base, 0.6))  # the plate the spikes stand on
    _speckle(img, rng, 6.0, 0.2)
    cell = max(3, size // 2)
    y, x = np.indices((size, size))
    u, v = x % cell + 0.5, y % cell
    half = (v - 0.5) / max(1, cell - 2) * cell * 0.42
    spike = (np.abs(u - cell / 2) <= half) & (v >= 1) & (v <= cell - 2)
    img[spike] = base
    img[spike & (u > cell / 2)] = _darker(base, 0.3)
    img[spike & (v <= 2)] = _lighter(base, 0.6)  # glinting tips
    img[(v == cell - 1) & (np.abs(u - cell / 2) <= cell * 0.42)] = _darker(base, 0.75)  # shadow
    return img


def _painter(tile: TileType) -> _Painter:
    """The pattern for a tile, from its tags; the first rule that matches wins."""
    has = tile.has
    if has("void"):
        return _void
    if has("lava"):
        return _lava
    if has("water"):
        shallow, murky = has("walkable"), has("hazard")
        return lambda base, size, rng: _water(base, size, rng, shallow, murky)
    if has("door"):
        return _door
    if has("bridge"):
        return _bridge
    if has("wall"):
        return _bricks
    if has("vegetation") and has("solid"):
        return _tree
    if has("rock"):
        return _peak if _is_peak(tile) else _boulder
    if has("hazard") and has("walkable"):
        return _spikes
    if has("vegetation") and has("walkable"):
        return _grass
    if has("floor"):
        return _floor
    if has("ground"):
        return _ground
    return _plain


def tile_image(tile: TileType, size: int = 16) -> Pixels:
    """A ``[size, size, 4]`` opaque RGBA picture of ``tile``, the same every time.

    >>> from procgen.tiles import STANDARD_TILESET
    >>> tile_image(STANDARD_TILESET["#"]).shape
    (16, 16, 4)
    """
    if size < 4:
        raise InvalidParameterError(f"tile size must be at least 4 pixels, got {size}")
    base = np.array(base_color(tile), dtype=np.float64)
    rng = np.random.default_rng(_crc(tile.name))
    rgb = _painter(tile)(base, size, rng)
    out = np.full((size, size, 4), 255, dtype=np.uint8)
    out[..., :3] = np.clip(np.rint(rgb), 0, 255)
    return out


# ---------------------------------------------------------------------------------------------
# Entity icons: 16x16 pixel art, drawn to read on any tile (every shape has a dark outline).

_LEGEND: dict[str, str | None] = {
    ".": None,  # transparent
    "k": "#17121c",  # outline
    "K": "#34313d",  # black squares of the flag
    "w": "#f4f1ea",
    "e": "#9aa3ad",
    "g": "#46c25a",
    "G": "#23803a",
    "r": "#dc3b3b",
    "R": "#8e1f28",
    "y": "#f5c842",
    "Y": "#b8861b",
    "b": "#a86a35",
    "B": "#62391a",
    "c": "#3f7fd6",
    "C": "#24468f",
    "p": "#b65be0",
    "P": "#6c2c94",
    "s": "#f2c9a0",
}

_ICONS: dict[str, tuple[str, ...]] = {
    "spawn": (  # a start pad with an arrow out of it
        "................",
        ".....kkkkkk.....",
        "...kkggggggkk...",
        "..kggGGwwGGggk..",
        "..kgGGwwwwGGgk..",
        ".kgGGwwwwwwGGgk.",
        ".kgGwwwwwwwwGgk.",
        ".kgGGGGwwGGGGgk.",
        ".kgGGGGwwGGGGgk.",
        ".kgGGGGwwGGGGgk.",
        "..kgGGGwwGGGgk..",
        "..kggGGGGGGggk..",
        "...kkggggggkk...",
        ".....kkkkkk.....",
        "................",
        "................",
    ),
    "exit": (  # a chequered finish flag
        "..kkk...........",
        "..kekkkkkkkkkkkk",
        "..kekwwKKwwKKwwk",
        "..kekwwKKwwKKwwk",
        "..kekKKwwKKwwKKk",
        "..kekKKwwKKwwKKk",
        "..kekwwKKwwKKwwk",
        "..kekwwKKwwKKwwk",
        "..kekkkkkkkkkkkk",
        "..kek...........",
        "..kek...........",
        "..kek...........",
        "..kek...........",
        ".kkekk..........",
        ".keeek..........",
        ".kkkkk..........",
    ),
    "enemy": (  # a red slime
        "................",
        "................",
        "................",
        "......kkkk......",
        "....kkrrrrkk....",
        "...krwrrrrrrk...",
        "..krwwwrrwwwrk..",
        "..krrwkrrwkrrk..",
        ".krrrwkrrwkrrrk.",
        ".krrrrrrrrrrrrk.",
        ".krRrrrrrrrrRrk.",
        ".kRRrrrrrrrrRRk.",
        ".kRRRRRRRRRRRRk.",
        "..kkkkkkkkkkkk..",
        "................",
        "................",
    ),
    "item": (  # a potion
        "................",
        "......kkkk......",
        "......kbbk......",
        "......kkkk......",
        "......kwek......",
        "......kwek......",
        "....kkkwekkk....",
        "...kweeeeeeek...",
        "...kwppppppPk...",
        "...kwppppppPk...",
        "...kppppppPPk...",
        "...kppppppPPk...",
        "...kPppppPPPk...",
        "....kPPPPPPk....",
        ".....kkkkkk.....",
        "................",
    ),
    "key": (
        "................",
        "................",
        "................",
        "................",
        "..kkkk..........",
        ".kyyyyk.........",
        "kyyYYyykkkkkkkk.",
        "kyYkkYyyyyyyyyyk",
        "kyYkkYYYYYYYYYYk",
        "kyyYYyykkkyykyyk",
        ".kyyyyk..kyykyyk",
        "..kkkk...kkkkkkk",
        "................",
        "................",
        "................",
        "................",
    ),
    "door": (  # a locked door: planks with a golden padlock
        "..kkkkkkkkkkkk..",
        "..kbbBbbbbBbbk..",
        "..kbbBbbbbBbbk..",
        "..kBBBBBBBBBBk..",
        "..kbbBbbbbBbbk..",
        "..kbbBkkkkBbbk..",
        "..kbbkyyyykbbk..",
        "..kbbkyBBykbbk..",
        "..kbkkyBBykkbk..",
        "..kbkyyyyyYkbk..",
        "..kbkyykkyYkbk..",
        "..kbkYYYYYYkbk..",
        "..kbkkkkkkkkbk..",
        "..kBBBBBBBBBBk..",
        "..kbbBbbbbBbbk..",
        "..kkkkkkkkkkkk..",
    ),
    "npc": (  # a villager
        "................",
        ".....kkkkkk.....",
        "....kBBBBBBk....",
        "....kBssssBk....",
        "....kskssksk....",
        "....kssssssk....",
        ".....kkkkkk.....",
        "...kkccsscckk...",
        "..kccCccccCcck..",
        "..kccCccccCcck..",
        "..kskCyyyyCksk..",
        "...kkCCCCCCkk...",
        "....kCCkkCCk....",
        "....kCCkkCCk....",
        "....kBBkkBBk....",
        "....kkkkkkkk....",
    ),
    "chest": (
        "................",
        "................",
        "................",
        "..kkkkkkkkkkkk..",
        ".kybbbbbbbbbbyk.",
        ".kbbbbbbbbbbbbk.",
        ".kBBBBBBBBBBBBk.",
        ".kyyyyyyyyyyyyk.",
        ".kbbbbkyykbbbbk.",
        ".kbbbbkYYkbbbbk.",
        ".kbbbbbkkbbbbbk.",
        ".kybbbbbbbbbbyk.",
        ".kBBBBBBBBBBBBk.",
        ".kkkkkkkkkkkkkk.",
        "................",
        "................",
    ),
}


@cache
def _icon16(kind: str) -> Pixels:
    rows = _ICONS[kind]
    out = np.zeros((16, 16, 4), dtype=np.uint8)
    for y, row in enumerate(rows):
        for x, char in enumerate(row):
            color = _LEGEND[char]
            if color is not None:
                out[y, x] = (*parse_color(color), 255)
    out.flags.writeable = False  # shared by every caller through the cache
    return out


def entity_icon(kind: str, size: int = 16) -> Pixels:
    """A ``[size, size, 4]`` RGBA icon for an entity kind, transparent around the figure.

    Sizes other than 16 scale the pixel art by nearest neighbour, so it stays crisp.

    >>> entity_icon("chest")[0, 0, 3], entity_icon("chest")[8, 8, 3]
    (np.uint8(0), np.uint8(255))
    """
    if size < 1:
        raise InvalidParameterError(f"icon size must be positive, got {size}")
    index = np.arange(size) * 16 // size
    return _icon16(kind)[index][:, index].copy()
