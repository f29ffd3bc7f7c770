"""The command line (`wargame`, `python -m sim`): the main commands (main.py), research
commands (batch.py), model checks (model.py) and `wargame list` (listing.py)."""
