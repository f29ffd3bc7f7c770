"""A run of a batch opened in the UI's game session is bit-identical to its batch rows."""

import subprocess
import sys

import numpy as np
import pandas as pd
from typer.testing import CliRunner

from sim.cli.main import app, load_plugins
from sim.game.game import Game
from sim.research.replay import RunSpec


def test_batch_run_stepped_in_a_game_equals_its_rows(tmp_path):
    out = tmp_path / "b"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "sim",
            "batch",
            "baseline",
            "--runs",
            "12",
            "--seed",
            "5",
            "--turns",
            "8",
            "--sweep",
            "DEU.china_caution=0.2:0.8:3",
            "--out",
            str(out),
            "--workers",
            "1",
        ],
        check=True,
        capture_output=True,
    )
    rows = pd.read_parquet(out / "levels.parquet")
    for k in (0, 7, 35):
        spec = RunSpec.from_batch(out, k)
        game = Game(spec.scenario, spec.seed, spec.all_overrides, spec.turns, [], spec.rng_run)
        while not game.done:
            game.step()
        mine = rows[rows.run == k].sort_values(["turn", "dyad", "track"])
        dyads, tracks = list(game.setup.dyads), ["dialogue", "exchange", "exercise"]
        hist = game.model.level_history()[:, 0]
        expect = np.array(
            [
                hist[t, dyads.index(d), tracks.index(tr)]
                for t, d, tr in zip(
                    mine.turn, mine.dyad.astype(str), mine.track.astype(str), strict=True
                )
            ]
        )
        assert np.array_equal(mine.level.to_numpy(), expect)
        # a saved game of it keeps the random stream
        saved = game.save(tmp_path / f"run{k}.json")
        assert np.array_equal(Game.load(saved).model.level_history(), game.model.level_history())


def test_play_refuses_a_folder_that_is_not_a_batch(tmp_path):
    load_plugins()
    r = CliRunner().invoke(app, ["play", "--batch", str(tmp_path), "--run", "0"])
    assert r.exit_code == 2 and r.output.startswith("error: ")
