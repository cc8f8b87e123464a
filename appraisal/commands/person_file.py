"""`appraisal person-file CODE`: a person's growing file (一人一档), as a PDF with bookmarks and a
package like the dossiers'."""

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from appraisal.clock import today
from appraisal.console import fail, out
from appraisal.settings import get_settings


def register(app: typer.Typer) -> None:
    app.command("person-file")(person_file)


def person_file(
    code: Annotated[str, typer.Argument(help="The person's 编号.")],
    target: Annotated[
        Path | None,
        typer.Option("--out", help="The package folder (default: output/people/编号)."),
    ] = None,
) -> None:
    """一人一档 / Write a person's growing file: their information, pool stays, every cycle's
    result, every change, and each sealed dossier, as one PDF with bookmarks inside a
    verifiable package. Made anew each time from the database and the sealed dossiers."""
    from appraisal.career_file import CareerFileError, make_career_file

    try:
        made = make_career_file(
            code.strip(), made_on=today(), issuer=get_settings().office_name, target=target
        )
    except CareerFileError as exc:
        fail(escape(str(exc)))
    out.print(f"已写出 {made.pdf}", markup=False)
    out.print(
        f"共 {made.pages} 页，含 {made.dossiers} 份封存档案；档案包 {made.package}"
        f"（{made.bytes / 1_000_000:.1f} MB，可用 appraisal archive verify 核验）",
        markup=False,
    )
