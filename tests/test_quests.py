"""Quests with prose: ``procgen.quest()``, ``procgen.questline()`` and ``procgen quest``."""

from __future__ import annotations

import json
from dataclasses import replace
from functools import cache
from pathlib import Path

import pytest

import procgen
from procgen.cli import main
from procgen.errors import InvalidParameterError, UnknownNameError
from procgen.levels import Level
from procgen.models.lexicon import words
from procgen.prose import (
    BACKSTORY_CORPUS,
    QUEST_CORPUS,
    prose_model,
    read_backstories,
    read_quest_prose,
)
from procgen.quests import text as text_module
from procgen.quests.api import CastEntry
from procgen.quests.grammar import MOTIVATIONS
from procgen.quests.structure import completable, questline_completable
from procgen.quests.text import (
    DRAFTS,
    acceptable,
    fill,
    required_slots,
    slots_consistent,
    write_quest_text,
)
from procgen.schemas import check

GENERATORS = ("dungeon", "cave", "overworld")


CAST = (
    CastEntry("char-1", "Ysolde", "mage"),
    CastEntry("char-2", "Brannoc", "guard"),
    CastEntry("char-3", "Tamsin", "merchant"),
)


@cache
def level(n: int) -> Level:
    return procgen.level(n, width=32, height=32, generator=GENERATORS[n % 3])


@cache
def quests() -> list[procgen.Quest]:
    """Four quests on each of ten levels, one motivation after another."""
    return [
        procgen.quest(
            seed=n * 10 + k, level=level(n), cast=CAST, motivation=MOTIVATIONS[(n + k) % 9]
        )
        for n in range(10)
        for k in range(4)
    ]


def referenced(document: dict[str, object]) -> set[str]:
    objectives = document["objectives"]
    assert isinstance(objectives, list)
    ids = {str(document["giver"])}
    for objective in objectives:
        ids.update(objective["targets"])
        ids.update(objective[k] for k in ("destination", "recipient") if k in objective)
    return ids


