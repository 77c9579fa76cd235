"""Readable names for what a quest points at: places, items, creatures and strangers.

Prose needs words where a quest has ids. An entity's own ``name`` always wins; otherwise the name
comes from the tiles around it, read through their tags (never their characters, so any tileset
works):

- **Terrain** of the 7x7 window around the entity picks the noun: built floor makes a hall or a
  passage (narrow when under half the window is walkable), bare ground a cavern or a tunnel in a
  walled level (dunes under the open sky), grass a meadow (a glade among trees), shallow water a
  ford.
- The strongest **feature** picks the adjective: lava "burning", water "flooded", spikes "spiked",
  swamp "sunken", trees "wooded", rock "stony", several doors "barred"; with none, the compass
  direction from the middle of the map: "the flooded hall", "the northern cavern".
- Items and creatures are bare nouns (the corpus writes ``{count} {item}``, ``a {target}``),
  plural for several, drawn from short lists for the terrain they stand on.
- A key and its door share a material ("the brass key" opens "the brass door").

Every choice among synonyms is a pure function of the level's tiles and the entity id, so one
entity keeps its name in every quest of a questline.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from procgen.levels import Entity, Level

Noun = tuple[str, str]  # singular, plural
RADIUS = 3  # the window is (2 * RADIUS + 1) tiles square

TERRAINS = ("built", "cave", "grass", "sand", "water", "swamp")

PLACES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {  # open, narrow
    "built": (
        ("hall", "chamber", "gallery", "vault", "crypt", "undercroft"),
        ("passage", "corridor", "stairwell", "colonnade", "archway"),
    ),
    "cave": (
        ("cavern", "grotto", "hollow", "sinkhole", "chasm"),
        ("tunnel", "crawlway", "fissure", "burrow", "chimney"),
    ),
    "grass": (
        ("meadow", "field", "heath", "pasture", "downs"),
        ("track", "lane", "path", "drove road"),
    ),
    "sand": (("dunes", "flats", "strand", "wastes", "salt pan"), ("gully", "dune path", "wadi")),
    "water": (("shallows", "ford", "mere", "pool", "lagoon"), ("channel", "ford", "stream")),
    "swamp": (("fen", "mire", "bog", "marsh", "quagmire"), ("causeway", "mire path", "boardwalk")),
}
GLADES = ("glade", "clearing", "thicket")
ADJECTIVES = {
    "lava": ("burning", "smouldering", "scorched", "molten", "ashen"),
    "water": ("flooded", "dripping", "drowned", "sodden", "weeping"),
    "swamp": ("sunken", "boggy", "reeking", "rotting", "fetid"),
    "hazard": ("spiked", "cruel", "treacherous", "deadly", "perilous"),
    "trees": ("wooded", "shaded", "overgrown", "leafy", "tangled"),
    "rock": ("stony", "craggy", "high", "rocky", "broken"),
    "doors": ("barred", "gated"),
}
OUTDOOR_WATER = ("misty", "reedy", "marshy")
COMPASS = (  # octants clockwise from east, as y grows southwards
    "eastern",
    "south-eastern",
    "southern",
    "south-western",
    "western",
    "north-western",
    "northern",
    "north-eastern",
)

ITEMS: dict[str, tuple[Noun, ...]] = {
    "built": (
        ("old coin", "old coins"),
        ("relic", "relics"),
        ("bone charm", "bone charms"),
        ("wax candle", "wax candles"),
        ("sealed letter", "sealed letters"),
        ("prayer scroll", "prayer scrolls"),
        ("silver spoon", "silver spoons"),
        ("tarnished goblet", "tarnished goblets"),
        ("carved idol", "carved idols"),
        ("ledger page", "ledger pages"),
    ),
    "cave": (
        ("glowcap", "glowcaps"),
        ("crystal shard", "crystal shards"),
        ("lump of ore", "lumps of ore"),
        ("pale mushroom", "pale mushrooms"),
        ("fossil", "fossils"),
        ("cave pearl", "cave pearls"),
        ("sulphur crystal", "sulphur crystals"),
        ("nugget of silver", "nuggets of silver"),
        ("chunk of quartz", "chunks of quartz"),
    ),
    "grass": (
        ("healing herb", "healing herbs"),
        ("wild berry", "wild berries"),
        ("hawk feather", "hawk feathers"),
        ("honeycomb", "honeycombs"),
        ("bundle of sage", "bundles of sage"),
        ("wild mushroom", "wild mushrooms"),
        ("songbird egg", "songbird eggs"),
        ("sprig of yarrow", "sprigs of yarrow"),
    ),
    "sand": (
        ("amber bead", "amber beads"),
        ("flint", "flints"),
        ("bleached shell", "bleached shells"),
        ("desert rose", "desert roses"),
        ("copper scarab", "copper scarabs"),
        ("shard of glass", "shards of glass"),
    ),
    "water": (
        ("river pearl", "river pearls"),
        ("smooth stone", "smooth stones"),
        ("freshwater mussel", "freshwater mussels"),
        ("bundle of reeds", "bundles of reeds"),
        ("polished pebble", "polished pebbles"),
    ),
    "swamp": (
        ("marsh lily", "marsh lilies"),
        ("peat brick", "peat bricks"),
        ("bogbean root", "bogbean roots"),
        ("heron feather", "heron feathers"),
        ("clump of moss", "clumps of moss"),
    ),
}
CHESTS: tuple[Noun, ...] = (
    ("strongbox", "strongboxes"),
    ("iron coffer", "iron coffers"),
    ("sealed chest", "sealed chests"),
    ("supply crate", "supply crates"),
    ("locked casket", "locked caskets"),
    ("sea chest", "sea chests"),
)
CREATURES: dict[str, tuple[Noun, ...]] = {
    "built": (
        ("skeleton", "skeletons"),
        ("ghoul", "ghouls"),
        ("giant rat", "giant rats"),
        ("crypt spider", "crypt spiders"),
        ("cultist", "cultists"),
        ("restless shade", "restless shades"),
        ("gargoyle", "gargoyles"),
        ("bone hound", "bone hounds"),
    ),
    "cave": (
        ("cave bat", "cave bats"),
        ("blind crawler", "blind crawlers"),
        ("rock lizard", "rock lizards"),
        ("tunnel worm", "tunnel worms"),
        ("cave troll", "cave trolls"),
        ("stone beetle", "stone beetles"),
        ("pale salamander", "pale salamanders"),
    ),
    "grass": (
        ("wolf", "wolves"),
        ("wild boar", "wild boars"),
        ("bandit", "bandits"),
        ("giant wasp", "giant wasps"),
        ("highwayman", "highwaymen"),
        ("dire badger", "dire badgers"),
        ("goblin raider", "goblin raiders"),
    ),
    "sand": (
        ("dune scorpion", "dune scorpions"),
        ("sand viper", "sand vipers"),
        ("jackal", "jackals"),
        ("sand wraith", "sand wraiths"),
        ("vulture", "vultures"),
        ("giant ant", "giant ants"),
    ),
    "water": (
        ("river eel", "river eels"),
        ("snapping turtle", "snapping turtles"),
        ("river troll", "river trolls"),
        ("giant crab", "giant crabs"),
        ("water snake", "water snakes"),
    ),
    "swamp": (
        ("bog leech", "bog leeches"),
        ("marsh toad", "marsh toads"),
        ("mire hag", "mire hags"),
        ("swamp adder", "swamp adders"),
        ("giant mosquito", "giant mosquitoes"),
    ),
}
MATERIALS = ("iron", "brass", "bone", "copper", "silver", "bronze", "horn", "black", "rusted")
STRANGERS = (
    "hermit",
    "wanderer",
    "lost scout",
    "old pilgrim",
    "stranded trader",
    "watchman",
    "herbalist",
    "wounded knight",
    "tinker",
    "charcoal burner",
    "wandering bard",
    "old trapper",
    "pedlar",
    "disgraced monk",
)
NUMBERS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


def count_words(count: int) -> str:
    """How prose writes a count: words up to ten, digits beyond.

    >>> count_words(3), count_words(12)
    ('three', '12')
    """
    return NUMBERS[count] if 0 <= count < len(NUMBERS) else str(count)


class Namer:
    """Names for the entities of one level (cheap to build: a few masks over the grid)."""

    def __init__(self, level: Level) -> None:
        self.level = level
        self._salt = zlib.crc32("\n".join(level.tiles).encode())
        grid = level.grid
        tileset = level.tileset

        def mask(tag: str) -> npt.NDArray[np.bool_]:
            result: npt.NDArray[np.bool_] = tileset.mask_lut(tag)[grid]
            return result

        walk, water, hazard = mask("walkable"), mask("water"), mask("hazard")
        plant, rock = mask("vegetation"), mask("rock")
        # Bare ground among built walls is a cave floor; under the open sky it is sand.
        self._underground = bool(mask("wall").mean() >= 0.1)
        self._layers: dict[str, npt.NDArray[np.bool_]] = {
            "walkable": walk,
            "floor": walk & mask("floor"),
            "ground": walk & mask("ground") & ~plant & ~water,
            "grass": walk & plant,
            "shallow": walk & water & ~hazard,
            "swamp": walk & water & hazard,
            "bridge": walk & mask("bridge"),
            "wall": mask("wall"),
            "water": water,
            "lava": mask("lava"),
            "hazard": hazard & ~water & ~mask("lava"),
            "trees": plant & ~walk,
            "rock": rock,
            "doors": mask("door"),
        }

    def _pick(self, options: Sequence[str], entity_id: str, salt: str) -> str:
        """One of ``options``, fixed by the level and the entity: the same in every quest."""
        code = zlib.crc32(f"{entity_id}/{salt}".encode(), self._salt)
        return options[code % len(options)]

    def _share(self, x: int, y: int) -> dict[str, float]:
        """Fraction of the window around (x, y) covered by each layer."""
        y0, x0 = max(0, y - RADIUS), max(0, x - RADIUS)
        window = (slice(y0, y + RADIUS + 1), slice(x0, x + RADIUS + 1))
        return {name: float(layer[window].mean()) for name, layer in self._layers.items()}

    def terrain(self, x: int, y: int) -> str:
        """One of :data:`TERRAINS`: what the walkable ground around (x, y) is mostly made of."""
        share = self._share(x, y)
        ground = {
            "built": share["floor"] + share["bridge"],
            "cave" if self._underground else "sand": share["ground"],
            "grass": share["grass"],
            "water": share["shallow"],
            "swamp": share["swamp"],
        }
        best = max(ground.items(), key=lambda item: item[1])
        return best[0] if best[1] > 0 else "built"

    def place(self, entity: Entity) -> str:
        """Where ``entity`` stands, as a place name with its article: "the flooded hall"."""
        if entity.name:
            return entity.name
        if entity.kind == "door":
            return self._door(entity)
        share = self._share(entity.x, entity.y)
        terrain = self.terrain(entity.x, entity.y)
        wide, narrow = PLACES[terrain]
        nouns = narrow if share["walkable"] < 0.45 else wide
        if terrain == "grass" and share["trees"] >= 0.15:
            # The noun already says trees: the adjective must say something else.
            nouns, share = GLADES, {**share, "trees": 0.0}
        adjective = self._adjective(entity, share, terrain)
        return f"the {adjective} {self._pick(nouns, entity.id, 'noun')}"

    def _adjective(self, entity: Entity, share: dict[str, float], terrain: str) -> str:
        outdoor = terrain in ("grass", "sand", "water", "swamp")
        features = (
            ("lava", share["lava"] >= 0.05),
            ("swamp", share["swamp"] >= 0.1 and terrain != "swamp"),
            ("water", share["water"] >= 0.15 and terrain not in ("water", "swamp")),
            ("hazard", share["hazard"] >= 0.05),
            ("trees", share["trees"] >= 0.25),
            ("rock", share["rock"] >= 0.2),
            ("doors", share["doors"] * (2 * RADIUS + 1) ** 2 >= 2),
        )
        for feature, present in features:
            if present:
                options = OUTDOOR_WATER if feature == "water" and outdoor else ADJECTIVES[feature]
                return self._pick(options, entity.id, feature)
        return self._compass(entity)

    def _compass(self, entity: Entity) -> str:
        dy = entity.y - (self.level.height - 1) / 2
        dx = entity.x - (self.level.width - 1) / 2
        if dx * dx + dy * dy < (0.15 * min(self.level.width, self.level.height)) ** 2:
            return "central"
        # y grows southwards; 0 is east and a quarter turn clockwise is south
        octant = round(float(np.arctan2(dy, dx)) / (np.pi / 4)) % 8
        return COMPASS[octant]

    def _door(self, door: Entity) -> str:
        if door.key is not None:
            return f"the {self.material(door.key)} door"
        share = self._share(door.x, door.y)
        noun = "gate" if self.terrain(door.x, door.y) != "built" else "door"
        return f"the {self._adjective(door, share, 'built')} {noun}"

    def material(self, key_id: str) -> str:
        """What a key (and so its door) is made of."""
        return self._pick(MATERIALS, key_id, "material")

    def item(self, entities: Sequence[Entity]) -> str:
        """A bare noun for things gathered together: the first one's, plural for several."""
        first = entities[0]
        names = {entity.name for entity in entities}
        if first.name and len(names) == 1:
            return first.name
        if first.kind == "key":
            noun: Noun = (f"{self.material(first.id)} key", f"{self.material(first.id)} keys")
        elif first.kind == "chest":
            noun = self._noun(CHESTS, first, "chest")
        else:
            noun = self._noun(ITEMS[self.terrain(first.x, first.y)], first, "item")
        return noun[1] if len(entities) > 1 else noun[0]

    def creature(self, entities: Sequence[Entity]) -> str:
        """A bare noun for the enemies of one kill: the first one's, plural for several."""
        first = entities[0]
        if first.name and len({entity.name for entity in entities}) == 1:
            return first.name
        noun = self._noun(CREATURES[self.terrain(first.x, first.y)], first, "creature")
        return noun[1] if len(entities) > 1 else noun[0]

    def stranger(self, entity: Entity) -> str:
        """An npc entity's name, or an epithet for it: "the hermit"."""
        return entity.name or f"the {self._pick(STRANGERS, entity.id, 'stranger')}"

    def _noun(self, options: Sequence[Noun], entity: Entity, salt: str) -> Noun:
        code = zlib.crc32(f"{entity.id}/{salt}".encode(), self._salt)
        return options[code % len(options)]
