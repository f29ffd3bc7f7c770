"""Inputs: the scenario and config schema, the strict YAML loader, and `Setup` (a validated
scenario with its config, compiled to arrays for the engine)."""
