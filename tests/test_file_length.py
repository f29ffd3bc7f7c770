"""No module of sim/ or tui/ over about 400 lines without a reason at its top (a paragraph of
its docstring starting "Length: "), so long files are split by concern or say why not."""

import ast
import pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent
LIMIT = 410  # "about 400 lines"
PACKAGES = ("sim", "tui")


def long_without_reason(path: pathlib.Path) -> bool:
    text = path.read_text()
    if len(text.splitlines()) <= LIMIT:
        return False
    doc = ast.get_docstring(ast.parse(text)) or ""
    return not any(line.startswith("Length: ") for line in doc.splitlines())


def test_long_modules_say_why_at_the_top():
    bad = [
        str(p.relative_to(ROOT))
        for package in PACKAGES
        for p in sorted((ROOT / package).rglob("*.py"))
        if long_without_reason(p)
    ]
    assert not bad, f"over {LIMIT} lines with no 'Length: ' reason in the docstring: {bad}"


def test_the_check_sees_a_long_file_without_a_reason(tmp_path):
    f = tmp_path / "m.py"
    f.write_text('"""A module."""\n' + "x = 1\n" * LIMIT)
    assert long_without_reason(f)
    f.write_text('"""A module.\n\nLength: one table.\n"""\n' + "x = 1\n" * LIMIT)
    assert not long_without_reason(f)
    f.write_text('"""A module."""\n' + "x = 1\n" * 10)
    assert not long_without_reason(f)