class TestQuest:
    def test_every_quest_is_schema_valid(self) -> None:
        for made in quests():
            assert check(made.to_dict()) == "quest"

    def test_every_id_exists_in_the_level_or_the_cast(self) -> None:
        for made in quests():
            known = {e.id for e in made.level.entities} | {m.id for m in made.cast}
            assert referenced(made.to_dict()) <= known

    def test_every_quest_can_be_carried_out_by_the_solver(self) -> None:
        for made in quests():
            assert completable(made.skeleton, made.level)

    def test_the_requested_motivation_is_kept(self) -> None:
        for n, made in enumerate(quests()):
            assert made.to_dict()["motivation"] == MOTIVATIONS[(n // 4 + n % 4) % 9]

    def test_prose_has_every_placeholder_filled(self) -> None:
        for made in quests():
            document = made.to_dict()
            for text in (document["title"], *document["text"].values()):
                assert "{" not in text and "}" not in text

    def test_the_offer_names_the_reward_and_what_the_plan_is_about(self) -> None:
        """An offer for a kill names the creatures; every offer says what it pays."""
        for made in quests():
            slots = made.skeleton.slots
            offer = made.text.offer.lower()
            assert slots["reward"].lower() in offer
            for slot in required_slots("offer", made.skeleton.actions):
                assert slots[slot].lower() in offer, (slot, slots[slot], offer)

    def test_prose_is_spelled_only_in_words_of_the_corpus(self) -> None:
        """The model writes no invented words: each is a word of the authored prose."""
        corpus = set(words(e.text for e in read_quest_prose(QUEST_CORPUS)))
        corpus |= set(words(e.text for e in read_backstories(BACKSTORY_CORPUS)))
        corpus |= {w[:1].upper() + w[1:] for w in corpus}
        for made in quests():
            assert set(words(made.text.templates.values())) <= corpus

    def test_the_shipped_lexicon_is_the_corpus_words(self) -> None:
        """The word list inside the shipped weights is exactly what training derives from the
        shipped corpus, so the documented training command reproduces it."""
        texts = read_backstories(BACKSTORY_CORPUS) + read_quest_prose(QUEST_CORPUS)
        assert prose_model().card.lexicon == tuple(words(e.text for e in texts))

    def test_same_seed_same_quest_byte_for_byte(self) -> None:
        again = procgen.quest(seed=12, level=level(1), cast=CAST, motivation=MOTIVATIONS[3])
        assert again.to_json() == quests()[6].to_json()

    def test_meta_records_the_prose_weights(self) -> None:
        meta = quests()[0].to_dict()["meta"]
        assert len(meta["weights"]["prose"]) == 64
        assert sum(meta["drafts"].values()) >= 4

    def test_a_giver_by_id_gives_the_quest(self) -> None:
        made = procgen.quest(seed=5, level=level(2), cast=CAST, giver="char-2")
        assert made.to_dict()["giver"] == "char-2"

    def test_with_nothing_given_it_makes_a_level_and_a_cast(self) -> None:
        made = procgen.quest(seed=8)
        assert check(made.to_dict()) == "quest"
        assert made.to_dict()["giver"] in {m.id for m in made.cast}
        assert completable(made.skeleton, made.level)

    def test_save_writes_json_or_yaml(self, tmp_path: Path) -> None:
        made = quests()[0]
        for name in ("q.json", "q.yaml"):
            made.save(tmp_path / name)
            assert procgen.validate(tmp_path / name) == "quest"


class TestQuestline:
    def test_requires_form_an_acyclic_completable_graph(self) -> None:
        for n in range(3):
            line = procgen.questline(level(n), CAST, length=5, seed=n)
            assert len(line) == 5
            assert questline_completable([q.skeleton for q in line], level(n))
            for made in line:
                assert check(made.to_dict()) == "quest"

    def test_a_line_is_deterministic(self) -> None:
        first = [q.to_json() for q in procgen.questline(level(4), CAST, length=3, seed=2)]
        again = [q.to_json() for q in procgen.questline(level(4), CAST, length=3, seed=2)]
        assert first == again


class TestBadInput:
    def test_a_level_with_nothing_reachable(self) -> None:
        bare = replace(level(0), entities=tuple(e for e in level(0).entities if e.kind == "spawn"))
        with pytest.raises(InvalidParameterError, match="reachable"):
            procgen.quest(seed=1, level=bare, cast=CAST)

    def test_an_unknown_giver_id(self) -> None:
        with pytest.raises(UnknownNameError, match="char-9"):
            procgen.quest(seed=1, level=level(0), cast=CAST, giver="char-9")

    def test_a_giver_id_without_a_cast(self) -> None:
        with pytest.raises(InvalidParameterError, match="cast"):
            procgen.quest(seed=1, level=level(0), giver="char-1")

    def test_an_unknown_motivation(self) -> None:
        with pytest.raises(UnknownNameError, match="greed"):
            procgen.quest(seed=1, level=level(0), cast=CAST, motivation="greed")

    def test_a_level_that_is_not_a_level(self) -> None:
        with pytest.raises(InvalidParameterError, match="Level"):
            procgen.quest(seed=1, level="level.json", cast=CAST)  # type: ignore[arg-type]


class TestProseRules:
    def test_fill_capitalises_a_name_that_starts_a_sentence(self) -> None:
        slots = {"place": "the flooded hall", "count": "three", "item": "herbs"}
        assert fill("{place} floods. Bring {count} {item}.", slots) == (
            "The flooded hall floods. Bring three herbs."
        )
        assert fill("Herbs of {place}", slots, title=True) == "Herbs of the Flooded Hall"

    def test_an_offer_must_name_its_subjects(self) -> None:
        made = next(q for q in quests() if "kill" in q.skeleton.actions)
        assert not slots_consistent("Go now. I pay {reward}.", "offer", made.skeleton)
        assert slots_consistent("Slay {target} for {reward}.", "offer", made.skeleton) == (
            required_slots("offer", made.skeleton.actions) <= {"target", "reward"}
        )

    def test_a_slot_the_quest_does_not_bind_is_refused(self) -> None:
        made = next(q for q in quests() if "target" not in q.skeleton.slots)
        assert not acceptable("Thank {target} for me.", "progress", made.skeleton)
        assert acceptable("Thank them for me.", "progress", made.skeleton)

    def test_a_title_is_a_few_words(self) -> None:
        made = quests()[0]
        assert acceptable("The Long Road", "title", made.skeleton)
        assert not acceptable("The road is long. Walk it.", "title", made.skeleton)

    def test_drafts_decoded_together_change_only_the_speed(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Draft n of a part has its own seed, so the first acceptable one is kept however
        many are decoded per round."""
        skeletons = [q.skeleton for q in quests()[:12]]
        shipped = [write_quest_text(prose_model(), s) for s in skeletons]
        assert any(text.drafts["offer"] > 1 for text in shipped), "no offer was redrafted"
        for drafts in (1, 4):
            monkeypatch.setattr(text_module, "DRAFTS", dict.fromkeys(DRAFTS, drafts))
            assert [write_quest_text(prose_model(), s) for s in skeletons] == shipped


class TestCommandLine:
    def test_quest_for_a_level_file(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        level(0).save(tmp_path / "level.json")
        out = tmp_path / "quest.yaml"
        assert (
            main(["quest", "--level", str(tmp_path / "level.json"), "--seed", "3", "-o", str(out)])
            == 0
        )
        assert procgen.validate(out) == "quest"
        assert "wrote" in capsys.readouterr().out

    def test_quest_with_a_cast_from_character_files(self, tmp_path: Path) -> None:
        level(1).save(tmp_path / "level.json")
        hero = procgen.character(seed=1, role="mage")
        hero.save(tmp_path / "hero.yaml")
        out = tmp_path / "quest.json"
        arguments = ["quest", "--level", str(tmp_path / "level.json"), "--cast"]
        arguments += [str(tmp_path / "hero.yaml"), "--giver", hero.id, "-o", str(out)]
        assert main(arguments) == 0
        assert json.loads(out.read_text())["giver"] == hero.id

    def test_unknown_motivation_is_one_line_and_writes_nothing(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        level(0).save(tmp_path / "level.json")
        out = tmp_path / "quest.json"
        arguments = ["quest", "--level", str(tmp_path / "level.json"), "--motivation", "greed"]
        assert main([*arguments, "-o", str(out)]) == 2
        error = capsys.readouterr().err
        assert error.startswith("procgen: error: unknown motivation 'greed'")
        assert error.count("\n") == 1
        assert not out.exists()

    def test_a_file_that_is_not_a_character(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        level(0).save(tmp_path / "level.json")
        arguments = ["quest", "--level", str(tmp_path / "level.json")]
        assert main([*arguments, "--cast", str(tmp_path / "level.json")]) == 2
        assert "not a character" in capsys.readouterr().err
