"""The directional battery: the report's claims as paired experiments with rules fixed first.

Each claim of config/claims.yaml names a source in the report (chapter › section), a
control and a treatment (a scenario, `--set` overrides, extra shocks and standing moves),
a metric, a direction and a window of turns. Control and treatment run the same run indices
under the same seed (common random numbers, sim/engine/rng.py), so per-run differences isolate the
change. The rule is written before the model is tuned and is not changed to fit.

Metrics, each a value per run:
- `level`: mean level of the listed dyads and tracks over the window's turns;
- `spent`: bandwidth `actor` gives the listed dyads, mean over the window's turns;
- `signed`: 1 if the agreement is in force by the window's end (a share of runs);
- `presence`, `caution`: per-actor Indo-Pacific presence and effective China caution,
  mean over the window's turns (when the engine records them).

Kinds: a `claim` is a claim of the report and is scored; a `mechanism` checks the model's own
parameters or rules (its treatment sets what its metric reads, removes the cap in front of
it, or adds a move's bonus and reads it back), so it can only fail if the model is broken:
it runs and is shown like a claim, marked and counted apart, and never scored (`--strict`
reads claims only).

Verdicts:
- at the point estimates (the config's values): the claim holds when the paired effect
  has the stated sign and exceeds the metric's threshold (`THRESHOLDS`). The effect is
  the mean per-run difference, as in `wargame compare` (for `signed`, the difference in
  shares): a lever that acts through an event in some runs only (talks concluded sooner,
  which lift a cap) shows its expected size, where the median run would show none of it.
  The interval shown is the 5–95% range of per-run differences (for `signed`, a 90%
  bootstrap interval of the share difference).
- robustly: the config's plausible ranges (every actor parameter `range:` and every rule
  constant range) are sampled as a Latin hypercube of N points (sim/research/uncertainty.py), each
  point run `RUNS_PER_POINT` times on the ensemble axis, control and treatment on the same
  points and seeds. The claim holds at a point when that point's effect (the mean over its
  runs, or share difference) passes the same rule; it holds robustly when it holds at
  `ROBUST_SHARE` (80%) of the points or more.

A claim that needs a lever the engine lacks (a parameter, shock key, move field or per-turn
record listed under `pending_levers:` of the claims file) is reported as FAIL with the
reason "lever not in this engine: <name>"; it is not run. Claims that fail stay in the
file; the table says why they fail.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.errors import InputError, allowed, did_you_mean
from sim.research.claims import (  # noqa: F401  (the battery's public names)
    Arm,
    Claim,
    ClaimsFile,
    Metric,
    StandingMove,
    Window,
    arm_moves,
    arm_setup,
    claims_path,
    direct_reads,
    display_lever,
    load_claims,
    missing_levers,
    rule_text,
)
from sim.research.uncertainty import robust_driver
from sim.vocabulary import ENABLERS, TRACKS

#: Size an effect must exceed, per metric: a change a reader of the table would call a
#: change. Levels on the report's 0–5 scale; bandwidth in the config's units (an actor has
#: 2–11, a dyad gets a fraction of that); shares of runs. Presence and caution are per-actor
#: states on a 0–1 scale, read like shares, so they take the shares' 0.05 (a twentieth of
#: the scale; a fifth or less of the width of a caution's plausible range in
#: config/actors.yaml). Nothing in their scale calls for a different size.
THRESHOLDS: dict[str, float] = {
    "level": 0.05,
    "spent": 0.05,
    "signed": 0.05,
    "presence": 0.05,
    "caution": 0.05,
}
KINDS: tuple[str, ...] = ("claim", "mechanism")
ROBUST_SHARE = 0.8
LHS = "Latin-hypercube points of the config's ranges"
#: Runs per sampled point of the robust check: a share of r runs moves in steps of 1/r,
#: finer than the shares' 0.05 only with r well above 20 (at 8, one run is 0.125 and a
#: point's verdict on an agreement was mostly chance). Paired levels hardly move with r.
RUNS_PER_POINT = 32
DEFAULT_SAMPLES = 64


# ------------------------------------------------------------------------ running


@dataclass
class ArmResult:
    """What the metrics read from one arm's ensemble (point runs first, then samples)."""

    actors: tuple[str, ...]  # agent actors in array order
    dyads: tuple[str, ...]
    pairs: np.ndarray  # (D, 2)
    levels: np.ndarray  # (T+1, R, D, K)
    spent: np.ndarray  # (T, R, D, 2)
    in_force: np.ndarray  # (T+1, R, D, E) bool
    records: dict[str, np.ndarray]  # presence / caution (T, R, A) when recorded


