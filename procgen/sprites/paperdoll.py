"""A classical layered "paper-doll" generator of 16x16 front-view character sprites.

The learned sprite model (:mod:`procgen.models.grid`) trains on these, so two properties matter more
than any single picture:

- **Semantic slots.** Pixels hold :class:`Slot` values, never colours; the colours come from a
  separate 16-entry palette. Every sprite means the same thing by slot 6 ("clothing main"), so the
  model learns shapes in slot space and palettes swap freely afterwards.
- **Structure the metrics can check.** Bodies are drawn mirror-symmetric about the vertical centre
  line (between columns 7 and 8), with head and body sharing one straight silhouette edge as in
  the reference sprites. Only held items break the symmetry; they run up the outer arm column,
  on that edge, so the mask's mirror-IoU stays high. Nothing is drawn in the outer ring of pixels,
  so the 1-pixel :attr:`Slot.OUTLINE` traced last always closes around the silhouette.

A sprite is built in layers, back to front: cape, legs, torso, arms, the role's outfit, head and
eyes, hair or headgear, and the held item, in the left or right hand at random; then two random
fold pixels and the outline. Small random details (fringe, folds, belt, buttons, emblems) change
the pixels but never the mask, which is what keeps hundreds of sprites per role distinct.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import IntEnum

import numpy as np
import numpy.typing as npt

from procgen.errors import InvalidParameterError, UnknownNameError
from procgen.sprites.metrics import luma

SIZE = 16
RGB = tuple[int, int, int]
Pixels = npt.NDArray[np.uint8]


class Slot(IntEnum):
    """The palette slots every paper-doll sprite shares; values are the pixel codes."""

    TRANSPARENT = 0  # nothing drawn; its palette entry is present but unused
    OUTLINE = 1  # the darkest colour: the 1-pixel ring around the silhouette
    SKIN = 2  # face and hands
    SKIN_SHADE = 3  # ears, jaw corners, mouths
    HAIR = 4  # hair and beards
    HAIR_SHADE = 5  # hair in shadow: sideburns, curls, buns, beard tips
    CLOTH = 6  # the main garment: tunic, robe, hood, tabard
    CLOTH_SHADE = 7  # folds, trousers, the shaded side of the garment
    METAL = 8  # armour, helmets, tool heads (lit)
    METAL_SHADE = 9  # the same metal in shadow
    EYES = 10  # eyes: usually the outline colour, glowing for a boss
    WOOD = 11  # wood, handles, leather, belts, boots
    ACCENT = 12  # blades, magic, the role's accent colour
    TRIM = 13  # gold or silver trim, buckles, crowns, coins
    CAPE = 14  # capes and cloaks
    HIGHLIGHT = 15  # specular glints


#: The roles, in the order every table and corpus uses.
ROLES = ("warrior", "mage", "rogue", "ranger", "healer", "merchant", "villager", "guard", "boss")

# One character per slot, for the small pixel-art stamps below; "." leaves a pixel unchanged.
_LEGEND = {
    "o": Slot.OUTLINE,
    "s": Slot.SKIN,
    "S": Slot.SKIN_SHADE,
    "h": Slot.HAIR,
    "H": Slot.HAIR_SHADE,
    "c": Slot.CLOTH,
    "C": Slot.CLOTH_SHADE,
    "m": Slot.METAL,
    "M": Slot.METAL_SHADE,
    "e": Slot.EYES,
    "w": Slot.WOOD,
    "a": Slot.ACCENT,
    "t": Slot.TRIM,
    "k": Slot.CAPE,
    "l": Slot.HIGHLIGHT,
}


@dataclass(frozen=True, eq=False)
class Sprite:
    """An indexed image: ``pixels[y, x]`` are palette slots, ``palette[slot]`` their RGB colours.

    Slot 0 is transparent whatever its palette entry says. The pixel array is copied and made
    read-only, so a sprite cannot change after it is made (it is frozen in fact, not just by name).
    Compare sprites with :meth:`key`; ``==`` is identity, as for any object holding an array.
    """

    pixels: Pixels
    palette: tuple[RGB, ...]

    def __post_init__(self) -> None:
        raw = np.asarray(self.pixels)
        if raw.dtype.kind not in "biu" or (raw.size and (raw.min() < 0 or raw.max() > 255)):
            raise InvalidParameterError(f"sprite pixels must be integers 0..255, got {raw.dtype}")
        pixels = np.array(raw, dtype=np.uint8, copy=True)
        if pixels.ndim != 2 or 0 in pixels.shape:
            raise InvalidParameterError(
                f"sprite pixels must be a 2-D [y, x] array, got {pixels.shape}"
            )
        if not 1 <= len(self.palette) <= 256:
            raise InvalidParameterError(
                f"a palette needs 1 to 256 colours, got {len(self.palette)}"
            )
        palette = tuple(tuple(int(v) for v in colour) for colour in self.palette)
        if any(len(c) != 3 or not all(0 <= v <= 255 for v in c) for c in palette):
            raise InvalidParameterError("palette entries must be (r, g, b) tuples of 0..255")
        if int(pixels.max()) >= len(palette):
            raise InvalidParameterError(
                f"pixels use slot {int(pixels.max())} but the palette has {len(palette)} colours"
            )
        pixels.setflags(write=False)
        object.__setattr__(self, "pixels", pixels)
        object.__setattr__(self, "palette", palette)

    @property
    def mask(self) -> npt.NDArray[np.bool_]:
        """The opaque pixels, ``[y, x]`` bool."""
        mask: npt.NDArray[np.bool_] = self.pixels != Slot.TRANSPARENT
        return mask

    def rgba(self) -> Pixels:
        """The picture as ``[y, x, 4]`` uint8 RGBA; slot 0 is fully transparent black."""
        colours = np.zeros((len(self.palette), 4), dtype=np.uint8)
        colours[:, :3] = self.palette
        colours[1:, 3] = 255
        return colours[self.pixels]

    def key(self) -> bytes:
        """Shape, pixels and palette as bytes: equal keys mean one picture in the same slots."""
        shape = np.array(self.pixels.shape, dtype=np.uint32).tobytes()
        return shape + self.pixels.tobytes() + bytes(v for c in self.palette for v in c)


def _check_role(role: str) -> int:
    if role not in ROLES:
        raise UnknownNameError(f"unknown sprite role {role!r}; expected one of: {', '.join(ROLES)}")
    return ROLES.index(role)


# --------------------------------------------------------------------------------------- palette


def _scale(colour: RGB, factor: float, cool: float = 0.0) -> RGB:
    """``colour`` times ``factor``, nudged towards blue by ``cool`` (shadows read cooler)."""
    red, green, blue = colour
    return (
        int(min(255, max(0, round(red * factor * (1 - cool))))),
        int(min(255, max(0, round(green * factor * (1 - cool / 2))))),
        int(min(255, max(0, round(blue * factor + 40 * cool)))),
    )


def _jitter(colour: RGB, rng: np.random.Generator, amount: int = 10) -> RGB:
    """A small random shift, so two sprites of one family rarely share an exact colour."""
    shift = rng.integers(-amount, amount + 1, size=3)
    return (
        int(np.clip(colour[0] + shift[0], 0, 255)),
        int(np.clip(colour[1] + shift[1], 0, 255)),
        int(np.clip(colour[2] + shift[2], 0, 255)),
    )


def _pick(rng: np.random.Generator, options: Sequence[RGB]) -> RGB:
    return options[int(rng.integers(len(options)))]


_OUTLINES: tuple[RGB, ...] = ((28, 20, 34), (22, 24, 36), (34, 22, 26))
_SKINS: tuple[RGB, ...] = (
    (255, 219, 178),
    (244, 196, 150),
    (226, 168, 118),
    (196, 134, 88),
    (150, 98, 62),
    (112, 72, 50),
)
_HAIRS: tuple[RGB, ...] = (
    (58, 50, 62),
    (104, 66, 40),
    (142, 88, 44),
    (226, 186, 98),
    (190, 82, 44),
    (176, 174, 180),
    (232, 230, 222),
)
_WOODS: tuple[RGB, ...] = ((146, 96, 54), (120, 78, 44), (170, 120, 70))
_STEEL: tuple[RGB, ...] = ((196, 204, 214), (176, 184, 196))
_GOLD: tuple[RGB, ...] = ((242, 196, 64), (230, 210, 110))
_SILVER: tuple[RGB, ...] = ((220, 224, 232),)

# The main clothing colour families of each role; the cape comes from the role's cape family.
_CLOTHES: dict[str, tuple[RGB, ...]] = {
    "warrior": ((178, 52, 50), (150, 84, 52), (196, 96, 40)),
    "mage": ((118, 66, 178), (64, 84, 186), (42, 128, 150), (160, 60, 150)),
    "rogue": ((74, 74, 88), (54, 84, 66), (78, 56, 88), (92, 72, 60)),
    "ranger": ((64, 124, 64), (112, 124, 54), (86, 110, 70)),
    "healer": ((238, 238, 230), (242, 228, 190), (190, 214, 236)),
    "merchant": ((222, 132, 52), (44, 148, 148), (176, 52, 110), (226, 186, 64)),
    "villager": ((104, 124, 152), (118, 140, 86), (156, 88, 62), (128, 104, 82), (92, 112, 104)),
    "guard": ((52, 82, 172), (180, 44, 48), (40, 120, 90)),
    "boss": ((60, 46, 70), (132, 26, 40), (86, 34, 108)),
}
_CAPES: dict[str, tuple[RGB, ...]] = {
    "warrior": ((60, 80, 160), (160, 40, 40), (70, 70, 80)),
    "mage": ((40, 44, 110), (96, 40, 120), (30, 90, 110)),
    "rogue": ((44, 44, 54), (40, 60, 48), (58, 40, 60)),
    "ranger": ((52, 92, 52), (110, 86, 50), (80, 96, 60)),
    "healer": ((200, 210, 230), (230, 200, 120), (240, 240, 240)),
    "merchant": ((112, 46, 120), (30, 100, 110), (150, 40, 50)),
    "villager": ((130, 100, 70), (100, 110, 80)),
    "guard": ((170, 40, 44), (44, 64, 150)),
    "boss": ((120, 20, 30), (48, 36, 56), (80, 20, 90)),
}
_ACCENTS: dict[str, tuple[RGB, ...]] = {
    "warrior": ((214, 228, 240),),
    "mage": ((86, 222, 244), (236, 92, 220), (132, 242, 120), (252, 156, 52)),
    "rogue": ((214, 228, 240), (150, 230, 120)),
    "ranger": ((214, 228, 240), (232, 96, 70)),
    "healer": ((220, 52, 64), (80, 200, 120), (90, 160, 240)),
    "merchant": ((104, 200, 120), (220, 70, 80), (90, 150, 230)),
    "villager": ((214, 228, 240), (220, 90, 70)),
    "guard": ((214, 228, 240),),
    "boss": ((240, 60, 60), (170, 90, 250), (130, 240, 90)),
}


def palette(role: str, rng: np.random.Generator) -> tuple[RGB, ...]:
    """A 16-entry palette for ``role``: one colour per :class:`Slot`, drawn from its families.

    Skin and hair are free for every role; clothing, cape and accent come from the role's colour
    families, so colour alone already hints at the role. The outline is always the darkest entry.
    """
    _check_role(role)
    outline = _pick(rng, _OUTLINES)
    skin = _jitter(_pick(rng, _SKINS), rng, 6)
    if role == "boss" and rng.random() < 0.5:
        skin = _pick(rng, ((122, 170, 96), (150, 150, 170), (170, 96, 96)))
    hair = _jitter(_pick(rng, _HAIRS), rng, 8)
    cloth = _jitter(_pick(rng, _CLOTHES[role]), rng, 10)
    metal = _pick(rng, _STEEL)
    if role == "boss":
        metal = _pick(rng, ((112, 108, 126), (96, 90, 104)))
    gold = _pick(rng, _SILVER if rng.random() < 0.25 else _GOLD)
    eyes = outline
    if role == "boss":
        eyes = _pick(rng, ((250, 64, 48), (252, 214, 60), (120, 250, 110)))
    elif role == "mage" and rng.random() < 0.2:
        eyes = (110, 200, 250)
    colours: list[RGB] = [
        (0, 0, 0),
        outline,
        skin,
        _scale(skin, 0.78, 0.06),
        hair,
        _scale(hair, 0.72, 0.08),
        cloth,
        _scale(cloth, 0.7, 0.08),
        metal,
        _scale(metal, 0.66, 0.06),
        eyes,
        _jitter(_pick(rng, _WOODS), rng, 8),
        _pick(rng, _ACCENTS[role]),
        gold,
        _jitter(_pick(rng, _CAPES[role]), rng, 8),
        (250, 250, 240),
    ]
    return tuple(_lighter_than(c, outline) if i > 1 else c for i, c in enumerate(colours))


def _lighter_than(colour: RGB, outline: RGB) -> RGB:
    """``colour`` lifted, if need be, until its luma clearly exceeds the outline's.

    Keeps the outline the darkest colour of every sprite, which the outline metric relies on.
    """
    if colour == outline:
        return colour
    lift = 0
    while luma(_lift(colour, lift)) < luma(outline) + 15:
        lift += 5
    return _lift(colour, lift)


def _lift(colour: RGB, amount: int) -> RGB:
    red, green, blue = colour
    return min(255, red + amount), min(255, green + amount), min(255, blue + amount)


# --------------------------------------------------------------------------------------- drawing


class _Canvas:
    """A 16x16 slot grid that refuses to draw in its outer ring, where the outline will go."""

    def __init__(self) -> None:
        self.px = np.zeros((SIZE, SIZE), dtype=np.uint8)

    def rect(self, x0: int, y0: int, x1: int, y1: int, slot: int) -> None:
        """Fill the inclusive box ``(x0, y0)``-``(x1, y1)``, clipped to the drawable area."""
        x0, y0, x1, y1 = max(x0, 1), max(y0, 1), min(x1, SIZE - 2), min(y1, SIZE - 2)
        if x0 <= x1 and y0 <= y1:
            self.px[y0 : y1 + 1, x0 : x1 + 1] = slot

    def sym(self, x0: int, y0: int, x1: int, y1: int, slot: int) -> None:
        """Fill the box and its mirror image about the centre line."""
        self.rect(x0, y0, x1, y1, slot)
        self.rect(SIZE - 1 - x1, y0, SIZE - 1 - x0, y1, slot)

    def put(self, x: int, y: int, slot: int) -> None:
        self.rect(x, y, x, y, slot)

    def stamp(self, art: Sequence[str], x: int, y: int, flip: bool = False) -> None:
        """Draw ASCII ``art`` (see ``_LEGEND``) with its top-left at ``(x, y)``.

        With ``flip`` the art is mirrored and ``x`` names its top-right corner instead, so a stamp
        for the left hand becomes the same stamp for the right hand at the mirrored position.
        """
        for dy, row in enumerate(art):
            for dx, char in enumerate(row):
                if char != ".":
                    self.put(x - dx if flip else x + dx, y + dy, _LEGEND[char])

    def speckle(self, rng: np.random.Generator, on: int, slot: int, count: int) -> None:
        """Repaint up to ``count`` random ``on`` pixels as ``slot``: folds, scuffs, stitching.

        Only pixels already of slot ``on`` change, so the silhouette never does; this is the
        cheapest source of the variety that keeps a corpus free of duplicates.
        """
        ys, xs = np.nonzero(self.px == on)
        if len(ys) and count > 0:
            chosen = rng.choice(len(ys), size=min(count, len(ys)), replace=False)
            self.px[ys[chosen], xs[chosen]] = slot

    def outline(self) -> None:
        """Trace :attr:`Slot.OUTLINE` on every transparent pixel 4-adjacent to the silhouette."""
        opaque = self.px != Slot.TRANSPARENT
        ring = np.zeros_like(opaque)
        ring[1:] |= opaque[:-1]
        ring[:-1] |= opaque[1:]
        ring[:, 1:] |= opaque[:, :-1]
        ring[:, :-1] |= opaque[:, 1:]
        self.px[ring & ~opaque] = Slot.OUTLINE


#: The row of the hands; held items run up the outer arm column from here.
HAND_Y = 12


@dataclass(frozen=True)
class _Body:
    """Where the body parts are; x positions are for the left half and mirrored."""

    top: int  # first row of the face (6 rows, 10 wide; the ears make the head 12 wide)
    arm_x: int  # outer column of the left arm (arms are 2 wide)
    torso_x: int  # left column of the torso
    leg_x: int  # left column of the left leg
    leg_width: int

    @property
    def body_top(self) -> int:
        """The shoulder row: level with the chin, so the head sits down between the shoulders."""
        return self.top + 5


_BUILDS: dict[str, tuple[int, int, int, int]] = {
    # arm_x, torso_x, leg_x, leg_width
    "slim": (3, 5, 5, 2),
    "normal": (2, 4, 5, 2),
    "broad": (2, 4, 4, 3),
}


def _choice(rng: np.random.Generator, options: Sequence[str], weights: Sequence[float] = ()) -> str:
    """One of ``options``, uniformly or by relative ``weights``."""
    if weights:
        p = np.asarray(weights, dtype=np.float64)
        return options[int(rng.choice(len(options), p=p / p.sum()))]
    return options[int(rng.integers(len(options)))]


def _chance(rng: np.random.Generator, p: float) -> bool:
    return bool(rng.random() < p)


def _draw_body(
    c: _Canvas, b: _Body, rng: np.random.Generator, *, sleeves: int, trousers: int, boots: int
) -> None:
    """Legs, torso, arms and hands; the outfit layers repaint parts of these."""
    top = b.body_top
    c.sym(b.leg_x, 13, b.leg_x + b.leg_width - 1, 14, trousers)
    c.sym(b.leg_x, 14, b.leg_x + b.leg_width - 1, 14, boots)
    c.sym(b.torso_x, top, SIZE // 2 - 1, 12, Slot.CLOTH)
    c.sym(b.arm_x, top, b.arm_x + 1, HAND_Y - 1, sleeves)
    c.sym(b.arm_x, HAND_Y, b.arm_x + 1, HAND_Y, Slot.SKIN)
    # Light from the upper left: the right-hand edge of the torso is in shade.
    c.rect(SIZE - 1 - b.torso_x, top, SIZE - 1 - b.torso_x, 12, Slot.CLOTH_SHADE)
    c.speckle(rng, Slot.CLOTH, Slot.CLOTH_SHADE, int(rng.integers(1, 3)))


def _draw_head(c: _Canvas, b: _Body, rng: np.random.Generator) -> None:
    """A square face with ears and eyes; hair and headgear go on top.

    Face and ears span the same 12 columns as the arms, so the head and body share one straight
    silhouette edge (as in the reference sprites), and an item held up beside the head sits on
    that edge instead of sticking out of it.
    """
    top = b.top
    c.sym(3, top, 7, top + 5, Slot.SKIN)
    c.sym(2, top + 2, 2, top + 4, Slot.SKIN_SHADE)
    if _chance(rng, 0.5):
        c.sym(3, top + 5, 3, top + 5, Slot.SKIN_SHADE)
    eye_x = int(rng.choice([5, 6], p=[0.4, 0.6]))
    eye_y = top + 3
    c.sym(eye_x, eye_y, eye_x, eye_y, Slot.EYES)
    if _chance(rng, 0.5):
        c.sym(eye_x, eye_y - 1, eye_x, eye_y - 1, Slot.EYES)
    if _chance(rng, 0.2):
        c.rect(7, top + 5, 8, top + 5, Slot.SKIN_SHADE)


def _draw_hair(c: _Canvas, b: _Body, rng: np.random.Generator, style: str) -> None:
    """Hair in one of several styles, with a random fringe (pixels, not silhouette, vary)."""
    top = b.top
    if style == "bald":
        c.sym(3, top, 3, top, Slot.TRANSPARENT)  # round the crown
        c.put(int(rng.choice([5, 6])), top, Slot.HIGHLIGHT)
        return
    c.sym(5, top - 2, 7, top - 2, Slot.HAIR)
    c.sym(4, top - 1, 7, top - 1, Slot.HAIR)
    c.sym(3, top, 7, top, Slot.HAIR)
    c.sym(2, top + 1, 3, top + 1, Slot.HAIR)
    c.sym(2, top + 2, 2, top + 2, Slot.HAIR_SHADE)
    for x in range(4, 12):
        if _chance(rng, 0.5):
            c.put(x, top + 1, Slot.HAIR)
    if style == "long":
        c.sym(2, top + 2, 2, top + 5, Slot.HAIR)
        c.sym(2, top + 6, 3, top + 7, Slot.HAIR_SHADE)
    elif style == "spiky":
        for x in (4, 6, 9, 11):
            c.put(x, top - 3, Slot.HAIR)
    elif style == "bun":
        c.sym(6, top - 3, 7, top - 3, Slot.HAIR_SHADE)
    elif style == "curly":
        c.sym(3, top - 1, 3, top - 1, Slot.HAIR)
        c.sym(2, top, 2, top + 4, Slot.HAIR)
        for x in range(2, 14):
            if (x + top) % 2 and _chance(rng, 0.7):
                c.put(x, top - 1 + (x % 3 == 0), Slot.HAIR_SHADE)


def _draw_beard(c: _Canvas, b: _Body, rng: np.random.Generator, long: bool) -> None:
    top = b.top
    c.sym(3, top + 4, 7, top + 5, Slot.HAIR)
    c.sym(2, top + 3, 2, top + 4, Slot.HAIR)
    c.rect(7, top + 4, 8, top + 4, Slot.SKIN if _chance(rng, 0.5) else Slot.HAIR_SHADE)
    if long:
        c.sym(5, top + 6, 7, top + 7, Slot.HAIR)
        c.sym(6, top + 8, 7, top + 8, Slot.HAIR_SHADE)


# --------------------------------------------------------------------------------------- headgear

# Full-width stamps: (first row relative to the face's top row, rows).
_HOOD = (
    -3,
    (
        ".......kk.......",
        ".....kkkkkk.....",
        "....kkkkkkkk....",
        "...kkkkkkkkkk...",
        "..kkk......kkk..",
        "..kk........kk..",
        "..kk........kk..",
        "..kk........kk..",
        "..kkk......kkk..",
        "..kkkkkkkkkkkk..",
    ),
)
_HELM_OPEN = (
    -2,
    (
        ".....mmmmmm.....",
        "....mlmmmmmM....",
        "...mmmmmmmmmM...",
        "..tttttttttttt..",
        "..mm........MM..",
        "..m..........M..",
    ),
)
_HELM_FULL = (
    -2,
    (
        ".....mmmmmm.....",
        "....mlmmmmmM....",
        "...mmmmmmmmmM...",
        "..mmmmmmmmmmMM..",
        "..mmmmmmmmmmMM..",
        "..mmmmmmmmmmMM..",
        "..mmmmmMmmmmMM..",
        "...mmmmmmmmmM...",
    ),
)
_VISORS = (
    "..mMeeeeeeeeMM..",
    "..mmMeMmmMeMMM..",
    "..mmmeemmeemMM..",
)
_WIZARD_HAT = (
    -3,
    (
        ".......cc.......",
        "......cccC......",
        ".....tttttt.....",
        ".cccccccccccCCC.",
    ),
)
_CROWN = (
    -3,
    (
        "....t..tt..t....",
        "....tttttttt....",
        "....tatttata....",
    ),
)
_HORNS = (
    -3,
    (
        ".l............l.",
        ".ll..........ll.",
        "..ll........ll..",
        "...l........l...",
    ),
)
_STRAW_HAT = (
    -2,
    (
        ".....wwwwww.....",
        ".....aaaaaa.....",
        ".wwwwwwwwwwwwww.",
    ),
)
_CAP = (
    -2,
    (
        ".....cccccc.....",
        "....cccccccC....",
        "..tttttttttttt..",
    ),
)


def _headgear(c: _Canvas, b: _Body, gear: tuple[int, tuple[str, ...]]) -> None:
    offset, art = gear
    c.stamp(art, 0, b.top + offset)


# ---------------------------------------------------------------------------------- held items

# Items for the left hand, as stamps: (rows, column of the arm in the rows, row of HAND_Y).
_ITEMS: dict[str, tuple[tuple[str, ...], int, int]] = {
    "sword": ((".l.", ".a.", ".a.", ".a.", ".a.", ".a.", "ttt", ".w."), 1, 7),
    "short_sword": ((".l.", ".a.", ".a.", ".a.", "ttt", ".w."), 1, 5),
    "axe": ((".mw", "mmw", ".Mw", "..w", "..w", "..w", "..w"), 2, 6),
    "dagger_up": (("l", "a", "t", "w"), 0, 3),
    "dagger_down": (("w", "a", "l"), 0, 0),
    "bow": (("..w", ".wl", ".wl", "w.l", "w.l", ".wl", "..w"), 2, 6),
    "scales": (("ttt", "t.t", ".w.", ".w.", ".w."), 1, 4),
    "hammer": (("mmM", ".w.", ".w."), 1, 3),
}
# Poles: a head stamp (rows, column of the arm) placed relative to the face's top row, then a
# wooden shaft down to the hand. Tied to the face, not the hand, so a pole clears the head by
# the same margin on short and tall bodies.
_POLES: dict[str, tuple[tuple[str, ...], int, int]] = {
    "staff": (("l", "a", "a"), 0, -1),
    "cross_staff": ((".t.", "ttt", ".t."), 1, 0),
    "pitchfork": (("m.m", "mmm"), 0, -1),
    "hoe": (("Mm", ".w"), 1, 0),
    "spear": (("l", "m", "mm"), 0, -1),
    "halberd": ((".l", ".m", "mm", "Mm"), 1, 0),
    "great_axe": ((".m", "mm", "Mm", ".m"), 1, 0),
}

_HEAD_SLOTS = (Slot.SKIN, Slot.SKIN_SHADE, Slot.HAIR, Slot.HAIR_SHADE)


def _hold(c: _Canvas, b: _Body, item: str, flip: bool) -> None:
    """Put ``item`` in the left (or, with ``flip``, right) hand and redraw the hand over it.

    Where the item passes the head, a dark seam is drawn between them so it reads as an object
    in front of the face rather than as part of it.
    """
    before = c.px.copy()
    if item in _POLES:
        art, col, offset = _POLES[item]
        first = b.top + offset
        shaft = ("." * col + "w",) * (HAND_Y - first - len(art))
        art, row = art + shaft, HAND_Y - first
    else:
        art, col, row = _ITEMS[item]
    outer = SIZE - 1 - b.arm_x if flip else b.arm_x
    inner = outer + (-1 if flip else 1)
    c.stamp(art, outer + col if flip else outer - col, HAND_Y - row, flip=flip)
    c.put(outer, HAND_Y, Slot.SKIN)
    for y in range(1, b.body_top):
        if c.px[y, outer] != before[y, outer] and before[y, inner] in _HEAD_SLOTS:
            c.put(inner, y, Slot.OUTLINE)


# ------------------------------------------------------------------------------------- outfits


def _belt(c: _Canvas, b: _Body, rng: np.random.Generator, row: int = 11) -> None:
    c.sym(b.torso_x, row, SIZE // 2 - 1, row, Slot.WOOD)
    if _chance(rng, 0.6):
        c.put(int(rng.choice([7, 8])), row, Slot.TRIM)


def _buttons(c: _Canvas, b: _Body, rng: np.random.Generator) -> None:
    x = int(rng.choice([7, 8]))
    for y in range(b.body_top, 11):
        if _chance(rng, 0.6):
            c.put(x, y, Slot.TRIM)


def _robe(c: _Canvas, b: _Body, rng: np.random.Generator) -> None:
    """A long robe that hides the legs and flares at the hem."""
    top = b.body_top
    c.sym(b.torso_x, top, 7, 13, Slot.CLOTH)
    c.sym(b.torso_x - 1, 14, 7, 14, Slot.CLOTH)
    c.rect(SIZE - 1 - b.torso_x, top, SIZE - 1 - b.torso_x, 13, Slot.CLOTH_SHADE)
    c.put(SIZE - b.torso_x, 14, Slot.CLOTH_SHADE)
    c.speckle(rng, Slot.CLOTH, Slot.CLOTH_SHADE, int(rng.integers(0, 4)))
    if _chance(rng, 0.5):
        c.sym(b.torso_x - 1, 14, 7, 14, Slot.TRIM)
    if _chance(rng, 0.4):
        c.rect(7, top, 8, 13, Slot.TRIM if _chance(rng, 0.5) else Slot.CLOTH_SHADE)
    elif _chance(rng, 0.5):
        _belt(c, b, rng, row=int(rng.choice([11, 12])))


def _plate(c: _Canvas, b: _Body, rng: np.random.Generator, pauldrons: bool) -> None:
    """Breastplate over the tunic, with or without wide shoulder plates."""
    top = b.body_top
    c.sym(b.torso_x, top, 7, 10, Slot.METAL)
    c.rect(SIZE - 1 - b.torso_x, top, SIZE - 1 - b.torso_x, 10, Slot.METAL_SHADE)
    if pauldrons:
        c.sym(b.arm_x - 1, top, b.arm_x + 1, top, Slot.METAL)
        c.sym(b.arm_x - 1, top + 1, b.arm_x - 1, top + 1, Slot.METAL_SHADE)
    else:
        c.sym(b.arm_x, top, b.arm_x + 1, top, Slot.METAL)
    if _chance(rng, 0.5):
        c.put(int(rng.choice([5, 6])), top, Slot.HIGHLIGHT)
    c.speckle(rng, Slot.METAL, Slot.METAL_SHADE, int(rng.integers(1, 3)))


def _leather(c: _Canvas, b: _Body, rng: np.random.Generator) -> None:
    """A leather jerkin with a strap across the chest."""
    top = b.body_top
    c.sym(b.torso_x + 1, top, 7, 10, Slot.WOOD)
    start = int(rng.integers(b.torso_x, b.torso_x + 3))
    for i, y in enumerate(range(top, 11)):
        c.rect(start + 2 * i, y, start + 2 * i + 1, y, Slot.CLOTH_SHADE)


def _apron(c: _Canvas, b: _Body, rng: np.random.Generator) -> None:
    top = b.body_top
    c.sym(5, top + 1, 7, 13, Slot.HIGHLIGHT if _chance(rng, 0.5) else Slot.CLOTH_SHADE)
    c.sym(5, top, 5, top, Slot.WOOD)


_EMBLEMS = (("tt", "tt"), ("at", "ta"), (".t", "tt"), ("aa", "tt"))


def _tabard(c: _Canvas, b: _Body, rng: np.random.Generator) -> None:
    top = b.body_top
    c.sym(5, top, 7, 13, Slot.CLOTH)
    c.rect(10, top, 10, 13, Slot.CLOTH_SHADE)
    emblem = _EMBLEMS[int(rng.integers(len(_EMBLEMS)))]
    c.stamp(emblem, 7, top + int(rng.integers(0, 2)))


def _cape(c: _Canvas, b: _Body, wide: bool) -> None:
    """A cape behind the body: shows beside the legs, and beside the arms if ``wide``."""
    c.sym(b.arm_x - (1 if wide else 0), b.body_top + 1, 7, 14, Slot.CAPE)


# --------------------------------------------------------------------------------------- roles
# Each role draws its layers back to front; ``flip`` puts the held item in the right hand.


def _warrior(c: _Canvas, b: _Body, rng: np.random.Generator, flip: bool) -> None:
    if _chance(rng, 0.35):
        _cape(c, b, wide=_chance(rng, 0.5))
    _draw_body(c, b, rng, sleeves=Slot.CLOTH, trousers=Slot.CLOTH_SHADE, boots=Slot.WOOD)
    if _chance(rng, 0.7):
        _plate(c, b, rng, pauldrons=_chance(rng, 0.6))
    else:
        _leather(c, b, rng)
    _belt(c, b, rng)
    _draw_head(c, b, rng)
    if _chance(rng, 0.55):
        _draw_hair(c, b, rng, _choice(rng, ("short", "spiky", "long", "bald")))
        if _chance(rng, 0.35):
            _draw_beard(c, b, rng, long=False)
    else:
        _draw_hair(c, b, rng, "short")
        _headgear(c, b, _HELM_OPEN)
    _hold(c, b, _choice(rng, ("sword", "axe", "short_sword"), (0.5, 0.3, 0.2)), flip)


def _mage(c: _Canvas, b: _Body, rng: np.random.Generator, flip: bool) -> None:
    _draw_body(c, b, rng, sleeves=Slot.CLOTH, trousers=Slot.CLOTH_SHADE, boots=Slot.CLOTH_SHADE)
    _robe(c, b, rng)
    _draw_head(c, b, rng)
    _draw_hair(c, b, rng, _choice(rng, ("short", "long", "bald")))
    if _chance(rng, 0.55):
        _draw_beard(c, b, rng, long=_chance(rng, 0.6))
    if _chance(rng, 0.75):
        _headgear(c, b, _WIZARD_HAT)
        c.speckle(rng, Slot.TRIM, Slot.ACCENT, int(rng.integers(0, 3)))
    else:
        _headgear(c, b, _HOOD)
    _hold(c, b, "staff", flip)


def _rogue(c: _Canvas, b: _Body, rng: np.random.Generator, flip: bool) -> None:
    _draw_body(c, b, rng, sleeves=Slot.CLOTH_SHADE, trousers=Slot.CLOTH_SHADE, boots=Slot.WOOD)
    _leather(c, b, rng)
    _belt(c, b, rng, row=int(rng.choice([11, 12])))
    _draw_head(c, b, rng)
    _draw_hair(c, b, rng, "short")
    _headgear(c, b, _HOOD)
    if _chance(rng, 0.6):  # a mask over the lower face
        c.sym(4, b.top + 4, 7, b.top + 5, Slot.CLOTH_SHADE)
    if _chance(rng, 0.6):
        _hold(c, b, "dagger_down", flip)
        _hold(c, b, "dagger_down", not flip)
    else:
        _hold(c, b, "dagger_up", flip)


def _ranger(c: _Canvas, b: _Body, rng: np.random.Generator, flip: bool) -> None:
    if _chance(rng, 0.4):
        _cape(c, b, wide=False)
    _draw_body(c, b, rng, sleeves=Slot.CLOTH, trousers=Slot.WOOD, boots=Slot.WOOD)
    _leather(c, b, rng)
    _draw_head(c, b, rng)
    _draw_hair(c, b, rng, _choice(rng, ("short", "long", "bun")))
    if _chance(rng, 0.5):
        _headgear(c, b, _HOOD)
    else:
        _headgear(c, b, _CAP)
        c.put(int(rng.choice([5, 10])), b.top - 2, Slot.ACCENT)  # a feather in the band
    _hold(c, b, "bow", flip)


def _healer(c: _Canvas, b: _Body, rng: np.random.Generator, flip: bool) -> None:
    _draw_body(c, b, rng, sleeves=Slot.CLOTH, trousers=Slot.CLOTH_SHADE, boots=Slot.CLOTH_SHADE)
    _robe(c, b, rng)
    top = b.body_top + 1
    book = _chance(rng, 0.4)
    if book:  # a holy book held to the chest, the cross on its cover
        c.rect(5, top, 10, top + 3, Slot.ACCENT)
        c.rect(5, top + 3, 10, top + 3, Slot.HIGHLIGHT)
        c.sym(3, 11, 4, 11, Slot.SKIN)
        c.rect(7, top, 8, top + 2, Slot.TRIM)
        c.rect(6, top + 1, 9, top + 1, Slot.TRIM)
    else:
        c.rect(7, top, 8, top + 2, Slot.ACCENT)
        c.rect(6, top + 1, 9, top + 1, Slot.ACCENT)
    _draw_head(c, b, rng)
    _draw_hair(c, b, rng, _choice(rng, ("long", "bun", "short", "curly")))
    if _chance(rng, 0.35):
        _headgear(c, b, _HOOD)
    if not book:
        _hold(c, b, "cross_staff", flip)


def _merchant(c: _Canvas, b: _Body, rng: np.random.Generator, flip: bool) -> None:
    _draw_body(c, b, rng, sleeves=Slot.CLOTH, trousers=Slot.CLOTH_SHADE, boots=Slot.WOOD)
    if _chance(rng, 0.5):
        _apron(c, b, rng)
    else:
        _buttons(c, b, rng)
    belt = int(rng.choice([11, 12]))
    _belt(c, b, rng, row=belt)
    _draw_head(c, b, rng)
    _draw_hair(c, b, rng, _choice(rng, ("short", "bald", "curly")))
    if _chance(rng, 0.45):
        _draw_beard(c, b, rng, long=False)
    if _chance(rng, 0.5):
        _headgear(c, b, _CAP)
    if _chance(rng, 0.5):
        _hold(c, b, "scales", flip)
    else:  # a fat purse of coins hanging from the belt
        c.stamp((".w.", "ttt", "tlt"), int(rng.choice([5, 8])), 11)


def _villager(c: _Canvas, b: _Body, rng: np.random.Generator, flip: bool) -> None:
    sleeves = Slot.SKIN if _chance(rng, 0.4) else Slot.CLOTH
    trousers = Slot.WOOD if _chance(rng, 0.5) else Slot.CLOTH_SHADE
    _draw_body(c, b, rng, sleeves=sleeves, trousers=trousers, boots=Slot.WOOD)
    if _chance(rng, 0.4):
        _apron(c, b, rng)
    _belt(c, b, rng, row=int(rng.choice([11, 12])))
    _draw_head(c, b, rng)
    _draw_hair(c, b, rng, _choice(rng, ("short", "long", "bun", "curly", "bald")))
    if _chance(rng, 0.35):
        _headgear(c, b, _STRAW_HAT)
    _hold(c, b, _choice(rng, ("pitchfork", "hoe", "hammer")), flip)


def _guard(c: _Canvas, b: _Body, rng: np.random.Generator, flip: bool) -> None:
    _draw_body(c, b, rng, sleeves=Slot.METAL, trousers=Slot.METAL_SHADE, boots=Slot.METAL_SHADE)
    _plate(c, b, rng, pauldrons=_chance(rng, 0.5))
    _tabard(c, b, rng)
    _draw_head(c, b, rng)
    _draw_hair(c, b, rng, "short")
    if _chance(rng, 0.55):
        _headgear(c, b, _HELM_FULL)
        c.stamp((_VISORS[int(rng.integers(len(_VISORS)))],), 0, b.top + 2)
    else:
        _headgear(c, b, _HELM_OPEN)
    if _chance(rng, 0.5):
        c.put(int(rng.choice([6, 7, 8, 9])), b.top - 2, Slot.ACCENT)  # a crest stud
    _hold(c, b, _choice(rng, ("spear", "halberd"), (0.6, 0.4)), flip)


def _boss(c: _Canvas, b: _Body, rng: np.random.Generator, flip: bool) -> None:
    _cape(c, b, wide=True)
    _draw_body(c, b, rng, sleeves=Slot.METAL, trousers=Slot.METAL_SHADE, boots=Slot.METAL_SHADE)
    _plate(c, b, rng, pauldrons=True)
    c.sym(b.arm_x - 1, b.body_top - 1, b.arm_x - 1, b.body_top - 1, Slot.HIGHLIGHT)  # spikes
    _draw_head(c, b, rng)
    _draw_hair(c, b, rng, _choice(rng, ("bald", "long", "spiky")))
    _headgear(c, b, _HORNS if _chance(rng, 0.6) else _CROWN)
    c.px[c.px == Slot.CLOTH] = Slot.METAL_SHADE  # armoured from neck to toe
    c.px[c.px == Slot.CLOTH_SHADE] = Slot.METAL_SHADE
    c.speckle(rng, Slot.CAPE, Slot.OUTLINE, int(rng.integers(1, 4)))
    weapon = _choice(rng, ("great_sword", "great_axe", "sword"), (0.4, 0.35, 0.25))
    if weapon == "great_sword":  # planted in front, both hands on the hilt
        c.rect(7, 12, 7, 14, Slot.HIGHLIGHT)
        c.rect(8, 12, 8, 14, Slot.ACCENT)
        c.sym(5, 11, 7, 11, Slot.TRIM)
        c.sym(6, 10, 7, 10, Slot.SKIN)
    else:
        _hold(c, b, weapon, flip)


_ROLE_DRAWERS: dict[str, Callable[[_Canvas, _Body, np.random.Generator, bool], None]] = {
    "warrior": _warrior,
    "mage": _mage,
    "rogue": _rogue,
    "ranger": _ranger,
    "healer": _healer,
    "merchant": _merchant,
    "villager": _villager,
    "guard": _guard,
    "boss": _boss,
}
#: Body builds by role: (slim, normal, broad) weights.
_BUILD_WEIGHTS: dict[str, tuple[float, float, float]] = {
    # Slim arms sit inside the column items are held in, so only the rogue, whose daggers are
    # small, is ever slim.
    "warrior": (0.0, 0.5, 0.5),
    "mage": (0.0, 0.8, 0.2),
    "rogue": (0.6, 0.4, 0.0),
    "ranger": (0.0, 0.8, 0.2),
    "healer": (0.0, 0.8, 0.2),
    "merchant": (0.0, 0.4, 0.6),
    "villager": (0.0, 0.6, 0.4),
    "guard": (0.0, 0.5, 0.5),
    "boss": (0.0, 0.0, 1.0),
}


#: Two fold pixels go on the first of these surfaces that covers at least 10 pixels: about a
#: thousand placements, which makes repeats in a corpus of hundreds vanishingly rare.
_FOLDS = (
    (Slot.CLOTH, Slot.CLOTH_SHADE),
    (Slot.METAL, Slot.METAL_SHADE),
    (Slot.CAPE, Slot.OUTLINE),
    (Slot.HAIR, Slot.HAIR_SHADE),
)


def paperdoll(role: str, rng: np.random.Generator) -> Sprite:
    """One 16x16 front-view sprite of ``role``, drawn in layers with colours from :func:`palette`.

    The same generator state gives the same sprite; pass a fresh ``numpy.random.Generator`` per
    stream you want reproducible.
    """
    _check_role(role)
    if not isinstance(rng, np.random.Generator):
        raise InvalidParameterError(f"rng must be a numpy.random.Generator, got {type(rng)}")
    build = _choice(rng, tuple(_BUILDS), _BUILD_WEIGHTS[role])
    top = 4 if role in ("mage", "boss") else int(rng.choice([3, 4], p=[0.6, 0.4]))
    body = _Body(top, *_BUILDS[build])
    canvas = _Canvas()
    _ROLE_DRAWERS[role](canvas, body, rng, _chance(rng, 0.5))
    for on, to in _FOLDS:
        if np.count_nonzero(canvas.px == on) >= 10:
            canvas.speckle(rng, on, to, 2)
            break
    canvas.outline()
    return Sprite(canvas.px, palette(role, rng))


def paperdoll_corpus(per_role: int, seed: int) -> list[tuple[str, Sprite]]:
    """``per_role`` sprites of every role, in :data:`ROLES` order: ``[(role, sprite), ...]``.

    Each role draws from its own generator, seeded by ``(seed, role index)``, so the first ``n``
    sprites of a role do not depend on ``per_role`` or on the other roles.
    """
    for name, value in (("per_role", per_role), ("seed", seed)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise InvalidParameterError(f"{name} must be a non-negative integer, got {value!r}")
    corpus: list[tuple[str, Sprite]] = []
    for index, role in enumerate(ROLES):
        rng = np.random.default_rng([seed, index])
        corpus.extend((role, paperdoll(role, rng)) for _ in range(per_role))
    return corpus
