"""Memory a comparison needs before it starts: both games are held whole to pair them run
by run, so a comparison too large for this machine is refused before any run."""

from __future__ import annotations

from sim.errors import InputError

#: Memory one run of one game holds per turn while a comparison runs (measured: about
#: 75 kB a run for two 40-turn games), with a margin
BYTES_PER_RUN_TURN = 1_000.0


def available_memory() -> float | None:
    """Bytes of memory available to start new work (Linux MemAvailable), or None."""
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return float(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def check_memory(runs: int, sampled: int, turns: int) -> None:
    """Refuse, before any run, a comparison whose games cannot fit in memory (both games
    are held whole to pair them run by run; `sampled`: the runs --uncertainty adds)."""
    need = 2 * (runs + sampled) * (turns + 1) * BYTES_PER_RUN_TURN
    free = available_memory()
    if free is not None and need > free:
        raise InputError(
            "--runs",
            str(runs),
            f"{runs + sampled} runs of {turns} turns need about "
            f"{need / 1e9:.1f} GB of memory, {free / 1e9:.1f} GB is available; "
            "allowed: fewer --runs or --turns",
        )
