"""Quest structure: a corpus-counted grammar bound to real levels, completable in order."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import replace
from functools import cache

import numpy as np
import pytest

import procgen
from procgen.errors import GenerationError, InvalidParameterError, UnknownNameError
from procgen.levels import Entity, Level
from procgen.quests.api import CastEntry
from procgen.quests.grammar import ACTIONS, MOTIVATIONS, QUEST_CORPUS, draw_plan, rules, strategies
from procgen.quests.naming import Namer
from procgen.quests.structure import (
    QuestSkeleton,
    completable,
    questline_completable,
    questline_skeletons,
    skeleton,
)
from procgen.quests.world import Objective
from procgen.schemas import check, schema
from procgen.solver import solve

GENERATORS = ("dungeon", "cave", "overworld")
DIFFICULTIES = (0.0, 0.25, 0.5, 0.75, 1.0)
LEVELS = 50
PER_LEVEL = 4
LINE = 8


CAST = (
    CastEntry("char-1", "Ysolde", "mage"),
    CastEntry("char-2", "Brannoc", "guard"),
    CastEntry("char-3", "Tamsin", "merchant"),
)
CAST_IDS = {member.id for member in CAST}


@cache
def level(n: int) -> Level:
    return procgen.level(
        n, width=32, height=32, generator=GENERATORS[n % 3], difficulty=DIFFICULTIES[n % 5]
    )


@cache
def skeletons() -> list[tuple[Level, QuestSkeleton]]:
    return [
        (level(n), skeleton(level(n), CAST, seed=n * 100 + k))
        for n in range(LEVELS)
        for k in range(PER_LEVEL)
    ]


@cache
def questlines() -> list[tuple[Level, list[QuestSkeleton]]]:
    return [(level(n), questline_skeletons(level(n), CAST, LINE, seed=n)) for n in range(LEVELS)]


def locked_level() -> Level:
    """A dungeon whose exit lies behind door-1: unreachable until key-1 is held."""
    return procgen.level(0, width=32, height=32, generator="dungeon", difficulty=0.5)


def sparse_level() -> Level:
    """Only spawn and exit: nothing to kill, gather or use."""
    full = level(1)
    return replace(full, entities=tuple(e for e in full.entities if e.kind in ("spawn", "exit")))


def quest(objectives: list[Objective], giver: str = "char-1") -> QuestSkeleton:
    """A hand-written skeleton, to test the checker on its own."""
    return QuestSkeleton(
        id="q",
        giver=giver,
        motivation="knowledge",
        strategy="spy",
        actions=tuple(o.action for o in objectives),
        objectives=tuple(objectives),
        rewards=(),
        requires=(),
        slots={},
        level="test",
        cast=tuple(CAST_IDS),
        seed=0,
    )


# -- the grammar ------------------------------------------------------------------------------


def test_motivations_are_the_schemas_nine_in_order() -> None:
    """MOTIVATIONS is the quest schema's enum, in its order."""
    assert list(MOTIVATIONS) == schema("quest")["properties"]["motivation"]["enum"]


def test_grammar_is_counted_from_the_corpus() -> None:
    """Every corpus record is one use of a rule, and every rule comes from the corpus."""
    for motivation in MOTIVATIONS:
        records = [
            json.loads(line)
            for line in (QUEST_CORPUS / f"{motivation}.jsonl").read_text("utf-8").splitlines()
            if line.strip()
        ]
        counted = Counter((r["strategy"], tuple(r["actions"])) for r in records)
        assert {(r.strategy, r.actions): r.weight for r in rules(motivation)} == counted
        assert set(strategies(motivation)) == {r["strategy"] for r in records}


def test_draw_plan_is_a_rule_and_deterministic() -> None:
    """A drawn plan is a rule of its motivation, of 1-3 known actions, the same for one seed."""
    for motivation in MOTIVATIONS:
        plan = draw_plan(motivation, np.random.default_rng([7, 1]))
        assert plan == draw_plan(motivation, np.random.default_rng([7, 1]))
        assert (plan.strategy, plan.actions) in {(r.strategy, r.actions) for r in rules(motivation)}
        assert plan.motivation == motivation and set(plan.actions) <= set(ACTIONS)


# -- skeletons over 50 levels -------------------------------------------------------------------


