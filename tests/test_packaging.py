"""A built wheel, installed without the checkout, carries its schemas, generators and data."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import requires
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

CHECK = """
import json, sys, procgen
from procgen import generators, schemas
where = str(schemas.schema_dir())
assert "site-packages" in where and where.endswith("_schemas"), where
level = procgen.level(seed=3, width=24, height=24, generator="cave")
assert procgen.validate(json.loads(level.to_json())) == "level"
assert generators.load("tiles").styles == ("cave", "dungeon", "overworld")  # header only
import numpy as np
from procgen.names import name_model
from procgen.stats import draw_stats
assert name_model().generate("northern", 1)[0]  # corpus, blocklist, weights; numpy sampling
assert draw_stats("mage", 3, np.random.default_rng(0))["magic"] >= 0  # the stat examples
assert "torch" not in sys.modules
print(",".join(sorted(generators.available())))
"""


def runtime_requirements_without_torch() -> list[str]:
    """procgen-assets' own runtime requirements, minus torch.

    torch is imported only when a learned model draws, never at import time or to list models;
    leaving it out keeps this test to seconds (an unpinned torch resolves to a multi-GB CUDA
    build), and proves that claim.
    """
    found = [r for r in requires("procgen-assets") or [] if "extra ==" not in r]
    return [r for r in found if not r.startswith("torch")]


@pytest.mark.slow
def test_non_editable_wheel_install_finds_schemas_and_generators(tmp_path: Path) -> None:
    """`pip install` of the built wheel into a fresh venv finds schemas, generators and weights."""
    dist = tmp_path / "dist"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            str(ROOT),
            "--no-deps",
            "--no-build-isolation",
            "--quiet",
            "--wheel-dir",
            str(dist),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = dist.glob("procgen_assets-*.whl")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet"]
    subprocess.run([*pip, "--no-deps", str(wheel)], check=True, capture_output=True)
    subprocess.run([*pip, *runtime_requirements_without_torch()], check=True, capture_output=True)

    # Run from an empty folder so nothing of the checkout can be imported by accident.
    result = subprocess.run(
        [str(venv / "bin" / "python"), "-c", CHECK],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["cave,dungeon,overworld,tiles"]
    listing = subprocess.run(
        [str(venv / "bin" / "procgen"), "list"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "procgen-assets" in listing
