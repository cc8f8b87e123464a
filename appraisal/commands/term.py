"""`appraisal term`: 届末评价 over a term of years (届), from each year's 履职记录 scored under a
scheme with [term] rules (the CPPCC members' by default). The portal's /term page shows the same."""

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from appraisal.console import fail, out
from appraisal.db import session_scope
from appraisal.documents.term_sheet import term_cells, term_header, write_term_sheet
from appraisal.scheme import SchemeError, load_scheme
from appraisal.store.term import TermError, evaluate_terms

app = typer.Typer(help="届末评价 / Term evaluation: points and grades over the years of a 届.",
                  no_args_is_help=True)  # fmt: skip

CPPCC_SCHEME = Path(__file__).resolve().parent.parent / "schemes" / "cppcc.toml"


@app.command("show")
def show(
    first: Annotated[int, typer.Option("--from", help="First year of the term, e.g. 2023.")],
    last: Annotated[int, typer.Option("--to", help="Last year of the term, e.g. 2027.")],
    scheme_file: Annotated[
        Path,
        typer.Option(
            "--scheme",
            help="Scheme with term rules (default: cppcc.toml).",
            show_default="cppcc.toml",
        ),
    ] = CPPCC_SCHEME,
    xlsx: Annotated[
        Path | None, typer.Option("--xlsx", help="Also write the 届末评价表 workbook here.")
    ] = None,
) -> None:
    """每人每年的履职积分和等次、届内合计和年均，以及连续两年不合格（劝其辞去委员）的标记。"""
    try:
        scheme = load_scheme(scheme_file)
    except SchemeError as exc:
        fail("\n".join(exc.problems))
    try:
        with session_scope() as session:
            board = evaluate_terms(session, scheme=scheme, first=first, last=last)
    except TermError as exc:
        fail(str(exc))
    span = f"{first}–{last}"
    if not board.rows:
        out.print(f"{span} 年度没有履职记录 / no duty records in these years", highlight=False)
        return
    table = Table(*term_header(board.years, board.flag), title=f"届末评价 {span}（{board.scheme}）",
                  title_justify="left")  # fmt: skip
    for row in board.rows:
        table.add_row(*term_cells(row, board.flag))
    out.print(table)
    for year, source in board.sources:
        out.print(f"{year} 年度：{source}", highlight=False, markup=False)
    flagged = board.flagged
    out.print(
        f"共 {len(board.rows)} 人；{board.flag} {len(flagged)} 人"
        + (f"：{'、'.join(f'{r.code} {r.name}' for r in flagged)}" if flagged else ""),
        highlight=False,
        markup=False,
    )
    if xlsx is not None:
        try:
            write_term_sheet(
                xlsx, scheme=board.scheme, years=board.years, flag=board.flag, rows=board.rows
            )
        except OSError as exc:
            fail(f"{xlsx}：无法写入 / cannot write: {exc.strerror}")
        out.print(f"已写出届末评价表：{xlsx}", highlight=False, markup=False)
