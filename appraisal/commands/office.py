"""`appraisal office`: the offices that own people and cycles (a parent office sees its
children's)."""

from typing import Annotated

import typer
from rich.table import Table

from appraisal.console import fail, out
from appraisal.db import session_scope
from appraisal.store.offices import OfficeError, add_office, list_offices, rename_office

app = typer.Typer(help="单位 offices: who owns which people and cycles.", no_args_is_help=True)


@app.command("list")
def list_() -> None:
    """The offices as a tree."""
    with session_scope() as session:
        rows = [(office.id, office.name, depth, office.contact, office.phone)
                for office, depth in list_offices(session)]  # fmt: skip
    table = Table("编号", "单位", "联系人", "电话")
    for office_id, name, depth, contact, phone in rows:
        table.add_row(str(office_id), "  " * depth + name, contact, phone)
    out.print(table)


@app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="The office's name, e.g. 某区委统战部.")],
    parent: Annotated[str, typer.Option(help="The office above it (default: the top one).")] = "",
    contact: Annotated[str, typer.Option(help="Whom reviewers call.")] = "",
    phone: Annotated[str, typer.Option(help="Their telephone.")] = "",
) -> None:
    """Add an office under another."""
    try:
        with session_scope() as session:
            office = add_office(session, name=name, parent=parent, contact=contact, phone=phone)
            office_id = office.id
    except OfficeError as exc:
        fail(str(exc))
    out.print(f"已添加单位 {name}（编号 {office_id}） / office added")


@app.command("rename")
def rename(
    name: Annotated[str, typer.Argument(help="The office's present name.")],
    new_name: Annotated[str, typer.Argument(help="Its new name.")],
) -> None:
    """Rename an office (the top office is called 本单位 until renamed)."""
    try:
        with session_scope() as session:
            rename_office(session, name, new_name)
    except OfficeError as exc:
        fail(str(exc))
    out.print(f"单位 {name} 已改名为 {new_name} / renamed")
