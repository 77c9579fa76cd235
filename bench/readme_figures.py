"""Draw the README's pictures with procgen's own Level.save(): one learned level per style.

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


def draw(folder: Path) -> list[Path]:
    return [procgen.level(**params).save(folder / f"{name}.png") for name, params in LEVELS.items()]


if __name__ == "__main__":
    for path in draw(FIGURES):
        print(f"wrote {path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path}")
