"""Shared Rich consoles and the way commands report a user error and stop."""

from typing import NoReturn

import typer
from rich.console import Console
from rich.markup import escape

# Piped into a log or CI, Rich would wrap at 80 columns and split file paths; lines stay whole
# there, and tables still size to the terminal when there is one.
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


def fail(message: str, code: int = 1) -> NoReturn:
    # Messages quote user data such as "[fields.\"姓名\"]": printed as text, never as Rich markup.
    err.print(f"[bold red]错误：[/]{escape(message)}", highlight=False)
    raise typer.Exit(code)
