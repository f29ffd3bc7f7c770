"""The JSON Schema of scenario files, generated from the pydantic models.

The committed copy is scenarios/scenario.schema.json; tests/test_schema.py fails when it
drifts from `scenario_schema_text()`. Regenerate with `wargame schema --out
scenarios/scenario.schema.json`.
"""

from __future__ import annotations

import json

from sim.inputs.config_schema import describe
from sim.inputs.schema import Scenario


def scenario_schema_text() -> str:
    schema = describe(Scenario).model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Wargame scenario"
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"
