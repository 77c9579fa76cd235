"""The rules of the demo, without a screen: a hero walks a generated level and carries out a quest.

Movement is the solver's (:mod:`procgen.solver`): one tile at a time, 4-connected, over walkable
tiles; a door with a key stays shut until the hero holds that key. So every level procgen returns
can be walked from spawn to exit here, and every quest it returns can be done in order (the
quest generator checks that against the same rules, made stricter: see
:mod:`procgen.quests.world`). On top of moving:

- **Bumping** into an enemy defeats it, and it strikes back once. People never block the way:
  ``npc`` entities, and the quest's cast (its giver among them), who wait at spawn as in the
  quest generator's world, are talked to, handed things and led by standing on or next to them.
- **Stepping** on an item, key or chest takes it; a hazard tile (spikes, lava) hurts. A hero
  whose hit points run out has lost the level (the screen starts it again).
- **The quest** is done objective by objective, in order, as in the quest asset. The current
  objective is done once each of its targets has been reached (``goto``: on it or next to it),
  defeated (``kill``), taken (``gather``), handed to its recipient (``deliver``), carried to its
  destination (``use``), talked to (``talk``) or brought to its destination (``escort``). What
  was already defeated or taken before its objective came up counts.
- **The exit** ends the level, quest done or not.

Everything follows from the level, the quest and the moves, so a replay is exact.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

import procgen
from procgen.levels import Entity, Level
from procgen.quests.naming import Namer
from procgen.quests.world import Objective
from procgen.solver import bfs_distances, locks, open_with, walkable_mask

Cell = tuple[int, int]  # (y, x)
MOVES: dict[str, Cell] = {"up": (-1, 0), "down": (1, 0), "left": (0, -1), "right": (0, 1)}
TAKEN = ("item", "key", "chest")
#: Hit points a hazard tile or an enemy's blow costs: enough to matter, never a one-hit death.
HURT = 2


@dataclass(eq=False)
class Game:
    """One level being played: where the hero is, what changed, how far the quest has come."""

    level: Level
    hero: procgen.Character
    giver: procgen.Character
    quest: procgen.Quest
    position: Cell = (0, 0)
    hit_points: int = 0
    held: set[str] = field(default_factory=set)  # carried now
    taken: set[str] = field(default_factory=set)  # ever picked up (gone from the level)
    defeated: set[str] = field(default_factory=set)
    opened: set[str] = field(default_factory=set)  # doors unlocked
    following: set[str] = field(default_factory=set)  # people being escorted
    moved: dict[str, Cell] = field(default_factory=dict)  # people escorted somewhere
    objective: int = 0  # index of the current objective
    handled: set[str] = field(default_factory=set)  # targets of the current objective done
    finished: bool = False  # the exit was reached
    log: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        spawn = self.level.of_kind("spawn")[0]
        self.spawn: Cell = (spawn.y, spawn.x)
        self.position = self.spawn
        self.hit_points = self.hero.stats["hp"]
        self.objectives: tuple[Objective, ...] = self.quest.skeleton.objectives
        self.walkable = walkable_mask(self.level)
        self.hazard: npt.NDArray[np.bool_] = self.level.tileset.mask_lut("hazard")[self.level.grid]
        self._entities = {entity.id: entity for entity in self.level.entities}
        self._cast = {member.id for member in self.quest.cast}
        self.names = {**entity_names(self.level), **{m.id: m.name for m in self.quest.cast}}
        self.log.append(f"{self.giver.name}: {self.quest.text.offer}")
        self._advance()

    @classmethod
    def new(cls, seed: int, *, style: str = "dungeon", width: int = 28, height: int = 20) -> Game:
        """A level, a hero, a quest giver and a quest, all drawn from ``seed``."""
        level = procgen.level(seed=seed, width=width, height=height, style=style)
        hero = procgen.character(seed=seed, role="warrior", level=3)
        giver = procgen.character(seed=seed + 1, role="villager")
        quest = procgen.quest(seed=seed, level=level, giver=giver)
        return cls(level, hero, giver, quest)

    # -- what is where ------------------------------------------------------------------------

    @property
    def current(self) -> Objective | None:
        """The objective being worked on; None once all are done."""
        return self.objectives[self.objective] if self.objective < len(self.objectives) else None

    @property
    def quest_done(self) -> bool:
        return self.current is None

    @property
    def lost(self) -> bool:
        return self.hit_points <= 0

    def where(self, thing: str) -> Cell | None:
        """Where a thing or person is now (the cast: at spawn); None once defeated or taken."""
        if thing in self.moved:
            return self.moved[thing]
        if thing in self._cast:
            return self.spawn
        entity = self._entities.get(thing)
        if entity is None or thing in self.taken or thing in self.defeated:
            return None
        return entity.y, entity.x

    def visible(self) -> list[Entity]:
        """Entities to draw where the level put them: not defeated, taken or escorted away."""
        away = self.taken | self.defeated | set(self.moved)
        return [entity for entity in self.level.entities if entity.id not in away]

    def _at(self, cell: Cell, kinds: tuple[str, ...]) -> Entity | None:
        return next(
            (e for e in self.visible() if e.kind in kinds and (e.y, e.x) == cell),
            None,
        )

    def _near(self, thing: str | None) -> bool:
        cell = None if thing is None else self.where(thing)
        if cell is None:
            return False
        return abs(cell[0] - self.position[0]) + abs(cell[1] - self.position[1]) <= 1

    # -- playing ------------------------------------------------------------------------------

    def move(self, direction: str) -> None:
        """One step, or a bump, towards ``direction`` (a key of :data:`MOVES`)."""
        if self.finished or self.lost:
            return
        dy, dx = MOVES[direction]
        target = (self.position[0] + dy, self.position[1] + dx)
        height, width = self.walkable.shape
        if not (0 <= target[0] < height and 0 <= target[1] < width):
            return
        enemy = self._at(target, ("enemy",))
        door = self._at(target, ("door",))
        if enemy is not None:
            self.defeated.add(enemy.id)
            self.log.append(f"Defeated the {self.names[enemy.id]}.")
            self._hurt("It struck back")
        elif door is not None and door.key is not None and door.id not in self.opened:
            if door.key in self.held:
                self.opened.add(door.id)
                self.log.append("The door opens.")
            else:
                self.log.append("The door is locked.")
        elif self.walkable[target]:
            self.position = target
            self._arrive(target)
        self._advance()

    def _arrive(self, cell: Cell) -> None:
        for person in self.following:
            self.moved[person] = cell
        thing = self._at(cell, TAKEN)
        if thing is not None:
            self.taken.add(thing.id)
            self.held.add(thing.id)
            self.log.append(f"Took the {self.names[thing.id]}.")
        if self.hazard[cell]:
            self._hurt("The ground hurts")
        if self._at(cell, ("exit",)) is not None:
            self._advance()  # a last objective may be to get here
            self.finished = True

    def _hurt(self, why: str) -> None:
        self.hit_points -= HURT
        self.log.append(f"{why}: {max(self.hit_points, 0)} hp left.")

    def _advance(self) -> None:
        """Do what standing here does for the current objective, and move past every objective
        that is done."""
        while (current := self.current) is not None:
            action, targets = current.action, set(current.targets)
            destination, recipient = current.destination, current.recipient
            if action in ("goto", "talk"):
                self.handled |= {t for t in targets if self._near(t)}
            elif action == "deliver" and targets <= self.held and self._near(recipient):
                self.held -= targets
                self.handled |= targets
            elif action == "escort":
                self.following |= {t for t in targets - self.handled if self._near(t)}
                if self._near(destination):
                    self.handled |= self.following & targets
                    self.following -= targets
            done = {
                "kill": targets <= self.defeated,
                "gather": targets <= self.taken,
                "use": targets <= self.held and (destination is None or self._near(destination)),
            }.get(action, targets <= self.handled)
            if not done:
                return
            self.objective += 1
            self.handled = set()
            text = self.quest.text
            said = text.progress if self.current is not None else text.complete
            self.log.append(f"{self.giver.name}: {said}")


def entity_names(level: Level) -> dict[str, str]:
    """What quest prose calls each entity of ``level`` (:mod:`procgen.quests.naming`), so the
    demo's messages name things the way the giver does."""
    namer = Namer(level)
    out = {}
    for entity in level.entities:
        if entity.kind == "item":
            out[entity.id] = namer.item([entity])
        elif entity.kind == "enemy":
            out[entity.id] = namer.creature([entity])
        elif entity.kind == "npc":
            out[entity.id] = namer.stranger(entity)
        elif entity.kind == "key":
            out[entity.id] = f"{namer.material(entity.id)} key"
        else:
            out[entity.id] = namer.place(entity)
    return out


