"""Hypothesis strategies shared by the tests."""

from __future__ import annotations

from hypothesis import strategies as st

STYLES = ("dungeon", "cave", "overworld")

seeds = st.integers(min_value=0, max_value=2**32 - 1)
sizes = st.integers(min_value=8, max_value=64)
difficulties = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)
styles = st.sampled_from(STYLES)

#: Requests to the classical generators, named explicitly (each is named after its style).
classical_requests = st.fixed_dictionaries(
    {
        "seed": seeds,
        "width": sizes,
        "height": sizes,
        "generator": styles,
        "difficulty": difficulties,
    }
)
#: Requests by style alone, which the shipped learned model serves.
learned_requests = st.fixed_dictionaries(
    {"seed": seeds, "width": sizes, "height": sizes, "style": styles, "difficulty": difficulties}
)
