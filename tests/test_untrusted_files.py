"""Scenario and config files are untrusted input: every trick gets exit code 2 and one line
naming the file (and the line where known); nothing is constructed from tags, no alias bomb
or deep nesting costs more than a moment."""

import shutil

import pytest
from typer.testing import CliRunner

from sim.cli.main import app
from sim.errors import InputError
from sim.files import YAML_LIMIT, atomic_write, read_text
from sim.inputs.config import load_config
from sim.inputs.loader import load_scenario
from sim.inputs.safe_yaml import MAX_ALIASES, MAX_DEPTH, parse_yaml

HEAD = "name: x\ndescription: y\n"
SHOCK = HEAD + "shocks:\n  - id: a\n    name: b\n"
BOMB = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{c}: &{c} [{', '.join(['*' + p] * 10)}]\n"
    for p, c in zip("abcdefgh", "bcdefghi", strict=True)
)

CASES = [
    (
        "duplicate-key",
        HEAD + "turns: 4\nturns: 8\n",
        ["duplicate key 'turns'", "first at line 3", ":4:"],
    ),
    (
        "duplicate-nested",
        HEAD + "overrides:\n  DEU.china_caution: 0.2\n  DEU.china_caution: 0.3\n",
        ["duplicate key 'DEU.china_caution'", ":5:"],
    ),
    (
        "nan",
        HEAD + "overrides:\n  DEU.china_caution: .nan\n",
        ["'.nan' is not a finite number", ":4:"],
    ),
    ("inf", SHOCK + "    params: {DEU.bandwidth: {mul: .inf}}\n", ["not a finite number", ":6:"]),
    ("minus-inf", SHOCK + "    indices: {china_assertiveness: -.Inf}\n", ["not a finite number"]),
    (
        "overflow-float",
        SHOCK + "    params: {DEU.bandwidth: {add: 1.0e+999}}\n",
        ["inf is not a finite number", "shocks[0].params.DEU.bandwidth.add", ":6:"],
    ),
    (
        "nan-as-text",
        SHOCK + "    params: {DEU.bandwidth: {add: nan}}\n",
        ["shocks[0].params.DEU.bandwidth.add", "finite number", ":6:"],
    ),
    (
        "inf-as-text",
        HEAD + "world:\n  china_assertiveness: {mean: '-Infinity'}\n",
        ["world.china_assertiveness.mean", "finite number"],
    ),
    ("overflow-as-text", SHOCK + "    probability: 1.0e999\n", ["shocks[0].probability"]),
    (
        "python-tag",
        HEAD + "turns: !!python/object/apply:os.system [echo]\n",
        ["YAML tag '!!python/object/apply:os.system' is not allowed", ":3:"],
    ),
    ("custom-tag", HEAD + "turns: !nope 4\n", ["YAML tag '!nope' is not allowed"]),
    ("binary-tag", HEAD + "sources: [!!binary aGVsbG8=]\n", ["'!!binary' is not allowed"]),
    ("set-tag", HEAD + "sources: !!set {a, b}\n", ["'!!set' is not allowed"]),
    ("alias-bomb", HEAD + BOMB, ["expands to more than", "values"]),
    (
        "many-aliases",
        HEAD + "a: &a 1\nb: [" + ", ".join(["*a"] * (MAX_ALIASES + 1)) + "]\n",
        [f"more than {MAX_ALIASES} aliases"],
    ),
    ("recursive-alias", HEAD + "sources: &s [*s]\n", ["containing itself", ":3:"]),
    (
        "deep-nesting",
        HEAD + "sources: " + "[" * 500 + "]" * 500 + "\n",
        [f"nested deeper than {MAX_DEPTH} levels"],
    ),
    ("deep-mapping", HEAD + "world: " + "{a: " * 100 + "1" + "}" * 100 + "\n", ["nested deeper"]),
    ("list-key", HEAD + "overrides:\n  ? [a, b]\n  : 1\n", ["a key must be plain text"]),
    ("two-documents", HEAD + "---\n" + HEAD, ["malformed YAML", "single document"]),
    ("not-utf8", HEAD + "sources: ['caf\xe9']\n", ["not UTF-8", ":3:"]),
    ("nul-byte", HEAD + "sources: ['a\x00b']\n", ["NUL byte", ":3:"]),
    (
        "effect-set-out-of-domain",
        SHOCK + "    params: {DEU.china_caution: {set: 7}}\n",
        ["shocks[0].params.DEU.china_caution.set", "7.0 is out of range; allowed: 0 to 1"],
    ),
    (
        "effect-add-huge",
        SHOCK + "    params: {DEU.bandwidth: {add: 1.0e300}}\n",
        ["out of range; allowed: -20 to 20"],
    ),
    (
        "effect-negative-factor",
        SHOCK + "    params: {DEU.bandwidth: {mul: -2}}\n",
        ["mul", "allowed: 0 to 100"],
    ),
    (
        "duration-huge",
        SHOCK + "    at: 2\n    duration: 100000000000000000000\n",
        ["shocks[0].duration", "allowed: 1 to 400"],
    ),
    ("huge-int-turn", SHOCK + "    at: 100000000000000000000000\n", ["after the last turn"]),
    ("huge-digits", HEAD + "turns: " + "9" * 5000 + "\n", ["5000 characters is too long", ":3:"]),
]


