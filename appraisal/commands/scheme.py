"""`appraisal scheme`: check a scoring scheme file, or write the default one for staff to edit."""

import shutil
from pathlib import Path
from typing import Annotated

import typer

from appraisal.console import err, fail, out
from appraisal.scheme import SchemeError, default_scheme_path, load_scheme

app = typer.Typer(help="评价方案 / Scoring schemes (TOML): check one, or start from the default.")


@app.command("check")
def check(file: Annotated[Path, typer.Argument(help="The scheme file to check.")]) -> None:
    """检查评价方案 / Check a scheme file; print every problem with its key, or OK with its
    name and version."""
    try:
        scheme = load_scheme(file)
    except SchemeError as exc:
        for problem in exc.problems:
            err.print(problem, highlight=False, markup=False, soft_wrap=True)
        err.print(f"{file} 中有 [bold red]{len(exc.problems)} 处问题[/]", highlight=False)
        raise typer.Exit(1) from None
    out.print(
        f"检查通过 / OK {file}：{scheme.name} {scheme.version}，"
        f"负面清单 {len(scheme.negative_list.items)} 项，sha256 {scheme.sha256[:12]}",
        highlight=False,
        markup=False,
        soft_wrap=True,
    )


@app.command("default")
def default(
    out_file: Annotated[Path, typer.Argument(metavar="OUT", help="Where to write the scheme.")],
    force: Annotated[bool, typer.Option("--force", help="Overwrite OUT if it exists.")] = False,
) -> None:
    """写出默认评价方案 / Write the shipped default scheme to OUT, to copy and edit."""
    if out_file.is_dir():
        fail(f"{out_file}：这是文件夹；请给出文件名，如 {out_file / 'scheme.toml'}")
    if out_file.exists() and not force:
        fail(f"{out_file}：文件已存在；用 --force 覆盖")
    try:
        out_file.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(default_scheme_path(), out_file)
    except OSError as exc:
        fail(f"{out_file}：无法写入 / cannot write: {exc.strerror}")
    out.print(f"已写出默认评价方案：{out_file}", highlight=False, markup=False)
