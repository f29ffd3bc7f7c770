"""Fixed vocabularies of the model: actors, tracks, world indices, enablers, parameters.

Names come from the report (reference digest §2–§3). Everything else in the package indexes
its arrays by the positions defined here, so this module is the one place they are declared.
"""

from __future__ import annotations

from typing import Literal

AGENT_ACTORS: tuple[str, ...] = ("JPN", "GBR", "FRA", "DEU", "NATO")
CONTEXT_ACTORS: tuple[str, ...] = ("USA", "CHN", "RUS")
ACTORS: tuple[str, ...] = AGENT_ACTORS + CONTEXT_ACTORS

TRACKS: tuple[str, ...] = ("dialogue", "exchange", "exercise")
Track = Literal["dialogue", "exchange", "exercise"]

#: World indices, each in [0, 1] (DESIGN "World indices").
INDICES: tuple[str, ...] = (
    "china_assertiveness",
    "russian_aggression",
    "nk_provocation",
    "us_engagement",
    "budget_pressure",
    "japan_activism",
)

#: Agreements that gate tracks (digest §3 enabler matrix).
ENABLERS: tuple[str, ...] = ("isa", "acsa", "equipment", "two_plus_two", "raa", "partnership")

MOTIVATIONS: tuple[str, ...] = (
    "protect_order",
    "support_us",
    "regional_interests",
    "industrial",
    "operational_knowledge",
    "stakeholder_image",
    "indo_pacific_awareness",
)
DIVERGENCES: tuple[str, ...] = ("china_threat", "china_caution", "russia_threat", "russia_priority")
CONSTRAINTS: tuple[str, ...] = (
    "bandwidth",
    "domestic_constraint",
    "consensus_friction",
    "us_equipment_dependence",
)
#: How an actor responds to what others do (model v2): Chinese coercion and retaliation,
#: Russia as a threat linking theatres, the US frame, presence in the Indo-Pacific.
RESPONSES: tuple[str, ...] = (
    "coercion_resolve",
    "retaliation_sensitivity",
    "theatre_linkage",
    "europe_pull",
    "us_sponsorship",
    "us_hedging",
    "presence_appetite",
)
#: A member's own objection to its alliance's China-framed cooperation with Indo-Pacific
#: partners, by kind (model v3): dialogue and offices, exchanges, exercises, and
#: agreements such as partnership programmes (Ch6 NATO › Divergence).
STANCES: tuple[str, ...] = (
    "withhold_dialogue",
    "withhold_exchange",
    "withhold_exercise",
    "withhold_agreements",
)
#: Every named actor parameter, in array order (params[..., PARAMS.index(name)]).
PARAMS: tuple[str, ...] = MOTIVATIONS + DIVERGENCES + CONSTRAINTS + RESPONSES + STANCES

#: Value a parameter of RESPONSES or STANCES takes in a config folder written before it
#: existed: the neutral choice, under which the mechanism is off for that actor.
PARAM_DEFAULTS: dict[str, float] = {p: 0.0 for p in RESPONSES + STANCES}

#: Driver groups of the additive explanation of a level change (DESIGN "Explanations").
DRIVERS: tuple[str, ...] = (
    "threats",
    "motivations",
    "china_caution",
    "russia_divergence",
    "constraints",
    "bandwidth",
    "enablers",
    "moves",
    "ties",
    "noise",
)
#: The part of a change left had no driver moved since the start of the window explained.
MOMENTUM = "momentum"

DRIVER_LABELS: dict[str, str] = {
    "momentum": "the relationship's own momentum",
    "threats": "the threat picture (China, Russia, North Korea)",
    "motivations": "the partners' motivations",
    "china_caution": "the gap in caution toward China",
    "russia_divergence": "the gap in priority given to Russia",
    "constraints": "domestic and institutional constraints",
    "bandwidth": "bandwidth (money, people, attention)",
    "enablers": "the agreements that cap or open the track",
    "moves": "the players' moves",
    "ties": "what the partners have built or resent (interoperability, trust, frustration, presence)",
    "noise": "chance",
}

#: Anchors of the report's 0–5 scale per track (digest §3), index = rounded level.
ANCHORS: dict[str, tuple[str, ...]] = {
    "dialogue": (
        "none",
        "ad hoc visits only",
        "standing working-level dialogues",
        "standing dialogues plus ministerial contact",
        "full suite with regular 2+2",
        "alliance-level institutions",
    ),
    "exchange": (
        "none",
        "sporadic exchanges",
        "regular exchanges, an enabling agreement",
        "agreements in place, limited practical cooperation",
        "dense exchanges, several projects",
        "co-development and production at scale",
    ),
    "exercise": (
        "none",
        "goodwill visits only",
        "occasional basic exercises",
        "recurring exercises, mainly one service",
        "all three services, operationally relevant",
        "regular combined exercises under an RAA",
    ),
}


def anchor(track: str, level: float) -> str:
    """Plain-language anchor of `level` on `track` (the nearest integer rung)."""
    return ANCHORS[track][int(min(5, max(0, round(level))))]
