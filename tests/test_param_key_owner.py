"""Parameter keys are read in one place: sim/inputs/params.py (`ParamKey`).

Scans every module of sim/ for the ways a key used to be taken apart by hand: splitting text
on '.', testing for or building the 'MODEL.' prefix, comparing a part with 'MODEL'. Other
dotted names that are not parameter keys are listed below with what they are.
"""

import ast
import pathlib

SIM = pathlib.Path(__file__).resolve().parent.parent / "sim"
OWNER = SIM / "inputs" / "params.py"

#: (module, function) -> the dotted name it splits, which is not a parameter key.
NOT_PARAMETER_KEYS = {
    ("engine/moves.py", "compile_moves"): "a move's agreement 'DYAD.enabler'",
    ("inputs/loader.py", "check_shock_enablers"): "a shock's agreement 'DYAD.enabler'",
    ("inputs/compiled_shock.py", "_agreement_actions"): "a shock's agreement 'DYAD.enabler'",
    ("inputs/outcomes.py", "parse"): "an outcome 'DYAD.track' (sim.inputs.outcomes.Outcome)",
    ("research/claims.py", "display_lever"): "a lever 'shock.field' or 'move.field'",
    ("research/claims.py", "treatment_changes"): "a shock's agreement 'DYAD.enabler'",
    ("research/claims.py", "arm_moves"): "a refused move's error field 'ACTOR.field'",
}
SPLITTERS = {"split", "rsplit", "partition", "rpartition"}
PREFIX_TESTS = {"startswith", "removeprefix", "endswith"}


def _const(node) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def key_handling(tree: ast.AST) -> list[tuple[int, str, str]]:
    """(line, enclosing function, what) of every place `tree` takes a key apart by hand."""
    found = []

    def visit(node, func):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            func = node.name
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.args:
            name, arg = node.func.attr, _const(node.args[0])
            if name in SPLITTERS and arg == ".":
                found.append((node.lineno, func, f"{name}('.')"))
            if name in PREFIX_TESTS and arg is not None and arg.startswith("MODEL"):
                found.append((node.lineno, func, f"{name}({arg!r})"))
        if isinstance(node, ast.JoinedStr) and node.values:
            first = _const(node.values[0])
            if first is not None and first.startswith("MODEL."):
                found.append((node.lineno, func, f"f'{first}...'"))
        if isinstance(node, ast.Compare):
            for side in [node.left, *node.comparators]:
                if _const(side) == "MODEL":
                    found.append((node.lineno, func, "== 'MODEL'"))
        for child in ast.iter_child_nodes(node):
            visit(child, func)

    visit(tree, "<module>")
    return found


def test_only_param_key_takes_keys_apart():
    bad = []
    for path in sorted(SIM.rglob("*.py")):
        if path == OWNER:
            continue
        rel = path.relative_to(SIM).as_posix()
        for line, func, what in key_handling(ast.parse(path.read_text(), str(path))):
            if (rel, func) not in NOT_PARAMETER_KEYS:
                bad.append(f"sim/{rel}:{line} in {func}: {what}")
    assert not bad, "parse keys with sim.inputs.params.ParamKey:\n" + "\n".join(bad)


def test_the_exceptions_are_still_there():
    """An exception that no longer splits anything is removed from the list."""
    seen = set()
    for path in SIM.rglob("*.py"):
        rel = path.relative_to(SIM).as_posix()
        seen |= {(rel, f) for _, f, _ in key_handling(ast.parse(path.read_text()))}
    assert set(NOT_PARAMETER_KEYS) <= seen, set(NOT_PARAMETER_KEYS) - seen


def test_the_scan_finds_each_way_of_taking_a_key_apart():
    code = """
def f(key, a):
    x, y = key.split(".")
    d, _, e = key.partition(".")
    if key.startswith("MODEL."):
        pass
    k = f"MODEL.{a}.b"
    if a == "MODEL":
        pass
"""
    whats = [w for _, _, w in key_handling(ast.parse(code))]
    assert whats == [
        "split('.')",
        "partition('.')",
        "startswith('MODEL.')",
        "f'MODEL....'",
        "== 'MODEL'",
    ]
    assert [f for _, f, _ in key_handling(ast.parse(code))] == ["f"] * 5
    assert key_handling(ast.parse("x = key.split('-')\ny = 'MODEL.x'.upper()")) == []
