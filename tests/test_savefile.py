"""Saved games are untrusted files: damaged, oversized, foreign or tampered files and saves
from another engine version each get one clear line; nothing opens with silently different
results."""

from __future__ import annotations

import json
import random
import time

import pytest

import sim.game.savefile as sf
from sim.errors import InputError
from sim.game.game import Game
from sim.game.savefile import SAVE_LIMIT, checksum


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    g = Game("baseline", seed=3)
    g.inject("scs-standoff") if "scs-standoff" in g.library() else None
    g.step()
    g.step()
    g.fork(["DEU.china_caution=0.1"])
    g.step()
    path = g.save(tmp_path_factory.mktemp("save") / "g.json")
    return path, path.read_bytes()


def _load(tmp_path, blob: bytes) -> InputError:
    p = tmp_path / "x.json"
    p.write_bytes(blob)
    with pytest.raises(InputError) as exc:
        Game.load(p)
    assert str(p) in str(exc.value) and "\n" not in str(exc.value)
    return exc.value


def test_round_trip_carries_format_engine_and_checksum(saved):
    path, blob = saved
    data = json.loads(blob)
    assert data["format"] == 2 and data["engine"] == sf.engine_fingerprint()
    assert data["checksum"] == checksum(data)
    g = Game.load(path)
    assert g.turn == 3 and g.note is None and g.branch is not None


def test_every_truncation_and_byte_flip_is_refused(saved, tmp_path):
    _, blob = saved
    rng = random.Random(5)
    cuts = sorted(rng.sample(range(len(blob) - 2), 25))
    for n in cuts:
        _load(tmp_path, blob[:n])
    for _ in range(40):
        b = bytearray(blob)
        i = rng.randrange(len(b))
        b[i] ^= 1 << rng.randrange(8)
        if bytes(b) == blob:
            continue
        try:
            json.loads(bytes(b))
        except ValueError:
            pass
        else:
            err = _load(tmp_path, bytes(b))
            assert "checksum" in str(err) or "not a saved game" in str(err) or err.field, err


@pytest.mark.parametrize(
    "field, value",
    [
        ("seed", 4),
        ("seed", 2**64),
        ("turn", 1),
        ("inputs", []),
        ("overrides", {"DEU.china_caution": 0.2}),
        ("scenario_path", "/etc/passwd"),
        ("engine", "0000"),
        ("format", 1),
    ],
)
def test_tampered_field_is_refused(saved, tmp_path, field, value):
    data = json.loads(saved[1])
    data[field] = value
    err = _load(tmp_path, json.dumps(data).encode())
    assert err.field == "checksum"


def test_foreign_and_damaged_files(tmp_path):
    for blob, needle in [
        (b"", "invalid JSON"),
        (b"[1, 2]", "not a saved game"),
        (b'{"a": 1}', "not a saved game"),
        (b'{"format": 99, "final": {}}', "99 is not supported; allowed: 1, 2"),
        (b'{"format": "x", "final": {}}', "not supported"),
        (b"\xff\xfe{}", "not UTF-8"),
        (b"[" * 100_000 + b"]" * 100_000, "not a saved game"),
        (b'{"format": 2, "seed": ' + b"9" * 5000 + b"}", "not a saved game"),
        (b"PK\x03\x04" + bytes(100), "NUL byte"),
        (b"\x00" * 50, "NUL"),
    ]:
        assert needle in str(_load(tmp_path, blob))


def test_oversized_and_special_files_fail_fast(tmp_path):
    big = tmp_path / "big.json"
    with open(big, "wb") as fh:
        fh.truncate(SAVE_LIMIT + 1)  # sparse: costs no disk
    t0 = time.perf_counter()
    for path, needle in [
        (big, "limit is 5 MB"),
        ("/dev/zero", "not a regular file"),
        (tmp_path, "is a folder"),
        (tmp_path / "none.json", "not found"),
    ]:
        with pytest.raises(InputError, match=needle):
            Game.load(path)
    assert time.perf_counter() - t0 < 2


def test_other_engine_version(saved, tmp_path, monkeypatch):
    """Same results: opens with a note naming both engines. Different: refused."""
    path, _ = saved
    monkeypatch.setattr(sf, "engine_fingerprint", lambda: "feedfacefeedface")
    g = Game.load(path)
    assert g.note and "feedfacefeedface" in g.note and "reproduces the saved levels" in g.note
    data = json.loads(path.read_bytes())
    data["final"]["JPN-GBR"]["dialogue"] += 0.01  # what another engine would have produced
    data["checksum"] = checksum(data)
    err = _load(tmp_path, json.dumps(data).encode())
    assert "feedfacefeedface" in str(err) and "refused" in str(err)


def test_format_1_files_still_open(saved, tmp_path):
    data = json.loads(saved[1])
    data.pop("checksum"), data.pop("engine")
    data["format"] = 1
    p = tmp_path / "old.json"
    p.write_text(json.dumps(data))
    g = Game.load(p)
    assert g.turn == 3 and "an older version" in g.note
