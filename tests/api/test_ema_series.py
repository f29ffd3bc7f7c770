"""The EMA adapter's time-series outcomes and replications, on tiny experiments."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from sim.engine.model import Ensemble
from sim.errors import InputError
from sim.inputs.setup import build

pytest.importorskip("ema_workbench", reason="the research extra is not installed")


@pytest.fixture(autouse=True)
def quiet_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def test_time_series_per_dyad_and_track_feed_emas_envelopes():
    from ema_workbench import perform_experiments
    from ema_workbench.analysis import plotting

    import sim.ema

    model = sim.ema.ema_model("baseline", turns=5, params=["DEU.china_caution"], series=True)
    names = [o.name for o in model.outcomes]
    assert "JPN-DEU.exercise" in names and "JPN-DEU.exercise.series" in names and "TIME" in names
    experiments, outcomes = perform_experiments(model, scenarios=3)
    ts = outcomes["JPN-DEU.exercise.series"]
    assert ts.shape == (3, 6) and np.array_equal(outcomes["TIME"][0], np.arange(6.0))
    assert np.array_equal(ts[:, -1], outcomes["JPN-DEU.exercise"])  # the final level
    # the series is the engine's level history
    caution = experiments["DEU.china_caution"].iloc[1]
    ref = Ensemble(
        build("baseline", turns=5), seed=0, run_params={"DEU.china_caution": np.array([caution])}
    ).run()
    assert np.array_equal(ts[1], ref.level_history()[:, 0, 2, 2])
    fig, _ = plotting.envelopes(experiments, outcomes, outcomes_to_show=["JPN-DEU.exercise.series"])
    fig.clf()


def test_replications_play_each_experiment_on_several_runs():
    from ema_workbench import Sample, perform_experiments

    import sim.ema

    model = sim.ema.ema_model(
        "baseline", turns=4, params=["DEU.china_caution"], series=True, replications=3
    )
    assert type(model).__name__ == "ReplicatorModel" and len(model.replications) == 3
    scen = [
        Sample("low", **{"DEU.china_caution": 0.7}),
        Sample("high", **{"DEU.china_caution": 0.9}),
    ]
    experiments, outcomes = perform_experiments(model, scenarios=scen)
    ts = outcomes["JPN-DEU.exercise.series"]
    assert ts.shape == (2, 3, 5)  # experiments × replications × (turns + 1)
    # replication i plays run i of the seed, the same stream in every experiment
    setup = build("baseline", turns=4)
    for e, caution in enumerate((0.7, 0.9)):
        ref = Ensemble(
            setup, seed=0, runs=3, run_params={"DEU.china_caution": np.full(3, caution)}
        ).run()
        assert np.array_equal(ts[e], ref.level_history()[:, :, 2, 2].T)
    assert not np.array_equal(ts[0, 0], ts[0, 1])  # the runs differ
    # a final level is the mean over the replications
    assert np.allclose(outcomes["JPN-DEU.exercise"], ts[:, :, -1].mean(axis=1))
    # without replications the one run is run 0: the first replication
    single = sim.ema.ema_model("baseline", turns=4, params=["DEU.china_caution"], series=True)
    _, one = perform_experiments(single, scenarios=scen)
    assert np.array_equal(one["JPN-DEU.exercise.series"], ts[:, 0])


@pytest.mark.parametrize("bad", [0, -2, 2.5, True, "3"])
def test_replications_must_be_a_whole_number_of_runs(bad):
    import sim.ema

    with pytest.raises(InputError, match="replications: .* is not a whole number of runs >= 1"):
        sim.ema.ema_model("baseline", turns=2, replications=bad)
