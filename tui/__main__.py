"""`python -m tui ...` runs the `wargame` command (used by `wargame serve` per browser)."""

from sim.cli.main import main

main()
