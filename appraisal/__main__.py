"""`python -m appraisal`: the same command line as the `appraisal` script."""

from appraisal.cli import app

# Guarded, as multiprocessing asks of a main module its workers may import again.
if __name__ == "__main__":
    app()
