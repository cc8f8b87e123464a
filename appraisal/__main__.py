"""`python -m appraisal`: the same command line as the `appraisal` script."""

from appraisal.cli import app

app()
