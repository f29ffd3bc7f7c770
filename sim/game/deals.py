"""Proposals between teams and how an accepted deal acts through the engine.

A deal is two seats' promise for the turn being played: both sides' Moves carry it (an
exercise both propose, an agreement both open, a joint statement both make), and an RAA
with settled criminal jurisdiction also removes the negotiation's blocker, at a domestic cost
to the side that conceded (Ch3 UK › Training and Exercises: "Neither country has shown
flexibility"). The engine does the rest: levels, signatures, retaliation.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from sim.engine.moves import Move
from sim.game.protocol import Terms
from sim.inputs.schema import ParamEffect, Shock
from sim.vocabulary import ENABLERS

AGREEMENTS = {
    "isa": "an Information Security Agreement",
    "acsa": "an Acquisition and Cross-Servicing Agreement",
    "equipment": "an equipment and technology transfer agreement",
    "two_plus_two": "a 2+2 ministerial format",
    "raa": "a Reciprocal Access Agreement",
    "partnership": "a partnership programme",
}


@dataclass
class Proposal:
    id: str
    turn: int
    """Turn being played when it was made (it lapses when that turn resolves)."""
    frm: str
    to: str
    kind: str
    terms: dict
    dyad: str
    status: str = "open"  # open, accepted, rejected, countered, lapsed
    counter_of: str | None = None
    history: list[str] = field(default_factory=list)

    def text(self) -> str:
        t = self.terms
        what = {
            "exercise": "a joint exercise",
            "equipment": "an equipment project",
            "statement_china": "a joint statement on China",
            "statement_russia": "a joint statement on Russia",
            "two_plus_two": "2+2 ministerial talks",
        }.get(self.kind)
        if self.kind == "agreement":
            what = f"negotiations on {AGREEMENTS.get(t.get('enabler'), 'an agreement')}"
            if t.get("jurisdiction") and t["jurisdiction"] != "unresolved":
                what += f" (criminal jurisdiction: {t['jurisdiction'].replace('_', ' ')})"
        return f"{self.frm} proposes to {self.to}: {what}" + (
            f" — {t['text']}" if t.get("text") else ""
        )

    def to_dict(self) -> dict:
        d = asdict(self)
        d["summary"] = self.text()
        return d


def dyad_of(dyads: tuple[str, ...], a: str, b: str) -> str | None:
    for d in dyads:
        if set(d.split("-")) == {a, b}:
            return d
    return None


def check_terms(kind: str, terms: Terms, dyad: str, applicable: dict[str, bool]) -> str | None:
    """Why these terms are not valid for this dyad, or None."""
    if kind == "agreement":
        if terms.enabler not in ENABLERS:
            return f"an agreement needs terms.enabler; allowed: {', '.join(ENABLERS)}"
        if not applicable.get(terms.enabler, False):
            return f"{terms.enabler} does not apply to {dyad}"
    if terms.jurisdiction is not None and not (kind == "agreement" and terms.enabler == "raa"):
        return "jurisdiction is a term of an RAA only"
    return None


def deal_moves(p: Proposal) -> dict[str, Move]:
    """What each side's move gains from the accepted deal, per seat."""
    out: dict[str, Move] = {}
    for me, other in ((p.frm, p.to), (p.to, p.frm)):
        m: dict = {}
        if p.kind == "exercise":
            m["propose_exercise"] = [other]
        elif p.kind == "agreement":
            m["propose_agreement"] = [f"{p.dyad}.{p.terms['enabler']}"]
        elif p.kind == "equipment":
            m["buy_equipment"] = [other]
        elif p.kind == "statement_china":
            m["statement"] = True
        elif p.kind == "statement_russia":
            m["statement_russia"] = True
        elif p.kind == "two_plus_two":
            m["request_two_plus_two"] = [other]
        out[me] = Move(actor=me, **m)
    return out


def terms_shock(p: Proposal, dyad: str, turn: int, concession_cost: float) -> Shock | None:
    """The RAA's settled jurisdiction: the blocker goes, the conceding side pays at home
    (its domestic constraint rises by `concession_cost`, config/classroom.yaml)."""
    j = p.terms.get("jurisdiction")
    if p.kind != "agreement" or p.terms.get("enabler") != "raa" or j in (None, "unresolved"):
        return None
    japan, partner = dyad.split("-")
    conceder = partner if j == "host_state" else japan
    return Shock(
        id=f"deal-{p.id}",
        name=f"{dyad} settle the RAA's criminal jurisdiction ({j.replace('_', ' ')} courts)",
        description=f"turn {turn}: {conceder} concedes; domestic critics react",
        source="Ch3 UK › Training and Exercises",
        enablers={f"{dyad}.raa": "unblock"},
        params={f"{conceder}.domestic_constraint": ParamEffect(add=concession_cost)},
    )


def merge(moves: list[Move]) -> Move:
    """One actor's move from several: lists joined without repeats, flags or-ed, the first
    posture that is not neutral, notes joined."""
    out: dict = {"actor": moves[0].actor}
    for mv in moves:
        for k, v in mv.model_dump().items():
            if isinstance(v, list):
                cur = out.setdefault(k, [])
                cur.extend(x for x in v if x not in cur)
            elif isinstance(v, bool):
                out[k] = out.get(k, False) or v
            elif k == "posture":
                if out.get("posture", "neutral") == "neutral":
                    out[k] = v
            elif k == "note" and v:
                out[k] = (out.get(k, "") + "; " + v).strip("; ")[:200]
    return Move(**out)
