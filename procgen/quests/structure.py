"""Quest skeletons: everything a quest is except its prose, and questlines of them.

A :class:`QuestSkeleton` is a bound plan (:mod:`procgen.quests.binding`) with a giver, rewards,
``requires`` and the slot values prose fills in. The prose step is one function,
``(skeleton, rng) -> title, offer, progress, complete``; :meth:`QuestSkeleton.to_quest` then makes
the schema document. Keeping the two apart means a quest's structure never depends on the text
model, and :func:`completable` can audit any quest, generated or hand-written.

**Questlines.** Each quest of a line picks a few earlier quests to require (none for a fresh
thread, one or two otherwise, recent ones and key-gatherers likelier), so ``requires`` is a real
acyclic graph, not always a chain. A quest is bound in the world its *requirements* leave (the
keys they gathered open doors for it), and what any earlier quest took is off limits for good
(:class:`~procgen.quests.binding.Ledger`): so every order the graph allows can be played, not
only the list order. :func:`questline_completable` checks both.

**Rewards** grow with the walk the quest takes (steps from spawn through every objective, doors as
they are opened) and the enemies it kills; some quests also give an item.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from numbers import Integral
from typing import Any

import numpy as np

from procgen.errors import GenerationError, InvalidParameterError, UnknownNameError
from procgen.levels import Level
from procgen.quests.binding import (
    CastMember,
    Ledger,
    Objectives,
    bind_motivation,
    require_reachable,
)
from procgen.quests.grammar import MOTIVATIONS, check_motivation, rules
from procgen.quests.world import Objective, World
from procgen.seeds import resolve_seed

QUEST_SCHEMA_ID = "https://procgen-assets.dev/schemas/quest/2.0"
MAX_LINE = 50
ID_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-")

# Independent random streams per concern, so changing one draw never shifts another.
_GIVER, _MOTIVATION, _BIND, _REWARD, _GRAPH = range(5)

#: Reward items, with the article prose puts before them.
REWARD_ITEMS = (
    ("a", "healing draught"),
    ("a", "silver ring"),
    ("a", "traveller's cloak"),
    ("a", "whetstone"),
    ("a", "lucky charm"),
    ("a", "map of the old roads"),
    ("a", "pair of iron boots"),
    ("a", "hunting knife"),
    ("a", "hooded lantern"),
    ("a", "bundle of arrows"),
    ("an", "oak shield"),
    ("a", "herb satchel"),
)
#: How often a quest of each motivation also gives an item.
ITEM_ODDS = {"equipment": 0.6, "wealth": 0.5, "ability": 0.5, "conquest": 0.4}
DEFAULT_ITEM_ODDS = 0.25


@dataclass(frozen=True)
class Reward:
    kind: str  # gold, experience, item, reputation
    amount: int | None = None
    item: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind}
        if self.amount is not None:
            out["amount"] = self.amount
        if self.item is not None:
            out["item"] = self.item
        return out


@dataclass(frozen=True)
class QuestSkeleton:
    """A quest without its prose: who asks, why, what to do in which order, and for what."""

    id: str
    giver: str  # a character id of the cast
    motivation: str
    strategy: str
    actions: tuple[str, ...]  # the plan's actions, one objective each
    objectives: tuple[Objective, ...]
    rewards: tuple[Reward, ...]
    requires: tuple[str, ...]
    slots: Mapping[str, str]  # prose placeholders this quest binds, {reward} and {giver} always
    level: str  # which level the targets live in (see level_id)
    cast: tuple[str, ...]  # the character ids it was bound against
    seed: int
    attempts: int = 1  # plans tried before one fit this level
    meta: Mapping[str, Any] = field(default_factory=dict)

    def ids(self) -> set[str]:
        """Every entity or character id the quest refers to, its giver included."""
        return {self.giver}.union(*(objective.ids() for objective in self.objectives))

    def to_quest(self, title: str, offer: str, progress: str, complete: str) -> dict[str, Any]:
        """The schema document, once the prose step has written the text."""
        return {
            "$schema": QUEST_SCHEMA_ID,
            "id": self.id,
            "title": title,
            "giver": self.giver,
            "level": self.level,
            "motivation": self.motivation,
            "strategy": self.strategy,
            "objectives": [objective.to_dict() for objective in self.objectives],
            "rewards": [reward.to_dict() for reward in self.rewards],
            "text": {"offer": offer, "progress": progress, "complete": complete},
            "requires": list(self.requires),
            "meta": {"seed": self.seed, "slots": dict(self.slots)},
        }


def level_id(level: Level) -> str:
    """A stable name for a level: a hash of its tiles and entities (``meta`` ignored)."""
    digest = hashlib.sha256("\n".join(level.tiles).encode())
    for entity in level.entities:
        digest.update(repr(sorted(entity.to_dict().items())).encode())
    return f"level-{digest.hexdigest()[:12]}"


def skeleton(
    level: Level,
    cast: Sequence[CastMember],
    *,
    giver: str | CastMember | None = None,
    motivation: str | None = None,
    seed: int | None = None,
) -> QuestSkeleton:
    """One quest for ``level``, given by ``giver`` (drawn from ``cast`` when None).

    With ``motivation=None`` the motivation is drawn, and another is tried when none of its plans
    fits the level; a motivation asked for is kept, or :class:`GenerationError` says why not.
    """
    seed = resolve_seed(seed)
    members = check_cast(level, cast)
    if motivation is not None:
        check_motivation(motivation)
    chosen = resolve_giver(giver, members, np.random.default_rng([seed, _GIVER]))
    require_reachable(level)
    world = World(level, (m.id for m in members))
    motivations = _motivation_order(motivation, np.random.default_rng([seed, _MOTIVATION]))
    bound, tried, why = _bind_any(
        motivations,
        level=level,
        cast=members,
        giver=chosen,
        seed=seed,
        world=world,
        ledger=Ledger(),
    )
    if bound is None:
        raise GenerationError(f"no quest fits this level for giver {chosen.id!r}: {why}")
    return _skeleton(
        f"quest-{seed}",
        bound=bound,
        tried=tried,
        giver=chosen,
        level=level,
        cast=members,
        seed=seed,
        requires=(),
    )


def questline_skeletons(
    level: Level, cast: Sequence[CastMember], length: int, *, seed: int | None = None
) -> list[QuestSkeleton]:
    """``length`` quests whose ``requires`` form an acyclic graph over earlier quests only.

    Any order the graph allows is playable (see the module docstring); list order is one.
    """
    count = _line_length(length)
    seed = resolve_seed(seed)
    members = check_cast(level, cast)
    require_reachable(level)
    graph = np.random.default_rng([seed, _GRAPH])
    ledger = Ledger()
    line: list[QuestSkeleton] = []
    for n in range(count):
        quest_seed = int(np.random.SeedSequence([seed, n]).generate_state(2, np.uint64)[0])
        requires = _requirements(line, level, graph)
        world = _after(level, members, [q for q in line if q.id in _closure(requires, line)])
        free = [m for m in members if m.id not in ledger.claimed]
        if not free:
            raise GenerationError(
                f"quest {n + 1} of the line: every character has been escorted away"
            )
        giver = free[int(np.random.default_rng([quest_seed, _GIVER]).integers(len(free)))]
        motivations = _motivation_order(None, np.random.default_rng([quest_seed, _MOTIVATION]))
        bound, tried, why = _bind_any(
            motivations,
            level=level,
            cast=members,
            giver=giver,
            seed=quest_seed,
            world=world,
            ledger=ledger,
        )
        if bound is None:
            raise GenerationError(
                f"quest {n + 1} of the line: nothing left in the level fits ({why})"
            )
        ledger.record(bound.steps, giver.id)
        quest_id = f"quest-{seed}-{n + 1}"
        line.append(
            _skeleton(
                quest_id,
                bound=bound,
                tried=tried,
                giver=giver,
                level=level,
                cast=members,
                seed=quest_seed,
                requires=requires,
            )
        )
    return line


def completable(quest: QuestSkeleton, level: Level, before: Sequence[QuestSkeleton] = ()) -> bool:
    """Whether a player can carry out ``quest``'s objectives in order, after ``before`` in order.

    The simulation is :class:`~procgen.quests.world.World`: the solver's movement, keys held only
    once gathered, things gone once killed or taken. Ids it does not know (not in the level, not
    in the cast a skeleton was bound against) make a quest incompletable. A quest of a line needs
    its requirements done first: pass them (or everything before it) as ``before``.
    """
    cast = set(quest.cast).union(*(q.cast for q in before))
    world = World(level, cast)
    if world.spawn is None or not all(world.run(q.objectives) for q in before):
        return False
    return quest.giver in cast and world.run(quest.objectives)


def questline_completable(line: Sequence[QuestSkeleton], level: Level) -> bool:
    """Acyclic (requires name only earlier quests), playable in list order, and each quest
    playable straight after just its requirements (their transitive closure, in list order)."""
    seen: set[str] = set()
    for quest in line:
        if quest.id in seen or not set(quest.requires) <= seen:
            return False
        seen.add(quest.id)
    for n, quest in enumerate(line):
        needed = _closure(quest.requires, line)
        if not completable(quest, level, [q for q in line[:n] if q.id in needed]):
            return False
    return all(completable(q, level, line[:n]) for n, q in enumerate(line))


def _line_length(value: object) -> int:
    if (
        isinstance(value, bool)
        or not isinstance(value, Integral)
        or not 1 <= int(value) <= MAX_LINE
    ):
        raise InvalidParameterError(
            f"length must be an integer from 1 to {MAX_LINE}, got {value!r}"
        )
    return int(value)


def check_cast(level: object, cast: object) -> tuple[CastMember, ...]:
    """The cast as a tuple, or a clear error: empty, unnamed, duplicate or clashing ids."""
    if not isinstance(level, Level):
        raise InvalidParameterError(f"level must be a procgen Level, got {type(level).__name__}")
    if isinstance(cast, (str, bytes)) or not isinstance(cast, Sequence):
        raise InvalidParameterError("cast must be a sequence of characters (id, name, role)")
    members: tuple[CastMember, ...] = tuple(cast)
    if not members:
        raise InvalidParameterError("the cast is empty: a quest needs a character to give it")
    entity_ids = {entity.id for entity in level.entities}
    seen: set[str] = set()
    for member in members:
        ident, name = getattr(member, "id", None), getattr(member, "name", None)
        if not isinstance(ident, str) or not isinstance(name, str) or not name:
            raise InvalidParameterError(f"cast member {member!r} needs a string id and name")
        if not ident or len(ident) > 64 or not set(ident) <= ID_CHARS or not ident[0].isalnum():
            raise InvalidParameterError(f"cast id {ident!r} is not a valid quest id")
        if ident in seen:
            raise InvalidParameterError(f"two cast members share the id {ident!r}")
        if ident in entity_ids:
            raise InvalidParameterError(f"cast id {ident!r} is also an entity id of the level")
        seen.add(ident)
    return members


def resolve_giver(
    giver: str | CastMember | None, cast: Sequence[CastMember], rng: np.random.Generator
) -> CastMember:
    """The cast member who gives the quest: by id, by character, or drawn when None."""
    if giver is None:
        return cast[int(rng.integers(len(cast)))]
    by_id = {member.id: member for member in cast}
    if isinstance(giver, str):
        if giver not in by_id:
            raise UnknownNameError(f"unknown giver id {giver!r}; the cast has {', '.join(by_id)}")
        return by_id[giver]
    ident = getattr(giver, "id", None)
    if not isinstance(ident, str):
        raise InvalidParameterError(f"giver must be a character id or a character, got {giver!r}")
    if ident not in by_id:
        raise InvalidParameterError(f"giver {ident!r} is not in the cast ({', '.join(by_id)})")
    return by_id[ident]


def _motivation_order(motivation: str | None, rng: np.random.Generator) -> list[str]:
    if motivation is not None:
        return [motivation]
    return [MOTIVATIONS[i] for i in rng.permutation(len(MOTIVATIONS))]


def _bind_any(
    motivations: Sequence[str],
    *,
    level: Level,
    cast: Sequence[CastMember],
    giver: CastMember,
    seed: int,
    world: World,
    ledger: Ledger,
) -> tuple[Objectives | None, int, str]:
    """The first motivation whose plans bind; the plans tried; why the others did not."""
    tried, reasons = 0, []
    for n, motivation in enumerate(motivations):
        rng = np.random.default_rng([seed, _BIND, n])
        try:
            bound, attempts = bind_motivation(
                motivation, level, cast, giver, rng, start=world, ledger=ledger
            )
        except GenerationError as error:
            tried += len(rules(motivation))
            reasons.append(str(error))
            continue
        return bound, tried + attempts, ""
    return None, tried, "; ".join(reasons)


def _skeleton(
    quest_id: str,
    *,
    bound: Objectives,
    tried: int,
    giver: CastMember,
    level: Level,
    cast: Sequence[CastMember],
    seed: int,
    requires: tuple[str, ...],
) -> QuestSkeleton:
    rewards, text = _rewards(bound, np.random.default_rng([seed, _REWARD]))
    return QuestSkeleton(
        id=quest_id,
        giver=giver.id,
        motivation=bound.plan.motivation,
        strategy=bound.plan.strategy,
        actions=bound.plan.actions,
        objectives=bound.steps,
        rewards=rewards,
        requires=requires,
        slots={**bound.slots, "reward": text},
        level=level_id(level),
        cast=tuple(member.id for member in cast),
        seed=seed,
        attempts=tried,
    )


def _rewards(bound: Objectives, rng: np.random.Generator) -> tuple[tuple[Reward, ...], str]:
    """Gold and experience for the walk and the fight; sometimes an item; the {reward} text."""
    walked, kills = bound.walked, bound.kills
    gold = _round5((20 + 1.5 * walked + 15 * kills) * rng.uniform(0.85, 1.15))
    experience = _round5((25 + 2.0 * walked + 30 * kills) * rng.uniform(0.9, 1.1))
    rewards = [Reward("gold", gold), Reward("experience", experience)]
    text = f"{gold} gold"
    motivation = bound.plan.motivation
    if rng.random() < ITEM_ODDS.get(motivation, DEFAULT_ITEM_ODDS):
        article, item = REWARD_ITEMS[int(rng.integers(len(REWARD_ITEMS)))]
        rewards.append(Reward("item", item=item))
        text = f"{text} and {article} {item}"
    if motivation == "reputation":
        rewards.append(Reward("reputation", 1 + kills + walked // 80))
    return tuple(rewards), text


def _round5(value: float) -> int:
    return max(5, 5 * round(value / 5))


def _requirements(
    line: Sequence[QuestSkeleton], level: Level, rng: np.random.Generator
) -> tuple[str, ...]:
    """Earlier quests this one builds on: none for a new thread, else one or two."""
    count = len(line)
    if count == 0 or rng.random() < 0.2:
        return ()
    keys = {entity.id for entity in level.of_kind("key")}
    weights = np.array(
        [
            1.0 / (count - n) + (1.0 if _gathers_keys(quest, keys) else 0.0)
            for n, quest in enumerate(line)
        ]
    )
    size = min(count, 1 if rng.random() < 0.7 else 2)
    chosen = sorted(
        int(i) for i in rng.choice(count, size=size, replace=False, p=weights / weights.sum())
    )
    ids = [line[i].id for i in chosen]
    # Drop a requirement another requirement already implies: the graph stays minimal.
    implied: set[str] = set().union(*(_closure(line[i].requires, line) for i in chosen))
    return tuple(i for i in ids if i not in implied)


def _gathers_keys(quest: QuestSkeleton, keys: set[str]) -> bool:
    return any(
        o.action in ("gather", "use") and any(t in keys for t in o.targets)
        for o in quest.objectives
    )


def _closure(requires: Sequence[str], line: Sequence[QuestSkeleton]) -> set[str]:
    """``requires`` and everything they require, transitively."""
    by_id = {quest.id: quest for quest in line}
    found: set[str] = set()
    todo = list(requires)
    while todo:
        quest_id = todo.pop()
        if quest_id in found or quest_id not in by_id:
            continue
        found.add(quest_id)
        todo.extend(by_id[quest_id].requires)
    return found


def _after(level: Level, cast: Sequence[CastMember], done: Sequence[QuestSkeleton]) -> World:
    """The world once ``done`` has been carried out in order (they always can be)."""
    world = World(level, (member.id for member in cast))
    for quest in done:
        if not world.run(quest.objectives):
            raise GenerationError(f"{quest.id} cannot be replayed: a questline bug")
    return world
