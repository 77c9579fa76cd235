"""Quest prose: a title, an offer, a progress line and a completion line, slots filled in.

The prose model (:mod:`procgen.prose`) writes each part under the quest's motivation and its
plan's actions, with placeholders as single symbols. A draft is kept only when it is
**slot-consistent** with its quest and well formed:

- it uses only slots the quest binds (no ``{target}`` when nobody is targeted): the model is
  never let to write another placeholder;
- an offer names what its plan is about, as every authored offer does: the ``{item}`` of a
  gather, deliver or use, the ``{target}`` of a kill, talk or escort, the ``{place}`` of a goto
  or escort, and the ``{reward}``;
- a title is a few words without a full stop; the lines are whole sentences (one to five for an
  offer, one to three otherwise) that fit the schema once filled.

All four parts are drafted together in one batch (:data:`DRAFTS` of each), and only the parts
still missing are drafted again. Draft n of a part draws from a seed derived from the quest's,
the part and n, so the draft kept is the first acceptable one in that order however many are
decoded at once. Filling is exact (each placeholder is one symbol); a value that starts a
sentence is capitalised, and in a title every major word is.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from procgen.errors import GenerationError
from procgen.models.vocabulary import SLOT
from procgen.prose import QUEST_PARTS, ProseModel, quest_conditions
from procgen.quests.structure import QuestSkeleton

ATTEMPTS = 48  # drafts of a part before giving up
TEMPERATURE = 1.0
#: Drafts per part decoded together in a round; only speed depends on it (see above).
#: Over 200 quests the first title, progress and complete line drafted were always kept, and an
#: offer (which must name everything its plan is about) 54% of the time, 81% within two drafts.
#: A draft's row costs about 40 us at each decoding step beside the ~290 us of the step itself.
#: Over 150 quests, prose took a median 47.5, 45.7, 53.1 and 56.4 ms with 1, 2, 3 and 4 offer
#: drafts per round (means 70.1, 56.5, 59.4 and 60.8).
DRAFTS = {"title": 1, "offer": 2, "progress": 1, "complete": 1}
SENTENCES = {"offer": (1, 5), "progress": (1, 3), "complete": (1, 3)}
TITLE_WORDS = 10
MAX_TITLE = 80  # the schema's limits once filled
MAX_LINE = 1000
#: What an offer must name, by the actions of its plan (every authored offer does).
NAMED_BY = {
    "gather": ("item",),
    "deliver": ("item",),
    "use": ("item",),
    "kill": ("target",),
    "talk": ("target",),
    "escort": ("target", "place"),
    "goto": ("place",),
}
SENTENCE_END = re.compile(r"[.!?](?:\s|$)")
MINOR_WORDS = frozenset({"a", "an", "the", "of", "and", "or", "to", "in", "on", "at", "for"})


@dataclass(frozen=True)
class QuestText:
    title: str
    offer: str
    progress: str
    complete: str
    templates: Mapping[str, str]  # each part as the model wrote it, placeholders in
    drafts: Mapping[str, int]  # how many drafts each part took, for the quality report


def required_slots(part: str, actions: tuple[str, ...]) -> set[str]:
    """The slots a part must use: an offer names its plan's subjects and the reward."""
    if part != "offer":
        return set()
    return {"reward"}.union(*(NAMED_BY.get(action, ()) for action in actions))


def slots_consistent(draft: str, part: str, skeleton: QuestSkeleton) -> bool:
    """Every placeholder is one the quest binds, and every required one is there."""
    used = {slot[1:-1] for slot in SLOT.findall(draft)}
    return used <= set(skeleton.slots) and required_slots(part, skeleton.actions) <= used


def well_formed(draft: str, part: str, skeleton: QuestSkeleton) -> bool:
    """A title of a few words, or whole sentences, within the schema's lengths once filled."""
    filled = fill(draft, skeleton.slots, title=part == "title")
    if part == "title":
        return (
            0 < len(draft.split()) <= TITLE_WORDS
            and len(filled) <= MAX_TITLE
            and not SENTENCE_END.search(draft)
        )
    fewest, most = SENTENCES[part]
    return (
        fewest <= len(SENTENCE_END.findall(draft)) <= most
        and draft.rstrip()[-1:] in ".!?\"'"
        and len(filled) <= MAX_LINE
    )


def acceptable(draft: str, part: str, skeleton: QuestSkeleton) -> bool:
    return slots_consistent(draft, part, skeleton) and well_formed(draft, part, skeleton)


def fill(template: str, slots: Mapping[str, str], *, title: bool = False) -> str:
    """The template with its placeholders replaced by the quest's names.

    >>> fill("{place} is dark. Go to {place}.", {"place": "the flooded hall"})
    'The flooded hall is dark. Go to the flooded hall.'
    >>> fill("Below {place}", {"place": "the flooded hall"}, title=True)
    'Below the Flooded Hall'
    """

    def value(match: re.Match[str]) -> str:
        text = slots[match.group(0)[1:-1]]
        if title:
            text = " ".join(w if w in MINOR_WORDS else w[:1].upper() + w[1:] for w in text.split())
        before = template[: match.start()].rstrip()
        if not before or before[-1] in ".!?":
            text = text[:1].upper() + text[1:]
        return text

    return SLOT.sub(value, template)


def write_quest_text(writer: ProseModel, skeleton: QuestSkeleton) -> QuestText:
    """The four parts of ``skeleton``'s prose, deterministic in its seed."""
    drafted = dict.fromkeys(QUEST_PARTS, 0)
    kept: dict[str, str] = {}
    while missing := [p for p in QUEST_PARTS if p not in kept and drafted[p] < ATTEMPTS]:
        # (part, draft number): each draft has a seed of its own, so the draft kept (the first
        # acceptable one of the first ATTEMPTS) does not depend on how many are decoded at once.
        rows = [
            (part, drafted[part] + i)
            for part in missing
            for i in range(min(DRAFTS[part], ATTEMPTS - drafted[part]))
        ]
        conditions = [
            quest_conditions(part, skeleton.motivation, skeleton.actions) for part, _ in rows
        ]
        seeds = [_seed(skeleton.seed, QUEST_PARTS.index(part), n) for part, n in rows]
        parts = [part for part, _ in rows]

        def accept(row: int, draft: str, parts: list[str] = parts) -> bool:
            return acceptable(draft, parts[row], skeleton)

        drafts = writer.write_each(
            conditions,
            seeds,
            slots=skeleton.slots,
            temperature=TEMPERATURE,
            groups=[QUEST_PARTS.index(part) for part in parts],
            accept=accept,
        )
        for (part, _), draft in zip(rows, drafts, strict=True):
            if part in kept:
                continue
            drafted[part] += 1
            if acceptable(draft, part, skeleton):
                kept[part] = draft
    missing = [part for part in QUEST_PARTS if part not in kept]
    if missing:
        raise GenerationError(
            f"no acceptable {' or '.join(missing)} for a {skeleton.motivation} quest "
            f"({'+'.join(skeleton.actions)}) in {ATTEMPTS} drafts"
        )
    slots = skeleton.slots
    return QuestText(
        title=fill(kept["title"], slots, title=True),
        offer=fill(kept["offer"], slots),
        progress=fill(kept["progress"], slots),
        complete=fill(kept["complete"], slots),
        templates=kept,
        drafts=drafted,
    )


def _seed(seed: int, part: int, draft: int) -> int:
    return int(np.random.SeedSequence([seed, part, draft]).generate_state(1, np.uint64)[0])
