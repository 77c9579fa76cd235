"""Binding a plan to a level and a cast: real targets, in an order the player can carry out.

A :class:`~procgen.quests.grammar.Plan` says "gather, then deliver"; binding says *which* item and
*to whom*. Actions are bound one at a time, in order, against a :class:`~procgen.quests.world.World`
that carries each bound objective out at once, so every choice sees the state its predecessors
left: a gathered key opens its door for the actions after it, a delivered item is gone. Because
binding walks the same simulation :func:`~procgen.quests.structure.completable` replays, a bound
quest is completable by construction, and the check stays an independent audit.

Choices, per action (candidates are always reachable now and not taken by an earlier quest):

- ``goto``: an exit, chest, npc or door, farther ones likelier; it becomes the quest's {place}
  and the *focus*: later targets are drawn near the focus, so "go to the flooded hall and kill
  three skeletons" means skeletons near that hall.
- ``kill``: one to four enemies close together (one when the plan also gathers or has a person:
  the corpus then speaks of "a {target}").
- ``gather``: one to three items, or a chest, or a key; only what the next actions can use (no
  chest before ``use``, no key before ``deliver``, a key before ``use`` only if its door exists).
- ``deliver``: what this quest gathered, else one item or chest; to the plan's person if it has
  one, to the giver after a kill (the corpus' "bring me proof"), else to someone else (the giver
  only when there is nobody else).
- ``talk`` / ``escort``: the plan's one person (an npc entity or a cast member other than the
  giver); an escort goes to a location, farther ones likelier, and the person stays there.
- ``use``: what this quest gathered, else an item or a key, a key on its own door.

A plan has at most one {target}: the first kill's creatures or the plan's person, whichever comes
first, exactly as the corpus writes one {target} per quest.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from procgen.errors import GenerationError, InvalidParameterError
from procgen.levels import Entity, Level
from procgen.quests.grammar import Plan, plan_order
from procgen.quests.naming import Namer, count_words
from procgen.quests.world import CARRIABLE, CONSUMING, LOCATIONS, Cell, Objective, World
from procgen.solver import solve

MAX_KILLS = 4
MAX_GATHER = 3
GROUPS = {"item": 3.0, "chest": 1.5, "key": 1.0}  # how often gather/use pick each kind


class CastMember(Protocol):
    """What binding needs of a character: :class:`procgen.Character` has it, so may a stand-in."""

    @property
    def id(self) -> str: ...

    @property
    def name(self) -> str: ...

    @property
    def role(self) -> str: ...


class UnbindableError(GenerationError):
    """This plan does not fit this level (the caller tries the next plan)."""


@dataclass
class Ledger:
    """What earlier quests of a questline took for good and what they mention.

    Claims are exclusive across the whole line, not only along ``requires``: two quests that do
    not require each other then never compete for one enemy or item, so any order the ``requires``
    graph allows works.
    """

    claimed: set[str] = field(default_factory=set)  # killed, taken, escorted
    mentioned: set[str] = field(default_factory=set)  # named by any objective or as giver

    def record(self, objectives: Iterable[Objective], giver: str) -> None:
        self.mentioned.add(giver)
        for objective in objectives:
            self.mentioned.update(objective.ids())
            if objective.action in CONSUMING or objective.action == "escort":
                self.claimed.update(objective.targets)


@dataclass(frozen=True)
class Objectives:
    """A plan bound to a level: objectives in order, and the slot values prose fills in."""

    plan: Plan
    steps: tuple[Objective, ...]
    slots: dict[str, str]  # giver target item place count: only those this quest binds
    walked: int  # steps from spawn through every objective, for rewards
    kills: int


def reachable_entities(level: Level) -> list[str]:
    """Ids of the entities other than spawn that :func:`procgen.solver.solve` can reach."""
    if not level.of_kind("spawn"):
        return []
    distances = solve(level).distances
    return [
        entity.id
        for entity in level.entities
        if entity.kind != "spawn" and distances[entity.y, entity.x] >= 0
    ]


def require_reachable(level: Level) -> None:
    """Refuse a level where no quest could ever point at anything."""
    if not level.of_kind("spawn"):
        raise InvalidParameterError("the level has no spawn, so nothing in it is reachable")
    if not reachable_entities(level):
        raise InvalidParameterError(
            "no entity of the level is reachable from spawn: a quest needs something to point at"
        )


def bind(
    plan: Plan,
    level: Level,
    cast: Sequence[CastMember],
    giver: CastMember,
    rng: np.random.Generator,
    *,
    start: World | None = None,
    ledger: Ledger | None = None,
) -> Objectives:
    """Bind ``plan`` to ``level`` and ``cast``; :class:`UnbindableError` when it does not fit.

    ``start`` is the world the quest begins in (keys from quests done before); ``ledger`` what
    earlier quests of the line took or mention.
    """
    world = (start or World(level, (member.id for member in cast))).copy()
    world.begin()
    binder = _Binder(plan, world, cast=cast, giver=giver, rng=rng, ledger=ledger or Ledger())
    for index, action in enumerate(plan.actions):
        binder.bind(action, plan.actions[index + 1 :])
    return Objectives(plan, tuple(binder.steps), binder.slots(), world.walked, world.kills)


def bind_motivation(
    motivation: str,
    level: Level,
    cast: Sequence[CastMember],
    giver: CastMember,
    rng: np.random.Generator,
    *,
    start: World | None = None,
    ledger: Ledger | None = None,
) -> tuple[Objectives, int]:
    """The first plan of ``motivation`` (in weighted random order) that binds, and its rank."""
    reasons: dict[str, set[str]] = {}
    plans = plan_order(motivation, rng)
    for attempt, plan in enumerate(plans, start=1):
        try:
            return bind(plan, level, cast, giver, rng, start=start, ledger=ledger), attempt
        except UnbindableError as error:
            reasons.setdefault(str(error), set()).add(plan.strategy)
    why = "; ".join(f"{reason} ({', '.join(sorted(s))})" for reason, s in reasons.items())
    raise GenerationError(
        f"none of the {len(plans)} plans of motivation {motivation!r} fits this level: {why}"
    )


class _Binder:
    """The state of binding one plan: the world so far, its person, focus and slot sources."""

    def __init__(
        self,
        plan: Plan,
        world: World,
        *,
        cast: Sequence[CastMember],
        giver: CastMember,
        rng: np.random.Generator,
        ledger: Ledger,
    ) -> None:
        self.plan, self.world, self.rng, self.ledger = plan, world, rng, ledger
        self.cast = {member.id: member for member in cast}
        self.giver = giver
        self.namer = Namer(world.level)
        self.steps: list[Objective] = []
        self.carried: list[str] = []  # what this quest picked up and still holds
        self.person: str | None = None
        self.creatures: tuple[str, ...] = ()
        self.target_from: str | None = None  # "person" or "creatures": who fills {target}
        self.items: tuple[str, ...] = ()
        self.place: str | None = None
        self.focus: Cell | None = None
        self.counted: int | None = None

    # -- dispatch ----------------------------------------------------------------------------

    def bind(self, action: str, after: tuple[str, ...]) -> None:
        getattr(self, f"_{action}")(after)

    def _do(self, objective: Objective) -> None:
        if not self.world.perform(objective):  # a binding bug, never a property of the level
            raise GenerationError(f"bound objective {objective} cannot be carried out")
        self.steps.append(objective)

    # -- candidates --------------------------------------------------------------------------

    def _free(self, kinds: Sequence[str], *, take: bool) -> list[str]:
        """Entities of ``kinds`` within reach, untaken (``take``) or still standing."""
        world = self.world
        out = []
        for entity in world.level.entities:
            if entity.kind not in kinds or entity.id in self.ledger.claimed:
                continue
            if take and entity.id in world.gone:
                continue
            if world.reachable(entity.id):
                out.append(entity.id)
        return out

    def _cell(self, thing: str) -> Cell:
        cell = self.world.where(thing)
        assert cell is not None  # candidates are always known and reachable
        return cell

    def _pick(self, candidates: list[str], count: int = 1, *, far: bool = False) -> list[str]:
        """``count`` candidates close together, the first near the focus (or far, for trips)."""
        source = self.focus if self.focus is not None else self.world.pos
        weights = np.ones(len(candidates))
        if source is not None:
            steps = np.array([self.world.distance(source, self._cell(c)) or 0 for c in candidates])
            weights = np.sqrt(1.0 + steps) if far else 1.0 / (1.0 + steps / 6.0) ** 2
        first = candidates[int(self.rng.choice(len(candidates), p=weights / weights.sum()))]
        rest = [c for c in candidates if c != first]
        origin = self._cell(first)
        rest.sort(key=lambda c: self.world.distance(origin, self._cell(c)) or 0)  # stable: ties
        return [first, *rest[: count - 1]]

    def _size(self, available: int, most: int) -> int:
        return int(self.rng.integers(1, min(most, available) + 1))

    def _group(self, groups: dict[str, list[str]]) -> tuple[str, list[str]]:
        """Pick which kind of thing to take, by :data:`GROUPS`, among the non-empty ones."""
        names = [name for name, found in groups.items() if found]
        weights = np.array([GROUPS[name] for name in names])
        name = names[int(self.rng.choice(len(names), p=weights / weights.sum()))]
        return name, groups[name]

    def _people(self, *, escort: bool) -> list[str]:
        """Who could be talked to (or escorted): npc entities and cast members but the giver."""
        npcs = self._free(("npc",), take=False)
        cast = [i for i in self.cast if i != self.giver.id and i not in self.ledger.claimed]
        people = npcs + cast
        if escort:  # whoever is moved must not be needed where they were by any other quest
            people = [p for p in people if p not in self.ledger.mentioned]
        return people

    def _set_person(self, escort: bool) -> str:
        if self.person is None:
            people = self._people(escort=escort or "escort" in self.plan.actions)
            if not people:
                raise UnbindableError("nobody to talk to or escort")
            self.person = people[int(self.rng.integers(len(people)))]
            self.target_from = self.target_from or "person"
        elif escort and self.person not in self._people(escort=True):
            raise UnbindableError("the quest's person cannot be escorted")
        return self.person

    def _key_opens(self, key: str) -> str | None:
        """The door ``key`` opens, if that door exists and can be walked up to now."""
        for door in self.world.level.of_kind("door"):
            if door.key == key and self.world.reachable(door.id):
                return door.id
        return None

    # -- actions -----------------------------------------------------------------------------

    def _goto(self, after: tuple[str, ...]) -> None:
        places = [
            p for p in self._free(LOCATIONS, take=False) if self.world.where(p) != self.world.pos
        ]
        if not places:
            raise UnbindableError("no place to go to")
        (place,) = self._pick(places, far=True)
        self._do(Objective("goto", (place,)))
        self.place = self.place or place
        self.focus = self._cell(place)

    def _kill(self, after: tuple[str, ...]) -> None:
        enemies = self._free(("enemy",), take=True)
        if not enemies:
            raise UnbindableError("no reachable enemy left")
        single = "gather" in self.plan.actions or self.person is not None
        chosen = self._pick(enemies, 1 if single else self._size(len(enemies), MAX_KILLS))
        self._do(Objective("kill", tuple(chosen), count=len(chosen)))
        self.creatures = self.creatures or tuple(chosen)
        self.target_from = self.target_from or "creatures"
        self.counted = self.counted or len(chosen)
        self.focus = self._cell(chosen[0])

    def _gather(self, after: tuple[str, ...]) -> None:
        if "deliver" in after:
            kinds: tuple[str, ...] = ("item", "chest")
        elif "use" in after:
            kinds = ("item", "key")
        else:
            kinds = CARRIABLE
        found = self._free(kinds, take=True)
        groups = {kind: [i for i in found if self.world.kind(i) == kind] for kind in kinds}
        if "key" in groups:
            needs_door = "use" in after
            groups["key"] = [
                k for k in groups["key"] if not needs_door or self._key_opens(k) is not None
            ]
        if not any(groups.values()):
            raise UnbindableError("nothing left to gather")
        kind, candidates = self._group(groups)
        size = self._size(len(candidates), MAX_GATHER) if kind == "item" else 1
        chosen = self._pick(candidates, size)
        self._do(Objective("gather", tuple(chosen), count=len(chosen)))
        self.carried += chosen
        self.items = self.items or tuple(chosen)
        self.counted = len(chosen)  # the corpus' {count} is the gather's when there is one
        self.focus = self._cell(chosen[-1])

    def _deliver(self, after: tuple[str, ...]) -> None:
        things = [c for c in self.carried if self.world.kind(c) != "key"]
        if not things:
            found = self._free(("item", "chest"), take=True)
            if not found:
                raise UnbindableError("nothing left to deliver")
            things = self._pick(found)
        recipient = self._recipient()
        self._do(Objective("deliver", tuple(things), count=len(things), recipient=recipient))
        self.carried = [c for c in self.carried if c not in things]
        self.items = self.items or tuple(things)

    def _recipient(self) -> str:
        if self.person is not None:
            return self.person
        if self.target_from == "creatures" or "kill" in self.plan.actions:
            return self.giver.id  # "bring me proof": the creature is the {target}
        if not self._people(escort="escort" in self.plan.actions):
            return (
                self.giver.id
            )  # nobody else: the giver receives (the prose must not say {target})
        return self._set_person(escort=False)

    def _talk(self, after: tuple[str, ...]) -> None:
        person = self._set_person(escort=False)
        self._do(Objective("talk", (person,)))
        self.focus = self._cell(person)

    def _escort(self, after: tuple[str, ...]) -> None:
        person = self._set_person(escort=True)
        start = self._cell(person)
        places = [
            p for p in self._free(LOCATIONS, take=False) if p != person and self._cell(p) != start
        ]
        if not places:
            raise UnbindableError("nowhere to escort anyone to")
        self.focus = start
        (destination,) = self._pick(places, far=True)
        self._do(Objective("escort", (person,), destination=destination))
        self.place = self.place or destination
        self.focus = self._cell(destination)

    def _use(self, after: tuple[str, ...]) -> None:
        things = [c for c in self.carried if self.world.kind(c) in ("item", "key")]
        if not things:
            found = self._free(("item", "key"), take=True)
            groups = {
                "item": [i for i in found if self.world.kind(i) == "item"],
                "key": [k for k in found if self.world.kind(k) == "key" and self._key_opens(k)],
            }
            if not any(groups.values()):
                raise UnbindableError("nothing left to use")
            things = self._pick(self._group(groups)[1])
        keys = [t for t in things if self.world.kind(t) == "key"]
        door = self._key_opens(keys[0]) if keys else None
        if keys:
            things = keys[:1]
            if door is None:
                raise UnbindableError("the key's door cannot be reached")
        self._do(Objective("use", tuple(things), count=len(things), destination=door))
        self.items = self.items or tuple(things)
        if door is not None:
            self.focus = self._cell(door)

    # -- slots -------------------------------------------------------------------------------

    def slots(self) -> dict[str, str]:
        """The prose slots this quest binds (never {reward}: rewards come after binding)."""
        world, namer = self.world, self.namer
        out = {"giver": self.giver.name}
        if self.target_from == "creatures":
            out["target"] = namer.creature([world.entities[i] for i in self.creatures])
        elif self.person is not None:
            out["target"] = self._person_name(self.person)
        if self.items:
            out["item"] = namer.item([world.entities[i] for i in self.items])
        if self.counted is not None:
            out["count"] = count_words(self.counted)
        out["place"] = namer.place(self._place_entity())
        return out

    def _person_name(self, person: str) -> str:
        if person in self.cast:
            return self.cast[person].name
        return self.namer.stranger(self.world.entities[person])

    def _place_entity(self) -> Entity:
        """What {place} names: the goto or escort destination, else where the action is."""
        entities = self.world.entities
        if self.place is not None:
            return entities[self.place]
        for step in self.steps:
            for thing in step.ids():
                if thing in entities:
                    return entities[thing]
        return self.world.level.of_kind("spawn")[0]  # only characters: they wait at spawn
