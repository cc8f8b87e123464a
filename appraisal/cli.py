"""The `appraisal` command: parse arguments, call the library, print. Nothing else lives here."""

import typer

from appraisal.commands import register

app = typer.Typer(
    name="appraisal",
    help="考核评价 / Run appraisal cycles: import rosters, score, generate and track documents.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
register(app)


if __name__ == "__main__":
    app()
