"""Backstories: one to three sentences from the role-conditioned text model, slots filled in.

The corpus (``procgen/data/text/backstories.jsonl``) holds authored backstories per role, written
with ``{name}`` and ``{place}`` placeholders. The text model learns them under a ``role:``
condition, writing each placeholder as one symbol (:mod:`procgen.models.vocabulary`); filling
them with the character's real name and home is then exact.

A sample is kept only if it names the character, names its role (the role word, or for a boss
one of its titles), and is one to three sentences of sane length; otherwise the next sample is
tried. The share of samples kept is reported by ``bench/characters_quality.py``.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

import numpy as np

from procgen.assets import read_text
from procgen.data import DATA
from procgen.errors import AssetFormatError, GenerationError
from procgen.models.vocabulary import SLOT
from procgen.writing import Example, Writer, WriterReport, train_writer

BACKSTORY_CORPUS = DATA / "text" / "backstories.jsonl"
BACKSTORY_WEIGHTS = DATA / "backstories.safetensors"
ATTEMPTS = 128  # samples before giving up: the model passes the filter 10-45% of the time
MERGES = 800  # subword merges: a backstory is ~45 symbols instead of ~170 characters
BATCH = 4  # samples decoded together per try
MAX_SENTENCES = 3
#: Words that name a role in prose; a boss may be called by any of its titles.
ROLE_WORDS = {
    "boss": [
        "boss",
        "warlord",
        "tyrant",
        "overlord",
        "lord",
        "queen",
        "king",
        "master",
        "chieftain",
    ],
    "villager": ["villager", "village"],
}
#: A home for {place}: a stem from the name model plus an ending that suits the naming style.
PLACE_ENDINGS = {
    "fantasy": ("dell", "mere", "wood", "vale", "hollow", "glade"),
    "northern": ("heim", "vik", "fjord", "stad", "holm", "by"),
    "desert": ("abad", "qand", "wells", "sar", "oasis", "kesh"),
    "imperial": ("ium", "polis", "ona", "aria", "burgum", "ano"),
}
SENTENCE_END = re.compile(r"[.!?](?:\s|$)")
QUEST_CORPUS = DATA / "text" / "quests"
QUEST_PARTS = ("title", "offer", "progress", "complete")


def read_backstories(path: Path) -> list[Example]:
    """Backstory examples: one JSON object per line, ``{"role": ..., "text": ...}``."""
    return [
        Example(("part:backstory", f"role:{record['role']}"), str(record["text"]))
        for record in _records(path, "backstory", ("role", "text"))
    ]


def read_quest_prose(folder: Path) -> list[Example]:
    """Every title, offer, progress and complete line of a quest corpus, as prose examples.

    Quest text is the same register as backstories and six times as much of it: a backstory
    model that also reads it learns English from far more than 849 examples.
    """
    files = sorted(folder.glob("*.jsonl"))
    if not files:
        raise AssetFormatError(f"{folder}: no quest files (*.jsonl)")
    return [
        Example((f"part:{part}", f"motivation:{record['motivation']}"), str(record[part]))
        for path in files
        for record in _records(path, "quest", ("motivation", *QUEST_PARTS))
        for part in QUEST_PARTS
    ]


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


def train_backstories(
    data: Path,
    out: Path,
    *,
    extra: Path | None = None,
    steps: int | None = None,
    minutes: float | None = None,
    seed: int = 0,
    progress: bool | None = None,
) -> WriterReport:
    """Train on the backstories at ``data``, and on the quest prose in folder ``extra``."""
    examples = read_backstories(data)
    if extra is not None:
        examples += read_quest_prose(extra)
    return train_writer(
        examples,
        out,
        kind="backstories",
        steps=steps,
        minutes=minutes,
        seed=seed,
        progress=progress,
        merges=MERGES,
    )


def names_role(text: str, role: str) -> bool:
    lower = text.lower()
    return any(re.search(rf"\b{word}\b", lower) for word in ROLE_WORDS.get(role, (role,)))


def acceptable(template: str, role: str) -> bool:
    """Names the character and its role, in one to three sentences, with no other slot."""
    sentences = len(SENTENCE_END.findall(template))
    return (
        "{name}" in template
        and set(SLOT.findall(template)) <= {"{name}", "{place}"}
        and names_role(template, role)
        and 1 <= sentences <= MAX_SENTENCES
        and template.rstrip()[-1:] in ".!?"
    )


class BackstoryModel(Writer):
    def __init__(self, path: Path = BACKSTORY_WEIGHTS) -> None:
        super().__init__(path, "backstories")

    def template(self, role: str, seed: int) -> str:
        """A backstory with its placeholders still in, deterministic in ``seed``."""
        for attempt in range(0, ATTEMPTS, BATCH):
            seeds = [(seed * ATTEMPTS + attempt + i) % 2**63 for i in range(BATCH)]
            for text in self.write(["part:backstory", f"role:{role}"], seeds):
                if acceptable(text, role):
                    return text
        raise GenerationError(f"no acceptable backstory for a {role} in {ATTEMPTS} samples")

    def generate(self, role: str, name: str, place: str, seed: int) -> str:
        return self.template(role, seed).replace("{name}", name).replace("{place}", place)


def place_name(stem: str, style: str | None, rng: np.random.Generator) -> str:
    """A home town: a generated name's stem with an ending of its naming style."""
    endings = PLACE_ENDINGS.get(style or "", PLACE_ENDINGS["fantasy"])
    ending = endings[int(rng.integers(len(endings)))]
    base = stem[:-1] if stem[-1:].lower() in "aeiou" and ending[0] in "aeiou" else stem
    return base + ending


@cache
def backstory_model(path: Path | None = None) -> BackstoryModel:
    """A backstory model (the shipped one by default), loaded once per process and path."""
    return BackstoryModel(path or BACKSTORY_WEIGHTS)
