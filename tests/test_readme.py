"""The README tells the truth: its commands are the ones CI runs, its pictures are current."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


def shell_blocks() -> list[str]:
    return re.findall(r"```(?:sh|bash|console)\n(.*?)```", README, flags=re.DOTALL)


class TestReadme:
    def test_ci_runs_exactly_the_readme_test_command(self) -> None:
        """The last line of .ci/run is, character for character, a command in the README."""
        ci_command = (ROOT / ".ci" / "run").read_text().strip().splitlines()[-1]
        commands = [line for block in shell_blocks() for line in block.splitlines()]
        assert ci_command in commands

    def test_pictures_are_what_the_code_draws_today(self, tmp_path: Path) -> None:
        """Every figure the README shows is byte-identical to what the code draws today."""
        spec = importlib.util.spec_from_file_location(
            "readme_figures", ROOT / "bench" / "readme_figures.py"
        )
        assert spec and spec.loader
        figures = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(figures)
        for fresh in figures.draw(tmp_path):
            committed = ROOT / "bench" / "figures" / fresh.name
            assert f"bench/figures/{fresh.name}" in README
            assert committed.read_bytes() == fresh.read_bytes(), "rerun bench/readme_figures.py"
