"""`python -m tui ...` runs the `wargame` command (used by `wargame serve` per browser)."""

from sim.cli import main

main()
