"""A seat played unattended (`wargame join ... --bot`): a standing policy read from the
seat's objectives, so every seat plays to its own brief.

Each turn the bot (1) answers the proposals addressed to it — yes when the deal serves an
objective and crosses none of its limits — (2) proposes the agreements its objectives
want and that are missing, at most once every `PROPOSE_EVERY` turns per partner, and
(3) submits a move: priority to partners where a level objective is unmet, an exercise
offer where an exercise objective is unmet and no limit caps exercises, a cautious China
posture when a restraint objective forbids statements.
"""

from __future__ import annotations

PROPOSE_EVERY = 4


def _unmet_levels(objectives: list[dict], state: dict) -> list[dict]:
    out = []
    for o in objectives:
        if o["kind"] == "level" and state["levels"][o["dyad"]][o["track"]] < o["at_least"]:
            out.append(o)
    return out


def _partner(dyad: str, seat: str) -> str:
    a, b = dyad.split("-")
    return b if a == seat else a


def _limits_exercise(objectives: list[dict], dyad: str) -> bool:
    return any(
        o["kind"] == "limit" and o.get("dyad") == dyad and o.get("track") == "exercise"
        for o in objectives
    )


def _restrained(objectives: list[dict], move: str) -> bool:
    return any(
        o["kind"] == "restraint" and o.get("move") == move and o["at_most"] == 0 for o in objectives
    )


def _concedes(objectives: list[dict]) -> bool:
    return any(o["kind"] == "domestic" for o in objectives)


def choose(seat: str, objectives: list[dict], state: dict) -> dict:
    """The move payload for this turn."""
    pri, ex = [], []
    for o in _unmet_levels(objectives, state):
        p = _partner(o["dyad"], seat)
        if p not in pri:
            pri.append(p)
        if o["track"] == "exercise" and not _limits_exercise(objectives, o["dyad"]) and p not in ex:
            ex.append(p)
    posture = "cautious" if _restrained(objectives, "statement") else "neutral"
    return {"priorities": pri, "propose_exercise": ex, "posture": posture}


def answer(
    seat: str, objectives: list[dict], state: dict, proposal: dict
) -> tuple[str, dict | None]:
    """('accept' | 'reject' | 'counter', counter terms) for a proposal addressed to `seat`."""
    kind, terms, dyad = proposal["kind"], proposal["terms"], proposal["dyad"]
    if kind == "exercise":
        return ("reject", None) if _limits_exercise(objectives, dyad) else ("accept", None)
    if kind == "statement_china":
        return ("reject", None) if _restrained(objectives, "statement") else ("accept", None)
    if kind == "agreement" and terms.get("enabler") == "raa":
        j = terms.get("jurisdiction")
        mine_conceded = (j == "host_state" and seat != "JPN") or (
            j == "sending_state" and seat == "JPN"
        )
        if mine_conceded and _concedes(objectives):
            return "counter", {"enabler": "raa", "jurisdiction": "unresolved"}
    return "accept", None


def proposals(seat: str, objectives: list[dict], state: dict) -> list[dict]:
    """New proposals this turn: missing agreements the seat's objectives want."""
    out = []
    turn = state["turn"] + 1
    for o in objectives:
        if o["kind"] != "agreement" or o["enabler"] in state["signed"].get(o["dyad"], []):
            continue
        to = _partner(o["dyad"], seat)
        recent = [
            p
            for p in state["proposals"]
            if p["frm"] == seat
            and p["to"] == to
            and p["kind"] == "agreement"
            and p["terms"].get("enabler") == o["enabler"]
            and turn - p["turn"] < PROPOSE_EVERY
        ]
        if not recent and seat < to:  # one side of each pair proposes, so offers do not cross
            out.append({"to": to, "kind": "agreement", "terms": {"enabler": o["enabler"]}})
    return out
