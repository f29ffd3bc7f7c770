"""Research tools built on the engine: batches streamed to disk (batch.py), paired what-ifs
(compare.py), designs and samplers (design.py), sensitivity, calibration, validation and the
battery of claims, scenario discovery, and the HTML reports (pages.py, templates/).
`sim.batch(...)` (sim/api.py) is the API function that runs a batch."""
