"""Files people hand us: read within a size limit or fail with one line; write atomically.

Scenario files, config folders and saved games travel between people, so they are read as
untrusted input: only regular files, at most `limit` bytes (checked before reading, so
/dev/zero or a huge file costs nothing), strict UTF-8 for text. Writes go to a temporary
file in the same folder that replaces the target in one step, so a crash or Ctrl+C never
leaves a half-written file.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

from sim.errors import InputError

#: Largest scenario, config or injects file accepted.
YAML_LIMIT = 1_000_000


def _mb(n: int) -> str:
    return f"{n / 1e6:g} MB"


def read_bytes(path: Path | str, limit: int, what: str = "file") -> bytes:
    """The bytes of the regular file `path`, refusing anything larger than `limit`."""
    p = str(path)
    try:
        fd = os.open(p, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise InputError(p, "", "file not found") from None
    except IsADirectoryError:
        raise InputError(p, "", f"is a folder, not a {what}") from None
    except OSError as exc:
        raise InputError(p, "", f"cannot read: {exc.strerror or exc.__class__.__name__}") from None
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise InputError(p, "", f"is a folder, not a {what}")
        if not stat.S_ISREG(st.st_mode):
            raise InputError(
                p,
                "",
                f"is not a regular file (a device, pipe or socket); a {what} is a file on disk",
            )
        if st.st_size > limit:
            raise InputError(p, "", f"{what} is {_mb(st.st_size)}; the limit is {_mb(limit)}")
        chunks, total = [], 0
        while True:
            chunk = os.read(fd, min(1 << 20, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:  # grew while we read
                raise InputError(p, "", f"{what} is over the limit of {_mb(limit)}")
        return b"".join(chunks)
    except OSError as exc:
        raise InputError(p, "", f"cannot read: {exc.strerror or exc.__class__.__name__}") from None
    finally:
        os.close(fd)


def read_text(path: Path | str, limit: int, what: str = "file") -> str:
    """The text of `path` as strict UTF-8 (see `read_bytes`); bad bytes name their line."""
    raw = read_bytes(path, limit, what)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(
            str(path),
            "",
            f"not UTF-8 text (byte 0x{raw[exc.start]:02x} at "
            f"offset {exc.start}); save the file as UTF-8",
            line,
        ) from None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise InputError(str(path), "", "contains a NUL byte; a text file was expected", line)
    return text.removeprefix("\ufeff")


def atomic_write(path: Path | str, data: bytes | str, mode: int = 0o644) -> None:
    """Write `data` to `path` through a temporary file renamed over it (never half-written).
    The temporary file is created readable by its owner only (mkstemp: mode 0600, O_EXCL)
    and given `mode` before the rename, so a secret (mode 0o600) is never readable by
    others, not even briefly."""
    path = Path(path)
    blob = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent or ".")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(blob)
            fh.flush()
            os.fchmod(fh.fileno(), mode)
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_file(path: Path | str, data: bytes | str) -> Path:
    """Write `data` to `path` for a person (a saved game, a report): create its folder,
    refuse a folder as the target, write atomically (`atomic_write`) and turn any failure
    into one InputError naming the file."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.is_dir():
            raise InputError(str(path), "", "is a folder; give a file name")
        atomic_write(path, data)
    except OSError as exc:
        raise InputError(str(path), "", f"cannot write: {exc.strerror or exc}") from None
    return path


def target_concerns(paths: list[Path | str], folder: Path | str) -> list[str]:
    """What a person should confirm before these files are written: each path that lies
    outside `folder` (after resolving '..' and symbolic links) or already exists."""
    base = Path(folder).resolve()
    out = []
    for p in paths:
        full = (base / Path(p).expanduser()).resolve()
        if not full.is_relative_to(base):
            out.append(f"{full} is outside the game's folder {base}")
        if full.is_dir():
            out.append(f"{full} is a folder")
        elif full.exists():
            out.append(f"{full} exists and would be replaced")
    return out
