"""The batch tests' fixtures: a `wargame` app with the research commands."""

from tests.batch.conftest import app, wargame  # noqa: F401
