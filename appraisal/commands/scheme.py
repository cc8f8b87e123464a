"""`appraisal scheme`: check a scoring scheme file, or write the default one for staff to edit."""

import shutil
from pathlib import Path
from typing import Annotated

import typer

from appraisal.console import err, fail, out
from appraisal.scheme import SchemeError, default_scheme_path, load_scheme

app = typer.Typer(help="Scoring schemes (TOML): check one, or start from the default.")


@app.command("check")
def check(file: Annotated[Path, typer.Argument(help="The scheme file to check.")]) -> None:
    """Check a scheme file; print every problem with its key, or OK with its name and version."""
    try:
        scheme = load_scheme(file)
    except SchemeError as exc:
        for problem in exc.problems:
            err.print(problem, highlight=False, markup=False, soft_wrap=True)
        err.print(f"[bold red]{len(exc.problems)} problem(s)[/] in {file}", highlight=False)
        raise typer.Exit(1) from None
    out.print(
        f"OK {file}: {scheme.name} {scheme.version}, "
        f"{len(scheme.negative_list.items)} negative-list items, sha256 {scheme.sha256[:12]}",
        highlight=False,
        markup=False,
        soft_wrap=True,
    )


@app.command("default")
def default(
    out_file: Annotated[Path, typer.Argument(metavar="OUT", help="Where to write the scheme.")],
    force: Annotated[bool, typer.Option("--force", help="Overwrite OUT if it exists.")] = False,
) -> None:
    """Write the shipped default scheme to OUT, to copy and edit."""
    if out_file.is_dir():
        fail(f"{out_file}: is a folder; give a file name such as {out_file / 'scheme.toml'}")
    if out_file.exists() and not force:
        fail(f"{out_file}: already exists; use --force to overwrite it")
    try:
        out_file.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(default_scheme_path(), out_file)
    except OSError as exc:
        fail(f"{out_file}: cannot write: {exc.strerror}")
    out.print(f"wrote the default scheme to {out_file}", highlight=False, markup=False)
