"""The JSON Schemas (draft 2020-12) every procgen asset validates against, and validation itself.

The schema files live in the repository's top-level ``schemas/`` folder, so that tools outside
Python can use them, and ship inside the wheel as ``procgen/_schemas``. Documents name their schema
in ``$schema``; :func:`validate` picks the schema from it, checks the document, then checks the
rules JSON Schema cannot express, and reports every failure with its JSON pointer.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource

from procgen.errors import AssetFormatError, AssetValidationError, ProcgenError

#: Asset kind -> schema file name.
SCHEMA_FILES = {
    "level": "level.schema.json",
    "tileset": "tileset.schema.json",
    "character": "character.schema.json",
    "quest": "quest.schema.json",
    "pack": "pack.schema.json",
}


def schema_dir() -> Traversable:
    """Where the schema files are: inside the installed package, or the checkout's ``schemas/``."""
    packaged = resources.files("procgen") / "_schemas"
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parent.parent / "schemas"
    if checkout.is_dir():
        return checkout
    raise ProcgenError("procgen's schema files are missing: reinstall the package")


@cache
def schema(kind: str) -> dict[str, Any]:
    """The parsed schema for an asset ``kind`` (one of :data:`SCHEMA_FILES`)."""
    loaded: dict[str, Any] = json.loads((schema_dir() / SCHEMA_FILES[kind]).read_text("utf-8"))
    return loaded


def schema_id(kind: str) -> str:
    return str(schema(kind)["$id"])


@cache
def _registry() -> Registry:
    """All schemas by ``$id``, so cross-schema ``$ref``s resolve offline."""
    return Registry().with_resources(
        (schema_id(kind), Resource.from_contents(schema(kind))) for kind in SCHEMA_FILES
    )


@cache
def validator(kind: str) -> Draft202012Validator:
    """One reusable validator per kind: building them is the expensive part."""
    return Draft202012Validator(schema(kind), registry=_registry())


def kind_of(document: Mapping[str, Any]) -> str:
    """The asset kind a document declares through its ``$schema``."""
    declared = document.get("$schema")
    for kind in SCHEMA_FILES:
        if declared == schema_id(kind):
            return kind
    known = ", ".join(schema_id(kind) for kind in SCHEMA_FILES)
    raise AssetFormatError(f"unknown $schema {declared!r}; expected one of {known}")


def check(document: Any, source: str | None = None) -> str:
    """Validate a parsed document; return its kind or raise :class:`AssetValidationError`."""
    if not isinstance(document, Mapping):
        raise AssetValidationError([("", "a procgen asset is a JSON/YAML object")], source)
    try:
        kind = kind_of(document)
    except AssetFormatError as error:
        raise AssetFormatError(f"{source}: {error}" if source else str(error)) from None
    # Most specific first: a bad entity kind matters more than the "exactly one spawn" it breaks.
    errors = sorted(
        validator(kind).iter_errors(document),
        key=lambda e: (-len(e.absolute_path), [str(p) for p in e.absolute_path]),
    )
    problems = [(_pointer(error), _message(error)) for error in errors]
    if not problems and kind == "level":
        problems = list(_level_rules(document))
    if problems:
        raise AssetValidationError(problems, source)
    return kind


def _pointer(error: ValidationError) -> str:
    return "".join(
        f"/{str(part).replace('~', '~0').replace('/', '~1')}" for part in error.absolute_path
    )


def _message(error: ValidationError) -> str:
    message = error.message
    return message if len(message) <= 200 else message[:197] + "..."


def _level_rules(level: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """The level rules beyond the schema: shape, tiles in the tileset, entity references."""
    width, height, rows = level["width"], level["height"], level["tiles"]
    if len(rows) != height:
        yield "/tiles", f"has {len(rows)} rows but height is {height}"
    tileset = level["tileset"]
    for y, row in enumerate(rows):
        if len(row) != width:
            yield f"/tiles/{y}", f"has {len(row)} characters but width is {width}"
        unknown = sorted(set(row) - set(tileset))
        if unknown:
            yield f"/tiles/{y}", f"uses tiles {''.join(unknown)!r} that the tileset does not define"
    seen: set[str] = set()
    keys = {e["id"] for e in level["entities"] if e["kind"] == "key"}
    for n, entity in enumerate(level["entities"]):
        where = f"/entities/{n}"
        if entity["id"] in seen:
            yield f"{where}/id", f"duplicate entity id {entity['id']!r}"
        seen.add(entity["id"])
        if entity["x"] >= width or entity["y"] >= height:
            yield where, f"({entity['x']}, {entity['y']}) is outside the {width}x{height} map"
        if "key" in entity and entity["key"] not in keys:
            yield f"{where}/key", f"names key {entity['key']!r}, which is not a key in this level"
