"""Hard bounds and defaults of every named value of the file formats.

A value outside its domain is an error wherever it is written (config/, a scenario, --set,
a sweep); the plausible `range:` of config/ lies inside it. Defaults are what a config
folder written before a constant existed gets: the value that switches the mechanism off or
keeps the first version's behaviour. Parameter keys (sim/inputs/params.py) read their
bounds here; the pydantic models (sim/inputs/config_schema.py) check ranges against them.
"""

from __future__ import annotations

from sim.vocabulary import PARAMS

#: Hard bounds of each parameter (a value outside is an error; `range:` is the plausible part).
PARAM_DOMAIN: dict[str, tuple[float, float]] = {p: (0.0, 1.0) for p in PARAMS} | {
    "bandwidth": (0.0, 20.0)
}

#: Hard bounds of each per-track constant (a value or range outside is an error).
TRACK_DOMAIN: dict[str, tuple[float, float]] = {
    "bias": (-10.0, 10.0),
    "caution_gap": (0.0, 10.0),
    "own_caution": (0.0, 10.0),
    "russia_gap": (0.0, 10.0),
    "domestic": (0.0, 10.0),
    "visibility": (0.0, 1.0),
    "cost": (1e-6, 5.0),
    "bandwidth_priority": (1e-6, 10.0),
    "up": (0.0, 1.0),
    "down": (0.0, 1.0),
    "noise": (0.0, 1.0),
    "event_rate": (0.0, 1.0),
    "missing_enabler": (0.0, 5.0),
    "interop": (0.0, 5.0),
    "trust": (0.0, 5.0),
    "frustration": (0.0, 5.0),
    "missions": (0.0, 5.0),
    "presence": (0.0, 5.0),
    "capacity": (0.0, 3.0),
    "domestic_gate": (0.0, 5.0),
}
#: Per-track constants added with model v2, and their value in a config folder written
#: before them (the mechanism off).
TRACK_DEFAULTS: dict[str, float] = {
    "missing_enabler": 0.0,
    "interop": 0.0,
    "trust": 0.0,
    "frustration": 0.0,
    "missions": 0.0,
    "presence": 0.0,
    "capacity": 0.0,
    "domestic_gate": 0.0,
}

