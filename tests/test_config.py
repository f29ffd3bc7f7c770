"""Every value in config/ carries a source and a range that contains it."""

import pathlib

import yaml

from sim.inputs.loader import load_config

CONFIG = pathlib.Path(__file__).resolve().parent.parent / "config"


def sourced_leaves(node, path=()):
    """(path, mapping) for every mapping that holds a `value`."""
    if isinstance(node, dict):
        if "value" in node:
            yield path, node
        else:
            for k, v in node.items():
                yield from sourced_leaves(v, path + (k,))


def test_every_calibrated_value_has_a_source_and_a_range_around_it():
    seen = 0
    for name in ("actors", "dyads", "model"):
        data = yaml.safe_load((CONFIG / f"{name}.yaml").read_text())
        for path, leaf in sourced_leaves(data):
            seen += 1
            where = f"{name}.yaml:{'.'.join(map(str, path))}"
            assert len(str(leaf.get("source", ""))) >= 3, where
            lo, hi = leaf["range"]
            values = leaf["value"].values() if isinstance(leaf["value"], dict) else [leaf["value"]]
            assert all(lo <= v <= hi for v in values), where
    assert seen > 5 * 15 + 4 * 3 + 3 * 12  # actors, starting levels, rule constants


def test_world_indices_and_enablers_are_sourced():
    cfg = load_config(CONFIG)
    assert all(len(ix.source) >= 3 for ix in cfg.world.values())
    assert all(len(en.source) >= 3 for en in cfg.enablers.values())
    for dyad in cfg.dyads.values():
        for st in dyad.enablers.values():
            assert len(st.source) >= 3