def _write(path, text):
    path.write_bytes(text.encode("latin-1") if "\xe9" in text else text.encode())


@pytest.mark.parametrize("name, text, needles", CASES, ids=[c[0] for c in CASES])
def test_untrusted_scenario_file(tmp_path, name, text, needles):
    f = tmp_path / f"{name}.yaml"
    _write(f, text)
    r = CliRunner().invoke(app, ["validate", str(f)])
    assert r.exit_code == 2, r.output
    line = r.output.strip()
    assert line.startswith(f"error: {f}") and "\n" not in line, line
    for needle in needles:
        assert needle in line, line
    assert "Traceback" not in r.output


def test_oversized_file_is_refused_before_reading(tmp_path):
    f = tmp_path / "big.yaml"
    f.write_text(HEAD + "# " + "x" * YAML_LIMIT + "\n")
    with pytest.raises(InputError, match="limit is 1 MB"):
        load_scenario(str(f))


def test_device_and_folder_are_refused(tmp_path):
    with pytest.raises(InputError, match="not a regular file"):
        read_text("/dev/zero", YAML_LIMIT)
    with pytest.raises(InputError, match="is a folder"):
        read_text(tmp_path, YAML_LIMIT)


def test_core_tags_and_anchors_still_work():
    data, _ = parse_yaml(
        "base: &b {x: 1}\nfirst: *b\nsecond:\n  <<: *b\n  y: !!float 2\nthird: !!str 3\n", "f.yaml"
    )
    assert data == {"base": {"x": 1}, "first": {"x": 1}, "second": {"x": 1, "y": 2.0}, "third": "3"}


def test_merge_key_may_be_overridden_but_not_duplicated():
    data, _ = parse_yaml("b: &b {x: 1}\nc:\n  <<: *b\n  x: 2\n", "f.yaml")
    assert data["c"] == {"x": 2}
    with pytest.raises(InputError, match="duplicate key 'x'"):
        parse_yaml("c:\n  x: 1\n  x: 2\n", "f.yaml")


def test_config_folder_is_untrusted_too(tmp_path):
    cfg = tmp_path / "cfg"
    shutil.copytree(load_config("config").folder, cfg)
    text = (cfg / "dyads.yaml").read_text()
    (cfg / "dyads.yaml").write_text(
        text.replace(
            "exchange: {value: 4.0, range: [3.5, 4.5]",
            "exchange: {value: 4.0, range: [3.5, 1.0e9]",
            1,
        )
    )
    scen = tmp_path / "s.yaml"
    scen.write_text(HEAD + f"config: {cfg}\n")
    r = CliRunner().invoke(app, ["validate", str(scen)])
    assert r.exit_code == 2
    assert r.output.startswith(f"error: {cfg / 'dyads.yaml'}:") and "0-5 scale" in r.output
    (cfg / "dyads.yaml").write_text(text)
    (cfg / "model.yaml").write_text((cfg / "model.yaml").read_text() + "sources: []\n")
    r = CliRunner().invoke(app, ["validate", str(scen)])
    assert r.exit_code == 2 and "duplicate key 'sources'" in r.output


