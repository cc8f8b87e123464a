"""`appraisal cadre`: the 年度考核登记表 of a cadre cycle, section by section — 个人总结 (entered
from paper; people write their own through their link), 主管领导评语, 考核委员会意见 with the
indicator ratings, 本人意见 — and who has what. The portal's pages call the same functions."""

from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from appraisal.commands._cycle_arg import named_cycle
from appraisal.console import fail, out
from appraisal.db import session_scope
from appraisal.scoring.numbers import fmt
from appraisal.settings import get_settings
from appraisal.store import cadre

app = typer.Typer(
    help="干部年度考核登记表 / A cadre cycle's registration forms: summary, comments, opinions.",
    no_args_is_help=True,
)

CycleArg = Annotated[str, typer.Argument(help="Cycle number or name.")]
Code = Annotated[str, typer.Argument(help="The cadre's 编号.")]
Reason = Annotated[
    str, typer.Option("--reason", help="依据：required when the section is already on record.")
]


def _said(code: str, section: str, diff: dict[str, tuple[object, object]]) -> None:
    if diff:
        out.print(f"已记录 {code} 的{section} / recorded", markup=False)
    else:
        out.print(f"{code} 的{section}与记录相同，未作修改 / unchanged", markup=False)


@app.command("list")
def list_(cycle: CycleArg) -> None:
    """登记表进度 / Every cadre of the cycle with the sections recorded, the grade and its use."""
    with session_scope() as session:
        rows = cadre.registration_rows(session, named_cycle(session, cycle))
    table = Table("编号", "姓名", "工作单位", "职务", *cadre.SECTIONS, "等次", "结果运用")
    for r in rows:
        marks = ["已录入" if r.done(s) else "[bold]未录入[/]" for s in cadre.SECTIONS]
        table.add_row(
            r.code, escape(r.name), escape(r.employer), escape(r.post), *marks,
            r.grade.value if r.grade else "未评定", escape(r.use),
        )  # fmt: skip
    out.print(table)
    for s in cadre.SECTIONS:
        out.print(f"{s}：{sum(r.done(s) for r in rows)}/{len(rows)} 人已录入", markup=False)


@app.command("show")
def show(cycle: CycleArg, code: Code) -> None:
    """一人的登记表 / One cadre's sections as recorded, with who entered each and when."""
    try:
        with session_scope() as session:
            r = cadre.registration(session, named_cycle(session, cycle), code)
    except cadre.CadreError as exc:
        fail(str(exc))
    f = r.form
    out.print(f"{r.code} {r.name}（{r.employer} {r.post}）", markup=False)
    if f is None:
        out.print("尚未录入任何内容 / nothing recorded yet")
        return
    lines = [
        (cadre.SUMMARY, f.summary,
         f"{f.summary_channel} {f.summary_by} {cadre.when(f.summary_at)}"),
        (cadre.COMMENT, f"{f.comment}\n建议等次：{f.proposed_grade or ''}（{f.commenter}）",
         f"{f.comment_by} {cadre.when(f.comment_at)}"),
        (cadre.COMMITTEE, f"{f.committee}\n指标评分：{_ratings(f.indicators)}",
         f"{f.committee_by} {cadre.when(f.committee_at)}"),
        (cadre.OPINION, ("" if f.agrees is None else ("同意" if f.agrees else "不同意"))
         + (f"：{f.opinion}" if f.opinion else ""),
         f"{f.opinion_channel} {f.opinion_by} {cadre.when(f.opinion_at)}"),
    ]  # fmt: skip
    for section, text, who in lines:
        out.print(f"【{section}】{who.strip()}", markup=False)
        out.print(text.strip() or "未录入", markup=False)
    out.print(f"【等次】{r.grade.value if r.grade else '未评定'} {r.use}", markup=False)


def _ratings(ratings: dict[str, float]) -> str:
    return "、".join(f"{name} {fmt(value)}" for name, value in ratings.items()) or "未评分"


@app.command("summary")
def summary(
    cycle: CycleArg, code: Code,
    text: Annotated[str, typer.Option("--text", help="个人总结 as written (paper form).")],
    reason: Reason = "",
) -> None:  # fmt: skip
    """个人总结 / Enter a cadre's summary from their paper form (they may write it through
    their own link instead). Audit-logged."""
    try:
        with session_scope() as session:
            diff = cadre.record_summary(
                session,
                cycle=named_cycle(session, cycle),
                code=code,
                text=text,
                actor=get_settings().actor,
                reason=reason,
            )
    except cadre.CadreError as exc:
        fail(str(exc))
    _said(code, cadre.SUMMARY, diff)


@app.command("comment")
def comment(
    cycle: CycleArg, code: Code,
    text: Annotated[str, typer.Option("--text", help="主管领导评语.")],
    leader: Annotated[str, typer.Option("--leader", help="The 主管领导 who wrote it.")],
    grade: Annotated[str, typer.Option("--grade", help="建议等次: 优秀、称职、基本称职、不称职.")],
    reason: Reason = "",
) -> None:  # fmt: skip
    """主管领导评语 / Enter the supervising leader's comment and proposed grade."""
    try:
        with session_scope() as session:
            diff = cadre.record_comment(
                session,
                cycle=named_cycle(session, cycle),
                code=code,
                text=text,
                commenter=leader,
                proposed=grade,
                actor=get_settings().actor,
                reason=reason,
            )
    except cadre.CadreError as exc:
        fail(str(exc))
    _said(code, cadre.COMMENT, diff)


@app.command("committee")
def committee(
    cycle: CycleArg, code: Code,
    text: Annotated[str, typer.Option("--text", help="考核委员会意见.")],
    rating: Annotated[list[str], typer.Option(
        "--rating", help="指标=评分, once per indicator of the scheme, e.g. 平时工作=92.")],
    reason: Reason = "",
) -> None:  # fmt: skip
    """考核委员会意见 / Enter the committee's opinion and its indicator ratings; their weighted
    sum becomes the cadre's 组织考核 score."""
    ratings: dict[str, float] = {}
    for item in rating:
        name, _, value = item.partition("=")
        try:
            ratings[name.strip()] = float(value)
        except ValueError:
            fail(f"--rating {item}：应写成 指标=评分，如 平时工作=92 / not NAME=NUMBER")
    try:
        with session_scope() as session:
            diff = cadre.record_committee(
                session,
                cycle=named_cycle(session, cycle),
                code=code,
                text=text,
                ratings=ratings,
                actor=get_settings().actor,
                reason=reason,
            )
    except cadre.CadreError as exc:
        fail(str(exc))
    _said(code, cadre.COMMITTEE, diff)


@app.command("opinion")
def opinion(
    cycle: CycleArg, code: Code,
    agree: Annotated[bool, typer.Option("--agree/--disagree", help="同意 or 不同意 the result.")],
    text: Annotated[str, typer.Option("--text", help="What they add (needed to disagree).")] = "",
    reason: Reason = "",
) -> None:  # fmt: skip
    """本人意见 / Enter the cadre's own opinion of their result (from the paper form)."""
    try:
        with session_scope() as session:
            diff = cadre.record_opinion(
                session,
                cycle=named_cycle(session, cycle),
                code=code,
                agrees=agree,
                text=text,
                actor=get_settings().actor,
                reason=reason,
            )
    except cadre.CadreError as exc:
        fail(str(exc))
    _said(code, cadre.OPINION, diff)
