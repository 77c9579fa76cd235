"""The one exception family procgen raises.

Callers catch :class:`ProcgenError` and get every failure procgen reports on purpose; anything else
escaping is a bug. Each subclass also derives from the builtin a Python programmer would expect
(``ValueError`` for bad arguments, ``LookupError`` for unknown names), so generic handlers work too.
"""

from __future__ import annotations


class ProcgenError(Exception):
    """Base class of every error procgen raises on purpose."""


class InvalidParameterError(ProcgenError, ValueError):
    """An argument is out of range, of the wrong type, or not a number."""


class UnknownNameError(ProcgenError, LookupError):
    """A style, generator, role or other name that procgen does not know."""


class AssetFormatError(ProcgenError, ValueError):
    """A file is unreadable, corrupt, too large, hostile, or of an unknown kind."""


class AssetValidationError(ProcgenError, ValueError):
    """A document breaks its JSON Schema or a rule the schema cannot express.

    ``problems`` lists every failure as ``(json_pointer, message)``; ``pointer`` is the first one's,
    so ``err.pointer == "/tiles/3"`` tells a tool exactly where to look.
    """

    def __init__(self, problems: list[tuple[str, str]], source: str | None = None) -> None:
        self.problems = problems
        self.pointer = problems[0][0] if problems else ""
        self.source = source
        where = f"{source}: " if source else ""
        first_pointer, first_message = problems[0] if problems else ("", "invalid")
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__(f"{where}{first_pointer or '/'}: {first_message}{more}")


class GenerationError(ProcgenError, RuntimeError):
    """A generator could not produce a playable level within its attempt budget."""


class ExportError(ProcgenError, OSError):
    """An asset could not be written where it was asked to go."""
