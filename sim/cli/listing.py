"""What `wargame list` shows: the scenario library and every named parameter.

Parameters are the actors' (config/actors.yaml, `ACTOR.param`) and the model's constants
(config/model.yaml: per track `MODEL.track.name`, scalar rules `MODEL.group.name`), each
with its value, plausible range, source in the report and, where the file format documents
it, a description.
"""

from __future__ import annotations

from typing import Any


def scenario_rows() -> list[dict[str, str]]:
    from sim.inputs.config import list_scenarios, scenario_description

    return [{"name": n, "description": scenario_description(n)} for n in list_scenarios()]


def parameter_rows(config: str = "config") -> list[dict[str, Any]]:
    from sim.inputs.config import load_config
    from sim.inputs.config_schema import TrackConstants, describe
    from sim.inputs.params import ParamKey
    from sim.vocabulary import PARAMS

    cfg = load_config(config)
    rows = [_row(ParamKey.actor_param(a, p), cfg, "") for a in cfg.agents for p in PARAMS]
    for tr, consts in cfg.model.tracks.items():
        for name, field in describe(TrackConstants).model_fields.items():
            if getattr(consts, name) is not None:
                rows.append(_row(ParamKey.track_constant(tr, name), cfg, field.description or ""))
    for group, consts in cfg.model.rules.items():
        for name in consts:
            rows.append(_row(ParamKey.rule_constant(f"{group}.{name}"), cfg, ""))
    for mot, rel in cfg.model.relevance.items():
        for tr in rel.value:
            rows.append(
                _row(
                    ParamKey.relevance_weight(mot, tr),
                    cfg,
                    f"weight of the {mot} motivation on the {tr} track",
                )
            )
    return rows


def _row(key, cfg, description: str) -> dict[str, Any]:
    value, (lo, hi), source = key.sourced(cfg)
    return {
        "key": str(key),
        "value": float(value),
        "range": [float(lo), float(hi)],
        "source": " ".join(source.split()),
        "description": " ".join(description.split()),
    }


# ---------------------------------------------------------------- shell completion
# Typer calls these (`autocompletion=`) with the word typed so far and offers the (value,
# help) pairs that start with it; `wargame --install-completion` installs the shell's side.
# Completion must never fail: a broken config completes nothing rather than printing a
# traceback into the shell.


def complete_scenario(incomplete: str) -> list[tuple[str, str]]:
    """Scenario names of the library that start with the typed word, each with its
    description; nothing for a word that looks like a path (the shell completes files)."""
    if incomplete.startswith((".", "~")) or "/" in incomplete:
        return []
    try:
        rows = scenario_rows()
    except Exception:  # noqa: BLE001 - see above: completion must not fail
        return []
    return [(r["name"], r["description"][:70]) for r in rows if r["name"].startswith(incomplete)]


def complete_set_key(incomplete: str) -> list[tuple[str, str]]:
    """`--set` keys that start with the typed word, each followed by `=` and described by its
    value and range (ACTOR.param, MODEL.track.name, MODEL.group.name, relevance weights);
    nothing once the value is being typed."""
    if "=" in incomplete:
        return []
    try:
        rows = parameter_rows()
    except Exception:  # noqa: BLE001 - see above: completion must not fail
        return []
    return [
        (f"{r['key']}=", f"{r['value']:g} (range {r['range'][0]:g} to {r['range'][1]:g})")
        for r in rows
        if r["key"].startswith(incomplete)
    ]
