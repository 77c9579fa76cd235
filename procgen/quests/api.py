"""``procgen.quest()`` and ``procgen.questline()``: quests a game can execute, with prose.

A quest is its structure (:mod:`procgen.quests.structure`: who asks, why, which entities to deal
with in which order, the rewards) and its prose (:mod:`procgen.quests.text`). The structure is
drawn first, against the level, and never depends on the text model; the prose then names what
the structure bound. So a quest is completable whatever the prose model writes, and a user's own
prose model (``procgen train prose``) changes only the words.

Without a level, :func:`quest` makes one from its seed (a 32x32 level of the shipped model);
without a cast, it makes three characters. Both are returned with the quest, so every id it
refers to can be looked up.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from procgen.errors import AssetFormatError, InvalidParameterError
from procgen.levels import Level
from procgen.prose import ProseModel
from procgen.quests.binding import CastMember
from procgen.quests.structure import QuestSkeleton, questline_skeletons, skeleton
from procgen.quests.text import QuestText, write_quest_text
from procgen.seeds import resolve_seed

QUEST_FORMATS = (".json", ".yaml", ".yml")
CAST_SIZE = 3  # characters made for a quest when no cast is given
_LEVEL, _CAST = 100, 101  # seed streams of what quest() makes when not given


@dataclass(frozen=True)
class CastEntry:
    """A cast member read from a character file: all a quest needs of a character."""

    id: str
    name: str
    role: str


@dataclass(frozen=True)
class Quest:
    """A generated quest: the schema document, plus the level and cast its ids point into."""

    skeleton: QuestSkeleton
    text: QuestText
    level: Level = field(repr=False)
    cast: tuple[CastMember, ...] = field(repr=False)
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return self.skeleton.id

    @property
    def title(self) -> str:
        return self.text.title

    def to_dict(self) -> dict[str, Any]:
        text = self.text
        document = self.skeleton.to_quest(text.title, text.offer, text.progress, text.complete)
        document["meta"] = {**document["meta"], **self.meta, "drafts": dict(text.drafts)}
        return document

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n"

    def to_yaml(self) -> str:
        from procgen.assets import dump_yaml

        return dump_yaml(self.to_dict())

    def save(self, path: str | Path) -> Path:
        """Write the quest as .json or .yaml/.yml."""
        from procgen.assets import write_files

        path = Path(path)
        check_destination(path)
        data = self.to_json() if path.suffix.lower() == ".json" else self.to_yaml()
        write_files({path: data.encode("utf-8")})
        return path


def check_destination(path: Path) -> None:
    """Refuse, before any work is done, a path a quest could not be saved to."""
    from procgen import assets

    assets.check_destination(path, QUEST_FORMATS)


def quest(
    seed: int | None = None,
    *,
    level: Level | None = None,
    giver: str | CastMember | None = None,
    motivation: str | None = None,
    cast: Sequence[CastMember] | None = None,
    prose: str | Path | None = None,
) -> Quest:
    """Generate a quest whose every target is reachable in ``level`` and can be done in order.

    ``giver`` is a character id of ``cast`` or a character (added to the cast if missing);
    drawn from the cast when None. ``motivation`` is one of the nine of Doran & Parberry
    (``knowledge comfort reputation serenity protection conquest wealth ability equipment``),
    drawn when None. ``prose`` uses your own prose model instead of the shipped one.

    >>> import procgen
    >>> q = procgen.quest(seed=4, motivation="wealth")
    >>> q.to_dict()["motivation"]
    'wealth'
    >>> q.to_json() == procgen.quest(seed=4, motivation="wealth").to_json()
    True
    """
    seed = resolve_seed(seed)
    level = _level(level, seed)
    members = _cast(cast, giver, seed)
    writer = _writer(prose)
    bound = skeleton(level, members, giver=giver, motivation=motivation, seed=seed)
    return _quest(bound, writer, level, members)


def questline(
    level: Level,
    cast: Sequence[CastMember],
    length: int = 3,
    *,
    seed: int | None = None,
    prose: str | Path | None = None,
) -> list[Quest]:
    """``length`` quests whose ``requires`` form an acyclic graph, completable in list order
    (and in any order the graph allows)."""
    seed = resolve_seed(seed)
    writer = _writer(prose)
    members = tuple(cast)
    line = questline_skeletons(level, members, length, seed=seed)
    return [_quest(bound, writer, level, members) for bound in line]


def _quest(
    bound: QuestSkeleton, writer: ProseModel, level: Level, cast: tuple[CastMember, ...]
) -> Quest:
    meta = {"generator": "procgen", "weights": {"prose": writer.sha256}}
    return Quest(bound, write_quest_text(writer, bound), level, cast, meta)


def _writer(prose: str | Path | None) -> ProseModel:
    from procgen.prose import prose_model

    return prose_model(None if prose is None else Path(prose))


def _level(level: Level | None, seed: int) -> Level:
    if level is None:
        from procgen.generation import level as make_level

        return make_level(seed=_stream(seed, _LEVEL))
    if not isinstance(level, Level):
        raise InvalidParameterError(f"level must be a procgen Level, got {type(level).__name__}")
    return level


def _cast(
    cast: Sequence[CastMember] | None, giver: str | CastMember | None, seed: int
) -> tuple[CastMember, ...]:
    """The cast as given, or three characters made from the seed; a giver character joins it."""
    if cast is None:
        if isinstance(giver, str):
            raise InvalidParameterError(
                f"giver {giver!r} is an id, so pass the cast it belongs to (cast=...)"
            )
        from procgen.characters import character

        base = _stream(seed, _CAST)
        members: tuple[CastMember, ...] = tuple(character(seed=base + n) for n in range(CAST_SIZE))
    else:
        given: object = cast  # checked here: callers may pass anything
        if isinstance(given, (str, bytes)) or not isinstance(given, Sequence):
            raise InvalidParameterError("cast must be a sequence of characters (id, name, role)")
        members = tuple(cast)
    known = {member.id for member in members}
    if giver is not None and not isinstance(giver, str) and getattr(giver, "id", None) not in known:
        members = (giver, *members)
    return members


def _stream(seed: int, stream: int) -> int:
    """A seed for something quest() makes itself, independent of the quest's own draws."""
    return int(np.random.SeedSequence([seed, stream]).generate_state(1, np.uint64)[0] >> 2)


def read_cast(paths: Sequence[Path]) -> tuple[CastMember, ...]:
    """Characters from character asset files (.json/.yaml), validated against their schema."""
    from procgen.assets import read_document, validate

    members = []
    for path in paths:
        document = read_document(path)
        if validate(document) != "character":
            raise AssetFormatError(f"{path}: not a character asset")
        members.append(CastEntry(document["id"], document["name"], document["role"]))
    return tuple(members)
