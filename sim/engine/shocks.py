"""Shocks: timed (a turn or quarter), conditional (an index crosses a value), random (a
per-turn chance) or injected by a facilitator; their effects on world indices, actor
parameters (optionally for a limited duration), agreements, China's coercion of or
retaliation against an actor, and the shared operations of a dyad.
"""

from __future__ import annotations

import numpy as np

from sim.engine.rng import Site
from sim.inputs.domains import PARAM_DOMAIN
from sim.inputs.schema import Shock
from sim.inputs.setup import CompiledShock, Setup
from sim.vocabulary import INDICES


class ShockBook:
    """Which shocks fired in which runs, pending injections and timed reversions."""

    def __init__(self, setup: Setup, runs: int):
        self.setup = setup
        self.fired_ever = np.zeros((runs, len(setup.shocks)), bool)
        self.queue: list[CompiledShock] = []
        #: (turn, actor, param, value before, value after) of shocks with a `duration`
        self.reverts: list[tuple[int, int, int, np.ndarray, np.ndarray]] = []
        #: headline of every shock that can appear in the log, by id (library and injected)
        self.names: dict[str, str] = {sid: s.name for sid, s in setup.library.items()}

    def inject(self, shock: str | Shock | CompiledShock) -> CompiledShock:
        if isinstance(shock, str):
            if shock not in self.setup.library:
                from sim.errors import InputError, allowed

                raise InputError(
                    "inject", "shock", f"unknown shock '{shock}'; {allowed(self.setup.library)}"
                )
            shock = self.setup.library[shock]
        if isinstance(shock, Shock):
            shock = self.setup.compile_shock(shock)
        self.queue.append(shock)
        self.names[shock.shock.id] = shock.shock.name
        return shock

    def apply(self, model, turn: int):
        """Fire this turn's shocks on `model`; return (fired (R, S), injected ids, signed)."""
        R = model.n_runs
        fired = np.zeros((R, len(self.setup.shocks)), bool)
        signed = np.zeros_like(model.signed)
        for _when, a, p, before, after in [r for r in self.reverts if r[0] == turn]:
            # restore the value exactly where nothing else changed it since; elsewhere take
            # the shock's change back out of whatever the value became
            lo, hi = PARAM_DOMAIN[_param_name(p)]
            now = model.params[:, a, p]
            model.params[:, a, p] = np.where(
                now == after, before, np.clip(now - (after - before), lo, hi)
            )
        self.reverts = [r for r in self.reverts if r[0] != turn]
        for j, cs in enumerate(self.setup.shocks):
            s = cs.shock
            hit = np.zeros(R, bool)
            if cs.turn == turn:
                hit[:] = True
            if s.when is not None:
                v = model.world.values[:, INDICES.index(s.when.index)]
                hit |= v > s.when.above if s.when.above is not None else v < s.when.below
            if s.probability is not None:
                u = model.stream.uniform(turn, Site.SHOCK + 16 * (j + 1), ())
                hit |= u < s.probability
            if s.once:
                hit &= ~self.fired_ever[:, j]
            if hit.any():
                self._effects(model, cs, hit, turn, signed)
            fired[:, j] = hit
            self.fired_ever[:, j] |= hit
        injected = []
        for cs in self.queue:
            self._effects(model, cs, np.ones(R, bool), turn, signed)
            injected.append(cs.shock.id)
        self.queue = []
        return fired, injected, signed

    def _effects(self, model, cs: CompiledShock, hit: np.ndarray, turn: int, signed) -> None:
        model.world.shift(hit, cs.index_delta, cs.mean_shift)
        f = hit[:, None]
        # China's behaviour aimed at an actor, and shared operations of a dyad, are state
        # arrays: replaced, never changed in place (kept snapshots share them)
        if cs.coercion.any():
            model.coerced = np.clip(model.coerced + f * cs.coercion, 0.0, 1.0)
        if cs.retaliation.any():
            model.retaliated = np.clip(model.retaliated + f * cs.retaliation, 0.0, 1.0)
        if cs.missions.any():
            model.missions = np.clip(model.missions + f * cs.missions, 0.0, 1.0)
        for a, p, op, value in cs.params:
            old = model.params[:, a, p].copy()
            new = (
                old + value
                if op == "add"
                else (old * value if op == "mul" else np.full_like(old, value))
            )
            lo, hi = PARAM_DOMAIN[_param_name(p)]
            new = np.where(hit, np.clip(new, lo, hi), old)
            model.params[:, a, p] = new
            if cs.shock.duration:
                self.reverts.append((turn + cs.shock.duration, a, p, old, new.copy()))
        for d, e, action in cs.enablers:
            if action == "apply":  # an `n/a` agreement becomes applicable (and missing)
                model.applicable[:, d, e] |= hit
                continue
            hit_e = hit & model.applicable[:, d, e]  # an `n/a` agreement takes no action
            if action == "sign":
                newly = hit_e & ~model.signed[:, d, e]
                model.signed[:, d, e] |= hit_e
                model.negotiating[:, d, e] &= ~hit_e
                signed[:, d, e] |= newly
            elif action == "negotiate":
                model.negotiating[:, d, e] |= hit_e & ~model.signed[:, d, e]
            elif action == "block":
                model.blockers[:, d, e] = np.where(hit_e, 1.0, model.blockers[:, d, e])
            elif action == "unblock":
                model.blockers[:, d, e] = np.where(hit_e, 0.0, model.blockers[:, d, e])


def _param_name(p: int) -> str:
    from sim.vocabulary import PARAMS

    return PARAMS[p]
