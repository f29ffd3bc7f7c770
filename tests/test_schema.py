import json
import pathlib

from sim.inputs.schema_json import scenario_schema_text

COMMITTED = pathlib.Path(__file__).resolve().parent.parent / "scenarios" / "scenario.schema.json"


def test_committed_json_schema_matches_the_models():
    assert COMMITTED.read_text() == scenario_schema_text(), (
        "scenario.schema.json is stale: run `wargame schema --out scenarios/scenario.schema.json`"
    )


def test_schema_rejects_unknown_keys_and_documents_fields():
    schema = json.loads(scenario_schema_text())
    assert schema["additionalProperties"] is False
    assert "description" in schema["properties"]["turns"]


def test_describe_reads_field_docstrings_of_nested_and_inherited_models():
    from pydantic import Field

    from sim.inputs.config_schema import Strict, describe

    class Inner(Strict):
        depth: int = 0
        """How deep.

        Second paragraph."""

    class Base(Strict):
        size: int = 1
        """The base's size."""
        kept: int = Field(0, description="written in Field")
        """not this one"""

    class Outer(Base):
        size: int = 2
        """The subclass's size."""
        inner: list[Inner] | None = None
        """Nested models."""

    assert Outer.model_fields["size"].description is None  # nothing read at definition
    schema = describe(Outer).model_json_schema()
    props = schema["properties"]
    assert props["size"]["description"] == "The subclass's size."
    assert props["kept"]["description"] == "written in Field"
    assert props["inner"]["description"] == "Nested models."
    assert schema["$defs"]["Inner"]["properties"]["depth"]["description"] == (
        "How deep.\n\nSecond paragraph."
    )
    assert describe(Base).model_fields["size"].description == "The base's size."
