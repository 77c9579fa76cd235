from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

# Generation takes milliseconds, not microseconds: hypothesis' default deadline would be flaky on
# shared CI machines, and speed is measured by bench/, not by tests.
settings.register_profile(
    "procgen", deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)
settings.load_profile("procgen")


@pytest.fixture
def in_tmp(tmp_path: os.PathLike[str], monkeypatch: pytest.MonkeyPatch) -> os.PathLike[str]:
    """Run the test inside its own empty folder."""
    monkeypatch.chdir(tmp_path)
    return tmp_path
