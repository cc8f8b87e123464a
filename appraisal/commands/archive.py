"""`appraisal archive`: seal the dossiers of a cycle, or verify sealed packages."""

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from appraisal.commands._cycle_arg import cycle_number
from appraisal.commands._running import locked_with_progress
from appraisal.console import fail, out
from appraisal.settings import get_settings

HELP = """Seal dossiers: `appraisal archive CYCLE [--person 编号]`.
Check packages: `appraisal archive verify PATH` (one package or a folder of them)."""


def register(app: typer.Typer) -> None:
    app.command("archive", help=HELP)(archive)


def archive(
    target: Annotated[str, typer.Argument(help="Cycle number or name, or the word `verify`.")],
    path: Annotated[
        Path | None, typer.Argument(help="With `verify`: a package or a folder of packages.")
    ] = None,
    person: Annotated[
        list[str] | None, typer.Option("--person", help="Seal only this 编号 (repeatable).")
    ] = None,
    early: Annotated[
        bool,
        typer.Option(
            help="Seal the --person people although their cycle is not complete (needs --reason;"
            " audited with what each lacks)."
        ),
    ] = False,
    reason: Annotated[str, typer.Option(help="Why, with --early.")] = "",
) -> None:
    if target == "verify":
        if path is None:
            fail("appraisal archive verify PATH: name a package or a folder of packages")
        verify(path)
        return
    if path is not None:
        fail(f"unexpected argument {path}; to check packages: appraisal archive verify PATH")
    if early and not (person and reason.strip()):
        fail("--early seals named people with a reason: give --person 编号 and --reason")
    seal(target, person or [], reason.strip() if early else "")


def seal(cycle: str, people: list[str], early: str = "") -> None:
    from appraisal.flows.archive import archive_cycle

    cycle_id = cycle_number(cycle)
    try:
        outcome = locked_with_progress(
            cycle_id, "archive", lambda: archive_cycle(cycle_id, people or None, early=early)
        )
    except ValueError as exc:
        fail(str(exc))
    for code in outcome.sealed:
        out.print(f"[green]sealed[/] {code}")
    if outcome.unchanged:
        out.print(f"unchanged since the last seal: {len(outcome.unchanged)}")
    for code, reason in outcome.failed.items():
        out.print(f"[red]failed[/] {code}: {escape(reason)}")
    if outcome.refused:
        table = Table("编号", "what is missing", title="not sealed: not complete yet")
        for code, gaps in outcome.refused.items():
            more = f"\n… and {len(gaps) - 5} more" if len(gaps) > 5 else ""
            table.add_row(code, escape("\n".join(gaps[:5]) + more))
        out.print(table)
    out.print(f"dossiers: {outcome.dossiers}/")
    out.print(f"register: {outcome.register}")
    out.print(f"cycle {cycle_id} is at stage {outcome.stage}")
    if outcome.failed or (people and outcome.refused):
        raise typer.Exit(1)


def verify(path: Path) -> None:
    from appraisal.archive.bag import BagProblem, find_bags
    from appraisal.archive.verify import verify_package
    from appraisal.store.archive_data import database_checksums

    if not path.exists():
        fail(f"{path}: no such file or folder")
    bags = find_bags(path)
    if not bags:
        fail(f"{path}: no BagIt package here (a package is a folder holding bagit.txt)")
    roots = get_settings().trust_root_paths
    bad = 0
    with database_checksums() as recorded:
        for bag in bags:
            notes: list[BagProblem] = []
            problems = verify_package(bag, roots, recorded, notes)
            bad += bool(problems)
            out.print(f"[red]FAILED[/] {bag}" if problems else f"[green]ok[/] {bag}")
            for p in [*problems, *notes]:
                out.print(f"  {escape(p.path)}: {p.check}: {escape(p.detail)}", highlight=False)
    if recorded is None:
        out.print("no database to consult: files checked against each package's record only")
    out.print(f"{len(bags)} package(s) checked, {bad} with problems")
    if bad:
        raise typer.Exit(1)
