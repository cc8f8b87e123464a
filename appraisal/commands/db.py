"""`appraisal db`: the schema."""

import typer
from rich.console import Console

from appraisal.db import get_engine
from appraisal.settings import get_settings

app = typer.Typer(help="数据库 / Database schema.", no_args_is_help=True)


@app.command("upgrade")
def upgrade() -> None:
    """升级数据库 / Create or migrate the database to the latest schema."""
    get_engine()
    Console().print(
        f"数据库已是最新结构 / at the latest schema：{get_settings().resolved_database_url}"
    )
