"""Seeds: every public generator takes one, and ``None`` means "draw one and record it"."""

from __future__ import annotations

import os
from numbers import Integral
from typing import Any

from procgen.errors import InvalidParameterError


def resolve_seed(value: Any) -> int:
    """A checked seed in [0, 2**64), or a fresh one from the OS when ``value`` is None.

    >>> resolve_seed(7)
    7
    """
    if value is None:
        return int.from_bytes(os.urandom(4), "big")
    if isinstance(value, bool) or not isinstance(value, Integral) or not 0 <= int(value) < 2**64:
        raise InvalidParameterError(f"seed must be an integer from 0 to 2**64 - 1, got {value!r}")
    return int(value)
