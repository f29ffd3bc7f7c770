"""Optional extras (pyproject.toml's [project.optional-dependencies]): a command that needs
one checks for it before any work and, when a package is missing, fails with one line that
names the extra to install."""

from __future__ import annotations

from sim.errors import InputError


def require(extra: str, *modules: str, what: str = "this") -> None:
    """Refuse (InputError) when any of `modules` is not installed, naming `extra`.

    >>> require("research", "json")
    >>> require("research", "no_such_module_x", what="discovery")
    Traceback (most recent call last):
    ...
    sim.errors.InputError: extra: research: discovery needs no_such_module_x, from the optional extra 'research': pip install -e ".[research]"
    """  # noqa: E501
    from importlib.util import find_spec

    missing = []
    for name in modules:
        try:
            found = find_spec(name) is not None
        except (ImportError, ValueError):
            found = False
        if not found:
            missing.append(name)
    if missing:
        raise InputError(
            "extra",
            extra,
            f"{what} needs {', '.join(missing)}, from the optional extra '{extra}': "
            f'pip install -e ".[{extra}]"',
        )
