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


def test_the_mutation_run_leaves_this_check_out(tmp_path):
    """This file fails on every mutant by construction (the mutated line is gone), so the
    mutation run must not count it: otherwise no mutation could ever survive."""
    mod = _mutants()
    (tmp_path / "tests" / "rules").mkdir(parents=True)
    for name in ("test_mutants_apply.py", "test_rules.py"):
        (tmp_path / "tests" / name).write_text("")
    paths = mod.test_paths(tmp_path)
    assert "tests/test_rules.py" in paths and "tests/rules" in paths
    assert "tests/test_mutants_apply.py" not in paths
    assert "--ignore=tests/test_mutants_apply.py" in paths
