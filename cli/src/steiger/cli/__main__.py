"""`python -m steiger.cli`: the `steiger` command where its script is not on the PATH."""

from steiger.cli.main import app

app()