#: Scalar rule constants (config/model.yaml `rules:`), keyed 'group.name': hard bounds and
#: the value a config folder written before them gets (which switches the mechanism off or
#: keeps the first version's behaviour).
RULE_DOMAIN: dict[str, tuple[float, float, float]] = {
    "meet.pull": (0.0, 1.0, 0.0),
    "meet.saturation": (0.1, 10.0, 1.0),
    "meet.trust_pull": (0.0, 1.0, 0.0),
    "meet.priority_pull": (0.0, 1.0, 0.0),
    "memory.interop_gain": (0.0, 1.0, 0.0),
    "memory.interop_decay": (0.0, 1.0, 0.0),
    "memory.trust_rate": (0.0, 1.0, 0.0),
    "memory.frustration_gain": (0.0, 1.0, 0.0),
    "memory.frustration_decay": (0.0, 1.0, 1.0),
    "china.caution_rate": (0.0, 1.0, 0.0),
    "china.coercion_caution": (0.0, 2.0, 0.0),
    "china.coercion_threat": (0.0, 2.0, 0.0),
    "china.retaliation_caution": (0.0, 2.0, 0.0),
    "china.coercion_decay": (0.0, 1.0, 0.1),
    "china.retaliation_rate": (0.0, 1.0, 0.0),
    "china.retaliation_size": (0.0, 1.0, 0.0),
    "russia.pull": (0.0, 1.0, 0.6),
    "russia.linkage": (0.0, 2.0, 0.0),
    "us.floor": (0.0, 1.0, 0.4),
    "presence.rate": (0.0, 1.0, 0.0),
    "presence.cost": (0.0, 5.0, 0.0),
    "presence.threat": (0.0, 5.0, 0.0),
    "agreements.pressure_scale": (0.01, 5.0, 0.01),
    "agreements.threat_drive": (0.0, 5.0, 0.0),
    "agreements.nk_drive": (0.0, 5.0, 0.0),
    "agreements.activism_drive": (0.0, 5.0, 0.0),
    "agreements.two_plus_two_drive": (0.0, 5.0, 0.0),
    "agreements.blocker_relief": (0.0, 1.0, 0.0),
    "agreements.blocker_politics": (0.0, 1.0, 0.0),
    "agreements.stall_turns": (1.0, 100.0, 8.0),
    "agreements.interval": (0.0, 40.0, 0.0),
    "events.alliance_dialogue": (0.0, 1.0, 1.0),
    "agreements.format_agenda": (0.0, 5.0, 0.0),
    "agreements.access_reach": (0.0, 5.0, 0.0),
    "agreements.member_veto": (0.0, 1.0, 0.0),
    "moves.posture_shift": (0.0, 1.0, 0.25),
    "moves.priority_weight": (1.0, 5.0, 1.5),
    "moves.other_weight": (0.0, 1.0, 0.75),
    "moves.priority_attention": (0.0, 3.0, 0.0),
    "moves.exercise_boost": (0.0, 5.0, 1.0),
    "moves.statement_threat": (0.0, 1.0, 0.2),
    "moves.statement_caution": (0.0, 1.0, 0.15),
    "moves.russia_statement": (0.0, 1.0, 0.0),
    "moves.deploy_presence": (0.0, 1.0, 0.0),
    "moves.buy_exchange": (0.0, 5.0, 0.0),
    "moves.two_plus_two_dialogue": (0.0, 5.0, 0.0),
    "moves.agreement_push": (0.0, 10.0, 0.0),
    "moves.invitation_pull": (0.0, 1.0, 0.0),
    "moves.exercise_event": (0.0, 1.0, 0.0),
    "moves.proposal_relief": (0.0, 1.0, 0.0),
    "memory.stance_decay": (0.0, 1.0, 1.0),
    "agreements.press_margin": (0.0, 2.0, 0.05),
    "agreements.open_strength": (0.0, 1.0, 1.0),
    "salience.nk": (0.0, 2.0, 0.3),
    "salience.cap": (0.1, 5.0, 1.5),
    "salience.regional_base": (0.0, 2.0, 0.3),
    "salience.regional_china": (0.0, 2.0, 0.4),
    "salience.regional_nk": (0.0, 2.0, 0.3),
    "salience.dependence": (0.0, 1.0, 0.7),
    "salience.outlet_power": (0.0, 5.0, 2.0),
    "salience.knowledge_base": (0.0, 2.0, 0.6),
    "salience.knowledge_nk": (0.0, 2.0, 0.4),
    "salience.image": (0.0, 2.0, 1.0),
    "salience.awareness_base": (0.0, 2.0, 0.4),
    "salience.awareness_china": (0.0, 2.0, 0.6),
    "activism.japan_base": (0.0, 2.0, 0.5),
    "activism.partner_base": (0.0, 2.0, 0.65),
    "activism.partner_slope": (0.0, 2.0, 0.5),
    "bandwidth.budget": (0.0, 1.0, 0.5),
    "bandwidth.substitution": (0.0, 3.0, 0.0),
    "bandwidth.stretch": (0.0, 1.0, 0.0),
    "russia.gap_base": (0.0, 2.0, 0.3),
    "agreements.will_relief": (0.0, 5.0, 0.0),
    "agreements.presence_headroom": (0.0, 3.0, 0.0),
    "agreements.anticipation": (0.0, 2.0, 0.0),
    "agreements.pace_isa": (0.0, 10.0, 0.0),
    "agreements.pace_acsa": (0.0, 10.0, 0.0),
    "agreements.pace_equipment": (0.0, 10.0, 0.0),
    "agreements.pace_two_plus_two": (0.0, 10.0, 0.0),
    "agreements.pace_raa": (0.0, 10.0, 0.0),
    "agreements.pace_partnership": (0.0, 10.0, 0.0),
    "presence.nk": (0.0, 2.0, 0.0),
    "presence.capacity": (0.0, 3.0, 0.0),
    "presence.stake": (0.0, 3.0, 0.0),
    "presence.caution": (0.0, 3.0, 0.0),
    "presence.exercise_saving": (0.0, 1.0, 0.0),
    "presence.exercise_floor": (0.0, 5.0, 5.0),
    "presence.exercise_span": (0.0, 20.0, 0.0),
    "agreements.tilt_drive": (0.0, 5.0, 0.0),
    "agreements.caution_drag": (0.0, 1.0, 0.0),
    "agreements.capacity_drive": (0.0, 5.0, 0.0),
    "agreements.reach": (0.0, 5.0, 5.0),
    "agreements.urgency_base": (0.0, 5.0, 1.0),
    "agreements.urgency_power": (0.5, 4.0, 1.0),
    "constraints.partner_weight": (0.0, 2.0, 0.0),
    "constraints.consensus_erosion": (0.0, 1.0, 0.0),
    "constraints.lapse_rate": (0.0, 1.0, 0.05),
    "us.frame": (0.0, 5.0, 1.0),
    "us.reference": (0.0, 1.0, 0.5),
    "us.sponsored_exercise": (0.0, 3.0, 0.0),
    "constraints.gate_power": (1.0, 4.0, 1.0),
    "agreements.pressure_decay": (0.01, 1.0, 1.0),
    "salience.industry_floor": (0.01, 1.0, 0.01),
}
#: Hard bounds of a motivation's weight on a track (MODEL.relevance.motivation.track).
RELEVANCE_DOMAIN: tuple[float, float] = (0.0, 10.0)
