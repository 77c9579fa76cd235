"""``procgen.character()``: a cast member with a name, role, stats, sprite and backstory.

Each part comes from its own model, each drawing from its own random stream derived from the one
seed, so changing how one part is made never changes the others:

- the **name** from the style-conditioned character model (:mod:`procgen.names`);
- the **stats** from the distribution fitted to the designer's examples (:mod:`procgen.stats`);
- the **sprite** from the grid model trained on paper-doll sprites (:mod:`procgen.models.sprites`),
  coloured by a palette swap of the role's colour families (:func:`procgen.sprites.palette`);
- the **backstory** from the role-conditioned text model (:mod:`procgen.backstory`);
- **traits** by weight from the designer's table for the role.

The document's ``sprite`` rows index ``palette`` with one hex digit per pixel, ``.`` where
transparent: the format of ``schemas/character.schema.json``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from numbers import Integral
from pathlib import Path
from typing import Any

import numpy as np

from procgen.data import DATA
from procgen.errors import InvalidParameterError, UnknownNameError
from procgen.seeds import resolve_seed
from procgen.sprites.paperdoll import ROLES, Sprite

CHARACTER_SCHEMA_ID = "https://procgen-assets.dev/schemas/character/2.0"
TRAITS = DATA / "characters" / "traits.json"
MIN_LEVEL, MAX_LEVEL = 1, 100
TRAITS_PER_CHARACTER = (1, 3)
CHARACTER_FORMATS = (".json", ".yaml", ".yml", ".png")
PNG_SCALE = 8  # a 16x16 sprite saved as PNG is 128x128: visible, still crisp


@dataclass(frozen=True, eq=False)
class Character:
    """A generated character: the character asset, with its sprite as slots and palette."""

    id: str
    name: str
    role: str
    style: str | None
    level: int
    stats: dict[str, int]
    traits: tuple[str, ...]
    sprite: Sprite  # slot pixels and the 16-colour slot palette
    backstory: str
    meta: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        palette, rows = compact_sprite(self.sprite)
        document: dict[str, Any] = {
            "$schema": CHARACTER_SCHEMA_ID,
            "id": self.id,
            "name": self.name,
            "role": self.role,
        }
        if self.style is not None:
            document["style"] = self.style
        document.update(
            level=self.level,
            stats=dict(self.stats),
            traits=list(self.traits),
            palette=palette,
            sprite=rows,
            backstory=self.backstory,
            meta=self.meta,
        )
        return document

    def to_json(self) -> str:
        """Canonical JSON: two-space indent, one sprite row per line, trailing newline."""
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n"

    def to_yaml(self) -> str:
        from procgen.assets import dump_yaml

        return dump_yaml(self.to_dict())

    def png(self, scale: int = PNG_SCALE) -> bytes:
        from procgen.sprites import sprite_png

        return sprite_png(self.sprite, scale=scale)

    def save(self, path: str | Path) -> Path:
        """Write the character as .json, .yaml/.yml, or its sprite as .png (scaled 8x)."""
        from procgen.assets import write_files

        path = Path(path)
        check_destination(path)
        suffix = path.suffix.lower()
        if suffix == ".json":
            data = self.to_json().encode("utf-8")
        elif suffix == ".png":
            data = self.png()
        else:
            data = self.to_yaml().encode("utf-8")
        write_files({path: data})
        return path


def check_destination(path: Path) -> None:
    """Refuse, before any work is done, a path a character could not be saved to."""
    from procgen import assets

    assets.check_destination(path, CHARACTER_FORMATS)


def compact_sprite(sprite: Sprite) -> tuple[list[str], list[str]]:
    """The palette of the colours the sprite uses, and rows of hex indices into it ('.' clear).

    >>> pixels = np.array([[0, 3], [3, 1]], dtype=np.uint8)
    >>> compact_sprite(Sprite(pixels, ((0, 0, 0), (10, 10, 10), (0, 0, 0), (255, 0, 0))))
    (['#0a0a0a', '#ff0000'], ['.1', '10'])
    """
    used = sorted(set(np.unique(sprite.pixels).tolist()) - {0})
    palette = ["#{:02x}{:02x}{:02x}".format(*sprite.palette[slot]) for slot in used]
    digit = {0: "."} | {slot: f"{i:x}" for i, slot in enumerate(used)}
    rows = ["".join(digit[int(v)] for v in row) for row in sprite.pixels]
    return palette, rows


@cache
def trait_table() -> dict[str, dict[str, int]]:
    table: dict[str, dict[str, int]] = json.loads(TRAITS.read_text(encoding="utf-8"))["traits"]
    return table


def draw_traits(role: str, rng: np.random.Generator) -> tuple[str, ...]:
    """One to three distinct traits, each as likely as its weight in the designer's table."""
    table = trait_table()[role]
    names = sorted(table)
    weights = np.array([table[n] for n in names], dtype=np.float64)
    count = int(rng.integers(TRAITS_PER_CHARACTER[0], TRAITS_PER_CHARACTER[1] + 1))
    chosen = rng.choice(len(names), size=count, replace=False, p=weights / weights.sum())
    return tuple(names[i] for i in sorted(chosen))


