"""The demo game plays procgen's assets by the solver's rules; its window runs headless here."""

from __future__ import annotations

import pytest

import procgen
from demo_game.play import Game, next_goal, route
from procgen.levels import Entity, Level
from procgen.tiles import STANDARD_TILESET

SPIKES = STANDARD_TILESET.char_for("walkable", "hazard")
#: A corridor with a locked door in it, the key down a side passage, and a spike on the way.
ROWS = (
    "#########",
    "#...+...#",
    "#.#######",
    f"#{SPIKES}#######",
    "#.#######",
    "#########",
)
ENTITIES = (
    Entity("spawn", "spawn", 1, 1),
    Entity("item-1", "item", 2, 1),
    Entity("door-1", "door", 4, 1, key="key-1"),
    Entity("key-1", "key", 1, 4),
    Entity("enemy-1", "enemy", 6, 1),
    Entity("exit", "exit", 7, 1),
)


def corridor_game() -> Game:
    level = Level(ROWS, STANDARD_TILESET, ENTITIES)
    giver = procgen.character(seed=1, role="villager")
    quest = procgen.quest(seed=0, level=level, giver=giver)
    return Game(level, procgen.character(seed=0, role="warrior"), giver, quest)


def walk(game: Game, moves: str) -> None:
    for move in moves.split():
        game.move(move)


def autopilot(game: Game, limit: int = 3000) -> int:
    """Play the way the demo's autopilot does; return the moves it took."""
    for moves in range(limit):
        if game.finished:
            return moves
        goal = next_goal(game)
        steps = route(game, goal) if goal is not None else []
        assert steps, f"stuck at {game.position} on {game.current}"
        game.move(steps[0])
    raise AssertionError(f"not finished in {limit} moves")


class TestRules:
    def test_walls_block(self) -> None:
        game = corridor_game()
        walk(game, "up left")
        assert game.position == (1, 1)

    def test_a_locked_door_opens_only_for_its_key(self) -> None:
        """Bumping the door without the key leaves it shut; with the key, it opens for good."""
        game = corridor_game()
        walk(game, "right right right")
        assert game.position == (1, 3) and game.log[-1] == "The door is locked."
        walk(game, "left left down down down")
        assert "key-1" in game.held
        walk(game, "up up up right right right right")
        assert game.position == (1, 4) and "door-1" in game.opened

    def test_stepping_on_things_takes_them(self) -> None:
        game = corridor_game()
        walk(game, "right")
        assert "item-1" in game.taken  # and held, unless a quest took it off the hero's hands
        assert "item-1" not in {entity.id for entity in game.visible()}

    def test_hazards_and_enemies_hurt(self) -> None:
        """A spike costs hit points; an enemy is defeated by a bump that does not move the hero,
        and strikes back."""
        game = corridor_game()
        full = game.hit_points
        walk(game, "down down")
        assert game.hit_points < full
        walk(game, "down up up up right right right right right")
        hurt = game.hit_points
        assert game.position == (1, 5)
        walk(game, "right")
        assert game.position == (1, 5) and "enemy-1" in game.defeated
        assert game.hit_points < hurt

    def test_the_exit_ends_the_level(self) -> None:
        game = corridor_game()
        autopilot(game)
        assert game.finished and game.position == (1, 7)

    def test_a_replay_is_exact(self) -> None:
        def state(game: Game) -> tuple[object, ...]:
            return (
                game.position,
                game.hit_points,
                game.held,
                game.defeated,
                game.opened,
                game.objective,
                game.log,
            )

        first, second = corridor_game(), corridor_game()
        for game in (first, second):
            walk(game, "right down right down left down up up up right right right")
        assert state(first) == state(second)


class TestQuests:
    @pytest.mark.parametrize("seed", range(6))
    def test_every_generated_quest_can_be_played_through(self, seed: int) -> None:
        """On generated levels of every style, walking to each objective's targets in turn
        completes the quest, and the exit is reached after."""
        game = Game.new(seed, style=("dungeon", "cave", "overworld")[seed % 3])
        autopilot(game)
        assert game.quest_done and game.finished and not game.lost
        assert f"{game.giver.name}: {game.quest.text.complete}" in game.log

    def test_objectives_are_done_in_order(self) -> None:
        game = Game.new(1)
        seen = []
        while not game.finished:
            seen.append(game.objective)
            goal = next_goal(game)
            assert goal is not None
            game.move(route(game, goal)[0])
        assert seen == sorted(seen)


class TestWindow:
    def test_the_window_plays_headless(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """With no display, the window still draws every frame: the autopilot finishes the
        first level and the next one starts."""
        monkeypatch.setenv("SDL_VIDEODRIVER", "dummy")
        monkeypatch.setenv("SDL_AUDIODRIVER", "dummy")
        from demo_game.screen import run

        made: list[Game] = []
        run(1, autopilot=True, max_frames=200, fps=0, on_level=made.append)
        assert len(made) >= 2
        assert made[0].finished and made[0].quest_done
