"""The quest grammar: motivation -> strategy -> action sequence, counted from the authored corpus.

Doran & Parberry (2011) found that the quests of role-playing games follow a small grammar: the
giver's *motivation* (one of nine) selects a *strategy* (``recover_lost_item``) that expands into a
short sequence of *actions*. The table is not copied in by hand: it is counted from the quest
corpus (``procgen/data/text/quests/<motivation>.jsonl``) on first use. Every (strategy, actions)
pair some author wrote is a rule, weighted by how many quests use it, so structure and prose
always agree: every plan drawn here has prose written for exactly that plan.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from procgen.assets import read_text
from procgen.data import DATA
from procgen.errors import AssetFormatError, UnknownNameError

QUEST_CORPUS = DATA / "text" / "quests"

#: The nine NPC motivations of Doran & Parberry (2011), in the order of the quest schema.
MOTIVATIONS = (
    "knowledge",
    "comfort",
    "reputation",
    "serenity",
    "protection",
    "conquest",
    "wealth",
    "ability",
    "equipment",
)

#: The actions the corpus writes prose for (the schema allows a few more).
ACTIONS = ("goto", "kill", "gather", "deliver", "talk", "escort", "use")
MAX_ACTIONS = 3
STRATEGY_NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


@dataclass(frozen=True)
class Plan:
    """What a quest asks for before it meets a level: a strategy and its actions, in order."""

    strategy: str
    actions: tuple[str, ...]
    motivation: str


@dataclass(frozen=True)
class Rule:
    """One production of the grammar and how many corpus quests use it."""

    strategy: str
    actions: tuple[str, ...]
    weight: int


def check_motivation(motivation: object) -> str:
    """``motivation`` if it is one of the nine, else an error that lists them."""
    if motivation not in MOTIVATIONS:
        raise UnknownNameError(
            f"unknown motivation {motivation!r}; expected one of {', '.join(MOTIVATIONS)}"
        )
    return str(motivation)


def rules(motivation: str) -> tuple[Rule, ...]:
    """The rules of ``motivation``: strategies in corpus order, sequences most used first."""
    return _table(QUEST_CORPUS)[check_motivation(motivation)]


def strategies(motivation: str) -> tuple[str, ...]:
    """The strategies the corpus writes for ``motivation``, in the order they first appear."""
    return tuple(dict.fromkeys(rule.strategy for rule in rules(motivation)))


def plan_order(motivation: str, rng: np.random.Generator) -> list[Plan]:
    """Every plan of ``motivation`` in a weighted random order: the fallbacks come drawn too.

    The order is a weighted sampling without replacement (exponential clocks, Efraimidis and
    Spirakis), so its first plan is distributed exactly like :func:`draw_plan`.
    """
    table = rules(motivation)
    weights = np.array([rule.weight for rule in table], dtype=np.float64)
    clocks = rng.exponential(size=len(table)) / weights
    order = np.argsort(clocks, kind="stable")
    return [Plan(table[i].strategy, table[i].actions, motivation) for i in order]


def draw_plan(motivation: str, rng: np.random.Generator) -> Plan:
    """A strategy and action sequence for ``motivation``, with the corpus' frequencies.

    >>> import numpy as np
    >>> plan = draw_plan("serenity", np.random.default_rng(1))
    >>> plan.strategy in strategies("serenity"), 1 <= len(plan.actions) <= 3
    (True, True)
    """
    return plan_order(motivation, rng)[0]


@cache
def _table(folder: Path) -> dict[str, tuple[Rule, ...]]:
    """Count the rules of every motivation from its corpus file (once per process)."""
    return {
        motivation: _count(folder / f"{motivation}.jsonl", motivation) for motivation in MOTIVATIONS
    }


def _count(path: Path, motivation: str) -> tuple[Rule, ...]:
    counts: Counter[tuple[str, tuple[str, ...]]] = Counter()
    for number, line in enumerate(read_text(path).splitlines(), start=1):
        if line.strip():
            counts[_production(line, motivation, f"{path}:{number}")] += 1
    if not counts:
        raise AssetFormatError(f"{path}: no quests for motivation {motivation!r}")
    first_seen = {strategy: n for n, (strategy, _) in reversed(list(enumerate(counts)))}
    ranked = sorted(counts.items(), key=lambda item: (first_seen[item[0][0]], -item[1]))
    return tuple(Rule(strategy, actions, weight) for (strategy, actions), weight in ranked)


def _production(line: str, motivation: str, where: str) -> tuple[str, tuple[str, ...]]:
    """The (strategy, actions) of one corpus record, or an error naming the file and line."""
    try:
        record = json.loads(line)
        strategy, actions = record["strategy"], tuple(record["actions"])
        declared = record["motivation"]
    except (ValueError, KeyError, TypeError) as error:
        raise AssetFormatError(f"{where}: not a quest record ({error})") from None
    if declared != motivation:
        raise AssetFormatError(f"{where}: motivation {declared!r} in the {motivation} file")
    if not isinstance(strategy, str) or not STRATEGY_NAME.match(strategy):
        raise AssetFormatError(f"{where}: strategy {strategy!r} is not a snake_case name")
    if not 1 <= len(actions) <= MAX_ACTIONS or any(a not in ACTIONS for a in actions):
        raise AssetFormatError(f"{where}: actions {list(actions)} are not 1-3 of {ACTIONS}")
    return strategy, actions