def next_goal(game: Game) -> Cell | None:
    """Where to walk next to get on with the quest, then to the exit: the demo's autopilot.
    Behind a locked door, that is first the nearest key in reach."""
    goal = _quest_goal(game)
    if goal is None or route(game, goal):
        return goal
    keys = [(k.y, k.x) for k in game.level.of_kind("key") if k.id not in game.taken]
    walks = [(len(steps), key) for key in keys if (steps := route(game, key))]
    return min(walks)[1] if walks else goal


def _quest_goal(game: Game) -> Cell | None:
    current = game.current
    if current is None:
        exit_ = game.level.of_kind("exit")[0]
        return exit_.y, exit_.x
    action, targets = current.action, current.targets
    if action in ("kill", "gather", "goto", "talk"):
        done = {"kill": game.defeated, "gather": game.taken}.get(action, game.handled)
        return game.where(next(t for t in targets if t not in done))
    if action in ("deliver", "use") and not set(targets) <= game.held:
        return game.where(next(t for t in targets if t not in game.held))
    if action == "escort":
        waiting = [t for t in targets if t not in game.following and t not in game.handled]
        if waiting:
            return game.where(waiting[0])
    last = current.recipient or current.destination
    return game.where(last) if last is not None else None


def route(game: Game, goal: Cell) -> list[str]:
    """The moves of a shortest walk from the hero to ``goal`` through tiles the hero may enter
    now, around hazards where it can, never over the exit unless it is the goal; empty if there
    is none (or the hero is there).

    A bump (an enemy or a person in the way) does not move the hero, so callers that want to
    arrive take the first move and ask again: the demo's autopilot and the tests do.
    """
    opened = {d.key for d in game.level.of_kind("door") if d.id in game.opened and d.key}
    passable = open_with(game.walkable, locks(game.level), game.held | opened)
    for exit_ in game.level.of_kind("exit"):
        if (exit_.y, exit_.x) != goal:
            passable[exit_.y, exit_.x] = False
    for avoid in (game.hazard, np.zeros_like(game.hazard)):
        distances = bfs_distances(
            passable & ~avoid | _mask_of([goal, game.position], avoid), [goal]
        )
        if distances[game.position] >= 0:
            return _descend(distances, game.position, goal)
    return []


def _mask_of(cells: list[Cell], like: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:
    """A mask shaped ``like``, true at ``cells`` only."""
    mask = np.zeros_like(like)
    for y, x in cells:
        mask[y, x] = True
    return mask


def _descend(distances: npt.NDArray[np.int32], start: Cell, goal: Cell) -> list[str]:
    """Follow ``distances`` (steps to ``goal``) downhill from ``start``."""
    height, width = distances.shape
    moves, here = [], start
    while here != goal:
        for name, (dy, dx) in MOVES.items():
            y, x = here[0] + dy, here[1] + dx
            if 0 <= y < height and 0 <= x < width and 0 <= distances[y, x] < distances[here]:
                moves.append(name)
                here = (y, x)
                break
    return moves
