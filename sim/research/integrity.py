"""Whether a batch folder is whole: the manifest, the SHA-256 of every file, checks.

Every file goes to a hidden temporary name and is renamed into place (sim.files.atomic_write),
then a small checksum file (`checksums/part-NNNNNN.json`) marks the chunk finished. At the
end of a session the checksums move into `manifest.json`. `verify` lists every problem of a
folder (`wargame verify DIR`); `check_intact` refuses a damaged folder before it is read.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sim.errors import InputError
from sim.files import atomic_write
from sim.research.request import engine_digest
from sim.research.tables import EVENTS, HIVE, LEVELS, RUNS, TABLES, chunk_paths, part_name

MANIFEST = "manifest.json"
CHECKSUMS = "checksums"


def sha256(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


def file_sha256(path: Path) -> str:
    import hashlib

    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


# --------------------------------------------------------------------------- manifest
def read_manifest(out: Path | str, command: str | None = None) -> dict[str, Any]:
    path = Path(out) / MANIFEST
    if not path.exists():
        raise InputError(str(out), "", "not a batch directory (no manifest.json)")
    try:
        man = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        raise InputError(str(path), "", "unreadable manifest") from None
    if not isinstance(man, dict):
        raise InputError(str(path), "", "unreadable manifest (not a JSON object)")
    if command and man.get("arguments", {}).get("command") != command:
        raise InputError(
            str(out),
            "",
            f"holds a '{man.get('arguments', {}).get('command')}' result, not a '{command}' one",
        )
    return man


def write_manifest(out: Path, manifest: dict[str, Any]) -> None:
    atomic_write(
        out / MANIFEST, (json.dumps(manifest, indent=1, sort_keys=False) + "\n").encode("utf-8")
    )


# --------------------------------------------------------------------------- checksums
def store_chunk(out: Path, chunk: int, lo: int, hi: int, files: dict[str, bytes]) -> dict:
    """Write a chunk's files, then its checksum file (which marks the chunk finished)."""
    for rel, data in files.items():
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, data)
    entry = {"runs": [lo, hi], "sha256": {rel: sha256(data) for rel, data in files.items()}}
    (out / CHECKSUMS).mkdir(exist_ok=True)
    atomic_write(
        out / CHECKSUMS / f"{part_name(chunk)[:-8]}.json", json.dumps(entry).encode("utf-8")
    )
    return entry


def chunk_checksums(out: Path, manifest: dict[str, Any]) -> dict[int, dict]:
    """Checksum entries of finished chunks: the manifest's, then checksum files written
    since (by workers of a session that did not end cleanly)."""
    done = {int(k): v for k, v in manifest.get("checksums", {}).get("chunks", {}).items()}
    folder = out / CHECKSUMS
    if folder.is_dir():
        for f in sorted(folder.glob("part-*.json")):
            try:
                done[int(f.stem[5:])] = json.loads(f.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue  # an unreadable checksum file: the chunk is computed again
    return done


def merge_checksums(out: Path, manifest: dict[str, Any]) -> None:
    """Move the checksum files into the manifest (written by the caller)."""
    done = chunk_checksums(out, manifest)
    manifest.setdefault("checksums", {})["chunks"] = {str(k): done[k] for k in sorted(done)}


def drop_checksum_files(out: Path) -> None:
    folder = out / CHECKSUMS
    if folder.is_dir():
        for f in folder.iterdir():
            f.unlink(missing_ok=True)
        folder.rmdir()


def chunk_problems(out: Path, chunk: int, entry: dict, expected: set[str]) -> list[str]:
    """Missing or damaged files of a finished chunk ([] when whole)."""
    problems = []
    files = entry.get("sha256", {}) if isinstance(entry, dict) else {}
    if set(files) != expected:
        return [f"{part_name(chunk)}: its checksum entry lists other files than the batch records"]
    for rel, digest in sorted(files.items()):
        path = out / rel
        if not path.is_file():
            problems.append(f"{rel}: missing")
        elif file_sha256(path) != digest:
            problems.append(f"{rel}: damaged (SHA-256 differs from the manifest)")
    return problems


def expected_files(chunk: int, args: dict[str, Any], layout: int = HIVE) -> set[str]:
    """Files chunk `chunk` writes, from the batch's arguments and the folder's layout (the
    manifest's "layout"; a manifest without one is of the Hive layout)."""
    return chunk_paths(
        chunk,
        int(args["turns"]),
        args.get("record", "all"),
        args.get("tables", list(TABLES)),
        layout,
    )


# --------------------------------------------------------------------------- checks
def verify(out: Path | str, check_inputs: bool = True) -> list[str]:
    """Problems of a batch folder, one line each naming the damaged part; [] when whole.

    Checks every file against the SHA-256 in the manifest (or in the checksum files of an
    unfinished session), that every chunk is there, that no stray part files are mixed in,
    and with `check_inputs` that the scenario file, config and engine are those the batch
    was run with."""
    out = Path(out)
    man = read_manifest(out)
    args = man.get("arguments", {})
    problems: list[str] = []
    try:
        count = int(man["chunks"]["count"])
        want_runs = man.get("checksums", {}).get("runs")
    except (KeyError, TypeError, ValueError):
        return [f"{out / MANIFEST}: no chunk layout; not a batch manifest of this version"]
    if not (out / RUNS).is_file():
        problems.append(f"{RUNS}: missing")
    elif want_runs is None or file_sha256(out / RUNS) != want_runs:
        problems.append(f"{RUNS}: damaged (SHA-256 differs from the manifest)")
    done = chunk_checksums(out, man)
    known: set[str] = set()
    for chunk in range(count):
        expected = expected_files(chunk, args, man.get("layout", HIVE))
        known |= expected
        if chunk not in done:
            problems.append(
                f"{part_name(chunk)}: chunk {chunk} not computed (the batch is "
                "unfinished: rerun its command to resume)"
            )
            continue
        problems += chunk_problems(out, chunk, done[chunk], expected)
    for folder in (LEVELS, EVENTS):
        for f in sorted((out / folder).rglob("*.parquet")) if (out / folder).is_dir() else []:
            rel = f.relative_to(out).as_posix()
            if rel not in known:
                problems.append(f"{rel}: not part of this batch")
    if check_inputs:
        problems += _input_problems(args)
    return problems


def _input_problems(args: dict[str, Any]) -> list[str]:
    from sim.inputs.setup import build, setup_fingerprint

    problems = []
    if args.get("engine_source") != engine_digest():
        problems.append(
            f"engine: the batch was run by engine {args.get('engine_source')}, "
            f"this is {engine_digest()} (results may differ)"
        )
    try:
        setup = build(args["scenario_file"], dict(args["overrides"]), args["turns"])
    except InputError as exc:
        return problems + [f"scenario: {exc}"]
    if setup.digest != args.get("scenario_sha256"):
        problems.append(
            f"{args['scenario_file']}: changed since the batch was run (sha256 differs)"
        )
    if setup_fingerprint(setup) != args.get("fingerprint"):
        problems.append("config: the scenario's config changed since the batch was run")
    return problems


def check_intact(out: Path | str) -> None:
    """Refuse (InputError) a folder whose files are damaged, missing or foreign."""
    problems = verify(out, check_inputs=False)
    damaged = [p for p in problems if "not computed" not in p]
    if damaged:
        more = f" (and {len(damaged) - 1} more)" if len(damaged) > 1 else ""
        raise InputError(
            str(out),
            "",
            f"damaged batch folder: {damaged[0]}{more}; "
            "`wargame verify` lists every problem, rerunning the batch's "
            "command recomputes damaged chunks",
        )
