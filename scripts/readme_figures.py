"""Regenerate what README.md's command examples print.

Usage: .venv/bin/python scripts/readme_figures.py [--check]

Every ```text block of README.md whose first line is `$ wargame ...` is an example: the
command is run in a temporary folder and the lines after it are replaced by what it prints
(standard output). `--check` changes nothing and exits 1, with a diff, where the README is
stale. Examples run at their full sizes (the discover example: 2,000 runs, under a minute);
tests/test_readme.py runs them at small sizes and checks the shape of their output instead,
so that the suite does not depend on figures that move while the model is tuned.
"""

from __future__ import annotations

import argparse
import difflib
import os
import re
import shlex
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"
BLOCK = re.compile(r"```text\n\$ (wargame [^\n]*)\n(.*?)```", re.S)
NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")


@dataclass(frozen=True)
class Example:
    """One command of the README and the lines shown as its output."""

    command: str
    """The command line after `$ `."""
    printed: str
    """What the README shows it printing (ends with a newline)."""
    start: int
    """Offset of `printed` in the README."""


def examples(text: str) -> list[Example]:
    """The README's command examples, in order."""
    return [Example(m.group(1), m.group(2), m.start(2)) for m in BLOCK.finditer(text)]


def run(command: str, cwd: Path, **sizes: int) -> str:
    """What `command` prints to standard output, run in `cwd`; `sizes` replace the values of
    the options named (runs=200: `--runs 200`)."""
    args = shlex.split(command)[1:]
    for name, value in sizes.items():
        flag = f"--{name}"
        if flag in args:
            args[args.index(flag) + 1] = str(value)
    env = {**os.environ, "COLUMNS": "100", "NO_COLOR": "1"}
    r = subprocess.run(
        [sys.executable, "-m", "sim", *args], cwd=cwd, capture_output=True, text=True, env=env
    )
    if r.returncode != 0:
        raise SystemExit(f"{command}: exit {r.returncode}\n{r.stderr.strip()}")
    return r.stdout


def shape(text: str) -> list[str]:
    """The lines with every number replaced by N, table rows and rules reduced to one of each
    kind, repeated lines once: what stays the same when the model's figures move."""
    out: list[str] = []
    for line in text.splitlines():
        line = line.rstrip()
        if line.startswith("│"):
            line = "│ row │"
        elif line and line[0] in "┏┡└":
            line = line[0]
        elif line.startswith("┃"):
            line = "┃ " + " ┃ ".join(c.strip() for c in line.strip("┃").split("┃")) + " ┃"
        else:
            line = NUMBER.sub("N", line)
        if not out or out[-1] != line:
            out.append(line)
    return out


def regenerate(text: str) -> str:
    """The README with every example's output run afresh."""
    parts, last = [], 0
    for ex in examples(text):
        with tempfile.TemporaryDirectory() as tmp:
            printed = run(ex.command, Path(tmp))
        parts += [text[last : ex.start], printed]
        last = ex.start + len(ex.printed)
    return "".join(parts) + text[last:]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="Exit 1 with a diff if stale")
    a = ap.parse_args()
    old = README.read_text(encoding="utf-8")
    new = regenerate(old)
    if a.check:
        diff = list(difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm=""))
        print("\n".join(diff) or "README.md examples are current")
        raise SystemExit(1 if diff else 0)
    README.write_text(new, encoding="utf-8")
    print(f"README.md: {len(examples(old))} example(s) regenerated")


if __name__ == "__main__":
    main()
