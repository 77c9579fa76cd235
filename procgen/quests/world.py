"""The quest world: what a player can reach and hold while carrying out objectives in order.

Binding and checking share this one simulation, so a quest is bound by the very rules it is later
checked by. Movement is the solver's (:mod:`procgen.solver`): 4-connected over walkable tiles, a
``door`` entity with a ``key`` blocks its tile until that key is held, keys are never used up.
On top of that, quests change the world:

- The player starts every quest at spawn, where the cast waits (characters are not in the level);
  an escorted character or npc stays where they were taken.
- **Keys are held only once an objective gathered or used them**, in this quest or one done
  before. :func:`procgen.solver.solve` instead picks up every key it can reach, so this is the
  stricter rule: whatever is completable here is completable for any player, and "a key before
  the door it opens" is a real ordering constraint. A locked door is reached by standing next to
  it; using its key on it opens it for good.
- ``kill`` removes an enemy; ``gather`` takes an item, a key or a chest's contents; ``deliver``
  hands carried things (picking them up on the way) to a character; ``use`` needs the thing in
  hand; ``talk`` and ``goto`` only walk; ``escort`` walks a person to a destination.
- Whatever is gone cannot be killed, gathered, delivered or used again; a looted chest, an open
  door and the exit stay places one can go to.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from procgen.levels import Level
from procgen.solver import Distances, Mask, bfs_distances, locks, open_with, walkable_mask

Cell = tuple[int, int]  # (y, x)

#: Kinds that stay a place one can go to after a quest has touched them.
LOCATIONS = ("exit", "chest", "npc", "door")
#: Kinds a quest can take away and carry.
CARRIABLE = ("item", "chest", "key")
#: Entity kinds that are people (characters of the cast are people too).
PEOPLE = ("npc",)
#: Actions whose targets a quest uses up, so no other quest may target them again.
CONSUMING = ("kill", "gather", "deliver", "use")


@dataclass(frozen=True)
class Objective:
    """One step of a quest: an action, the ids it targets and, for some, where or to whom."""

    action: str
    targets: tuple[str, ...]
    count: int | None = None
    destination: str | None = None  # escort: where to; use (a key): the door it opens
    recipient: str | None = None  # deliver: the character (or npc entity) who receives

    def ids(self) -> tuple[str, ...]:
        """Every id this objective names, targets first."""
        extra = tuple(i for i in (self.destination, self.recipient) if i is not None)
        return self.targets + extra

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"action": self.action, "targets": list(self.targets)}
        if self.count is not None:
            out["count"] = self.count
        if self.destination is not None:
            out["destination"] = self.destination
        if self.recipient is not None:
            out["recipient"] = self.recipient
        return out


class World:
    """The state of a level while quests are carried out: keys held, things gone, people moved.

    Distance fields are cached by (source, open doors), so checking many candidates costs one
    breadth-first search per state rather than one per candidate.
    """

    def __init__(self, level: Level, cast: Iterable[str]) -> None:
        self.level = level
        self.entities = {entity.id: entity for entity in level.entities}
        self.cast = frozenset(cast)
        spawns = level.of_kind("spawn")
        self.spawn: Cell | None = (spawns[0].y, spawns[0].x) if spawns else None
        self.pos = self.spawn
        self.keys: set[str] = set()  # held now
        self.opened: set[str] = set()  # keys used on their doors: those doors stay open
        self.gone: set[str] = set()
        self.carried: set[str] = set()
        self.moved: dict[str, Cell] = {}
        self.walked = 0
        self.kills = 0
        self._walkable: Mask = walkable_mask(level)
        self._locks = locks(level)
        self._fields: dict[tuple[Cell, frozenset[str]], Distances] = {}

    def copy(self) -> World:
        """An independent state over the same level (the distance cache is shared, safely)."""
        twin = object.__new__(World)
        twin.__dict__.update(self.__dict__)
        for name in ("keys", "opened", "gone", "carried"):
            setattr(twin, name, set(getattr(self, name)))
        twin.moved = dict(self.moved)
        return twin

    def begin(self) -> None:
        """A new quest starts at spawn, where its giver waits."""
        self.pos = self.spawn
        self.walked = 0
        self.kills = 0

    # -- where things are -------------------------------------------------------------------

    def kind(self, thing: str) -> str | None:
        """The entity kind of ``thing``, ``"character"`` for a cast member, None if unknown."""
        if thing in self.entities:
            return self.entities[thing].kind
        return "character" if thing in self.cast else None

    def where(self, thing: str) -> Cell | None:
        if thing in self.moved:
            return self.moved[thing]
        if thing in self.entities:
            entity = self.entities[thing]
            return entity.y, entity.x
        return self.spawn if thing in self.cast else None

    def open_keys(self) -> frozenset[str]:
        return frozenset(self.keys | self.opened)

    def field(self, source: Cell) -> Distances:
        """Steps from ``source`` to every tile with the doors open right now; -1 unreachable."""
        state = (source, self.open_keys())
        if state not in self._fields:
            passable = open_with(self._walkable, self._locks, state[1])
            self._fields[state] = bfs_distances(passable, [source])
        return self._fields[state]

    def approach(
        self, cell: Cell, source: Cell | None = None, *, beside: bool = False
    ) -> tuple[int, Cell] | None:
        """Steps to stand on ``cell`` and where; None if it cannot be reached.

        ``beside``: a closed door is reached by standing next to it. Only the door itself is: an
        exit or item sharing a locked door's tile (hand-made levels have them) stays shut away.
        """
        start = source if source is not None else self.pos
        if start is None:
            return None
        distances = self.field(start)
        y, x = cell
        if distances[y, x] >= 0:
            return int(distances[y, x]), cell
        if not beside or self._locks.get(cell) is None:
            return None
        height, width = distances.shape
        next_to = [
            (int(distances[ny, nx]), (ny, nx))
            for ny, nx in ((y - 1, x), (y + 1, x), (y, x - 1), (y, x + 1))
            if 0 <= ny < height and 0 <= nx < width and distances[ny, nx] >= 0
        ]
        return min(next_to) if next_to else None

    def reachable(self, thing: str) -> bool:
        """Whether the player could get to ``thing`` now (from spawn: the same region)."""
        cell = self.where(thing)
        beside = self.kind(thing) == "door"
        return cell is not None and self.approach(cell, self.spawn, beside=beside) is not None

    def distance(self, a: Cell, b: Cell) -> int | None:
        found = self.approach(b, a, beside=True)  # proximity only: doors count from beside
        return None if found is None else found[0]

    def takeable(self, thing: str, kinds: Sequence[str] = CARRIABLE) -> bool:
        """Still lying in the level, of one of ``kinds``, and within reach."""
        return self.kind(thing) in kinds and thing not in self.gone and self.reachable(thing)

    # -- carrying out objectives --------------------------------------------------------------

    def run(self, objectives: Iterable[Objective]) -> bool:
        """Carry out a whole quest from spawn; False at the first objective that cannot be done."""
        self.begin()
        return all(self.perform(objective) for objective in objectives)

    def perform(self, objective: Objective) -> bool:
        """Carry out one objective, updating the state; False (state undefined) if impossible."""
        targets = objective.targets
        if not targets or len(set(targets)) != len(targets):
            return False
        if objective.count is not None and objective.count != len(targets):
            return False
        act = _ACTS.get(objective.action)
        return act is not None and act(self, objective)

    def _go(self, thing: str) -> bool:
        cell = self.where(thing)
        found = None if cell is None else self.approach(cell, beside=self.kind(thing) == "door")
        if found is None:
            return False
        steps, self.pos = found
        self.walked += steps
        return True

    def _take(self, thing: str) -> bool:
        if not self.takeable(thing) or not self._go(thing):
            return False
        self.gone.add(thing)
        self.carried.add(thing)
        if self.kind(thing) == "key":
            self.keys.add(thing)
        return True

    def _in_hand(self, thing: str) -> bool:
        return thing in self.carried or self._take(thing)

    def _is_person(self, thing: str) -> bool:
        return self.kind(thing) in (*PEOPLE, "character")


def _goto(world: World, objective: Objective) -> bool:
    for thing in objective.targets:
        kind = world.kind(thing)
        if kind is None or kind == "character":
            return False
        if kind not in LOCATIONS and kind != "spawn" and thing in world.gone:
            return False
        if not world._go(thing):
            return False
    return True


def _kill(world: World, objective: Objective) -> bool:
    for thing in objective.targets:
        if not world.takeable(thing, ("enemy",)) or not world._go(thing):
            return False
        world.gone.add(thing)
        world.kills += 1
    return True


def _gather(world: World, objective: Objective) -> bool:
    return all(world._take(thing) for thing in objective.targets)


def _deliver(world: World, objective: Objective) -> bool:
    recipient = objective.recipient
    if recipient is None or not world._is_person(recipient):
        return False
    if not all(world._in_hand(thing) for thing in objective.targets):
        return False
    if not world._go(recipient):
        return False
    for thing in objective.targets:
        world.carried.discard(thing)
        world.keys.discard(thing)  # a key given away no longer opens anything
    return True


def _use(world: World, objective: Objective) -> bool:
    for thing in objective.targets:
        if world.kind(thing) not in ("item", "key") or not world._in_hand(thing):
            return False
    door = objective.destination
    keys = [t for t in objective.targets if world.kind(t) == "key"]
    if door is None:
        return not keys  # a key is only ever used on its own door
    if len(keys) != 1 or world.kind(door) != "door" or world.entities[door].key != keys[0]:
        return False
    if not world._go(door):
        return False
    world.opened.add(keys[0])
    return True


def _talk(world: World, objective: Objective) -> bool:
    return all(world._is_person(thing) and world._go(thing) for thing in objective.targets)


def _escort(world: World, objective: Objective) -> bool:
    destination = objective.destination
    if destination is None or world.kind(destination) not in LOCATIONS:
        return False
    for person in objective.targets:
        if not world._is_person(person) or person == destination:
            return False
        if not world._go(person) or not world._go(destination):
            return False
        assert world.pos is not None  # set by the walk just made
        world.moved[person] = world.pos
    return True


_ACTS = {
    "goto": _goto,
    "kill": _kill,
    "gather": _gather,
    "deliver": _deliver,
    "use": _use,
    "talk": _talk,
    "escort": _escort,
}
