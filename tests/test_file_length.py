"""No module of sim/inputs/ or sim/engine/ over about 400 lines without a reason at its top."""

import ast
import pathlib

SIM = pathlib.Path(__file__).resolve().parent.parent / "sim"
LIMIT = 400
FOLDERS = ("inputs", "engine")


def long_without_reason(path: pathlib.Path) -> bool:
    text = path.read_text()
    if len(text.splitlines()) <= LIMIT:
        return False
    doc = ast.get_docstring(ast.parse(text)) or ""
    return not any(line.startswith("Length: ") for line in doc.splitlines())


def test_long_modules_say_why_at_the_top():
    bad = [str(p.relative_to(SIM)) for folder in FOLDERS
           for p in sorted((SIM / folder).glob("*.py")) if long_without_reason(p)]
    assert not bad, f"over {LIMIT} lines with no 'Length: ' reason in the docstring: {bad}"


def test_the_check_sees_a_long_file_without_a_reason(tmp_path):
    f = tmp_path / "m.py"
    f.write_text('"""A module."""\n' + "x = 1\n" * LIMIT)
    assert long_without_reason(f)
    f.write_text('"""A module.\n\nLength: one table.\n"""\n' + "x = 1\n" * LIMIT)
    assert not long_without_reason(f)
    f.write_text('"""A module."""\n' + "x = 1\n" * 10)
    assert not long_without_reason(f)
