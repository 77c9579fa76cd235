"""The demo's window (pygame-ce): draws a :class:`~demo_game.play.Game` and feeds it key presses.

Everything on screen is procgen's: the tiles and entity icons are its pixel art
(:mod:`procgen.export.art`), the hero and the quest giver are generated characters drawn from
their own sprites, the quest's text is the prose model's. Reaching the exit makes the next level,
from the next seed; losing all hit points starts the level again.

Keys: arrows or WASD move, Space toggles the autopilot (it does the quest, then leaves), N skips to
the next level, Esc quits.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import textwrap
from collections.abc import Callable, Sequence

import numpy as np
import numpy.typing as npt

os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")  # before the import that prints it
import pygame

from demo_game.play import Game, next_goal, route

SCALE = 2  # screen pixels per art pixel
TILE = 16 * SCALE
PANEL = 190  # height of the text panel under the map
LOG_LINES = 4
FRAMES_PER_STEP = 4  # autopilot speed at 30 frames per second
KEYS = {
    "up": ("K_UP", "K_w"),
    "down": ("K_DOWN", "K_s"),
    "left": ("K_LEFT", "K_a"),
    "right": ("K_RIGHT", "K_d"),
}
STYLES = ("dungeon", "cave", "overworld")


def _surface(pixels: npt.NDArray[np.uint8], size: tuple[int, int]) -> pygame.Surface:
    """An RGBA pixel array as a pygame surface, scaled with hard edges (it is pixel art)."""
    height, width = pixels.shape[:2]
    image = pygame.image.frombuffer(np.ascontiguousarray(pixels).tobytes(), (width, height), "RGBA")
    return pygame.transform.scale(image, size)


class Screen:
    """The window's pictures of one game: the map's tiles drawn once, sprites and icons cached."""

    def __init__(self, game: Game) -> None:
        from procgen.export.image import render_level

        self.game = game
        level = game.level
        bare = dataclasses.replace(level, entities=())
        self.map = _surface(render_level(bare), (level.width * TILE, level.height * TILE))
        self.hero = _surface(game.hero.sprite.rgba(), (TILE, TILE))
        self.giver = _surface(game.giver.sprite.rgba(), (TILE, TILE))
        self.icons: dict[str, pygame.Surface] = {}
        self.font = pygame.font.Font(None, 22)

    def icon(self, kind: str) -> pygame.Surface:
        from procgen.export.art import entity_icon

        if kind not in self.icons:
            self.icons[kind] = _surface(entity_icon(kind), (TILE, TILE))
        return self.icons[kind]

    def draw(self, window: pygame.Surface, autopilot: bool) -> None:
        game = self.game
        window.fill((18, 18, 24))
        window.blit(self.map, (0, 0))
        for entity in game.visible():
            if entity.kind != "spawn":
                window.blit(self.icon(entity.kind), (entity.x * TILE, entity.y * TILE))
        spawn_y, spawn_x = game.spawn
        window.blit(self.giver, (spawn_x * TILE, spawn_y * TILE))
        if game.following:  # the escorted walk with the hero
            window.blit(self.icon("npc"), (game.position[1] * TILE, game.position[0] * TILE))
        window.blit(self.hero, (game.position[1] * TILE, game.position[0] * TILE))
        self._panel(window, autopilot)

    def _panel(self, window: pygame.Surface, autopilot: bool) -> None:
        game = self.game
        top = game.level.height * TILE + 8
        width = game.level.width * TILE
        status = (
            f"{game.hero.name} the {game.hero.role}   hp {max(game.hit_points, 0)}   "
            f"carrying {len(game.held)}   {'[autopilot]' if autopilot else ''}"
        )
        lines = [
            (f"{game.quest.title}  -  {objective_text(game)}", (250, 220, 140)),
            (status, (170, 200, 255)),
        ]
        wrap = max(20, width // 9)
        for entry in game.log[-LOG_LINES:]:
            lines += [(part, (220, 220, 220)) for part in textwrap.wrap(entry, wrap)[:2]]
        y = top
        for text, colour in lines:
            if y > top + PANEL - 24:
                break
            window.blit(self.font.render(text, True, colour), (8, y))
            y += 20


def objective_text(game: Game) -> str:
    """The current objective in words, with the names of what it targets."""
    current = game.current
    if current is None:
        return "quest done: find the exit"
    names = game.names
    targets = ", ".join(names.get(t, t) for t in current.targets)
    extra = current.recipient or current.destination
    to = f" -> {names.get(extra, extra)}" if extra else ""
    return f"{current.action} {targets}{to} ({game.objective + 1}/{len(game.objectives)})"


def run(
    seed: int,
    style: str | None = None,
    *,
    autopilot: bool = False,
    max_frames: int | None = None,
    fps: int = 30,
    on_level: Callable[[Game], None] | None = None,
) -> Game:
    """Play from ``seed`` until the window closes (or ``max_frames``); return the last game.

    ``style`` None cycles through the built-in styles, one per level. ``on_level`` sees every
    game as it is made (tests count them).
    """
    pygame.init()
    pygame.display.set_caption("procgen demo")

    def start(seed: int) -> tuple[Game, Screen, pygame.Surface]:
        game = Game.new(seed, style=style or STYLES[seed % len(STYLES)])
        if on_level is not None:
            on_level(game)
        size = (game.level.width * TILE, game.level.height * TILE + PANEL)
        return game, Screen(game), pygame.display.set_mode(size)

    game, screen, window = start(seed)
    clock = pygame.time.Clock()
    keys = {getattr(pygame, name): move for move, names in KEYS.items() for name in names}
    frame = 0
    try:
        while max_frames is None or frame < max_frames:
            frame += 1
            for event in pygame.event.get():
                if event.type == pygame.QUIT or (
                    event.type == pygame.KEYDOWN and event.key == pygame.K_ESCAPE
                ):
                    return game
                if event.type == pygame.KEYDOWN and event.key in keys:
                    game.move(keys[event.key])
                elif event.type == pygame.KEYDOWN and event.key == pygame.K_SPACE:
                    autopilot = not autopilot
                elif event.type == pygame.KEYDOWN and event.key == pygame.K_n:
                    game.finished = True
            if autopilot and frame % FRAMES_PER_STEP == 0:
                _autopilot_step(game)
            if game.finished or game.lost:
                seed = seed + 1 if game.finished else seed
                game, screen, window = start(seed)
            screen.draw(window, autopilot)
            pygame.display.flip()
            clock.tick(fps)
    finally:
        pygame.quit()
    return game


def _autopilot_step(game: Game) -> None:
    goal = next_goal(game)
    steps = route(game, goal) if goal is not None else []
    if steps:
        game.move(steps[0])
    else:  # nowhere left to go: move on
        game.finished = True


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m demo_game", description="Play procgen's levels, characters and quests."
    )
    parser.add_argument("--seed", type=int, default=1, help="seed of the first level (default 1)")
    parser.add_argument("--style", choices=STYLES, help="one style for every level")
    parser.add_argument("--autopilot", action="store_true", help="start with the autopilot on")
    args = parser.parse_args(argv)
    run(args.seed, args.style, autopilot=args.autopilot)
