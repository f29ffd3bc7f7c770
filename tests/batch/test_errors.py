"""Bad batch arguments: one `error:` line, exit code 2, nothing written."""

from __future__ import annotations

import pytest

from .conftest import one_error_line


@pytest.mark.parametrize(
    "extra,expect",
    [
        (["--sweep", "DEU.china_cation=0.1:0.5:3"], "unknown parameter 'china_cation'"),
        (["--sweep", "ITA.bandwidth=1:2:3"], "unknown actor 'ITA'"),
        (["--sweep", "DEU.china_caution=0.5:0.5:0"], "empty range"),
        (["--sweep", "DEU.china_caution=0.7:0.2:3"], "empty range"),
        (["--sweep", "DEU.china_caution=0.1:7:3"], "out of range"),
        (["--sweep", "DEU.china_caution=a:b:c"], "LO:HI:STEPS"),
        (["--sweep", "JPN.consensus_friction"], "empty range"),
        (
            ["--sample", "sobol", "--params", "JPN.consensus_friction,DEU.china_caution"],
            "empty range",
        ),
        (["--sample", "latin", "--params", "DEU.china_caution"], "allowed: grid, lhs, sobol"),
        (["--sample", "lhs"], "--params"),
        (["--params", "DEU.china_caution"], "--sample"),
        (
            ["--sweep", "DEU.china_caution", "--sample", "lhs", "--params", "GBR.bandwidth"],
            "not both",
        ),
        (["--runs", "0"], "allowed: 1 to 100000000"),
        (["--runs", "-4"], "allowed: 1 to 100000000"),
        (["--runs", "1000000000000"], "allowed: 1 to 100000000"),
        (["--seed", str(2**64)], "allowed: 0 to"),
        (["--chunk-size", "0"], "chunk_size"),
        (["--workers", "0"], "workers"),
        (["--workers", "5000"], "allowed: 1 to 1024"),
        (["--record", "monthly"], "allowed: final, yearly, all"),
        (["--tables", "levels,moves"], "allowed: levels, events"),
        (["--engine", "spark"], "allowed: local, dask"),
        (["--scheduler", "tcp://127.0.0.1:9"], "needs --engine dask"),
        (["--set", "DEU.china_caution=2"], "out of range"),
    ],
)
def test_bad_batch_arguments(tmp_path, wargame, extra, expect):
    out = tmp_path / "b"
    args = ["batch", "baseline", "--runs", "4", "--quiet", "--out", out, *extra]
    msg = one_error_line(wargame(*args))
    assert expect in msg, msg
    assert not out.exists()


def test_unknown_scenario(tmp_path, wargame):
    one_error_line(wargame("batch", "no-such-scenario", "--runs", "2", "--out", tmp_path / "b"))
    assert not (tmp_path / "b").exists()


def test_unreachable_scheduler(tmp_path, wargame):
    out = tmp_path / "b"
    msg = one_error_line(
        wargame(
            "batch",
            "baseline",
            "--runs",
            "4",
            "--engine",
            "dask",
            "--scheduler",
            "tcp://127.0.0.1:9",
            "--out",
            out,
        )
    )
    assert "cannot reach the Dask scheduler" in msg
    assert not out.exists()


def test_out_is_a_file(tmp_path, wargame):
    f = tmp_path / "file"
    f.write_text("x")
    assert "not a directory" in one_error_line(
        wargame("batch", "baseline", "--runs", "2", "--out", f)
    )
    assert f.read_text() == "x"


def test_report_needs_a_batch(tmp_path, wargame):
    one_error_line(wargame("report", tmp_path, "--out", tmp_path / "r.html"))
    assert not (tmp_path / "r.html").exists()


def test_a_batch_request_is_built_by_keyword(tmp_path):
    """Its fields are keyword-only: a positional call that could put seed in runs fails."""
    from sim.research.request import BatchRequest

    with pytest.raises(TypeError):
        BatchRequest("baseline", 10, tmp_path)
    req = BatchRequest(scenario="baseline", runs=10, out=tmp_path, seed=3)
    assert (req.runs, req.seed, req.chunk_size) == (10, 3, 1000)


def test_the_research_commands_are_module_level_functions():
    """`register` adds the module's own command functions, in the order help lists them."""
    import typer

    from sim.cli import batch as research

    app = typer.Typer()
    research.register(app)
    names = [c.callback.__name__ for c in app.registered_commands]
    assert names == ["batch", "verify", "replay", "compare", "sensitivity", "discover", "report"]
    assert all(
        c.callback is getattr(research, c.callback.__name__) for c in app.registered_commands
    )
