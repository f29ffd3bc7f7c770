"""The example notebooks under examples/ run top to bottom (nbclient, in a fresh kernel, in a
temporary folder) and are kept in git without outputs."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
NOTEBOOKS = sorted(EXAMPLES.glob("*.ipynb"))
#: Seconds a notebook may take (about 10–20 s each on a quiet core)
BUDGET = 120


def test_there_are_three_examples():
    assert [p.name for p in NOTEBOOKS] == [
        "classroom-debrief.ipynb",
        "sweep-sobol-discovery.ipynb",
        "what-if-germany-china-caution.ipynb",
    ]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_stored_without_outputs(path):
    import nbformat

    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, (
                f"{path.name}: outputs stored; clear them before committing"
            )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_top_to_bottom(path, tmp_path):
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    t0 = time.perf_counter()
    NotebookClient(
        nb,
        timeout=BUDGET,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},
    ).execute()
    took = time.perf_counter() - t0
    assert took < BUDGET, f"{path.name} took {took:.0f} s"
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert errors == []
    # every result shows itself as HTML with its chart, not as an object address
    html = [
        o["data"]["text/html"]
        for c in nb.cells
        for o in c.get("outputs", [])
        if "text/html" in o.get("data", {})
    ]
    assert any("data:image/png;base64," in h for h in html)
    text = [
        o["data"].get("text/plain", "")
        for c in nb.cells
        for o in c.get("outputs", [])
        if "data" in o
    ]
    assert not any(" object at 0x" in t for t in text)
    # a chart returned by .plot() shows as a picture (no pyplot needed)
    plots = [c for c in nb.cells if c.cell_type == "code" and c.source.endswith(".plot()")]
    for c in plots:
        assert any("image/png" in o.get("data", {}) for o in c.outputs), c.source
