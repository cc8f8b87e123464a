"""`appraisal assess`: 组织考核 by dimension (政治表现、思想状况、履行职责、廉洁自律) with the
written 考核材料, per person of a cycle; replacing a recorded value needs a reason and is
audited. The portal's 组织考核 page calls the same functions."""

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from appraisal.commands._cycle_arg import named_cycle
from appraisal.commands.records import import_workbook
from appraisal.console import fail, out
from appraisal.db import session_scope
from appraisal.documents.contexts import NOT_ENTERED
from appraisal.models.vocab import Dimension
from appraisal.scheme import parse_scheme
from appraisal.scoring.numbers import fmt
from appraisal.settings import get_settings
from appraisal.store.assessment import assessment_rows, parse_assessment, set_assessment
from appraisal.store.offices import EVERYWHERE
from appraisal.store.person_info import PersonInfoError

app = typer.Typer(
    help="组织考核 by dimension: four ratings and the written 考核材料 per person (set, show, "
    "import).",
    no_args_is_help=True,
)

CycleRef = Annotated[str, typer.Argument(metavar="CYCLE", help="Cycle number or name.")]


@app.command("set")
def set_(
    cycle_ref: CycleRef,
    code: Annotated[str, typer.Argument(help="编号 of the person.")],
    political: Annotated[str, typer.Option("--political", help="政治表现, 0 to 100.")],
    thinking: Annotated[str, typer.Option("--thinking", help="思想状况, 0 to 100.")],
    duty: Annotated[str, typer.Option("--duty", help="履行职责, 0 to 100.")],
    integrity: Annotated[str, typer.Option("--integrity", help="廉洁自律, 0 to 100.")],
    material: Annotated[
        str, typer.Option("--material", help="考核材料 (a blank line or newline per paragraph).")
    ] = "",
    material_file: Annotated[
        Path | None, typer.Option("--material-file", help="考核材料 from a UTF-8 text file.")
    ] = None,
    assessor: Annotated[str, typer.Option("--assessor", help="考核人 / 考核组.")] = "",
    reason: Annotated[
        str, typer.Option("--reason", help="依据: needed when replacing a recorded value.")
    ] = "",
) -> None:
    """Record a person's four ratings and 考核材料 for the cycle's year."""
    if material_file is not None:
        try:
            material = material_file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            fail(f"无法读取 {material_file}：{exc}")
    ratings = {
        Dimension.POLITICAL.value: political,
        Dimension.THINKING.value: thinking,
        Dimension.DUTY.value: duty,
        Dimension.INTEGRITY.value: integrity,
    }
    try:
        entry = parse_assessment(ratings, material, assessor)
        with session_scope() as session:
            cycle = named_cycle(session, cycle_ref)
            diff = set_assessment(
                session, code=code, year=cycle.year, entry=entry, actor=get_settings().actor,
                reason=reason, scope=EVERYWHERE,
            )  # fmt: skip
    except PersonInfoError as exc:
        fail(str(exc))
    if not diff:
        out.print(f"{code} 的组织考核未变 / unchanged", markup=False)
    else:
        out.print(f"已记录 {code} 的组织考核（{len(diff)} 项） / recorded", markup=False)


@app.command("show")
def show(
    cycle_ref: CycleRef,
    code: Annotated[str | None, typer.Argument(help="Only this person, material in full.")] = None,
) -> None:
    """Every member's ratings and 组织考核 score (the material in full for one person)."""
    with session_scope() as session:
        cycle = named_cycle(session, cycle_ref)
        scheme = parse_scheme(cycle.scheme_toml, cycle.name)
        rows = assessment_rows(session, cycle, scheme)
        title = f"{cycle.name} 组织考核"
    if code is not None:
        rows = [r for r in rows if r.code == code.strip()]
        if not rows:
            fail(f"{code} 不是本周期的参评人员 / not a member of the cycle")
    table = Table("编号", "姓名", *(d.value for d in Dimension), "组织考核", "考核材料",
                  title=title, title_justify="left")  # fmt: skip
    for r in rows:
        v = r.view
        ratings = dict(v.ratings) if v else {}
        marks = [fmt(ratings[d.value]) if d.value in ratings else NOT_ENTERED for d in Dimension]
        score = fmt(v.score) if v and v.score is not None else NOT_ENTERED
        text = v.material if v and v.material else NOT_ENTERED
        if code is None and len(text) > 24:
            text = f"{text[:24]}…（{len(text)} 字）"
        table.add_row(r.code, r.name, *marks, score, text)
    out.print(table)


@app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="The records workbook (.xlsx), sheet 组织考核.")],
    year: Annotated[
        int | None, typer.Option("--year", help="The year for rows without 年度.")
    ] = None,
) -> None:
    """The 组织考核 sheet (and any other records sheet in the workbook), all or nothing; every
    bad row is named by sheet, row and column."""
    import_workbook(file, year)
