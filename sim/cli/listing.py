"""What `wargame list` shows: the scenario library and every named parameter.

Parameters are the actors' (config/actors.yaml, `ACTOR.param`) and the model's constants
(config/model.yaml: per track `MODEL.track.name`, scalar rules `MODEL.group.name`), each
with its value, plausible range, source in the report and, where the file format documents
it, a description.
"""

from __future__ import annotations

from typing import Any


def scenario_rows() -> list[dict[str, str]]:
    from sim.inputs.loader import list_scenarios, read_yaml, scenarios_dir

    out = []
    for name in list_scenarios():
        data, _ = read_yaml(scenarios_dir() / f"{name}.yaml")
        desc = " ".join(str(data.get("description", "")).split()) if isinstance(data, dict) else ""
        out.append({"name": name, "description": desc})
    return out


def parameter_rows(config: str = "config") -> list[dict[str, Any]]:
    from sim.inputs.loader import load_config
    from sim.inputs.schema import TrackConstants
    from sim.vocabulary import AGENT_ACTORS, PARAMS

    cfg = load_config(config)
    rows = []
    for a in AGENT_ACTORS:
        for p in PARAMS:
            v = cfg.actors[a].params[p]
            rows.append(_row(f"{a}.{p}", v, ""))
    for tr, consts in cfg.model.tracks.items():
        for name, field in TrackConstants.model_fields.items():
            v = getattr(consts, name)
            if v is not None:
                rows.append(_row(f"MODEL.{tr}.{name}", v, field.description or ""))
    for group, consts in cfg.model.rules.items():
        for name, v in consts.items():
            rows.append(_row(f"MODEL.{group}.{name}", v, ""))
    for mot, rel in cfg.model.relevance.items():
        for tr, value in rel.value.items():
            rows.append({"key": f"MODEL.relevance.{mot}.{tr}", "value": float(value),
                         "range": [float(rel.range[0]), float(rel.range[1])],
                         "source": " ".join(rel.source.split()),
                         "description": f"weight of the {mot} motivation on the {tr} track"})
    return rows


def _row(key: str, v, description: str) -> dict[str, Any]:
    return {"key": key, "value": float(v.value), "range": [float(v.range[0]), float(v.range[1])],
            "source": " ".join(v.source.split()), "description": " ".join(description.split())}
