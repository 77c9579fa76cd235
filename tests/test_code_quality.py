"""The code base stays linted, formatted and strictly typed: part of every test run."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *command], cwd=ROOT, capture_output=True, text=True, check=False
    )


SOURCES = [d for d in ("procgen", "tests", "bench", "demo_game") if (ROOT / d).is_dir()]


@pytest.mark.parametrize(
    "command",
    [
        ("ruff", "check", *SOURCES),
        ("ruff", "format", "--check", *SOURCES),
        ("mypy",),  # strict, on procgen/, as configured in pyproject.toml
    ],
    ids=["ruff-check", "ruff-format", "mypy-strict"],
)
def test_tool_passes(command: tuple[str, ...]) -> None:
    """ruff and mypy report nothing: their configuration lives in pyproject.toml."""
    result = run(*command)
    assert result.returncode == 0, result.stdout + result.stderr