def test_every_referenced_id_exists_in_the_level_or_cast() -> None:
    """Giver, targets, destinations and recipients all name real entities or cast members."""
    for lvl, q in skeletons():
        entities = {entity.id for entity in lvl.entities}
        assert q.giver in CAST_IDS
        assert q.ids() <= entities | CAST_IDS, q


def test_every_entity_target_is_reachable_by_the_solver() -> None:
    """Each entity a skeleton names is reachable from spawn per procgen.solver (doors: beside)."""
    for lvl, q in skeletons():
        distances = solve(lvl).distances
        for thing in q.ids() - CAST_IDS:
            entity = lvl.entity(thing)
            assert entity.kind != "spawn"
            if entity.kind != "door":
                assert distances[entity.y, entity.x] >= 0, (thing, q)


def test_every_skeleton_is_completable() -> None:
    """Each skeleton can be carried out in order from spawn, holding no key at the start."""
    for lvl, q in skeletons():
        assert completable(q, lvl), q


def test_objectives_target_the_right_kinds() -> None:
    """kill takes enemies, gather items, chests or keys, use an item or a key on its own door..."""
    for lvl, q in skeletons():
        kinds = {e.id: e.kind for e in lvl.entities} | dict.fromkeys(CAST_IDS, "character")
        assert len(q.objectives) == len(q.actions) and 1 <= len(q.objectives) <= 3
        for o in q.objectives:
            targets = {kinds[t] for t in o.targets}
            allowed = {
                "kill": {"enemy"},
                "gather": {"item", "chest", "key"},
                "deliver": {"item", "chest"},
                "use": {"item", "key"},
                "goto": {"exit", "chest", "npc", "door"},
                "talk": {"npc", "character"},
                "escort": {"npc", "character"},
            }[o.action]
            assert targets <= allowed, o
            if o.action in ("kill", "gather", "deliver", "use"):
                assert o.count == len(o.targets)
            if o.action == "escort":
                assert o.destination is not None and kinds[o.destination] != "character"
            if o.action == "deliver":
                assert o.recipient is not None and kinds[o.recipient] in ("npc", "character")
            if o.action == "use" and "key" in targets:
                assert lvl.entity(o.destination or "").key == o.targets[0]


def test_skeletons_make_schema_valid_quests() -> None:
    """With any prose filled in, a skeleton's document passes the quest schema."""
    for _, q in skeletons():
        assert check(q.to_quest("A Title", "Offer.", "Progress.", "Done.")) == "quest"


def test_slots_name_what_the_prose_needs() -> None:
    """giver, place and reward always; item, target and count whenever an action calls for them."""
    for _, q in skeletons():
        actions = set(q.actions)
        assert {"giver", "place", "reward"} <= set(q.slots)
        assert ("item" in q.slots) == bool(actions & {"gather", "deliver", "use"})
        assert ("count" in q.slots) == bool(actions & {"gather", "kill"})
        if actions & {"kill", "talk", "escort"}:
            assert "target" in q.slots
        assert all(isinstance(v, str) and v and "{" not in v for v in q.slots.values())
        assert q.slots["reward"].startswith(f"{q.rewards[0].amount} gold")


def test_rewards_pay_gold_and_experience() -> None:
    """Every quest pays gold and experience, more for long walks and fights than for errands."""
    paid = [
        (sum(o.count or 0 for o in q.objectives if o.action == "kill"), q) for _, q in skeletons()
    ]
    for _, q in paid:
        assert [r.kind for r in q.rewards[:2]] == ["gold", "experience"]
        assert all((r.amount or 0) >= 5 for r in q.rewards[:2])
        assert all(r.item for r in q.rewards if r.kind == "item")
    fights = [q.rewards[1].amount or 0 for kills, q in paid if kills >= 2]
    errands = [q.rewards[1].amount or 0 for kills, q in paid if kills == 0]
    assert np.mean(fights) > np.mean(errands)


def test_the_same_seed_gives_the_same_skeleton() -> None:
    """skeleton() and questline_skeletons() are pure functions of their inputs and seed."""
    lvl = level(3)
    assert skeleton(lvl, CAST, seed=42) == skeleton(lvl, CAST, seed=42)
    assert questline_skeletons(lvl, CAST, 5, seed=9) == questline_skeletons(lvl, CAST, 5, seed=9)
    assert skeleton(lvl, CAST, seed=42) != skeleton(lvl, CAST, seed=43)


