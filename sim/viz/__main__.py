"""`python -m sim.viz [SCENARIO] [--port N] [--host H]`: serve the Mesa model page.

The page is served by solara's `run sim.viz.page`, in this process, on 127.0.0.1 unless
`--host` names another address (solara by itself would take $HOST, which may name every
interface).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys

from sim.viz import SCENARIO_ENV

LOOPBACK = "127.0.0.1"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m sim.viz", description="Serve sim.WargameModel in Mesa's SolaraViz."
    )
    parser.add_argument("scenario", nargs="?", default="baseline", help="name or path")
    parser.add_argument("--port", type=int, default=8765, help="0 for a free port")
    parser.add_argument("--host", default=LOOPBACK, help=f"address to listen on ({LOOPBACK})")
    parser.add_argument("--open", action="store_true", help="open a browser tab")
    args = parser.parse_args(argv)
    missing = [m for m in ("solara", "altair") if importlib.util.find_spec(m) is None]
    if missing:
        print(
            f"error: the model page needs the viz extra ({', '.join(missing)} missing): "
            "pip install -e '.[viz]'",
            file=sys.stderr,
        )
        return 2
    from sim.errors import InputError
    from sim.inputs.setup import build

    try:
        build(args.scenario)
    except InputError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    os.environ[SCENARIO_ENV] = args.scenario
    from solara.__main__ import cli

    run = ["run", "sim.viz.page", "--production", "--host", args.host, "--port", str(args.port)]
    try:
        cli.main(run + ["--open" if args.open else "--no-open"], prog_name="solara")
    except SystemExit as e:  # click's way of returning
        return e.code if isinstance(e.code, int) else 1
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
