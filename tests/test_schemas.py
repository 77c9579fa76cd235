"""The JSON Schemas: well-formed, versioned, self-consistent and usable without procgen."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from procgen.schemas import SCHEMA_FILES, schema, schema_id

SCHEMAS = Path(__file__).resolve().parent.parent / "schemas"


def plain_registry() -> Registry:
    """The schemas loaded straight from the repository, with no procgen code involved."""
    documents = [json.loads(path.read_text()) for path in SCHEMAS.glob("*.schema.json")]
    return Registry().with_resources((d["$id"], Resource.from_contents(d)) for d in documents)


@pytest.mark.parametrize("kind", sorted(SCHEMA_FILES))
class TestEachSchema:
    def test_is_a_valid_draft_2020_12_schema(self, kind: str) -> None:
        """Each schema declares draft 2020-12 and passes the metaschema."""
        document = schema(kind)
        assert document["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        Draft202012Validator.check_schema(document)

    def test_has_a_versioned_id(self, kind: str) -> None:
        """Each $id ends in the kind and a major.minor version."""
        assert schema_id(kind).startswith(f"https://procgen-assets.dev/schemas/{kind}/")
        major, minor = schema_id(kind).rsplit("/", 1)[1].split(".")
        assert major.isdigit() and minor.isdigit()

    def test_examples_validate_with_plain_jsonschema(self, kind: str) -> None:
        """Every example in a schema is valid by plain jsonschema, offline."""
        document = schema(kind)
        assert document["examples"]
        validator = Draft202012Validator(document, registry=plain_registry())
        for example in document["examples"]:
            validator.validate(example)
            assert example["$schema"] == schema_id(kind)

    def test_packaged_copy_is_the_repository_file(self, kind: str) -> None:
        """procgen loads exactly the schema file in the repository's schemas/ folder."""
        assert schema(kind) == json.loads((SCHEMAS / SCHEMA_FILES[kind]).read_text())
