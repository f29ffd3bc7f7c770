"""The engine: the model and its rules (actors, world, shocks, moves, randomness,
explanations, result records). It reads `sim.inputs` and `sim.vocabulary`, and never imports
`sim.research`, `sim.game`, `sim.cli.main` or any user-interface library."""

from __future__ import annotations

from pathlib import Path

#: What decides results, besides inputs and seed: this folder, the inputs and the vocabulary.
SOURCES = ("engine", "inputs", "vocabulary.py")


def fingerprint(*also: str, package: Path | None = None) -> str:
    """Hash (16 hex digits) of every Python file of the engine's sources (`SOURCES`) and of
    the further parts of the `sim` package named in `also` (e.g. "research" for batches,
    whose tables are written there). Saved games and batch folders record it so that a result
    from other code is never silently mixed with this one."""
    import hashlib

    root = package or Path(__file__).resolve().parents[1]
    files: list[Path] = []
    for part in SOURCES + also:
        p = root / part
        files += [p] if p.is_file() else sorted(p.rglob("*.py"))
    h = hashlib.sha256()
    for f in sorted(set(files)):
        if "__pycache__" in f.parts:
            continue
        h.update(f.relative_to(root).as_posix().encode())
        h.update(b"\0")
        h.update(f.read_bytes())
    return h.hexdigest()[:16]
