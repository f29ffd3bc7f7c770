"""Fixed vocabularies of the model: actors, tracks, world indices, enablers, parameters.

Names come from the report (reference digest §2–§3). Everything else in the package indexes
its arrays by the positions defined here, so this module is the one place they are declared.
"""

from __future__ import annotations

from typing import Literal, get_args

# Each vocabulary is one `Literal` (the type pydantic checks files against); its runtime
# tuple, in array order, is derived from it.

#: The report's five actors, played by seats or by the rules.
AgentActor = Literal["JPN", "GBR", "FRA", "DEU", "NATO"]
#: Actors whose choices are the world's (indices and shocks), not the rules'.
ContextActor = Literal["USA", "CHN", "RUS"]
Actor = Literal[AgentActor, ContextActor]
AGENT_ACTORS: tuple[str, ...] = get_args(AgentActor)
CONTEXT_ACTORS: tuple[str, ...] = get_args(ContextActor)
ACTORS: tuple[str, ...] = get_args(Actor)

Track = Literal["dialogue", "exchange", "exercise"]
TRACKS: tuple[str, ...] = get_args(Track)

#: The two sides of a dyad, in the order its name gives them ('JPN-DEU': JPN first, DEU
#: second): the side axis of a dyad's actors (`pairs`), desires, offers, attention and spending.
Side = Literal["first", "second"]
SIDES: tuple[str, ...] = get_args(Side)
FIRST, SECOND = (SIDES.index(s) for s in SIDES)

#: Top of the report's 0–5 scale of every track (digest §3).
SCALE = 5.0
#: The longest game, in turns (quarters).
MAX_TURNS = 400

#: World indices, each in [0, 1] (DESIGN "World indices").
Index = Literal[
    "china_assertiveness",
    "russian_aggression",
    "nk_provocation",
    "us_engagement",
    "budget_pressure",
    "japan_activism",
]
INDICES: tuple[str, ...] = get_args(Index)

#: Agreements that gate tracks (digest §3 enabler matrix).
Enabler = Literal["isa", "acsa", "equipment", "two_plus_two", "raa", "partnership"]
ENABLERS: tuple[str, ...] = get_args(Enabler)

#: Why an actor cooperates (Ch2–Ch6 motivations); the first actor parameters.
Motivation = Literal[
    "protect_order",
    "support_us",
    "regional_interests",
    "industrial",
    "operational_knowledge",
    "stakeholder_image",
    "indo_pacific_awareness",
]
MOTIVATIONS: tuple[str, ...] = get_args(Motivation)
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
    return ANCHORS[track][int(min(SCALE, max(0, round(level))))]