@dataclass
class Outcome:
    """The verdict on one claim."""

    claim: Claim
    effect: float | None = None
    low: float | None = None
    high: float | None = None
    robust_share: float | None = None
    holds_point: bool = False
    holds_robust: bool = False
    reason: str = ""
    #: (parameter, rank correlation of the claim's effect per point with its values) for a
    #: claim that fails the robust check, when one stands out (`robust_driver`)
    driver: tuple[str, float] | None = None
    #: for a share metric, the sampled points at which the control's share leaves the claim
    #: no room to pass: at least 1 - threshold for a rise, at most the threshold for a fall
    #: (an agreement the control concludes anyway, or never)
    no_room: int | None = None

    @property
    def passed(self) -> bool:
        return self.holds_point and self.holds_robust

    def as_dict(self) -> dict[str, Any]:
        c = self.claim
        return {
            "id": c.id,
            "kind": c.kind,
            "source": c.source,
            "rule": rule_text(c),
            "effect": self.effect,
            "low": self.low,
            "high": self.high,
            "robust_share": self.robust_share,
            "holds_point": self.holds_point,
            "holds_robust": self.holds_robust,
            "reason": self.reason,
            "driver": None
            if self.driver is None
            else {"key": self.driver[0], "rho": self.driver[1]},
            "no_room": self.no_room,
        }


