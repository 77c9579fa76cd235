"""A small game that plays procgen's assets live: a generated level, a generated hero, a quest.

Run it from a clone of the repository, with the ``demo`` extra installed::

    python -m demo_game [--seed 7] [--style cave]

The rules live in :mod:`demo_game.play` (no screen, so tests play them), the window in
:mod:`demo_game.screen`.
"""
