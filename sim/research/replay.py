"""One run of a batch, alone again: what determines it (`RunSpec`) and its model rebuilt.

A run's draws are a pure function of (seed, run index, turn, site) (sim/engine/rng.py), so
the scenario file, the overrides, the run's own parameter values, the seed and the run whose
random stream it draws rebuild it exactly: `wargame replay`, `wargame play --batch` and
saved games started from a batch all start from a `RunSpec`.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from sim.errors import InputError
from sim.research.integrity import check_intact, read_manifest
from sim.research.request import engine_digest
from sim.research.tables import RUNS

#: columns of runs.parquet that are not parameters
RUN_COLUMNS = ("run", "seed_key", "point", "rng_run")


@dataclass(frozen=True)
class RunSpec:
    """What determines one run of a batch."""

    scenario: str  # the scenario file the batch ran
    overrides: dict[str, Any]  # the batch's --set
    params: dict[str, float]  # the run's swept or sampled parameter values
    seed: int
    run: int  # the run's number in the batch
    rng_run: int  # the run whose random stream it draws (another under common random numbers)
    turns: int

    @property
    def all_overrides(self) -> dict[str, Any]:
        """The batch's --set and the run's values: every parameter that differs from the
        scenario, as a replayed run's JSON names them."""
        return self.overrides | self.params

    @classmethod
    def from_batch(cls, out: Path | str, run: int) -> RunSpec:
        """Run `run` of the batch in `out`, from its manifest and runs.parquet. Refuses a
        damaged folder, a run number out of range and a changed scenario file; warns when
        the engine changed since the batch was run."""
        import pandas as pd

        from sim.inputs.setup import build

        man = read_manifest(out)
        args = man["arguments"]
        n = int(man["runs"])
        check_intact(out)
        if not 0 <= run < n:
            raise InputError("--run", str(run), f"out of range; allowed: 0 to {n - 1}")
        setup = build(args["scenario_file"], dict(args["overrides"]), args["turns"])
        if setup.digest != args["scenario_sha256"]:
            raise InputError(
                args["scenario_file"],
                "",
                "the scenario file changed since the "
                "batch was run (sha256 differs); replay needs the original file",
            )
        if args.get("engine_source") not in (None, engine_digest()):
            sys.stderr.write(
                "warning: the engine's source changed since this batch was run; "
                "the replay may differ from its rows\n"
            )
        row = pd.read_parquet(Path(out) / RUNS, filters=[("run", "==", run)])
        params = {c: float(row[c].iloc[0]) for c in row.columns if c not in RUN_COLUMNS}
        rng_run = int(row["rng_run"].iloc[0]) if "rng_run" in row.columns else run
        return cls(
            scenario=args["scenario_file"],
            overrides=dict(args["overrides"]),
            params=params,
            seed=int(args["seed"]),
            run=run,
            rng_run=rng_run,
            turns=args["turns"],
        )


def rebuild_model(spec: RunSpec, keep_snapshots: bool = False):
    """The model of `spec`'s run, stepped to its end; `run_index` is the run's number in the
    batch (its draws are those of `spec.rng_run`)."""
    from sim.engine.model import Ensemble
    from sim.inputs.setup import build

    setup = build(spec.scenario, spec.all_overrides, spec.turns)
    model = Ensemble(
        setup, seed=spec.seed, runs=np.array([spec.rng_run]), keep_snapshots=keep_snapshots
    ).run()
    model.run_index = np.array([spec.run])
    return model


def replay_model(out: Path | str, run: int, keep_snapshots: bool = False):
    """Re-simulate run `run` of a batch alone (`wargame replay`)."""
    return rebuild_model(RunSpec.from_batch(out, run), keep_snapshots)