class Battery:
    """Runs claims on paired ensembles, sharing the ensemble of an arm used by several."""

    def __init__(
        self,
        doc: ClaimsFile,
        runs: int = 200,
        samples: int = DEFAULT_SAMPLES,
        seed: int = 0,
        runs_per_point: int = RUNS_PER_POINT,
    ):
        if runs < 1 or samples < 1 or runs_per_point < 1:
            raise InputError(
                "battery", "runs", "runs, samples and runs per point must be at least 1"
            )
        self.doc, self.runs, self.samples, self.seed = doc, runs, samples, seed
        self.runs_per_point = runs_per_point
        self._cache: dict[str, ArmResult] = {}
        self._uses: dict[str, int] = {}
        self._sample = None

    # -- arms
    def _key(self, claim: Claim, side: str) -> str:
        arm = getattr(claim, side)
        return json.dumps(arm.model_dump(mode="json"), sort_keys=True)

    def parameter_sample(self, setup):
        """The robust check's parameter sets: draws of the shipped posterior, or the Latin
        hypercube of the config's ranges when `self.prior` is set (validate-model --prior)
        or no posterior fits this model (the sample's `note` says why)."""
        from sim.research.posterior_file import parameter_sample

        if self._sample is None:
            self._sample = parameter_sample(
                setup, self.samples, self.runs_per_point, self.seed, getattr(self, "prior", False)
            )
        return self._sample

    def arm(self, claim: Claim, side: str) -> ArmResult:
        key = self._key(claim, side)
        if key in self._cache:
            return self._cache[key]
        from sim.engine.model import Ensemble

        setup = arm_setup(claim, side, self.doc._source)
        moves = arm_moves(claim, side, self.doc._source)
        ps = self.parameter_sample(setup)
        runs = np.arange(self.runs + ps.runs)
        m = Ensemble(
            setup, seed=self.seed, runs=runs, run_params=ps.run_params(setup, prefix=self.runs)
        )
        for t in range(1, setup.turns + 1):
            m.submit([mv for start, end, mv in moves if start <= t and (end is None or t <= end)])
            m.step()
        in_force = [np.repeat(setup.signed[None], len(runs), axis=0)]
        for r in m.history:
            in_force.append(in_force[-1] | r.signed)
        records = {}
        for name in ("presence", "caution"):
            if m.history and getattr(m.history[0], name, None) is not None:
                records[name] = np.stack([np.asarray(getattr(r, name)) for r in m.history])
        res = ArmResult(
            tuple(setup.actors),
            setup.dyads,
            setup.pairs,
            m.level_history(),
            np.stack([r.spent for r in m.history]),
            np.stack(in_force),
            records,
        )
        if self._uses.get(key, 0) > 1:
            self._cache[key] = res
        return res

    def _release(self, claim: Claim) -> None:
        for side in ("control", "treatment"):
            key = self._key(claim, side)
            self._uses[key] -= 1
            if self._uses[key] <= 0:
                self._cache.pop(key, None)

    # -- metrics
    def values(self, claim: Claim, res: ArmResult) -> np.ndarray:
        """The metric per run (R,)."""
        mt, w = claim.metric, claim.window
        T = res.levels.shape[0] - 1
        if w.end > T:
            raise InputError(
                self.doc._source,
                f"{claim.id}.window.end",
                f"turn {w.end} is after the last turn ({T})",
            )
        didx = []
        for d in mt.dyads:
            if d not in res.dyads:
                raise InputError(
                    self.doc._source,
                    f"{claim.id}.metric.dyads",
                    f"unknown dyad '{d}'{did_you_mean(d, res.dyads)}; {allowed(res.dyads)}",
                )
            didx.append(res.dyads.index(d))
        turns = slice(w.start, w.end + 1)
        if mt.kind == "level":
            kidx = [TRACKS.index(k) for k in mt.tracks]
            return res.levels[turns][:, :, didx][..., kidx].mean(axis=(0, 2, 3))
        if mt.kind == "signed":
            e = ENABLERS.index(mt.enabler)
            return res.in_force[w.end][:, didx, e].mean(axis=1).astype(float)
        step_turns = slice(max(w.start, 1) - 1, w.end)  # record t-1 holds turn t
        if mt.kind == "spent":
            a = res.actors.index(mt.actor)
            side = [int(np.flatnonzero(res.pairs[d] == a)[0]) for d in didx]
            sp = res.spent[step_turns]  # (T', R, D, 2)
            return np.mean([sp[:, :, d, s] for d, s in zip(didx, side, strict=True)], axis=(0, 1))
        rec = res.records[mt.kind][step_turns]  # (T', R, A)
        aidx = [res.actors.index(a) for a in mt.actors]
        return rec[:, :, aidx].mean(axis=(0, 2))

    # -- verdicts
    def evaluate(self, claim: Claim) -> Outcome:
        out = Outcome(claim)
        missing = missing_levers(claim)
        if missing:
            out.reason = "lever not in this engine: " + ", ".join(display_lever(n) for n in missing)
            return out
        ctrl, treat = self.arm(claim, "control"), self.arm(claim, "treatment")
        if claim.metric.kind in ("presence", "caution") and claim.metric.kind not in ctrl.records:
            out.reason = f"lever not in this engine: history.{claim.metric.kind}"
            return out
        base = self.values(claim, ctrl)
        diff = self.values(claim, treat) - base
        sign = 1.0 if claim.direction == "up" else -1.0
        thr = THRESHOLDS[claim.metric.kind]
        share_metric = claim.metric.kind == "signed"
        point, sampled = diff[: self.runs], diff[self.runs :]
        # the mean paired difference, `wargame compare`'s estimand: an effect that works
        # through an event in some runs (an agreement concluded sooner) counts in full,
        # where the median run would show none of it
        out.effect = float(point.mean())
        per_point = sampled.reshape(self.samples, self.runs_per_point).mean(axis=1)
        if share_metric:
            from sim.research.compare import bootstrap_interval

            lo, hi = bootstrap_interval(point[:, None], self.seed)
            out.low, out.high = float(lo[0]), float(hi[0])
            shares = base[self.runs :].reshape(self.samples, self.runs_per_point).mean(axis=1)
            room = 1.0 - shares if sign > 0 else shares
            out.no_room = int(np.sum(room <= thr))
        else:
            out.low, out.high = (float(x) for x in np.percentile(point, [5, 95]))
        out.holds_point = sign * out.effect > thr
        out.robust_share = float(np.mean(sign * per_point > thr))
        out.holds_robust = out.robust_share >= ROBUST_SHARE
        if not out.holds_robust and self._sample is not None:
            rpp = self._sample.runs_per_point
            values = {k: v[::rpp] for k, v in self._sample.values.items()}
            out.driver = robust_driver(sign * per_point, values)
        out.reason = _reason(out, point, sign, thr)
        return out

    def run(self, progress=None) -> list[Outcome]:
        self._uses = {}
        for c in self.doc.claims:
            if not missing_levers(c):
                for side in ("control", "treatment"):
                    k = self._key(c, side)
                    self._uses[k] = self._uses.get(k, 0) + 1
        results = []
        for c in self.doc.claims:
            results.append(self.evaluate(c))
            if not missing_levers(c):
                self._release(c)
            if progress is not None:
                progress(results[-1])
        return results


def _reason(out: Outcome, point: np.ndarray, sign: float, thr: float) -> str:
    if out.passed:
        return ""
    bits = []
    if not out.holds_point:
        if not np.any(point):
            bits.append(
                "no effect: every paired difference is exactly 0 (the lever does not "
                "reach the metric)"
            )
        elif sign * out.effect < -thr:
            bits.append(f"wrong sign at the point estimates ({out.effect:+.3f})")
        else:
            bits.append(f"too small at the point estimates (|{out.effect:+.3f}| <= {thr:g})")
    if not out.holds_robust:
        bits.append(f"holds at {out.robust_share:.1%} of sampled points (< {ROBUST_SHARE:.0%})")
        if out.driver is not None:
            key, rho = out.driver
            bits.append(
                f"fails where {key} is {'low' if rho > 0 else 'high'} "
                f"(rank correlation {rho:+.2f} with the effect per point)"
            )
        if out.no_room:
            bits.append(
                f"at {out.no_room} of the sampled points the control's share is already "
                + (
                    f"at least {1 - thr:.0%}, no room to rise"
                    if sign > 0
                    else f"at most {thr:.0%}, no room to fall"
                )
            )
    return "; ".join(bits)
