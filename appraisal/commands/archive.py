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
from appraisal.stages import stage_name

HELP = """归档封存 / Seal dossiers: `appraisal archive CYCLE [--person 编号]`.
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
            fail("appraisal archive verify PATH：请给出一个档案包或存放档案包的文件夹")
        verify(path)
        return
    if path is not None:
        fail(f"多余的参数 {path}；核验档案包请用 appraisal archive verify PATH")
    if early and not (person and reason.strip()):
        fail("--early 只封存指定人员并须写明原因：请给出 --person 编号 和 --reason")
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
        out.print(f"[green]已封存[/] {code}")
    if outcome.unchanged:
        out.print(f"自上次封存以来未变：{len(outcome.unchanged)} 份")
    for code, reason in outcome.failed.items():
        out.print(f"[red]封存失败[/] {code}：{escape(reason)}")
    if outcome.refused:
        table = Table("编号", "尚缺", title="未封存：尚未办完")
        for code, gaps in outcome.refused.items():
            more = f"\n……另有 {len(gaps) - 5} 项" if len(gaps) > 5 else ""
            table.add_row(code, escape("\n".join(gaps[:5]) + more))
        out.print(table)
    out.print(f"档案：{outcome.dossiers}/")
    out.print(f"考核登记表：{outcome.register}")
    out.print(f"第{cycle_id}号考核周期现处于{stage_name(outcome.stage)}阶段")
    if outcome.failed or (people and outcome.refused):
        raise typer.Exit(1)


def verify(path: Path) -> None:
    from appraisal.archive.bag import BagProblem, find_bags
    from appraisal.archive.verify import verify_package
    from appraisal.store.archive_data import database_checksums

    if not path.exists():
        fail(f"{path}：文件或文件夹不存在")
    bags = find_bags(path)
    if not bags:
        fail(f"{path}：这里没有 BagIt 档案包（档案包是含有 bagit.txt 的文件夹）")
    roots = get_settings().trust_root_paths
    bad = 0
    with database_checksums() as recorded:
        for bag in bags:
            notes: list[BagProblem] = []
            problems = verify_package(bag, roots, recorded, notes)
            bad += bool(problems)
            out.print(f"[red]有问题[/] {bag}" if problems else f"[green]完好[/] {bag}")
            for p in [*problems, *notes]:
                out.print(f"  {escape(str(p))}", highlight=False)
    if recorded is None:
        out.print("无可查询的数据库：仅按各档案包自身的记录核对文件")
    out.print(f"已核验 {len(bags)} 个档案包，{bad} 个有问题")
    if bad:
        raise typer.Exit(1)
