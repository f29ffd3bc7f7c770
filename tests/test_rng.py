import numpy as np

from sim.engine.rng import Site, Stream, run_keys


def test_draws_depend_only_on_run_key_turn_and_site():
    big = Stream(run_keys(11, range(1000)))
    alone = Stream(run_keys(11, [637]))
    assert np.array_equal(
        big.uniform(5, Site.EVENTS, (4, 3))[637], alone.uniform(5, Site.EVENTS, (4, 3))[0]
    )
    assert np.array_equal(
        big.normal(2, Site.WORLD, (6,))[637], alone.normal(2, Site.WORLD, (6,))[0]
    )


def test_sites_turns_and_seeds_give_different_streams():
    s = Stream(run_keys(1, range(50)))
    a = s.uniform(1, Site.EVENTS, (8,))
    assert not np.array_equal(a, s.uniform(2, Site.EVENTS, (8,)))
    assert not np.array_equal(a, s.uniform(1, Site.NEGOTIATION, (8,)))
    assert not np.array_equal(a, Stream(run_keys(2, range(50))).uniform(1, Site.EVENTS, (8,)))


def test_uniforms_and_normals_have_the_right_moments():
    s = Stream(run_keys(3, range(20000)))
    u = s.uniform(0, Site.EVENTS, (5,))
    assert u.min() > 0 and u.max() < 1
    assert abs(u.mean() - 0.5) < 0.01 and abs(u.var() - 1 / 12) < 0.003
    z = s.normal(0, Site.LEVEL_NOISE, (5,))
    assert abs(z.mean()) < 0.02 and abs(z.std() - 1) < 0.02
    assert abs(np.corrcoef(u[:, 0], u[:, 1])[0, 1]) < 0.03
