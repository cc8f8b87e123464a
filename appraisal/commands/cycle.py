"""`appraisal cycle`: start cycles, follow them, move them on when their gates open."""

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from appraisal.clock import today
from appraisal.commands._cycle_arg import cycle_number, named_cycle
from appraisal.commands._running import locked_with_progress
from appraisal.console import fail, out
from appraisal.db import session_scope
from appraisal.gates import StageProgress, missing_in_words
from appraisal.kinds import first_stage, profile
from appraisal.launch import Gap, MissingInputs, launch
from appraisal.models.vocab import CycleKind, Decision
from appraisal.settings import get_settings
from appraisal.stages import stage_name
from appraisal.store.cycles import CycleError, Selection, list_cycles
from appraisal.store.decisions import record_decision
from appraisal.store.freeze import reopen_cycle
from appraisal.store.progress import cycle_progress
from appraisal.store.stage_runs import closed_gate

app = typer.Typer(
    help="考核周期 / Evaluation cycles: start, list, status, advance.", no_args_is_help=True
)


def _run(cycle_id: int) -> None:
    from appraisal.flows.cycle import run_cycle

    outcome = locked_with_progress(cycle_id, "stage", lambda: run_cycle(cycle_id))
    if outcome.ran:
        out.print(f"已运行：{'、'.join(stage_name(s) for s in outcome.ran)}")
    out.print(f"第{cycle_id}号考核周期现处于[bold]{stage_name(outcome.stage)}[/]阶段")
    if outcome.blocked:
        n = len(outcome.blocked["outstanding"])  # type: ignore[arg-type]
        out.print(f"尚有 {n} 份待回收：`appraisal cycle status {cycle_id}` 列出它们")


@app.command("start")
def start(
    name: Annotated[
        str, typer.Option(help="A name for the cycle, e.g. 2026年度党外代表人士综合评价.")
    ],
    year: Annotated[int, typer.Option(help="The year assessed; records of this year are used.")],
    kind: Annotated[
        CycleKind,
        typer.Option(help="The kind of cycle: its stages, documents and scheme (README 考核种类)."),
    ] = CycleKind.NON_PARTY,
    scheme: Annotated[
        Path | None,
        typer.Option(
            help="Scheme file (default: the kind's shipped scheme: default.toml for 党外综合评价, "
            "cppcc.toml for 政协年度履职, cadre.toml for 干部年度考核)."
        ),
    ] = None,
    people: Annotated[
        str,
        typer.Option(
            help="all (all but the 名人, 不含名人; for 政协/干部 kinds everyone on the roster) | "
            "tier:精英 | P00001,P00002 | @file with one 编号 per line."
        ),
    ] = "all",
    run: Annotated[
        bool | None,
        typer.Option(
            "--run/--no-run",
            help="Run the first stage right away (动员部署, 干部: 组织考核). A 政协 cycle does "
            "not unless asked: it is opened for the year and its 综合评价 runs at `cycle advance`.",
        ),
    ] = None,
    allow_missing: Annotated[
        bool,
        typer.Option(
            help="Start although some people lack scores, ballots or records (recorded); "
            "they cannot be graded until their data is in or staff decide 暂缓评定/免评."
        ),
    ] = False,
) -> None:
    """启动考核周期 / Start a cycle over the pool: checks the scheme, the templates and
    everyone's records, then runs its kind's first stage (动员部署 for 党外综合评价, 综合评价 for
    政协年度履职) and on while gates are open. With the name of a cycle whose first stages
    never finished, finishes it."""
    try:
        started = launch(
            name=name, kind=kind, year=year, scheme_path=scheme,
            selection=Selection.parse(people), allow_missing=allow_missing,
        )  # fmt: skip
    except MissingInputs as exc:
        _gaps(exc.gaps, f"未启动：{len(exc.gaps)} 人缺少数据 / not started: people lack inputs")
        fail(str(exc))
    except CycleError as exc:
        fail(str(exc))
    if started.resumed:
        out.print(
            f"第{started.cycle_id}号考核周期（{name}）已存在，其{_opening(kind)}未完成：现在完成它"
        )
    else:
        out.print(f"已启动第{started.cycle_id}号考核周期：{name}")
    if started.gaps:
        _gaps(
            started.gaps,
            f"已启动，其中 {len(started.gaps)} 人缺少数据（已记入审计日志）"
            " / started with people lacking inputs",
        )
    if run is None:
        run = profile(kind).runs_at_start
    if run:
        _run(started.cycle_id)
    else:
        out.print(
            f"周期已开放：全年的履职登记、本人查看积分和履职申报经由本周期进行；年终运行 "
            f"`appraisal cycle advance {started.cycle_id}` 开始{stage_name(first_stage(kind))}"
        )


