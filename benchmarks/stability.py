"""Is the suite steady? N fresh clones of one commit, each running the README's test command
(`python -m pytest -n 2`), one after another, with one shared virtual environment.

    python benchmarks/stability.py N [--commit HEAD] [--keep]

The shared environment is made once in a temporary folder (Python 3.12 from
.ci/find-python) with the project's dependencies from pyproject.toml (`pip install -e
".[dev]"` of the first clone); before each run the clone is installed editable into it, so
the clone's own code is what is imported. Prints each run's verdict and duration, then
"K/N passed" with the ids of the failing tests; exit code 0 only when all passed. The
temporary folder is removed at the end (unless --keep); the whole output of a failing run
is kept in --logs.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FAILED = re.compile(r"^(?:FAILED|ERROR) (\S+)", re.M)


def sh(cmd: list[str], cwd: Path | None = None, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=cwd, text=True, capture_output=True, **kw)


def must(cmd: list[str], cwd: Path | None = None) -> str:
    r = sh(cmd, cwd)
    if r.returncode != 0:
        sys.exit(f"error: {' '.join(cmd)} failed ({r.returncode}): {r.stderr.strip()[-500:]}")
    return r.stdout


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int, help="number of fresh clones to test")
    ap.add_argument("--commit", default="HEAD", help="commit to test (default HEAD)")
    ap.add_argument("--keep", action="store_true", help="leave the temporary folder")
    ap.add_argument(
        "--logs",
        type=Path,
        default=Path("stability-logs"),
        help="folder for the whole output of each failing run (default ./stability-logs)",
    )
    a = ap.parse_args()
    if a.n < 1:
        sys.exit("error: N must be 1 or more")
    commit = must(["git", "rev-parse", "--verify", f"{a.commit}^{{commit}}"], ROOT).strip()
    work = Path(tempfile.mkdtemp(prefix="wargame-stability-"))
    results = []
    try:
        py = must([str(ROOT / ".ci" / "find-python")], ROOT).strip()
        venv = work / "venv"
        must([py, "-m", "venv", str(venv)])
        vpy = venv / "bin" / "python"
        print(f"commit {commit[:12]}, {a.n} fresh clones, shared environment {venv}", flush=True)
        for i in range(1, a.n + 1):
            clone = work / f"clone-{i}"
            must(["git", "clone", "--quiet", "--no-checkout", str(ROOT), str(clone)])
            must(["git", "checkout", "--quiet", commit], clone)
            # the clone's code on the import path: installed editable into the shared venv
            # (the first install also brings every dependency of pyproject.toml)
            must([str(vpy), "-m", "pip", "install", "-q", "-e", ".[dev]"], clone)
            t0 = time.monotonic()
            r = sh([str(vpy), "-m", "pytest", "-n", "2", "-q", "-p", "no:cacheprovider"], clone)
            took = time.monotonic() - t0
            failing = sorted(set(FAILED.findall(r.stdout)))
            last = (r.stdout.strip().splitlines() or ["(no output)"])[-1]
            results.append((r.returncode == 0, took, failing))
            print(
                f"run {i}: {'pass' if r.returncode == 0 else 'FAIL'} in {took:.0f} s "
                f"(exit {r.returncode}): {last}",
                flush=True,
            )
            for t in failing:
                print(f"    {t}", flush=True)
            if r.returncode != 0:
                a.logs.mkdir(parents=True, exist_ok=True)
                log = a.logs / f"run-{i}-{commit[:12]}.txt"
                log.write_text(r.stdout + r.stderr)
                print(f"    output: {log}", flush=True)
            shutil.rmtree(clone, ignore_errors=True)
    finally:
        if a.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    passed = sum(ok for ok, _, _ in results)
    durations = [d for _, d, _ in results]
    failing = sorted({t for _, _, f in results for t in f})
    print(
        f"{passed}/{len(results)} passed; duration min {min(durations):.0f} s, max "
        f"{max(durations):.0f} s" + (f"; failing: {', '.join(failing)}" if failing else "")
    )
    sys.exit(0 if passed == len(results) == a.n else 1)


if __name__ == "__main__":
    main()