def character(
    seed: int | None = None,
    *,
    role: str | None = None,
    level: int = 1,
    style: str | None = None,
    names: str | Path | None = None,
    sprites: str | Path | None = None,
    prose: str | Path | None = None,
) -> Character:
    """Generate a character.

    ``role`` is one of :data:`ROLES` (drawn at random when None); ``level`` from 1 to 100;
    ``style`` is a naming style of the name model (drawn at random when None). ``names``,
    ``sprites`` and ``prose`` use your own weights (``procgen train names|sprites|prose``)
    instead of the shipped ones. With ``seed=None`` a fresh seed is drawn and
    recorded in ``meta.seed``.

    >>> import procgen
    >>> hero = procgen.character(seed=3, role="mage", level=5)
    >>> hero.role, hero.level
    ('mage', 5)
    >>> hero.to_json() == procgen.character(seed=3, role="mage", level=5).to_json()
    True
    """
    from procgen.backstory import backstory, place_name
    from procgen.models.sprites import sprite_model
    from procgen.names import name_model
    from procgen.prose import prose_model
    from procgen.stats import draw_stats

    seed = resolve_seed(seed)
    level = _level(level)
    if role is not None and role not in ROLES:
        raise UnknownNameError(f"unknown role {role!r}; expected one of: {', '.join(ROLES)}")
    namer = name_model(_path(names))
    drawer = sprite_model(_path(sprites))
    writer = prose_model(_path(prose))
    namer.check_style(style)
    streams = [np.random.default_rng([seed, part]) for part in range(7)]  # one per part
    drawable = [r for r in ROLES if r in drawer.roles]  # a user's sprite model may know fewer
    if not drawable:
        raise UnknownNameError(f"the sprite model draws none of the roles {', '.join(ROLES)}")
    role = role or drawable[int(streams[0].integers(len(drawable)))]
    if style is None and namer.styles:
        style = namer.styles[int(streams[1].integers(len(namer.styles)))]
    # One decode gives both the name and the stem of the home in the backstory.
    name, home_stem = namer.generate(style, int(streams[2].integers(2**62)), count=2)
    pixels = drawer.sample(role, [int(streams[3].integers(2**62))])[0]
    sprite = Sprite(pixels, drawer.palette(role, streams[3]))
    stats = draw_stats(role, level, streams[4])
    traits = draw_traits(role, streams[4])
    home = place_name(home_stem, style, streams[6])
    story = backstory(writer, role, name, home, int(streams[5].integers(2**62)))
    return Character(
        id=f"char-{seed}",
        name=name,
        role=role,
        style=style,
        level=level,
        stats=stats,
        traits=traits,
        sprite=sprite,
        backstory=story,
        meta={
            "generator": "procgen",
            "version": "1.0",
            "seed": seed,
            "weights": {
                "names": namer.sha256,
                "sprites": drawer.sha256,
                "prose": writer.sha256,
            },
        },
    )


def _path(value: str | Path | None) -> Path | None:
    return None if value is None else Path(value)


def _level(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise InvalidParameterError(f"level must be an integer, got {value!r}")
    if not MIN_LEVEL <= int(value) <= MAX_LEVEL:
        raise InvalidParameterError(f"level must be {MIN_LEVEL} to {MAX_LEVEL}, got {value}")
    return int(value)
