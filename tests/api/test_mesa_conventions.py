"""`sim.WargameModel` keeps Mesa's conventions below the surface: agents carry their actor's
state, `model.agents` does what a Mesa user expects or says why not, `model.scenario` is
Mesa's, and the model stops at the scenario's last turn."""

from __future__ import annotations

import warnings

import mesa
import numpy as np
import pytest
from mesa.experimental.scenarios import Scenario

import sim
from sim.engine.actors import effective_bandwidth, perceive
from sim.engine.mesa_model import STATE, AgentUsageError, WargameScenario
from sim.errors import InputError
from sim.inputs.setup import PI, build


def test_each_agent_carries_its_actors_state_updated_every_turn():
    m = sim.WargameModel("china-coercion", rng=3, turns=6, keep_snapshots=True)
    start = {a.actor: a.bandwidth_spent for a in m.agents}
    assert set(start.values()) == {0.0}  # nothing spent before the first turn
    for _ in range(6):
        m.step()
        snap = m.snapshots[-1]
        per = perceive(snap)
        for a in m.agents:
            i = a.index
            assert a.caution == float(m.caution[0, i])
            assert a.china_caution == float(m.params[0, i, PI["china_caution"]])
            assert a.bandwidth == float(m.params[0, i, PI["bandwidth"]])
            assert a.bandwidth_available == float(effective_bandwidth(snap)[0, i])
            assert a.china_threat == float(per.china[0, i])
            assert a.russia_threat == float(per.russia[0, i])
            assert a.presence == float(m.presence[0, i])
    assert all(a.bandwidth_spent > 0 for a in m.agents)
    # Mesa's AgentSet reads them like any agent attribute
    assert m.agents.get("caution") == [a.caution for a in m.agents]
    cautious = m.agents.select(lambda a: a.china_caution > 0.5)
    assert 0 < len(cautious) < len(m.agents)
    assert m.agents.agg("china_threat", max) == max(a.china_threat for a in m.agents)
    # and the data collector records each of them per actor and turn
    df = m.datacollector.get_agent_vars_dataframe()
    assert {"actor", *STATE} <= set(df.columns) and len(df) == 7 * len(m.agents)


def test_agents_step_only_with_the_model_and_say_why():
    m = sim.WargameModel("baseline", rng=1, turns=4)
    m.step()
    levels = m.levels.copy()
    for call in (
        lambda: m.agents.shuffle_do("step"),
        lambda: m.agents.do("step"),
        lambda: m.agents[0].step(),
    ):
        with pytest.raises(AgentUsageError, match="model.step\\(\\) plays all actors") as e:
            call()
        assert "\n" not in str(e.value)
    assert m.turn == 1 and np.array_equal(m.levels, levels)
    with pytest.raises(AgentUsageError, match="cannot be removed"):
        m.agents[0].remove()
    # the state is the engine's: setting it on an agent would change nothing, so it is refused
    with pytest.raises(AgentUsageError, match=r"JPN\.caution is read-only.*'JPN\.china_caution'"):
        m.agents.set("caution", 0.9)
    assert len(m.agents) == 5 and m.agents[0].caution != 0.9
    m.step()  # the model still steps
    assert m.turn == 2


def test_our_scenario_does_not_shadow_mesas():
    m = sim.WargameModel("china-coercion", rng=5, turns=3, **{"DEU.china_caution": 0.3})
    # model.scenario is Mesa's (a mesa Scenario), naming ours, its turns, overrides and rng
    assert isinstance(m.scenario, Scenario) and isinstance(m.scenario, WargameScenario)
    assert m.scenario.scenario_name == "china-coercion" and m.scenario.turns == 3
    assert dict(m.scenario)["DEU.china_caution"] == 0.3 and m.scenario.rng == 5
    assert m.scenario_name == m.setup.name == "china-coercion"
    with pytest.raises(ValueError, match="during model run"):  # Mesa's own rule
        m.scenario.turns = 9
    # the constructor's `scenario=` still takes a name, a path or a Setup ...
    assert sim.WargameModel(scenario="baseline", rng=1).scenario_name == "baseline"
    setup = build("baseline", turns=2)
    same = sim.WargameModel(setup, rng=1)
    assert same.scenario.scenario_name == "baseline" and same.scenario.turns == 2
    # ... and Mesa's scenario, so a model is rebuilt from another's (as SolaraViz's reset does)
    again = sim.WargameModel(
        WargameScenario(**{k: v for k, v in m.scenario if k != "model"}),
    )
    again.run_model()
    m.run_model()
    assert np.array_equal(again.level_history(), m.level_history())
    with pytest.raises(ValueError, match="differ"):
        sim.WargameModel(WargameScenario(rng=1), rng=2)


def test_running_turns_false_at_the_last_turn_and_then_nothing_is_played():
    m = sim.WargameModel("baseline", rng=2, turns=3)
    m.step()
    m.step()
    assert m.running
    m.step()
    assert not m.running and m.turn == 3 and m.steps == 3
    levels, rows = m.level_history(), len(m.datacollector.get_model_vars_dataframe())
    with pytest.warns(RuntimeWarning, match=r"ended at turn 3 \(2020-Q4\).*plays nothing"):
        m.step()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        m.run_model()  # running is False: returns at once
        m.run_for(5)  # Mesa's clock moves on; its schedule of turns has stopped
    assert m.turn == 3 and m.steps == 3 and np.array_equal(m.level_history(), levels)
    assert len(m.datacollector.get_model_vars_dataframe()) == rows
    # mesa.batch_run stops at the last turn too, whatever max_steps says
    rows = mesa.batch_run(
        sim.WargameModel,
        parameters={"scenario": "baseline", "turns": 2},
        rng=[4],
        max_steps=10,
        number_processes=1,
        display_progress=False,
    )
    assert {r["Step"] for r in rows} == {2}


def test_world_indices_by_name_and_their_errors():
    base = build("baseline")
    i = 3  # us_engagement
    m = sim.WargameModel("baseline", rng=1, turns=2, us_engagement=0.75)
    assert m.world.values[0, i] == 0.75  # starts there; the mean it returns to moves as much
    assert m.world.mean[0, i] == pytest.approx(base.world_mean[i] + 0.75 - base.world_initial[i])
    # the scenario's own start leaves it as it is
    same = sim.WargameModel("baseline", rng=1, turns=6, us_engagement=base.world_initial[i])
    plain = sim.WargameModel("baseline", rng=1, turns=6)
    assert np.array_equal(same.run().level_history(), plain.run().level_history())
    assert m.scenario.us_engagement == 0.75
    with pytest.raises(InputError, match="us_engagement: '1.5' .*allowed: 0 to 1"):
        sim.WargameModel("baseline", rng=1, us_engagement=1.5)
    with pytest.raises(ValueError, match="build the Setup with them"):
        sim.WargameModel(build("baseline"), rng=1, us_engagement=0.5)
