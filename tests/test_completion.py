"""Shell completion (`wargame --install-completion`): scenario names wherever a command takes
a scenario, and `--set` keys, through click's completion protocol."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from sim.cli.listing import complete_scenario, complete_set_key
from sim.inputs.config import list_scenarios


def values(items) -> list[str]:
    return [value for value, _help in items]


def test_scenario_names_complete_from_the_library():
    assert values(complete_scenario("")) == list_scenarios()
    got = values(complete_scenario("germany-"))
    assert got and all(n.startswith("germany-") for n in got)
    assert values(complete_scenario("no-such")) == []
    assert complete_scenario("./my") == []  # a path: the shell completes files


def test_set_keys_complete_with_their_ranges():
    items = complete_set_key("DEU.china_c")
    assert values(items) == ["DEU.china_caution="]
    assert "range" in items[0][1]
    model = values(complete_set_key("MODEL.exercise."))
    assert model and all(k.startswith("MODEL.exercise.") and k.endswith("=") for k in model)
    assert complete_set_key("DEU.china_caution=0") == []


def complete(words: str) -> list[str]:
    """What bash completion offers for the last word of `words` (click's protocol)."""
    env = {
        **os.environ,
        "_WARGAME_COMPLETE": "complete_bash",
        "COMP_WORDS": words,
        "COMP_CWORD": str(len(words.split()) - (0 if words.endswith(" ") else 1)),
    }
    code = "import sys; sys.argv[0] = 'wargame'; from sim.cli.main import main; main()"
    r = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return r.stdout.split()


@pytest.mark.parametrize(
    "words, expected",
    [
        ("wargame run bas", ["baseline"]),
        ("wargame play class", ["classroom"]),
        ("wargame discover china-c", ["china-coercion"]),
        ("wargame batch baseline --set NATO.bandw", ["NATO.bandwidth="]),
        ("wargame run baseline --set DEU.china_caut", ["DEU.china_caution="]),
    ],
)
def test_the_shell_gets_them(words, expected):
    assert complete(words) == expected
