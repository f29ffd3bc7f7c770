"""Every command refuses a bad argument before any work starts: exit code 2, a single line
starting with `error:`, no traceback and nothing written."""

from __future__ import annotations

import pytest

from sim.cli.main import main

BIG = str(2**64)
SET = "DEU.china_caution=0.1"

BAD = [
    # the command line itself
    [],
    ["nosuch"],
    ["run", "--bogus"],
    ["run", "a", "b"],
    # run
    ["run", "--seed", BIG],
    ["run", "--seed", "-1"],
    ["run", "--seed", "abc"],
    ["run", "--seed", "1e3"],
    ["run", "--seed", str(2**200)],
    ["run", "--turns", "0"],
    ["run", "--turns", "401"],
    ["run", "--turns", "-3"],
    ["run", "--turns", "x"],
    ["run", "nosuch-scenario"],
    ["run", "missing.yaml"],
    ["run", "--set", "DEU.china_caution"],
    ["run", "--set", "DEU.china_caution=nan"],
    ["run", "--set", "DEU.china_caution=inf"],
    ["run", "--set", "DEU.china_caution=2"],
    ["run", "--set", "XYZ.china_caution=0.1"],
    ["run", "--set", "DEU.nope=0.1"],
    ["run", "--set", "=1"],
    ["run", "--set", "MODEL.x.y=1"],
    ["run", "--set", "DEU.bandwidth=1e999"],
    ["run", "/"],
    ["run", "/dev/zero"],
    ["run", "--seed"],
    ["run", "--json", "--json=3"],
    # validate
    ["validate"],
    ["validate", "/nonexistent.yaml"],
    ["validate", "/"],
    ["validate", "/dev/null"],
    ["validate", "/dev/zero"],
    ["validate", "/proc/self/mem"],
    # list
    ["list", "nothing"],
    ["list", "params", "extra"],
    # schema
    ["schema", "--out", "/nonexistent/dir/schema.json"],
    ["schema", "--out", "/"],
    ["schema", "--out"],
    # replay
    ["replay"],
    ["replay", "/nonexistent", "--run", "0"],
    ["replay", "/", "--run", "0"],
    ["replay", "DIR", "--run", "-1"],
    ["replay", "DIR", "--run", "x"],
    ["replay", "DIR"],
    ["replay", "DIR", "--run", BIG],
    # compare
    ["compare"],
    ["compare", "baseline"],
    ["compare", "baseline", "--set", SET, "--runs", "0"],
    ["compare", "baseline", "--set", SET, "--runs", "-5"],
    ["compare", "baseline", "--set", SET, "--runs", "1000000000000"],
    ["compare", "baseline", "--set", SET, "--runs", "1000000"],  # more than the memory
    ["compare", "baseline", "--set", SET, "--runs", "400000", "--uncertainty", "50"],
    ["compare", "baseline", "--set", SET, "--seed", BIG],
    ["compare", "baseline", "--set", SET, "--turns", "0"],
    ["compare", "baseline", "--against", "nosuch"],
    ["compare", "baseline", "--set", "DEU.china_caution=-inf"],
    ["compare", "nosuch", "--set", SET],
    # sensitivity
    ["sensitivity", "baseline"],
    [
        "sensitivity",
        "baseline",
        "--params",
        "DEU.china_caution",
        "--outcome",
        "JPN-DEU.exercise",
        "--out",
        "OUT",
        "--runs",
        "0",
    ],
    [
        "sensitivity",
        "baseline",
        "--params",
        "DEU.china_caution",
        "--outcome",
        "JPN-DEU.exercise",
        "--out",
        "OUT",
        "--runs",
        "1000000000000",
    ],
    [
        "sensitivity",
        "baseline",
        "--params",
        "DEU.china_caution",
        "--outcome",
        "JPN-DEU.exercise",
        "--out",
        "OUT",
        "--seed",
        BIG,
    ],
    [
        "sensitivity",
        "baseline",
        "--params",
        "DEU.china_caution",
        "--outcome",
        "JPN-DEU.exercise",
        "--out",
        "OUT",
        "--workers",
        "0",
    ],
    [
        "sensitivity",
        "baseline",
        "--params",
        "DEU.china_caution",
        "--outcome",
        "JPN-DEU.exercise",
        "--out",
        "OUT",
        "--workers",
        "100000",
    ],
    [
        "sensitivity",
        "baseline",
        "--params",
        "DEU.china_caution",
        "--outcome",
        "JPN-DEU.exercise",
        "--out",
        "OUT",
        "--chunk-size",
        "0",
    ],
    [
        "sensitivity",
        "baseline",
        "--params",
        "DEU.china_caution",
        "--outcome",
        "JPN-DEU.exercise",
        "--out",
        "OUT",
        "--replicates",
        "0",
    ],
    [
        "sensitivity",
        "baseline",
        "--params",
        "DEU.china_caution",
        "--outcome",
        "JPN-DEU.exercise",
        "--out",
        "OUT",
        "--turns",
        "999",
    ],
    [
        "sensitivity",
        "baseline",
        "--params",
        "DEU.china_caution",
        "--outcome",
        "JPN-DEU.exercise",
        "--out",
        "OUT",
        "--method",
        "magic",
    ],
    [
        "sensitivity",
        "baseline",
        "--params",
        "DEU.nope",
        "--outcome",
        "JPN-DEU.exercise",
        "--out",
        "OUT",
    ],
    [
        "sensitivity",
        "baseline",
        "--params",
        "DEU.china_caution",
        "--outcome",
        "JPN-XYZ.exercise",
        "--out",
        "OUT",
    ],
    [
        "sensitivity",
        "baseline",
        "--params",
        "DEU.china_caution",
        "--outcome",
        "nonsense",
        "--out",
        "OUT",
    ],
    # report
    ["report"],
    ["report", "/nonexistent", "--out", "OUT/r.html"],
    ["report", "DIR"],
    ["report", "/", "--out", "OUT/r.html"],
    # validate-model
    ["validate-model", "--runs", "0"],
    ["validate-model", "--runs", "100000000"],
    ["validate-model", "--seed", BIG],
    ["validate-model", "--seed", "-2"],
    ["validate-model", "--runs", "many"],
    # calibrate
    ["calibrate"],
    ["calibrate", "--free", "DEU.nope"],
    ["calibrate", "--free", "XYZ.china_caution"],
    ["calibrate", "--free", "DEU.china_caution", "--runs", "2"],
    ["calibrate", "--free", "DEU.china_caution", "--runs", "100000000000"],
    ["calibrate", "--free", "DEU.china_caution", "--seed", BIG],
    ["calibrate", "--free", "MODEL.nope.bias"],
    # play (the checks come before the terminal UI starts)
    ["play", "nosuch"],
    ["play", "--seed", BIG],
    ["play", "--seed", "-1"],
    ["play", "--turns", "0"],
    ["play", "baseline", "--turns", "500"],
    ["play", "--seat", "XYZ"],
    ["play", "--seat", "USA"],
    ["play", "--set", "DEU.china_caution=nan"],
    ["play", "--load", "/nonexistent.json"],
    ["play", "--load", "/dev/zero"],
    ["play", "--load", "/"],
    ["play", "--batch", "/nonexistent"],
    ["play", "--batch", "DIR", "--run", "-1"],
    ["play", "--run", BIG, "--batch", "DIR"],
    ["play", "baseline", "--seed", "x"],
    # serve (the checks come before the server starts)
    ["serve", "nosuch"],
    ["serve", "--port", "0"],
    ["serve", "--port", "70000"],
    ["serve", "--seed", BIG],
    ["serve", "--turns", "0"],
    ["serve", "--seat", "XYZ"],
    ["serve", "--set", "DEU.china_caution=inf"],
    ["serve", "--host", ""],
    ["serve", "--sessions", "0"],
    ["serve", "--idle-timeout", "-1"],
    ["serve", "--public-url", "not a url"],
    ["serve", "--public-url", "ftp://x/"],
]


@pytest.mark.parametrize("argv", BAD, ids=[" ".join(a) or "(none)" for a in BAD])
def test_bad_argument(argv, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "DIR").mkdir()
    argv = [
        a.replace("OUT", str(tmp_path / "out")).replace("DIR", str(tmp_path / "DIR")) for a in argv
    ]
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    out, err = capsys.readouterr()
    assert exit_.value.code == 2, (out, err)
    if argv:  # a bare `wargame` prints its help instead
        lines = err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: "), err
        assert "Traceback" not in out + err
    assert not (tmp_path / "out").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["DIR"]


def test_seed_range_is_the_full_64_bits(capsys):
    """The largest seed is accepted and differs from seed 0 (no wrap-around)."""
    import json

    outs = []
    for seed in ("0", str(2**64 - 1)):
        with pytest.raises(SystemExit) as exit_:
            main(["run", "baseline", "--turns", "2", "--json", "--seed", seed])
        assert exit_.value.code == 0
        outs.append(json.loads(capsys.readouterr().out))
    assert outs[1]["seed"] == 2**64 - 1
    assert outs[0]["history"] != outs[1]["history"]
