"""The playability solver: 4-connected walking, keys before the doors they open."""

from __future__ import annotations

import numpy as np

from procgen.levels import Entity, Level
from procgen.solver import bfs_distances, path_length, solve
from procgen.tiles import STANDARD_TILESET


def room(rows: list[str] | tuple[str, ...], *entities: Entity) -> Level:
    return Level(tuple(rows), STANDARD_TILESET, entities)


SPAWN = Entity("spawn", "spawn", 1, 1)


class TestWalking:
    def test_distances_count_four_connected_steps(self) -> None:
        """Diagonals are not steps: the far corner of a 3x3 floor is 4 steps away."""
        dist = bfs_distances(np.ones((3, 3), dtype=bool), [(0, 0)])
        assert dist.tolist() == [[0, 1, 2], [1, 2, 3], [2, 3, 4]]

    def test_open_level_is_playable(self) -> None:
        """Spawn walks to exit over floor; path length is the BFS step count."""
        level = room(["#####", "#...#", "#####"], SPAWN, Entity("exit", "exit", 3, 1))
        assert solve(level).playable
        assert path_length(level) == 2

    def test_walls_and_deep_water_block(self) -> None:
        """Only walkable tiles are crossed: a wall or deep water in the way makes it unsolvable."""
        for blocker in "#~%":
            level = room(["#####", f"#.{blocker}.#", "#####"], SPAWN, Entity("exit", "exit", 3, 1))
            assert not solve(level).playable, blocker

    def test_walkable_hazards_can_be_crossed(self) -> None:
        """Spikes hurt but do not block, shallow water and bridges are walkable."""
        for crossing in "*-=":
            level = room(["#####", f"#.{crossing}.#", "#####"], SPAWN, Entity("exit", "exit", 3, 1))
            assert solve(level).playable, crossing

    def test_unreachable_items_make_a_level_unplayable(self) -> None:
        """An item, key, npc or chest the player cannot reach is reported by id."""
        level = room(
            ["#######", "#..#..#", "#######"],
            SPAWN,
            Entity("exit", "exit", 2, 1),
            Entity("item-1", "item", 5, 1),
        )
        assert solve(level).unreachable == ("item-1",)

    def test_enemies_need_not_be_reachable(self) -> None:
        """An enemy walled off does not matter: the player never has to reach it."""
        level = room(
            ["#######", "#..#..#", "#######"],
            SPAWN,
            Entity("exit", "exit", 2, 1),
            Entity("enemy-1", "enemy", 5, 1),
        )
        assert solve(level).playable


class TestKeysAndDoors:
    ROWS = ("#########", "#...+...#", "#########")

    def test_locked_door_without_its_key_blocks(self) -> None:
        """A door naming a key nobody can reach stays shut."""
        level = room(
            self.ROWS,
            SPAWN,
            Entity("door-1", "door", 4, 1, key="key-1"),
            Entity("key-1", "key", 6, 1),
            Entity("exit", "exit", 7, 1),
        )
        assert set(solve(level).unreachable) == {"key-1", "exit"}

    def test_key_before_its_door_opens_it(self) -> None:
        """Picking up the key first opens the door it names."""
        level = room(
            self.ROWS,
            SPAWN,
            Entity("key-1", "key", 2, 1),
            Entity("door-1", "door", 4, 1, key="key-1"),
            Entity("exit", "exit", 7, 1),
        )
        solution = solve(level)
        assert solution.playable
        assert solution.keys_held == {"key-1"}

    def test_chained_keys_are_collected_in_order(self) -> None:
        """Key 2 behind door 1 opens door 2: the solver follows the chain."""
        level = room(
            ["###########", "#..+..+...#", "###########"],
            SPAWN,
            Entity("key-1", "key", 2, 1),
            Entity("door-1", "door", 3, 1, key="key-1"),
            Entity("key-2", "key", 5, 1),
            Entity("door-2", "door", 6, 1, key="key-2"),
            Entity("exit", "exit", 9, 1),
        )
        assert solve(level).playable

    def test_no_spawn_means_nothing_is_reachable(self) -> None:
        """Without a spawn, every entity that matters is unreachable."""
        level = room(["#####", "#...#", "#####"], Entity("exit", "exit", 3, 1))
        assert solve(level).unreachable == ("exit",)
