"""Backstories: one to three sentences from the prose model, slots filled in.

The prose model (:mod:`procgen.prose`) learns the authored backstories
(``procgen/data/text/backstories.jsonl``) under ``part:backstory`` and ``role:<role>``, writing
``{name}`` and ``{place}`` as single symbols; filling them with the character's real name and
home is then exact.

A sample is kept only if it names the character, names its role (the role word, or for a boss
one of its titles), and is one to three sentences of sane length; otherwise the next sample is
tried. The share of samples kept is reported by
``bench/characters_quality.py``.
"""

from __future__ import annotations

import re

import numpy as np

from procgen.errors import GenerationError
from procgen.models.vocabulary import SLOT
from procgen.prose import ProseModel

ATTEMPTS = 128  # samples before giving up
#: Samples decoded together per try. Sample n always has seed n, so this changes only speed: 61%
#: of samples are kept, and over 90 backstories two at a time took a median 22.9 ms against
#: 24.7 for one and 28.6 for four (each extra row costs at every step until the first is kept).
BATCH = 2
MAX_SENTENCES = 3
SLOTS = ("name", "place")  # the placeholders a backstory may use
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


def template(writer: ProseModel, role: str, seed: int) -> str:
    """A backstory with its placeholders still in, deterministic in ``seed``."""
    conditions = ["part:backstory", f"role:{role}"]
    for attempt in range(0, ATTEMPTS, BATCH):
        seeds = [(seed * ATTEMPTS + attempt + i) % 2**63 for i in range(BATCH)]
        texts = writer.write_each(
            [conditions] * BATCH,
            seeds,
            slots=SLOTS,
            groups=[0] * BATCH,
            accept=lambda _, text: acceptable(text, role),
        )
        for text in texts:
            if acceptable(text, role):
                return text
    raise GenerationError(f"no acceptable backstory for a {role} in {ATTEMPTS} samples")


def backstory(writer: ProseModel, role: str, name: str, place: str, seed: int) -> str:
    """A backstory for ``name``, a ``role`` from ``place``."""
    return template(writer, role, seed).replace("{name}", name).replace("{place}", place)


def place_name(stem: str, style: str | None, rng: np.random.Generator) -> str:
    """A home town: a generated name's stem with an ending of its naming style."""
    endings = PLACE_ENDINGS.get(style or "", PLACE_ENDINGS["fantasy"])
    ending = endings[int(rng.integers(len(endings)))]
    base = stem[:-1] if stem[-1:].lower() in "aeiou" and ending[0] in "aeiou" else stem
    return base + ending