@pytest.mark.parametrize(
    "value, says",
    [
        ("nowhere", "config folder 'nowhere' not found"),
        ("x" * 5000, "config folder 'xxx"),  # a name too long for the file system
        ("scenarios", "'scenarios' is not a config folder (no actors.yaml"),
        ("", "is not a config folder"),
        ("/", "'/' is not a config folder"),
    ],
    ids=["missing", "name-too-long", "not-config", "empty", "root"],
)
def test_a_bad_config_folder_is_the_scenarios_error(tmp_path, value, says):
    """The scenario's `config:` line is named, not the folder it names (which says nothing
    of where the mistake is), and never a traceback."""
    scen = tmp_path / "s.yaml"
    scen.write_text(HEAD + "turns: 4\nconfig: '" + value + "'\n")
    r = CliRunner().invoke(app, ["validate", str(scen)])
    assert r.exit_code == 2, r.output
    assert r.output.startswith(f"error: {scen}:4: config: "), r.output
    assert says in r.output and r.output.count("\n") == 1
    assert len(r.output) < 600


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "1e999", "NaN"])
def test_set_rejects_non_finite(value):
    r = CliRunner().invoke(
        app, ["run", "baseline", "--turns", "1", "--set", f"DEU.china_caution={value}"]
    )
    assert r.exit_code == 2
    assert r.output.startswith("error: --set") and r.output.count("\n") == 1


def test_atomic_write_leaves_no_partial_file(tmp_path):
    target = tmp_path / "out.json"
    atomic_write(target, "old")

    with pytest.raises(TypeError):
        atomic_write(target, 12345)  # not bytes: fails before replacing
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]


def test_libyaml_and_pure_python_parsers_agree(monkeypatch):
    # libyaml scans and parses where PyYAML has it; the pure-Python parser is the fallback.
    # Both feed the same strict composer: same data, same refusals at the same line.
    import pathlib

    import sim.inputs.safe_yaml as loader

    assert loader._Parser is not None  # the shipped wheels of PyYAML include libyaml
    texts = [t for _, t, _ in CASES if "\xe9" not in t and "\x00" not in t]
    texts += [
        p.read_text(encoding="utf-8")
        for p in sorted(pathlib.Path("scenarios").glob("*.yaml"))
        + sorted(pathlib.Path("config").glob("*.yaml"))
    ]
    texts += ["a: [1,\n", "a: b: c\n", "- x\n y: 2\n", "a: 'open\n", "{a: 1\n"]

    def outcome(text):
        try:
            return parse_yaml(text, "f.yaml")[0]
        except InputError as exc:
            return ("refused", str(exc).split(":")[1])  # the line

    fast = [outcome(t) for t in texts]
    monkeypatch.setattr(loader, "_Parser", None)
    assert loader._loader("a: 1").__class__.__name__ == "_PyStrictLoader"
    assert [outcome(t) for t in texts] == fast
    assert sum(isinstance(f, tuple) for f in fast) >= 20  # refusals were compared too


@pytest.mark.parametrize("fallback", [False, True])
def test_a_listing_reads_one_top_level_text_without_composing(tmp_path, monkeypatch, fallback):
    import sim.inputs.safe_yaml as loader
    from sim.inputs.safe_yaml import read_top_text

    if fallback:
        monkeypatch.setattr(loader, "_Parser", None)
    f = tmp_path / "s.yaml"

    def top(text: str) -> str | None:
        f.write_text(text)
        return read_top_text(f, "description")

    # the key after nested values, lists, a complex key and a value equal to the key's name
    assert top(
        "name: description\nd: {description: no}\nl: [description, x]\n"
        "? [description]\n: description\ndescription: >-\n  yes\n  folded\n"
    ) == ("yes folded")
    assert top("description: 'first'\ndescription: second\n") == "first"
    for text in (
        "- description\n- x\n",
        "just text\n",
        "",
        "name: x\n",
        "description: [a, b]\n",
        "a: {description: x}\n",
    ):
        assert top(text) is None, text
    # what follows the key is never read: an alias bomb or a broken line there costs nothing
    assert top("description: d\n" + BOMB + "broken: [\n") == "d"
    with pytest.raises(InputError) as exc:
        top("name: x\nname2: [unclosed\ndescription: d\n")
    assert str(exc.value).startswith(f"{f}:3:") and "malformed YAML" in str(exc.value)
    f.write_bytes(b"description: \xff\n")
    with pytest.raises(InputError, match="not UTF-8"):
        read_top_text(f, "description")