def test_asked_giver_and_motivation_are_kept() -> None:
    """A giver (by id or by character) and any of the nine motivations are honoured."""
    lvl = level(2)
    for n, motivation in enumerate(MOTIVATIONS):
        giver = CAST[n % 3]
        by_id = skeleton(lvl, CAST, giver=giver.id, motivation=motivation, seed=n)
        by_member = skeleton(lvl, CAST, giver=giver, motivation=motivation, seed=n)
        assert by_id == by_member
        assert (by_id.giver, by_id.motivation) == (giver.id, motivation)
        assert by_id.strategy in strategies(motivation)


# -- questlines ---------------------------------------------------------------------------------


def test_questlines_are_acyclic_and_completable_in_order() -> None:
    """requires names only earlier quests, and the line can be played front to back."""
    for lvl, line in questlines():
        assert len(line) == LINE
        assert questline_completable(line, lvl)
        for n, q in enumerate(line):
            assert set(q.requires) <= {earlier.id for earlier in line[:n]}
            assert completable(q, lvl, line[:n])


def test_questlines_play_in_any_order_the_graph_allows() -> None:
    """Newest-first topological order works too: requirements are all a quest depends on."""
    for lvl, line in questlines():
        done: list[QuestSkeleton] = []
        waiting = list(line)
        while waiting:
            ready = [q for q in waiting if set(q.requires) <= {d.id for d in done}]
            pick = ready[-1]
            assert completable(pick, lvl, done), pick
            done.append(pick)
            waiting.remove(pick)


def test_questline_graphs_are_not_just_chains() -> None:
    """Over many lines some quests start fresh threads and some build on older or several quests."""
    shapes = Counter()
    for _, line in questlines():
        for n, q in enumerate(line[1:], start=1):
            if not q.requires:
                shapes["root"] += 1
            elif len(q.requires) > 1:
                shapes["join"] += 1
            elif q.requires != (line[n - 1].id,):
                shapes["branch"] += 1
    assert shapes["root"] and shapes["join"] and shapes["branch"], shapes


def test_nothing_is_taken_twice_in_a_questline() -> None:
    """An enemy is killed, an item taken and a person escorted by one quest of a line at most."""
    for _, line in questlines():
        taken = [
            t
            for q in line
            for o in q.objectives
            if o.action in ("kill", "gather", "escort")
            for t in o.targets
        ]
        assert len(taken) == len(set(taken))


def test_long_questlines_reach_fifty() -> None:
    """A 50-quest line on a small level is still acyclic and completable."""
    lvl = level(4)
    line = questline_skeletons(lvl, CAST, 50, seed=3)
    assert len(line) == 50 and questline_completable(line, lvl)


# -- the checker ------------------------------------------------------------------------------


def test_a_key_must_come_before_the_door_it_opens() -> None:
    """The exit behind door-1 can be reached only after key-1 was gathered (or used on it)."""
    lvl = locked_level()
    assert lvl.entity("door-1").key == "key-1"
    goto_exit = Objective("goto", ("exit",))
    gather_key = Objective("gather", ("key-1",), count=1)
    use_key = Objective("use", ("key-1",), count=1, destination="door-1")
    assert not completable(quest([goto_exit]), lvl)
    assert not completable(quest([goto_exit, gather_key]), lvl)
    assert completable(quest([gather_key, goto_exit]), lvl)
    assert completable(quest([use_key, goto_exit]), lvl)


def test_the_checker_rejects_impossible_orders_and_ids() -> None:
    """Taking a thing twice, unknown ids, wrong kinds or a key on the wrong door fail the check."""
    lvl = level(0)
    item, enemy = lvl.of_kind("item")[0].id, lvl.of_kind("enemy")[0].id
    deliver = Objective("deliver", (item,), count=1, recipient="char-2")
    gather = Objective("gather", (item,), count=1)
    kill = Objective("kill", (enemy,), count=1)
    assert completable(quest([gather, deliver]), lvl)
    assert not completable(quest([deliver, gather]), lvl)
    assert not completable(quest([kill, kill]), lvl)
    assert not completable(quest([Objective("kill", (item,), count=1)]), lvl)
    assert not completable(quest([Objective("goto", ("nowhere",))]), lvl)
    assert not completable(quest([Objective("talk", ("char-9",))]), lvl)
    assert not completable(quest([Objective("gather", (item,), count=2)]), lvl)
    assert not completable(quest([Objective("use", ("key-1",), count=1)]), locked_level())
    assert not completable(quest([kill], giver="char-9"), lvl)


