"""The prose model: one text model that writes backstories and every part of a quest.

Backstories and quest text are the same register, and neither corpus alone is much English to
learn from (849 backstories; 1,670 quests of four parts each). So one model reads both, told
apart by conditions placed before each text:

- a backstory is written under ``part:backstory`` and ``role:<role>``;
- a quest part under ``part:<title|offer|progress|complete>``, ``motivation:<motivation>`` and
  ``actions:<action+action...>``, the plan it has to describe, so that an offer for a
  ``gather+deliver`` quest learns to name an ``{item}`` and a ``{target}``.

Placeholders (``{name}``, ``{target}``, ...) are single symbols of the vocabulary, so filling
them with real names afterwards is exact. The model sees subword pieces (:data:`MERGES` merges
learned on the training split), which shortens a 250-character offer to about 70 symbols: more
context per position and fewer decoding steps.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from procgen.assets import read_text
from procgen.data import DATA
from procgen.errors import AssetFormatError
from procgen.writing import Example, Writer, WriterReport, train_writer

BACKSTORY_CORPUS = DATA / "text" / "backstories.jsonl"
QUEST_CORPUS = DATA / "text" / "quests"
PROSE_WEIGHTS = DATA / "prose.safetensors"
QUEST_PARTS = ("title", "offer", "progress", "complete")
MERGES = 800
#: The shipped model: deeper and wider than the text model's default, with less dropout,
#: because 750k characters can pin down more parameters than a name list.
PROSE_CONFIG: dict[str, Any] = {"n_layer": 4, "n_embd": 128, "dropout": 0.1}


def read_backstories(path: Path) -> list[Example]:
    """Backstory examples: one JSON object per line, ``{"role": ..., "text": ...}``."""
    return [
        Example(("part:backstory", f"role:{record['role']}"), str(record["text"]))
        for record in _records(path, "backstory", ("role", "text"))
    ]


def quest_conditions(part: str, motivation: str, actions: tuple[str, ...]) -> tuple[str, ...]:
    """What a quest text is written under: its part, its motivation and its plan."""
    return (f"part:{part}", f"motivation:{motivation}", "actions:" + "+".join(actions))


def read_quest_prose(folder: Path) -> list[Example]:
    """Every title, offer, progress and complete line of a folder of quest ``*.jsonl`` files."""
    files = sorted(folder.glob("*.jsonl"))
    if not files:
        raise AssetFormatError(f"{folder}: no quest files (*.jsonl)")
    examples = []
    for path in files:
        for record in _records(path, "quest", ("motivation", "actions", *QUEST_PARTS)):
            actions = record["actions"]
            if not isinstance(actions, list) or not all(isinstance(a, str) for a in actions):
                raise AssetFormatError(f"{path}: actions must be a list of action names")
            for part in QUEST_PARTS:
                conditions = quest_conditions(part, str(record["motivation"]), tuple(actions))
                examples.append(Example(conditions, str(record[part])))
    return examples


def _records(path: Path, what: str, keys: tuple[str, ...]) -> list[dict[str, object]]:
    """The JSON-lines records of a file, each an object holding at least ``keys``."""
    records = []
    for number, line in enumerate(read_text(path).splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            if not isinstance(record, dict):
                raise TypeError("not an object")
            missing = [key for key in keys if key not in record]
            if missing:
                raise KeyError(", ".join(missing))
        except (ValueError, TypeError, KeyError) as error:
            raise AssetFormatError(f"{path}:{number}: not a {what} record ({error})") from None
        records.append(record)
    return records


def train_prose(
    out: Path,
    *,
    backstories: Path | None = BACKSTORY_CORPUS,
    quests: Path | None = QUEST_CORPUS,
    steps: int | None = None,
    minutes: float | None = None,
    seed: int = 0,
    progress: bool | None = None,
) -> WriterReport:
    """Train the prose model on a backstory file and a folder of quest files (or either)."""
    examples = []
    if backstories is not None:
        examples += read_backstories(backstories)
    if quests is not None:
        examples += read_quest_prose(quests)
    return train_writer(
        examples,
        out,
        kind="prose",
        steps=steps,
        minutes=minutes,
        seed=seed,
        progress=progress,
        merges=MERGES,
        real_words=True,
        **PROSE_CONFIG,
    )


class ProseModel(Writer):
    def __init__(self, path: Path = PROSE_WEIGHTS) -> None:
        super().__init__(path, "prose")


@cache
def prose_model(path: Path | None = None) -> ProseModel:
    """A prose model (the shipped one by default), loaded once per process and path."""
    return ProseModel(path or PROSE_WEIGHTS)
