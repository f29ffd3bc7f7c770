"""Every mutation of benchmarks/mutants.py still finds its one line in the engine: a
reformatted or moved line would otherwise turn a mutation into "not applicable" and weaken
the check without a word."""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _mutants():
    spec = importlib.util.spec_from_file_location("mutants", ROOT / "benchmarks" / "mutants.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules["mutants"] = mod
    spec.loader.exec_module(mod)
    return mod


def test_every_mutation_applies(tmp_path):
    mod = _mutants()
    mutations = mod.MUTATIONS
    assert len(mutations) >= 46
    shutil.copytree(ROOT / "sim", tmp_path / "sim", ignore=shutil.ignore_patterns("__pycache__"))
    missing = []
    for m in mutations:
        original = mod.apply(tmp_path, m)
        if original is None:
            missing.append(f"{m.name} ({m.file})")
        else:
            (tmp_path / m.file).write_text(original)
    assert missing == []