# -- names --------------------------------------------------------------------------------------


def test_names_are_readable_and_stable() -> None:
    """Places read "the <adjective> <noun>", a key and its door share a material, names stay put."""
    lvl = locked_level()
    namer = Namer(lvl)
    for entity in lvl.entities:
        place = namer.place(entity)
        assert place.startswith("the ") and len(place.split()) >= 3
        assert place == Namer(lvl).place(entity)
    key, door = lvl.entity("key-1"), lvl.entity("door-1")
    assert namer.item([key]).split()[0] == namer.place(door).split()[1]
    named = replace(lvl.entity("exit"), name="the Old Mill")
    assert namer.place(named) == "the Old Mill"


# -- bad inputs ---------------------------------------------------------------------------------


def test_unknown_giver_id_is_an_unknown_name() -> None:
    """A giver id not in the cast is an UnknownNameError that lists the cast."""
    with pytest.raises(UnknownNameError, match=r"char-9.*char-1"):
        skeleton(level(0), CAST, giver="char-9", seed=1)


def test_giver_outside_the_cast_is_refused() -> None:
    """A character who is not a member of the cast cannot give the quest."""
    with pytest.raises(InvalidParameterError, match="not in the cast"):
        skeleton(level(0), CAST, giver=CastEntry("char-7", "Odo", "villager"), seed=1)


def test_unknown_motivation_lists_the_nine() -> None:
    """An unknown motivation is an UnknownNameError naming all nine motivations."""
    with pytest.raises(UnknownNameError, match=", ".join(MOTIVATIONS)):
        skeleton(level(0), CAST, motivation="greed", seed=1)


@pytest.mark.parametrize("length", [0, 51, -3, 2.5, True, "3"])
def test_questline_length_must_be_one_to_fifty(length: object) -> None:
    """Line lengths outside 1-50, or not integers, are refused."""
    with pytest.raises(InvalidParameterError, match="from 1 to 50"):
        questline_skeletons(level(0), CAST, length, seed=1)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "cast", [(), (CastEntry("char-1", "A", "mage"), CastEntry("char-1", "B", "guard")), "char-1"]
)
def test_bad_casts_are_refused(cast: object) -> None:
    """An empty cast, duplicate ids or a string instead of characters are refused."""
    with pytest.raises(InvalidParameterError):
        skeleton(level(0), cast, seed=1)  # type: ignore[arg-type]


def test_a_level_with_nothing_reachable_is_refused() -> None:
    """A spawn walled in alone gives InvalidParameterError, never an uncompletable quest."""
    tileset = level(0).tileset
    rows = ["#####", "#.#.#", "#####"]
    walled = Level(
        tuple(rows),
        tileset,
        (
            Entity("spawn", "spawn", 1, 1),
            Entity("exit", "exit", 3, 1),
            Entity("item-1", "item", 3, 1),
        ),
    )
    with pytest.raises(InvalidParameterError, match="reachable"):
        skeleton(walled, CAST, seed=1)
    with pytest.raises(InvalidParameterError, match="reachable"):
        questline_skeletons(walled, CAST, 3, seed=1)


def test_a_motivation_the_level_cannot_serve_is_a_generation_error() -> None:
    """Conquest on a level with only an exit and a lone giver fails with a reason per plan."""
    with pytest.raises(GenerationError, match="conquest"):
        skeleton(sparse_level(), CAST[:1], motivation="conquest", seed=1)


def test_a_sparse_level_still_gets_a_quest_by_falling_back() -> None:
    """Without a motivation asked for, another strategy or motivation that fits is used."""
    for seed in range(10):
        q = skeleton(sparse_level(), CAST, seed=seed)
        assert completable(q, sparse_level())
        assert {o.action for o in q.objectives} <= {"goto", "talk", "escort"}
