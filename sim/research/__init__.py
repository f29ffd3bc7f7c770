"""Research runs: batches of many runs streamed to disk (batch.py). `sim.batch(...)` is the
API function (sim/api.py) that runs one."""