def _opening(kind: CycleKind) -> str:
    """The stages a start runs and, when they never finished, a second start finishes."""
    if kind is CycleKind.NON_PARTY:
        return "动员部署或提名推荐"
    return f"{stage_name(first_stage(kind))}阶段"


def _gaps(gaps: list[Gap], title: str, show: int = 50) -> None:
    table = Table("编号", "姓名", "缺少", title=title, title_justify="left")
    for g in gaps[:show]:
        table.add_row(g.code, g.name, "、".join(g.missing))
    out.print(table)
    if len(gaps) > show:
        out.print(f"……另有 {len(gaps) - show} 人 / and {len(gaps) - show} more")


@app.command("list")
def list_(as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """考核周期列表 / List the cycles."""
    with session_scope() as session:
        rows = [
            {
                "id": c.id,
                "name": c.name,
                "kind": c.kind.value,
                "year": c.year,
                "stage": c.stage.value,
                "scheme": f"{c.scheme_name} {c.scheme_version}",
                "started": c.created_at.date().isoformat(),
            }
            for c in list_cycles(session)
        ]
    if as_json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    table = Table("编号", "名称", "类别", "年度", "阶段", "评价方案", "启动日期")
    for r in rows:
        table.add_row(*(str(v) for v in {**r, "stage": stage_name(str(r["stage"]))}.values()))
    out.print(table)


def _status(ref: str) -> tuple[dict[str, object], list[StageProgress]]:
    with session_scope() as session:
        cycle = named_cycle(session, ref)
        assert cycle.id is not None
        progress = list(cycle_progress(session, cycle.id, today()).values())
        head = {"id": cycle.id, "name": cycle.name, "stage": cycle.stage.value}
    return head, progress


@app.command("status")
def status(
    cycle: Annotated[str, typer.Argument(help="Cycle number or name.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    show: Annotated[int, typer.Option(help="How many outstanding sign-offs to list.")] = 20,
) -> None:
    """周期进度 / Per stage: generated, for reading only (no sign-off), delivered, returned,
    waived, overdue, objections, and the gate."""
    head, progress = _status(cycle)
    if as_json:
        print(json.dumps({**head, "stages": [p.as_dict() for p in progress]}, ensure_ascii=False))
        return
    table = Table(
        "阶段", "已生成", "仅供阅知", "已送达", "已回收", "已免签", "逾期", "异议", "闸门",
        title=f"第{head['id']}号考核周期：{head['name']}（当前：{stage_name(str(head['stage']))}）",
        title_justify="left",
    )  # fmt: skip
    for p in progress:
        gate = "[green]已开启[/]" if p.gate_open else ("未开启" if p.generated else "-")
        table.add_row(
            stage_name(p.stage),
            *(str(v) for v in (p.generated, p.for_reading, p.delivered, p.returned, p.waived)),
            f"[red]{p.overdue}[/]" if p.overdue else "0",
            f"[yellow]{p.objections}[/]" if p.objections else "0",
            gate,
        )
    out.print(table)
    current = next((p for p in progress if p.stage.value == head["stage"]), None)
    if current and current.outstanding:
        _outstanding(current, show)


def _outstanding(progress: StageProgress, show: int) -> None:
    table = Table(
        "文档编号", "收件方", "人员", "尚缺", "起始", "期限",
        title=f"{stage_name(progress.stage)}：尚有 {len(progress.outstanding)} 项未完成",
        title_justify="left",
    )  # fmt: skip
    for o in progress.outstanding[:show]:
        due = o.due_on.isoformat() if o.due_on else ""
        table.add_row(
            o.document_id, o.recipient, f"{o.code} {o.person}".strip(), missing_in_words(o.missing),
            o.since.isoformat(),
            f"[red]{due} 已逾期[/]" if o.overdue else due,
        )  # fmt: skip
    out.print(table)
    if len(progress.outstanding) > show:
        out.print(f"……另有 {len(progress.outstanding) - show} 项（--show N 或 --json）")


@app.command("advance")
def advance(cycle: Annotated[str, typer.Argument(help="Cycle number or name.")]) -> None:
    """推进到下一阶段 / Finish the current stage if its run did not, then run the next stage if
    the gate is open; otherwise list what is missing."""
    cycle_id = cycle_number(cycle)
    with session_scope() as session:
        closed = closed_gate(session, cycle_id, today())
    if closed is not None:
        out.print(f"[bold]{stage_name(closed.stage)}[/]的闸门未开启 / gate closed：")
        _outstanding(closed, 50)
        raise typer.Exit(1)
    _run(cycle_id)


DECISIONS = {"暂缓评定": Decision.DEFERRED, "免评": Decision.EXEMPT, "撤销": None}


@app.command("decide")
def decide(
    cycle: Annotated[str, typer.Argument(help="Cycle number or name.")],
    person: Annotated[str, typer.Argument(help="The person's 编号.")],
    decision: Annotated[str, typer.Argument(help="暂缓评定, 免评, or 撤销 (withdraw one).")],
    reason: Annotated[str, typer.Option(help="Why (recorded in the audit log).")],
) -> None:
    """暂缓评定、免评或撤销 / Record 暂缓评定 or 免评 for a person the engine could not (or
    should not yet) grade: the evaluation gate no longer waits for their grade, and they get no
    结果通知书."""
    if decision not in DECISIONS:
        fail(f"未知的决定“{decision}”：请用 暂缓评定、免评 或 撤销 / unknown decision")
    try:
        with session_scope() as session:
            found = named_cycle(session, cycle)
            record_decision(
                session, cycle=found, code=person, decision=DECISIONS[decision],
                reason=reason, actor=get_settings().actor,
            )  # fmt: skip
    except CycleError as exc:
        fail(str(exc))
    out.print(f"{person}：已记录{decision}（{reason}）")


@app.command("rescore")
def rescore(cycle: Annotated[str, typer.Argument(help="Cycle number or name.")]) -> None:
    """重新评分 / Score the cycle again after importing missing records (only while it is at
    evaluation); evaluation forms whose content changed are made and delivered again."""
    from appraisal.flows.cycle import rescore_cycle

    cycle_id = cycle_number(cycle)
    try:
        counts = locked_with_progress(cycle_id, "stage", lambda: rescore_cycle(cycle_id))
    except ValueError as exc:
        fail(str(exc))
    out.print(f"第{cycle_id}号考核周期已重新评分；{counts['changed']} 份综合评价表有变化")
    _status_after(cycle_id)


def _status_after(cycle_id: int) -> None:
    with session_scope() as session:
        closed = closed_gate(session, cycle_id, today())
    if closed is None:
        out.print(f"闸门已开启：`appraisal cycle advance {cycle_id}` 进入下一阶段")
    else:
        _outstanding(closed, 50)


@app.command("reopen")
def reopen(
    cycle: Annotated[str, typer.Argument(help="Cycle number or name.")],
    reason: Annotated[str, typer.Option(help="Why the finished cycle must change (audited).")],
) -> None:
    """重新开启已办结周期 / Reopen a finished cycle: its sealed dossiers may change again until
    it is archived anew."""
    try:
        with session_scope() as session:
            found = named_cycle(session, cycle)
            unfrozen = reopen_cycle(session, found, reason=reason, actor=get_settings().actor)
            head = f"第{found.id}号考核周期（{found.name}）已重新开启，"
            head += f"现处于{stage_name(found.stage)}阶段"
    except CycleError as exc:
        fail(str(exc))
    out.print(head)
    out.print(
        f"{unfrozen} 份已封存档案可再次修改；记录更正后，"
        f"`appraisal archive {found.id}` 重新封存有变化的档案并办结周期"
    )
