"""`appraisal db`: the schema."""

import typer
from rich.console import Console

from appraisal.db import get_engine
from appraisal.settings import get_settings

app = typer.Typer(help="Database schema.", no_args_is_help=True)


@app.command("upgrade")
def upgrade() -> None:
    """Create or migrate the database to the latest schema."""
    get_engine()
    Console().print(f"database at the latest schema: {get_settings().resolved_database_url}")
