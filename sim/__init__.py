"""allied-wargame: a scenario-based policy wargame of Japan–Europe security cooperation.

The Python API (each name is imported on first use, so `import sim` stays light):

- `sim.run(scenario, seed=0, overrides=None, turns=None)`: one game, with `.levels`,
  `.events` and `.explain(dyad, track, turn)` (`sim.api.RunResult`);
- `sim.batch(scenario, runs=..., seed=..., out=..., sample=None, params=None,
  record="all")`: many runs into a folder of Parquet files (`sim.api.Results`);
- `sim.open_results(out)`: a batch folder, read lazily with pandas, polars or DuckDB;
- `sim.compare(scenario, overrides=..., runs=...)`: paired what-if runs with intervals;
- `sim.WargameModel(scenario, rng=...)`: the Mesa model (`step()`, `run_model()`,
  `datacollector`, `mesa.batch_run`);
- `sim.ema.ema_model(scenario)`: the model as an EMA Workbench model (extra `research`).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__all__ = [
    "run",
    "batch",
    "open_results",
    "compare",
    "RunResult",
    "Results",
    "WargameModel",
    "__version__",
]

_LAZY = {
    "run": "sim.api",
    "batch": "sim.api",
    "open_results": "sim.api",
    "compare": "sim.api",
    "RunResult": "sim.api",
    "Results": "sim.api",
    "WargameModel": "sim.engine.mesa_model",
}

if TYPE_CHECKING:  # pragma: no cover
    from sim.api import Results, RunResult, batch, compare, open_results, run
    from sim.engine.mesa_model import WargameModel


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("allied-wargame")
        except PackageNotFoundError:  # pragma: no cover - a source tree not installed
            return "0+unknown"
    if name in ("ema", "api"):
        return import_module(f"sim.{name}")
    if name == "discovery":
        return import_module("sim.research.discovery")
    raise AttributeError(f"module 'sim' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
