"""Draw the README's pictures with procgen's own code: one learned level per style (Level.save),
and a sheet of generated characters, a row per role (procgen.sprites.sprite_sheet).

    python bench/readme_figures.py

tests/test_readme.py regenerates them and checks the committed files still match, so the README
always shows what the current code draws.
"""

from __future__ import annotations

from pathlib import Path

import procgen

FIGURES = Path(__file__).resolve().parent / "figures"
LEVELS = {
    "dungeon": {"seed": 7, "width": 48, "height": 32, "style": "dungeon", "difficulty": 0.7},
    "cave": {"seed": 3, "width": 48, "height": 32, "style": "cave", "difficulty": 0.5},
    "overworld": {"seed": 5, "width": 48, "height": 32, "style": "overworld", "difficulty": 0.4},
}


CHARACTERS_PER_ROLE = 8


def draw(folder: Path) -> list[Path]:
    from procgen.assets import write_files
    from procgen.sprites import sprite_sheet
    from procgen.sprites.paperdoll import ROLES

    paths = [
        procgen.level(**params).save(folder / f"{name}.png") for name, params in LEVELS.items()
    ]
    cast = [
        procgen.character(seed=seed, role=role).sprite
        for role in ROLES
        for seed in range(CHARACTERS_PER_ROLE)
    ]
    sheet = folder / "characters.png"
    write_files({sheet: sprite_sheet(cast, columns=CHARACTERS_PER_ROLE, scale=4)})
    return [*paths, sheet]


if __name__ == "__main__":
    for path in draw(FIGURES):
        print(f"wrote {path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path}")
