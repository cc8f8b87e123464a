"""`appraisal demo`: the main job of the README, a complete cycle on the embedded defaults."""

from collections import Counter
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from appraisal.console import fail, out
from appraisal.models.vocab import CycleKind
from appraisal.stages import DOSSIER_COVER, stage_name

DEFAULT_PEOPLE = 12
RETURN_WORDS = {"recorded": "已登记", "quarantined": "已隔离", "duplicate": "重复",
                "held": "待核对", "skipped": "已跳过"}  # fmt: skip
STEP_WORDS = {
    "generate": "生成", "returns": "回件", "intake": "导入", "archive": "归档",
    "person file": "一人一档",
}  # fmt: skip


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)


def demo(
    people: Annotated[int, typer.Option(help="How many people in the generated pool.")] = (
        DEFAULT_PEOPLE
    ),
    seed: Annotated[int, typer.Option(help="Seed of the generated data.")] = 2026,
    output: Annotated[Path, typer.Option(help="Folder for everything the demo makes.")] = Path(
        "output/demo"
    ),
    kind: Annotated[
        str,
        typer.Option(
            help="The kind of cycle: 党外 (the default, the whole 党外代表人士 cycle), "
            "政协 (a CPPCC member's year: recorded duties, claims, 委员履职情况 and 履职情况通报), "
            "干部 (two units' 干部年度考核 and their 年度考核登记表; --people is not used); "
            "or the kind's full name."
        ),
    ] = "党外",
) -> None:
    """演示 / Run a whole cycle over a generated pool with simulated reviewers, then summarise
    it."""
    chosen = demo_kind(kind)
    if chosen is not CycleKind.NON_PARTY:
        _kind_demo(chosen, people=people, seed=seed, output=output)
        return
    # Importing flows prepares Prefect (its home under output/, outside the demo folder the
    # demo wipes and rebuilds).
    from appraisal.flows.demo import run_demo

    out.print(f"[bold]appraisal demo[/]：{people} 人，全部输出在 {output}/")
    run = run_demo(people=people, seed=seed, output=output.resolve(), say=out.print)
    _summary(run.cycle_id)
    out.print(
        "回件："
        + "，".join(f"{RETURN_WORDS.get(k, k)} {n}" for k, n in sorted(run.returns.items()))
    )
    stages = "，".join(f"{stage_name(k)} {v:.0f} 秒" for k, v in run.stage_seconds.items())
    out.print(f"用时 {run.seconds:.0f} 秒；各阶段：{stages}")
    out.print("各步骤用时：" + "，".join(
        f"{STEP_WORDS.get(k, k)} {v:.0f} 秒" for k, v in run.step_seconds.items()))  # fmt: skip
    base = output / f"cycle-{run.cycle_id:04d}"
    out.print(f"文件：{base}/documents/   发件箱：{base}/outbox/")
    out.print(f"签署回件：{base}/returns/   隔离区：{base}/quarantine/")
    out.print(f"档案：{run.dossiers}/   考核登记表：{run.register}")
    moved = "，".join(f"{k} {n} 人" for k, n in run.pool_counts.items())
    changed = f"；改变建议 1 人（{run.pool_changed}）" if run.pool_changed else ""
    if run.mobilization:
        out.print(f"动员部署：{run.mobilization}")
    for line in run.nominations:
        out.print(f"提名推荐：{line}")
    if run.nomination_summary:
        out.print(f"推荐人选汇总表：{run.nomination_summary}")
    if run.ballots:
        out.print(f"民主测评计票：{run.ballots}；计票汇总表：{base}/计票汇总表.xlsx"
                  f"（appraisal ballots sheets {run.cycle_id}）")  # fmt: skip
    out.print(f"人才库滚动调整（已审核批准）：{moved}{changed}")
    out.print(f"滚动调整审批表、人才库名单：{run.pool_files}")
    if run.reports:
        out.print(f"年度履职报告：{run.reports}（appraisal reports list）")
    if run.approval:
        out.print(f"审定：{run.approval}")
        out.print(f"审定表：{run.approval_table}")
    if run.hold:
        out.print(f"异议暂缓：{run.hold}；情况通报列为暂缓，审定后补发结果通知书")
    if run.review:
        out.print(f"复核：{run.review}")
        out.print(f"复核决定书：{run.review_decision}")
    out.print(f"核验档案包：appraisal archive verify {run.dossiers}")
    if run.assessment:
        out.print(f"组织考核：{run.assessment}（appraisal assess show {run.cycle_id}）")
    if run.talks:
        kinds = "、".join(f"{k} {n} 次" for k, n in run.talks.items())
        out.print(f"谈心谈话：{sum(run.talks.values())} 次（{kinds}），"
                  "列入各人的谈心谈话记录表和一人一档（appraisal talks list 编号）")  # fmt: skip
    if run.career:
        out.print(f"一人一档：{run.career}（appraisal people file 编号 可为任何人生成）")
    if run.figures:
        out.print(f"{run.figures}；名录：{output}/统战名人名录.xlsx（appraisal figures list）")
    out.print(f"数据库：{output}/appraisal.db   试试：appraisal cycle status {run.cycle_id}"
              f"（设 APPRAISAL_OUTPUT_DIR={output}）")  # fmt: skip


# The short words staff type for the kinds (appraisal demo --kind 政协).
KIND_WORDS = {"党外": CycleKind.NON_PARTY, "政协": CycleKind.CPPCC, "干部": CycleKind.CADRE}


