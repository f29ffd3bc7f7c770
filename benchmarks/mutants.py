"""Mutation check of the engine's rules: does the test suite notice when a rule breaks?

Each mutation replaces one exact line of an engine file by another (a shock's revert
skipped, `once` ignored, mean reversion pointing the wrong way, ...). The checkout is copied
once into a temporary folder (never changed in place); each mutation is applied there alone,
the non-UI suite runs against it with a timeout, and the file is put back. A mutation is
*killed* when a test fails and *SURVIVED* when the suite stays green; a mutation whose line
is no longer in the file (the code moved) is *not applicable*.

    python benchmarks/mutants.py                      # every mutation, this checkout
    python benchmarks/mutants.py --repo ../other      # another checkout
    python benchmarks/mutants.py --only once --only when
    python benchmarks/mutants.py --drop 'tests/rules/test_s*.py'   # the suite without files
    python benchmarks/mutants.py --list               # the mutations, nothing run

The last line prints the score: killed / applicable.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

PYTEST = ["-m", "pytest", "-x", "-q", "-p", "no:cacheprovider"]
SKIP = shutil.ignore_patterns(
    ".git",
    ".venv",
    ".ci/venv",
    "venv",
    "__pycache__",
    "*.pyc",
    ".pytest_cache",
    ".ruff_cache",
    ".hypothesis",
    "results",
    "saves",
    "reports",
    "*.egg-info",
    "build",
    "dist",
)


@dataclass(frozen=True)
class Mutation:
    """One line of `file` replaced: `old` is an exact line (compared without indentation),
    `new` replaces it with the old line's indentation. `alt` lists (old, new) pairs for
    other versions of the engine where the same rule is written differently; the first
    pair whose old line is found once applies."""

    name: str
    file: str
    old: str
    new: str
    alt: tuple[tuple[str, str], ...] = ()


MUTATIONS: tuple[Mutation, ...] = (
    # shocks -------------------------------------------------------------------------------
    Mutation(
        "shock revert skipped",
        "sim/engine/shocks.py",
        "self.reverts.append((turn + cs.shock.duration, a, p, old, new.copy()))",
        "pass",
    ),
    Mutation(
        "shock revert one turn late",
        "sim/engine/shocks.py",
        "self.reverts.append((turn + cs.shock.duration, a, p, old, new.copy()))",
        "self.reverts.append((turn + cs.shock.duration + 1, a, p, old, new.copy()))",
    ),
    Mutation(
        ".copy() dropped in shocks",
        "sim/engine/shocks.py",
        "old = model.params[:, a, p].copy()",
        "old = model.params[:, a, p]",
    ),
    Mutation("once ignored", "sim/engine/shocks.py", "hit &= ~self.fired_ever[:, j]", "pass"),
    Mutation(
        "when condition inverted",
        "sim/engine/shocks.py",
        "hit |= v > s.when.above if s.when.above is not None else v < s.when.below",
        "hit |= v < s.when.above if s.when.above is not None else v > s.when.below",
    ),
    Mutation(
        "probability compared the wrong way",
        "sim/engine/shocks.py",
        "hit |= u < s.probability",
        "hit |= u > s.probability",
    ),
    Mutation(
        "random shocks share one stream",
        "sim/engine/shocks.py",
        "u = model.stream.uniform(turn, Site.SHOCK + 16 * (j + 1), ())",
        "u = model.stream.uniform(turn, Site.SHOCK, ())",
    ),
    Mutation(
        "parameter clip removed",
        "sim/engine/shocks.py",
        "new = np.where(hit, np.clip(new, lo, hi), old)",
        "new = np.where(hit, new, old)",
    ),
    Mutation(
        "coercion clip removed",
        "sim/engine/shocks.py",
        "model.coerced = np.clip(model.coerced + f * cs.coercion, 0.0, 1.0)",
        "model.coerced = model.coerced + f * cs.coercion",
    ),
    Mutation(
        "retaliation shock ignored",
        "sim/engine/shocks.py",
        "model.retaliated = np.clip(model.retaliated + f * cs.retaliation, 0.0, 1.0)",
        "pass",
    ),
    Mutation(
        "missions clip removed",
        "sim/engine/shocks.py",
        "model.missions = np.clip(model.missions + f * cs.missions, 0.0, 1.0)",
        "model.missions = model.missions + f * cs.missions",
    ),
    Mutation(
        "shock on an n/a agreement applied",
        "sim/engine/shocks.py",
        "hit_e = hit & model.applicable[:, d, e]  # an `n/a` agreement takes no action",
        "hit_e = hit",
    ),
    Mutation(
        "signing leaves talks open",
        "sim/engine/shocks.py",
        "model.negotiating[:, d, e] &= ~hit_e",
        "pass",
    ),
    Mutation(
        "block does nothing",
        "sim/engine/shocks.py",
        "model.blockers[:, d, e] = np.where(hit_e, 1.0, model.blockers[:, d, e])",
        "pass",
    ),
    Mutation(
        "unblock does nothing",
        "sim/engine/shocks.py",
        "model.blockers[:, d, e] = np.where(hit_e, 0.0, model.blockers[:, d, e])",
        "pass",
    ),
    # world --------------------------------------------------------------------------------
    Mutation(
        "mean reversion sign flipped",
        "sim/engine/world.py",
        "drift = self.reversion * (self.mean - self.values)",
        "drift = self.reversion * (self.values - self.mean)",
    ),
    Mutation(
        "world clip removed",
        "sim/engine/world.py",
        "self.values = np.clip(self.values + drift + self.noise * z, 0.0, 1.0)",
        "self.values = self.values + drift + self.noise * z",
    ),
    Mutation(
        "world noise halved",
        "sim/engine/world.py",
        "self.values = np.clip(self.values + drift + self.noise * z, 0.0, 1.0)",
        "self.values = np.clip(self.values + drift + 0.5 * self.noise * z, 0.0, 1.0)",
    ),
    Mutation(
        "index shock clip removed",
        "sim/engine/world.py",
        "self.values = np.clip(self.values + f * delta, 0.0, 1.0)",
        "self.values = self.values + f * delta",
    ),
    Mutation(
        "index_means ignored",
        "sim/engine/world.py",
        "self.mean = np.clip(self.mean + f * mean_shift, 0.0, 1.0)",
        "pass",
    ),
    Mutation(
        "world noise on the level-noise stream",
        "sim/engine/world.py",
        "z = stream.normal(turn, Site.WORLD, (self.values.shape[1],))",
        "z = stream.normal(turn, Site.LEVEL_NOISE, (self.values.shape[1],))",
    ),
    # randomness ---------------------------------------------------------------------------
    Mutation(
        "run keys by position in the ensemble",
        "sim/engine/model.py",
        "self.stream = Stream(run_keys(self.seed, self.run_index))",
        "self.stream = Stream(run_keys(self.seed, range(len(self.run_index))))",
    ),
    # moves --------------------------------------------------------------------------------
    Mutation(
        "posture swap firm/cautious",
        "sim/engine/moves.py",
        'POSTURE_SHIFT = {"firm": -0.25, "neutral": 0.0, "cautious": 0.25}',
        'POSTURE_SHIFT = {"firm": 0.25, "neutral": 0.0, "cautious": -0.25}',
        alt=(
            (
                'POSTURE_SIGN = {"firm": -1.0, "neutral": 0.0, "cautious": 1.0}',
                'POSTURE_SIGN = {"firm": 1.0, "neutral": 0.0, "cautious": -1.0}',
            ),
        ),
    ),
    Mutation(
        "priority partner weighted like the others",
        "sim/engine/moves.py",
        "m.priority[d, s] = PRIORITY_WEIGHT",
        "m.priority[d, s] = OTHER_WEIGHT",
        alt=(
            (
                'm.priority[d, s] = ru["moves.priority_weight"]',
                'm.priority[d, s] = ru["moves.other_weight"]',
            ),
        ),
    ),
    Mutation(
        "proposed exercise costs no bandwidth",
        "sim/engine/moves.py",
        "m.exercise_cost[a] += EXERCISE_BOOST * exercise_cost",
        "pass",
        alt=(('m.cost[a] += ru["moves.exercise_boost"] * cost["exercise"]', "pass"),),
    ),
    Mutation(
        "statement widens no caution gap",
        "sim/engine/moves.py",
        "m.caution_shift[a] += STATEMENT_CAUTION",
        "pass",
        alt=(
            ('m.caution_shift[a] -= ru["moves.statement_caution"]', "pass"),
            ('m.stance[a] -= ru["moves.statement_caution"]', "pass"),
        ),
    ),
    # levels and agreements ----------------------------------------------------------------
    Mutation(
        "talks stall counter off by one",
        "sim/engine/model.py",
        "stalled = self.talks == STALL_TURNS",
        "stalled = self.talks == STALL_TURNS + 1",
        alt=(
            (
                'stalled = self.talks >= ru["agreements.stall_turns"][:, None, None]',
                'stalled = self.talks >= ru["agreements.stall_turns"][:, None, None] + 1',
            ),
        ),
    ),
    Mutation(
        "up/down swapped",
        "sim/engine/model.py",
        'change = tr["up"] * np.maximum(gap, 0) - down * np.maximum(-gap, 0)',
        'change = down * np.maximum(gap, 0) - tr["up"] * np.maximum(-gap, 0)',
        alt=(
            (
                'change = tr["up"] * np.maximum(gap, 0) - tr["down"] * np.maximum(-gap, 0)',
                'change = tr["down"] * np.maximum(gap, 0) - tr["up"] * np.maximum(-gap, 0)',
            ),
        ),
    ),
    Mutation(
        "consensus draw inverted",
        "sim/engine/actors.py",
        "passed = snap.consent < chance",
        "passed = snap.consent > chance",
        alt=(
            (
                "passed = snap.consent < consensus_chance(snap, self.index, "
                "self.model.setup.members)",
                "passed = snap.consent > consensus_chance(snap, self.index, "
                "self.model.setup.members)",
            ),
        ),
    ),
    Mutation(
        "enabler cap ignored",
        "sim/engine/model.py",
        "held = self.binding_caps(~self.signed & self.applicable)  # (R, D, K)",
        "held = self.binding_caps(np.zeros_like(self.signed))  # (R, D, K)",
    ),
    # model v2 mechanisms ------------------------------------------------------------------
    Mutation(
        "keener side inert (offers meet at the lower)",
        "sim/engine/actors.py",
        'return lo + pull * g / (1.0 + g / rules["meet.saturation"].reshape(shape))',
        "return lo",
    ),
    Mutation(
        "a short actor finds none of its shortfall",
        "sim/engine/actors.py",
        "budget = budget + stretch[:, None] * np.maximum(total - budget, 0.0)",
        "budget = budget + 0.0 * stretch[:, None]",
    ),
    Mutation(
        "frustration draws partners on",
        "sim/engine/actors.py",
        '- tr["frustration"] * snap.frustration[:, d, s][..., None]',
        '+ tr["frustration"] * snap.frustration[:, d, s][..., None]',
    ),
    Mutation(
        "coercion raises caution",
        "sim/engine/model.py",
        '- ru["china.coercion_caution"][:, None]',
        '+ ru["china.coercion_caution"][:, None]',
    ),
    Mutation(
        "retaliation leaves caution alone",
        "sim/engine/model.py",
        '+ ru["china.retaliation_caution"][:, None]',
        '+ 0 * ru["china.retaliation_caution"][:, None]',
    ),
    Mutation(
        "Russia pulls by priority (Japan too)",
        "sim/engine/actors.py",
        'pull = ru["russia.pull"][:, None] * p[:, :, PI["europe_pull"]] * w[:, RA, None]',
        'pull = ru["russia.pull"][:, None] * p[:, :, PI["russia_priority"]] * w[:, RA, None]',
    ),
    Mutation(
        "US frame one-signed",
        "sim/engine/actors.py",
        'c["us.floor"] + spons * u0 + hedge * (1 - u0) + c["us.frame"] * (spons - hedge) * (us - u0)',
        'c["us.floor"] + spons * u0 + hedge * (1 - u0) + c["us.frame"] * (spons + hedge) * (us - u0)',
    ),
    Mutation(
        "theatres not linked",
        "sim/engine/actors.py",
        'link = p[:, :, PI["theatre_linkage"]] * c["russia.linkage"]',
        "link = 0.0",
    ),
    Mutation(
        "interoperability never fades",
        "sim/engine/model.py",
        '- ru["memory.interop_decay"][:, None] * self.interop,',
        "- 0.0 * self.interop,",
    ),
    Mutation(
        "talks never stall",
        "sim/engine/model.py",
        'stalled = self.talks >= ru["agreements.stall_turns"][:, None, None]',
        "stalled = self.talks < 0",
    ),
    Mutation(
        "members cannot withhold consensus",
        "sim/engine/actors.py",
        "for m in np.flatnonzero(members[a]):",
        "for m in []:",
    ),
    Mutation(
        "bandwidth charged on every wish",
        "sim/engine/actors.py",
        "share = fund_by_actor(cost, weight, budget, sl.own, stretch)",
        'share = fund_by_actor(desired * tr["cost"], weight, budget, sl.own, stretch)',
    ),
    Mutation(
        "a missing agreement does not weigh on willingness",
        "sim/engine/actors.py",
        'x -= tr["missing_enabler"] * (snap.caps[:, d, :] < setup.max_level[d])',
        "pass",
    ),
    Mutation(
        "presence creates no occasions",
        "sim/engine/actors.py",
        '+ tr["presence"] * pres[..., None]',
        "+ 0.0 * pres[..., None]",
    ),
    Mutation(
        "2+2 formats drive nothing",
        "sim/engine/model.py",
        '+ rr["agreements.two_plus_two_drive"][..., None] * tpt[..., None]',
        "+ 0.0 * tpt[..., None]",
    ),
    Mutation(
        "a sharper threat brings no urgency to talks",
        "sim/engine/model.py",
        'rr["agreements.threat_drive"][..., None] * threat',
        'rr["agreements.threat_drive"][..., None] * 0.0 * threat',
    ),
    # model v3
    Mutation(
        "pressure on a cap does not accumulate",
        "sim/engine/model.py",
        'live, self.pressure[:, dd, ee] * (1 - rr["agreements.pressure_decay"]) + pressure, 0.0',
        "live, pressure, 0.0",
    ),
    Mutation(
        "pressure does not wear blockers down",
        "sim/engine/model.py",
        'will = np.exp(-rr["agreements.will_relief"] * self.pressure[:, dd, ee])',
        "will = 1.0",
    ),
    Mutation(
        "urgency proportional to the drivers (no urgency_power)",
        "sim/engine/model.py",
        '* (1.0 + side) ** rr["agreements.urgency_power"][..., None]',
        "* (1.0 + side)",
    ),
    Mutation(
        "no turning from an absorbed partner",
        "sim/engine/actors.py",
        'x += (ru["bandwidth.substitution"][:, None] * relative_to_partners(cap[:, q], sl))[..., None]',
        'x += (ru["bandwidth.substitution"][:, None] * 0.0 * cap[:, q])[..., None]',
    ),
    Mutation(
        "a withheld consensus never lapses",
        "sim/engine/actors.py",
        "held = np.maximum(np.minimum(target, np.minimum(own, level)) - lapse, 0.0)",
        "held = np.minimum(target, np.minimum(own, level))",
    ),
    Mutation(
        "only the keener side's pressure counts",
        "sim/engine/model.py",
        "pressure = 0.5 * (over[..., FIRST] + over[..., SECOND])",
        "pressure = np.maximum(over[..., FIRST], over[..., SECOND])",
    ),
    Mutation(
        "a tilt brings no urgency",
        "sim/engine/model.py",
        '+ rr["agreements.tilt_drive"][..., None] * snap.presence[:, pairs]',
        "+ 0.0 * snap.presence[:, pairs]",
    ),
    Mutation(
        "caution does not slow talks",
        "sim/engine/model.py",
        '* (1 - rr["agreements.caution_drag"] * caution * relief)',
        "* 1.0",
    ),
    Mutation(
        "a withheld consensus only blocks growth",
        "sim/engine/actors.py",
        "held = np.maximum(np.minimum(target, np.minimum(own, level)) - lapse, 0.0)",
        "held = np.maximum(np.minimum(target, level) - lapse, 0.0)",
    ),
    Mutation(
        "members' stances ignored",
        "sim/engine/actors.py",
        "objection = (veto * snap.caution[:, m, None] * vis + stance) * frame",
        "objection = (veto * snap.caution[:, m, None] * vis) * frame",
    ),
    Mutation(
        "consensus blind to the China frame",
        "sim/engine/actors.py",
        'other = ru["salience.nk"] * per.nk + link * per.russia[:, a]',
        "other = 0.0 * per.nk",
    ),
    Mutation(
        "no domestic ceiling",
        "sim/engine/actors.py",
        'return SCALE - snap.track["domestic_gate"] * tight',
        "return SCALE - 0.0 * tight",
    ),
    Mutation(
        "the partner's domestic constraint ignored",
        "sim/engine/actors.py",
        '* (dom[:, a] + ru["constraints.partner_weight"][:, None] * dom[:, q])[..., None]',
        "* dom[:, a][..., None]",
    ),
    Mutation(
        "resources do not size ambition",
        "sim/engine/actors.py",
        'x += tr["capacity"] * cap[:, a, None]',
        "pass",
    ),
    Mutation(
        "NATO offers an industrial outlet",
        "sim/engine/actors.py",
        'return (1 - ru["salience.dependence"][:, None] * dep * ~bought) * outlet * industry',
        'return (1 - ru["salience.dependence"][:, None] * dep * ~bought) * outlet',
    ),
    Mutation(
        "the US frame has no slope",
        "sim/engine/actors.py",
        'c["us.floor"] + spons * u0 + hedge * (1 - u0) + c["us.frame"] * (spons - hedge) * (us - u0)',
        'c["us.floor"] + spons * u0 + hedge * (1 - u0) + c["us.frame"] * (spons - hedge) * 0.0',
    ),
    Mutation(
        "no exercises at sea above a missing RAA's gate",
        "sim/engine/model.py",
        'held[..., ex] += self.rules["agreements.presence_headroom"][:, None] * at_sea',
        "held[..., ex] += 0.0 * at_sea",
    ),
    Mutation(
        "North Korea draws no presence",
        "sim/engine/model.py",
        '+ ru["presence.nk"][:, None] * perception.nk[:, None],',
        "+ 0.0 * perception.nk[:, None],",
    ),
    Mutation(
        "an engaged US sponsors no exercises",
        "sim/engine/model.py",
        "aim[..., ex] = clip(target[..., ex] + led, 0.0, ceil[..., ex])",
        "aim[..., ex] = clip(target[..., ex] + 0.0 * led, 0.0, ceil[..., ex])",
    ),
    Mutation(
        "US-led exercises held under the pair's own caps",
        "sim/engine/model.py",
        "ceil[..., ex] = np.minimum(ceil[..., ex] + np.maximum(led, 0.0), home[..., ex])",
        "ceil[..., ex] = np.minimum(ceil[..., ex], home[..., ex])",
    ),
    Mutation(
        "US-led exercises above the pair's domestic ceiling",
        "sim/engine/model.py",
        "ceil[..., ex] = np.minimum(ceil[..., ex] + np.maximum(led, 0.0), home[..., ex])",
        "ceil[..., ex] = ceil[..., ex] + np.maximum(led, 0.0)",
    ),
    Mutation(
        "a withheld consensus erodes the quiet tracks hardly at all",
        "sim/engine/actors.py",
        'lapse = snap.rules["constraints.consensus_erosion"][:, None, None]',
        'lapse = snap.rules["constraints.consensus_erosion"][:, None, None] * snap.track["visibility"].reshape(-1, 1, level.shape[2]) ** 2',
    ),
    Mutation(
        "caution toward China keeps no ships at home",
        "sim/engine/model.py",
        '** ru["presence.caution"][:, None]',
        "** 0.0",
    ),
    Mutation(
        "a withheld consensus explained as chance",
        "sim/engine/explain.py",
        't.consent = np.where(_on("constraints")[:, None], t.consent, 0.0)',
        "t.consent = np.where(noise[:, None], t.consent, 0.0)",
    ),
    Mutation(
        "every kind of agreement at one pace",
        "sim/engine/model.py",
        'pace = np.stack([ru[f"agreements.pace_{en}"] for en in ENABLERS], axis=1)[:, ee]',
        "pace = 1.0",
    ),
    Mutation(
        "agreements sought only above their caps",
        "sim/engine/model.py",
        'pos = np.maximum(side_gap + rr["agreements.anticipation"][..., None], 0.0)',
        "pos = np.maximum(side_gap, 0.0)",
    ),
    Mutation(
        "talks take no officials' time",
        "sim/engine/model.py",
        "* spare",
        "* 1.0",
    ),
    Mutation(
        "caution drags every agreement as if China saw it all",
        "sim/engine/model.py",
        'seen = snap.track["visibility"][:, 0, first[ee]]  # (R, n)',
        "seen = 1.0",
    ),
    Mutation(
        "presence ignores the means",
        "sim/engine/model.py",
        '** ru["presence.capacity"][:, None]',
        "** 0.0",
    ),
    Mutation(
        "presence ignores the stake in the region",
        "sim/engine/model.py",
        '** ru["presence.stake"][:, None]',
        "** 0.0",
    ),
    Mutation(
        "agreements press before the cooperation has grown into their caps",
        "sim/engine/model.py",
        'grown = room <= rr["agreements.reach"] + rr["agreements.format_agenda"] * tpt',
        "grown = room <= SCALE",
    ),
    Mutation(
        "an agreement's reach is measured from its own cap, not the one holding the track",
        "sim/engine/model.py",
        "room[:, g] = np.minimum(room[:, g], held[:, dd[g], k] - snap.levels[:, dd[g], k])",
        "room[:, g] = np.minimum(room[:, g], cap[g] - snap.levels[:, dd[g], k])",
    ),
    Mutation(
        "forces in the region do not make their exercises cheaper",
        "sim/engine/actors.py",
        'carried = snap.rules["presence.exercise_saving"][:, None] * snap.presence[:, sl.actor[v]]',
        "carried = 0.0 * snap.presence[:, sl.actor[v]]",
        alt=(
            (
                '* (1.0 - snap.rules["presence.exercise_saving"][:, None] * snap.presence[:, sl.actor[v]])',
                "* (1.0 - 0.0 * snap.presence[:, sl.actor[v]])",
            ),
        ),
    ),
    Mutation(
        "the exercises forces in the region carry are funded from the squeezed bandwidth",
        "sim/engine/actors.py",
        "share[:, v, ex] = carried + (1.0 - carried) * share[:, v, ex]",
        "share[:, v, ex] = share[:, v, ex]",
    ),
    Mutation(
        "a Korean crisis brings no urgency to agreements",
        "sim/engine/model.py",
        "* perception.nk[:, None, None]",
        "* 0.0 * perception.nk[:, None, None]",
    ),
    Mutation(
        "a side's forces in the region do not make a Korean crisis pressing for it",
        "sim/engine/model.py",
        "* np.minimum(s.indo[pairs] + snap.presence[:, pairs], 1.0)",
        "* s.indo[pairs]",
    ),
    Mutation(
        "a pair opens talks whenever it presses, however many are open",
        "sim/engine/model.py",
        "start = open_ & ~self.negotiating & (self.pressing >= s.negotiation_start) & free[..., None]",
        "start = open_ & ~self.negotiating & (self.pressing >= s.negotiation_start)",
    ),
    Mutation(
        "a pair opens new talks while others are still open",
        "sim/engine/model.py",
        "free = ((interval <= 0) | ~self.negotiating.any(axis=2)) & (",
        "free = (",
    ),
    Mutation(
        "no pause after a conclusion",
        "sim/engine/model.py",
        "t - self.last_signed >= interval",
        "t - self.last_signed >= 0 * interval",
    ),
    Mutation(
        "an interval of 0 (an older config folder) still holds one set of talks at a time",
        "sim/engine/model.py",
        "free = ((interval <= 0) | ~self.negotiating.any(axis=2)) & (",
        "free = (~self.negotiating.any(axis=2)) & (",
    ),
    Mutation(
        "a scenario's signing does not count as a conclusion",
        "sim/engine/model.py",
        "fresh = (self.signed & ~self.signed_seen).any(axis=2)",
        "fresh = np.zeros(self.signed.shape[:2], bool)",
    ),
    Mutation(
        "a negotiated conclusion does not start the pause",
        "sim/engine/model.py",
        "self.last_signed[signed.any(axis=2)] = t",
        "pass",
    ),
    Mutation(
        "an RAA in force adds nothing to the reach of the visiting side's forces",
        "sim/engine/actors.py",
        '+ rules["agreements.access_reach"].reshape(shape) * access',
        '+ 0.0 * rules["agreements.access_reach"].reshape(shape) * access',
    ),
    Mutation(
        "a 2+2 puts nothing on the table",
        "sim/engine/model.py",
        'grown = room <= rr["agreements.reach"] + rr["agreements.format_agenda"] * tpt',
        'grown = room <= rr["agreements.reach"]',
    ),
    Mutation(
        "any pair's agenda is open, 2+2 or not",
        "sim/engine/model.py",
        'grown = room <= rr["agreements.reach"] + rr["agreements.format_agenda"] * tpt',
        'grown = room <= rr["agreements.reach"] + rr["agreements.format_agenda"]',
    ),
    Mutation(
        "an alliance meets a partner as often as a state does",
        "sim/engine/model.py",
        'chance[:, self.with_alliance, dia] *= self.rules["events.alliance_dialogue"][:, None]',
        "pass",
    ),
    Mutation(
        "every pair meets as an alliance does",
        "sim/engine/model.py",
        'chance[:, self.with_alliance, dia] *= self.rules["events.alliance_dialogue"][:, None]',
        'chance[:, :, dia] *= self.rules["events.alliance_dialogue"][:, None]',
    ),
    Mutation(
        "forces start from nothing in the region",
        "sim/engine/model.py",
        "self.presence = clip(self.presence_aim(self.reference, perceive(self.reference)), 0, 1)",
        "self.presence = np.zeros((R, A))",
    ),
    Mutation(
        "a visiting state exercises beyond the reach of its forces",
        "sim/engine/actors.py",
        "out[:, far, ex] = np.minimum(out[:, far, ex], reach)",
        "out[:, far, ex] = out[:, far, ex]",
    ),
    Mutation(
        "an alliance's exercises are bound by its presence in the region",
        "sim/engine/actors.py",
        "reach_of = np.where(state[presence_of], presence_of, -1)",
        "reach_of = presence_of",
    ),
    Mutation(
        "the explanation never names the reach of forces",
        "sim/engine/explain.py",
        "if reach < float(caps[d, ex]) and abs(model.levels[run, d, ex] - reach) <= HELD:",
        "if False:",
    ),
    Mutation(
        "what an alliance does not approve erodes as slowly as ties",
        "sim/engine/model.py",
        'target < agreed, snap.rules["constraints.lapse_rate"][:, None, None], tr["down"]',
        'target < agreed, tr["down"], tr["down"]',
    ),
    Mutation(
        "deployments add no presence",
        "sim/engine/model.py",
        "deployed = snap.moves.deploy[None, :] * snap.moves_on[:, None]",
        "deployed = 0.0",
    ),
    Mutation(
        "the calibration's moves ignore the priors",
        "sim/research/posterior.py",
        "log_u <= problem.log_prior(prop) - problem.log_prior(theta[moving])",
        "log_u <= 0.0",
    ),
    Mutation(
        "the battery reads the median run, blind to effects through events in some runs",
        "sim/research/battery.py",
        "out.effect = float(point.mean())",
        "out.effect = float(np.median(point))",
    ),
    Mutation(
        "the robust check reads each sampled point's median run",
        "sim/research/battery.py",
        "per_point = sampled.reshape(self.samples, self.runs_per_point).mean(axis=1)",
        "per_point = np.median(sampled.reshape(self.samples, self.runs_per_point), axis=1)",
    ),
    Mutation(
        "a share claim's room is read the wrong way round (a rise's from the bottom)",
        "sim/research/battery.py",
        "room = 1.0 - shares if sign > 0 else shares",
        "room = shares if sign > 0 else 1.0 - shares",
    ),
)


def apply(root: Path, m: Mutation) -> str | None:
    """Mutate the copy under `root`; return the original text, or None when not applicable."""
    path = root / m.file
    if not path.is_file():
        return None
    text = path.read_text()
    lines = text.splitlines(keepends=True)
    for old, new in ((m.old, m.new), *m.alt):
        hits = [i for i, line in enumerate(lines) if line.strip() == old.strip()]
        if len(hits) == 1:
            i = hits[0]
            indent = lines[i][: len(lines[i]) - len(lines[i].lstrip())]
            lines[i] = indent + new.strip() + "\n"
            path.write_text("".join(lines))
            return text
    return None


def test_paths(root: Path) -> list[str]:
    """The non-UI suite (`pytest tests --ignore=tests/tui`), its parts listed fastest first:
    the rule suites, then the top-level modules, then the other folders, so that a mutant is
    usually caught within seconds. The same tests run either way, but for
    tests/test_mutants_apply.py: it checks that every mutation still finds its line in the
    unmutated code, so it fails on any mutant and would count every one as killed."""
    tests = root / "tests"
    rest = sorted(p for p in tests.iterdir() if p.name not in ("rules", "tui", "__pycache__"))
    first = [tests / "rules"] if (tests / "rules").is_dir() else []
    parts = first + [p for p in rest if p.is_file() and p.name.startswith("test_")]
    parts += [p for p in rest if p.is_dir()]
    skip = ["--ignore=tests/tui", "--ignore=tests/test_mutants_apply.py"]
    return [str(p.relative_to(root)) for p in parts if p.name != "test_mutants_apply.py"] + skip


def run_suite(
    root: Path,
    python: str,
    timeout: float,
    log: Path | None = None,
    label: str = "unmutated",
    deselect: tuple[str, ...] = (),
    tests: tuple[str, ...] = (),
) -> tuple[str, str, float]:
    """(verdict, first failing test or note, seconds) of the suite in `root`; the suite's
    output goes to `log`/<label>.txt when a log folder is given."""
    shutil.rmtree(root / ".hypothesis", ignore_errors=True)  # no examples carried over
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1", PYTHONPATH=str(root))
    t = time.perf_counter()
    paths = list(tests) or test_paths(root)
    cmd = [python, *PYTEST, *paths, *(f"--deselect={n}" for n in deselect)]
    try:
        p = subprocess.run(cmd, cwd=root, env=env, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return "killed", f"(timeout after {timeout:.0f} s)", time.perf_counter() - t
    secs = time.perf_counter() - t
    if log is not None:
        log.mkdir(parents=True, exist_ok=True)
        (log / (re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-") + ".txt")).write_text(
            p.stdout + p.stderr
        )
    if p.returncode == 0:
        return "SURVIVED", "", secs
    out = p.stdout + p.stderr
    first = re.search(r"^(?:FAILED|ERROR) (\S+)", out, re.M)
    if first:
        return "killed", first.group(1), secs
    if p.returncode == 5:
        return "no tests", "(pytest collected nothing)", secs
    tail = out.strip().splitlines()[-1:] or [""]
    return "killed", f"(exit {p.returncode}: {tail[0][:80]})", secs


def which_sim(root: Path, python: str) -> str:
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1", PYTHONPATH=str(root))
    p = subprocess.run(
        [python, "-c", "import sim, pathlib; print(pathlib.Path(sim.__file__).resolve().parent)"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
    )
    return p.stdout.strip()


def main() -> int:
    here = Path(__file__).resolve().parent.parent
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repo", type=Path, default=here, help="checkout to copy (default: this one)")
    ap.add_argument("--python", default=sys.executable, help="interpreter with the dependencies")
    ap.add_argument("--timeout", type=float, default=900.0, help="seconds per suite run")
    ap.add_argument(
        "--only",
        action="append",
        default=[],
        help="run mutations whose name contains this text (repeatable)",
    )
    ap.add_argument(
        "--drop",
        action="append",
        default=[],
        help="glob of files to delete from the copy first, e.g. 'tests/rules/*.py'",
    )
    ap.add_argument(
        "--deselect",
        action="append",
        default=[],
        help="a test (node id) left out of every run, e.g. one already failing",
    )
    ap.add_argument(
        "--tests",
        action="append",
        default=[],
        help="run only these test paths (a quick check, not the measurement)",
    )
    ap.add_argument("--log", type=Path, help="folder for each suite run's output")
    ap.add_argument(
        "--no-baseline",
        action="store_true",
        help="skip the unmutated run (when it is known to be green)",
    )
    ap.add_argument("--list", action="store_true", help="list the mutations and exit")
    a = ap.parse_args()
    chosen = [m for m in MUTATIONS if not a.only or any(o in m.name for o in a.only)]
    if a.list:
        for m in chosen:
            for old, new in ((m.old, m.new), *m.alt):
                print(f"{m.name:45} {m.file}: {old.strip()}  ->  {new.strip()}")
        return 0
    # a stopped run still removes its temporary copy (and its running suite)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    repo = a.repo.resolve()
    if not (repo / "sim").is_dir() or not (repo / "tests").is_dir():
        print(f"{repo}: not a checkout of this project (no sim/ and tests/)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="mutants-") as tmp:
        root = Path(tmp) / "repo"
        shutil.copytree(repo, root, ignore=SKIP)
        dropped = [p for g in a.drop for p in root.glob(g) if p.is_file()]
        for p in dropped:
            p.unlink()
        if dropped:
            print("dropped from the copy: " + ", ".join(str(p.relative_to(root)) for p in dropped))
        got = which_sim(root, a.python)
        if Path(got) != (root / "sim").resolve():
            print(
                f"the copy's tests would import sim from {got or '?'}, not from the copy",
                file=sys.stderr,
            )
            return 2
        print(f"checkout {repo} (copied to {root})")
        log = a.log.resolve() if a.log else None
        skip = tuple(a.deselect)
        if skip:
            print("left out of every run: " + ", ".join(skip))
        only = tuple(a.tests)
        if only:
            print("only these tests: " + ", ".join(only) + " (a quick check, not the full suite)")
        if a.no_baseline:
            print("unmutated suite: not run (--no-baseline)")
        else:
            verdict, note, secs = run_suite(
                root, a.python, a.timeout, log, deselect=skip, tests=only
            )
            print(
                f"unmutated suite: {'green' if verdict == 'SURVIVED' else 'RED ' + note} "
                f"in {secs:.0f} s"
            )
            if verdict != "SURVIVED":
                print("the suite fails without any mutation; fix it first", file=sys.stderr)
                return 1
        rows = []
        for m in chosen:
            original = apply(root, m)
            if original is None:
                rows.append((m, "not applicable", "(line not found once in " + m.file + ")", 0.0))
            else:
                try:
                    rows.append((m, *run_suite(root, a.python, a.timeout, log, m.name, skip, only)))
                finally:
                    (root / m.file).write_text(original)
            r = rows[-1]
            print(f"  {r[0].name:45} {r[1]:15} {r[3]:5.0f} s  {r[2]}", flush=True)
    print()
    print(f"{'mutation':45} {'file':15} {'result':15} first failing test")
    for m, verdict, note, _ in rows:
        print(f"{m.name:45} {m.file:15} {verdict:15} {note}")
    applicable = [r for r in rows if r[1] != "not applicable"]
    killed = sum(r[1] == "killed" for r in applicable)
    print(
        f"\nkilled {killed} of {len(applicable)} applicable mutations "
        f"({len(rows) - len(applicable)} not applicable); "
        f"survivors: {', '.join(r[0].name for r in applicable if r[1] != 'killed') or 'none'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
