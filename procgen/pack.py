"""Asset packs: a folder of generated assets plus a ``manifest.json`` that lists and hashes them.

A pack is built in a temporary folder beside its destination and moved into place only when every
file is written and valid, so an interrupted run never leaves half a pack. Re-running over an old
pack replaces it; a folder that holds anything else is never touched.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from procgen.assets import dump_yaml, inside, read_document
from procgen.characters import Character, character
from procgen.errors import ExportError
from procgen.generation import level
from procgen.levels import Level
from procgen.schemas import check, schema_id
from procgen.sprites.paperdoll import ROLES
from procgen.tiles import STANDARD_TILESET

MANIFEST = "manifest.json"
STYLES = ("dungeon", "cave", "overworld")
LEVEL_SIZE = (48, 32)
QUESTLINE = 2  # quests per level
SCHEMA_KINDS = ("level", "tileset", "character", "quest")


@dataclass(frozen=True)
class PackedAsset:
    path: str  # relative to the pack, '/'-separated
    kind: str
    summary: str


def write_pack(out: Path, seed: int = 1, name: str = "sample") -> list[PackedAsset]:
    """Write a sample pack to ``out``: one level per style at two difficulties, in every format,
    a character of every role (YAML and sprite PNG), and a questline for every level."""
    if out.exists() and not (
        out.is_dir() and (not any(out.iterdir()) or (out / MANIFEST).is_file())
    ):
        raise ExportError(f"{out} exists and is not an asset pack; choose an empty or new folder")
    if not out.parent.is_dir():
        raise ExportError(f"{out}: folder {out.parent} does not exist")
    from procgen import __version__

    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        assets = _build(staging, seed)
        manifest = {
            "$schema": schema_id("pack"),
            "name": name,
            "generator": {"name": "procgen-assets", "version": __version__},
            "seed": seed,
            "assets": [
                {
                    "path": a.path,
                    "kind": a.kind,
                    **_schema_of(a.kind),
                    "sha256": _sha256(staging / a.path),
                }
                for a in assets
            ],
        }
        check(manifest, source=MANIFEST)
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", "utf-8")
        staging.chmod(0o755)  # mkdtemp's 0700 would hide the pack from other users
        _swap_into_place(staging, out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return assets


def _build(root: Path, seed: int) -> list[PackedAsset]:
    assets: list[PackedAsset] = []
    tileset = {
        "$schema": schema_id("tileset"),
        "name": "standard",
        "tiles": STANDARD_TILESET.to_dict(),
    }
    path = inside(root, "tilesets/standard.json")
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(tileset, indent=2) + "\n", "utf-8")
    assets.append(
        PackedAsset("tilesets/standard.json", "tileset", f"{len(STANDARD_TILESET)} tiles")
    )

    cast = _characters(root, seed, assets)
    inside(root, "levels").mkdir()
    inside(root, "quests").mkdir()
    for index, (style, difficulty) in enumerate(
        (style, difficulty) for style in STYLES for difficulty in (0.2, 0.8)
    ):
        level_seed = int(np.random.SeedSequence([seed, index]).generate_state(1)[0])
        made = level(
            seed=level_seed,
            width=LEVEL_SIZE[0],
            height=LEVEL_SIZE[1],
            style=style,
            difficulty=difficulty,
        )
        stem = f"levels/{style}-{'easy' if difficulty < 0.5 else 'hard'}"
        stats = made.meta["stats"]
        summary = (
            f"{made.width}x{made.height} {style}, difficulty {difficulty}, "
            f"path {stats['path_length']}, {len(made.of_kind('enemy'))} enemies"
        )
        for suffix, kind in (
            (".json", "level"),
            (".yaml", "level"),
            (".tmj", "tiled-map"),
            (".png", "image"),
        ):
            made.save(inside(root, stem + suffix))
            assets.append(PackedAsset(stem + suffix, kind, summary))
        assets.append(PackedAsset(f"{stem}.tiles.png", "image", "tileset image of the .tmj"))
        _questline(root, made, cast, stem=stem, seed=level_seed, assets=assets)
    for asset in assets:
        if asset.kind in SCHEMA_KINDS:
            check(read_document(root / asset.path), source=asset.path)
    return assets


def _characters(root: Path, seed: int, assets: list[PackedAsset]) -> list[Character]:
    """A character of every role, as YAML and as its sprite: the cast of the pack's quests."""
    inside(root, "characters").mkdir()
    cast = []
    for index, role in enumerate(ROLES):
        made = character(
            seed=int(np.random.SeedSequence([seed, 100, index]).generate_state(1)[0]),
            role=role,
            level=1 + 4 * index,
        )
        summary = f"{made.name}, level {made.level} {made.role}"
        for suffix, kind in ((".yaml", "character"), (".png", "image")):
            made.save(inside(root, f"characters/{role}{suffix}"))
            assets.append(PackedAsset(f"characters/{role}{suffix}", kind, summary))
        cast.append(made)
    return cast


def _questline(
    root: Path,
    made: Level,
    cast: list[Character],
    *,
    stem: str,
    seed: int,
    assets: list[PackedAsset],
) -> None:
    """Quests for one level, each naming the level's file so a game can find its targets."""
    from procgen.quests.api import questline

    name = stem.removeprefix("levels/")
    for number, quest in enumerate(questline(made, cast, QUESTLINE, seed=seed), start=1):
        document = {**quest.to_dict(), "level": f"{stem}.json"}
        path = f"quests/{name}-{number}.yaml"
        inside(root, path).write_text(dump_yaml(document), "utf-8")
        steps = "+".join(o["action"] for o in document["objectives"])
        assets.append(PackedAsset(path, "quest", f"{quest.title!r} ({steps})"))


def _schema_of(kind: str) -> dict[str, str]:
    return {"schema": schema_id(kind)} if kind in SCHEMA_KINDS else {}


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _swap_into_place(staging: Path, out: Path) -> None:
    """Replace ``out`` (absent, empty, or an old pack) with ``staging`` in two renames."""
    old = None
    if out.exists():
        old = out.with_name(f".{out.name}.old")
        shutil.rmtree(old, ignore_errors=True)
        out.rename(old)
    staging.rename(out)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