def demo_kind(word: str) -> CycleKind:
    word = word.strip()
    if word in KIND_WORDS:
        return KIND_WORDS[word]
    try:
        return CycleKind(word)
    except ValueError:
        known = "、".join([*KIND_WORDS, *(k.value for k in CycleKind)])
        fail(f"没有考核种类“{word}”，可选：{known} / unknown kind {word!r}")


def _kind_demo(kind: CycleKind, *, people: int, seed: int, output: Path) -> None:
    from appraisal.flows.demo_kinds import KindNotReady, run_kind_demo
    from appraisal.kinds import profile
    from appraisal.render.manifest import template_titles
    from appraisal.settings import get_settings

    if kind is CycleKind.CADRE:
        _cadre_demo(seed=seed, output=output)
        return
    out.print(f"[bold]appraisal demo --kind {kind.value}[/]：{people} 人，全部输出在 {output}/")
    try:
        run = run_kind_demo(kind, people=people, seed=seed, output=output.resolve(), say=out.print)
    except KindNotReady as exc:
        fail(str(exc))
    _summary(run.cycle_id)
    # The cover's title is the kind's (政协委员年度履职档案), not the manifest's.
    titles = {
        **template_titles(get_settings().templates_dir),
        DOSSIER_COVER: profile(kind).dossier_title,
    }
    table = Table("文书", "收件方", "份数", title="各文书送达何处", title_justify="left")
    if run.recorded:
        out.print(f"全年履职登记：{run.recorded}")
    if run.claims:
        out.print(f"履职申报：{run.claims}")
    for (template, recipient), n in sorted(run.sent.items()):
        table.add_row(titles.get(template, template), recipient, str(n))
    out.print(table)
    if run.returns:
        out.print(
            "回件："
            + "，".join(f"{RETURN_WORDS.get(k, k)} {n}" for k, n in sorted(run.returns.items()))
        )
    stages = "，".join(f"{stage_name(k)} {v:.0f} 秒" for k, v in run.stage_seconds.items())
    out.print(f"用时 {run.seconds:.0f} 秒；各阶段：{stages}")
    base = output / f"cycle-{run.cycle_id:04d}"
    out.print(f"文件：{base}/documents/   发件箱：{base}/outbox/")
    out.print(f"年度履职档案：{run.dossiers}/   登记表：{run.register}")
    out.print(f"数据库：{output}/appraisal.db   试试：appraisal cycle status {run.cycle_id}"
              f"（设 APPRAISAL_OUTPUT_DIR={output}）")  # fmt: skip


def _cadre_demo(*, seed: int, output: Path) -> None:
    from appraisal.flows.cadre_demo import UNITS
    from appraisal.flows.demo_kinds import run_cadre_kind_demo

    units = "、".join(f"{u} {n} 人" for u, n in UNITS.items())
    out.print(f"[bold]appraisal demo --kind 干部[/]：{units}，全部输出在 {output}/")
    run = run_cadre_kind_demo(seed=seed, output=output.resolve(), say=out.print)
    out.print("等次：" + "，".join(f"{g} {n}" for g, n in run.grades.most_common()))
    quota = "，".join(
        f"{u} 优秀 {run.excellent_by_unit.get(u, 0)} 人 / {n} 人" for u, n in UNITS.items()
    )
    out.print(f"优秀名额按单位（不超过 20%）：{quota}")
    pdfs = [f for f in run.forms if f.suffix == ".pdf"]
    folder = pdfs[0].parent if pdfs else output
    out.print(f"年度考核登记表：{len(pdfs)} 份，在 {folder}/（考核委员会签署；本人意见已填写）")
    out.print(f"数据库：{output}/appraisal.db   试试：appraisal cadre list {run.cycle_id}"
              f"（设 APPRAISAL_OUTPUT_DIR={output}）")  # fmt: skip


def _summary(cycle_id: int) -> None:
    from appraisal.clock import today
    from appraisal.db import session_scope
    from appraisal.store.progress import cycle_progress
    from appraisal.store.results import results_best_first

    with session_scope() as session:
        progress = cycle_progress(session, cycle_id, today())
        rows = results_best_first(session, cycle_id)
    table = Table("阶段", "文件", "仅供阅知", "已回收", "已免签", "异议", "闸门",
                  title="本周期", title_justify="left")  # fmt: skip
    for p in progress.values():
        table.add_row(stage_name(p.stage), str(p.generated), str(p.for_reading), str(p.returned),
                      str(p.waived), str(p.objections),
                      "已开启" if p.gate_open else "未开启")  # fmt: skip
    out.print(table)
    grades = Counter(r.grade.value if r.grade else "未评定" for r, _ in rows)
    bands = Counter(r.band.value if r.band else "—" for r, _ in rows)
    out.print("等次：" + "，".join(f"{g} {n}" for g, n in grades.most_common()))
    out.print("档次：" + "，".join(f"{b} {n}" for b, n in sorted(bands.items())))
    results = Table("编号", "姓名", "综合得分", "等次", "档次", "备注",
                    title="得分靠前者及全部有标记者", title_justify="left")  # fmt: skip
    for i, (r, person) in enumerate(rows):
        notes = "；".join([*(["否决：" + "、".join(r.vetoes)] if r.vetoes else []),
                          *(["征求意见有异议"] if r.flagged else []),
                          *([f"审定：{r.detail['approval']['from']}→{r.grade}"]
                            if "approval" in r.detail else []),
                          *([f"异议核实：{r.detail['hold']['from']}→{r.grade}"]
                            if "hold" in r.detail else []), *r.actions])  # fmt: skip
        if i < 5 or notes:
            composite = f"{r.composite:.2f}" if r.composite is not None else "—"
            results.add_row(
                person.code, person.name, composite, r.grade or "未评定", r.band or "—", notes
            )
    out.print(results)
