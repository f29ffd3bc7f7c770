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
