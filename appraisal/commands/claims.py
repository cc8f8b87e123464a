"""`appraisal claims`: 履职申报, duties members claim the office did not record, and staff's
decisions on them; `submit` enters a paper claim on a member's behalf."""

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from appraisal.claim_words import ClaimFieldError, claim_day, claim_kind, claim_role
from appraisal.commands._cycle_arg import named_cycle
from appraisal.console import fail, out
from appraisal.db import session_scope
from appraisal.models.vocab import ClaimStatus
from appraisal.settings import get_settings
from appraisal.store import claims

app = typer.Typer(
    help="履职申报 / Duties members claim the office did not record: list, accept, decline.",
    no_args_is_help=True,
)

ClaimArg = Annotated[int, typer.Argument(help="The claim's number (#).")]


@app.command("list")
def list_(
    all_: Annotated[
        bool, typer.Option("--all", help="Decided claims too, not only those 待审核.")
    ] = False,
) -> None:
    """履职申报 / The claims waiting for a decision (all claims with --all), oldest first."""
    with session_scope() as session:
        rows = claims.list_claims(session, status=None if all_ else ClaimStatus.PENDING)
    table = Table("#", "编号", "姓名", "年度", "类别", "事项", "日期", "状态", "证明材料")
    for r in rows:
        c = r.claim
        table.add_row(
            str(c.id), r.code, r.name, str(c.year), c.kind.value, escape(c.title),
            c.held_on.isoformat() if c.held_on else "", c.status.value, escape(c.evidence_name),
        )  # fmt: skip
    out.print(table)
    pending = sum(r.claim.status is ClaimStatus.PENDING for r in rows)
    out.print(f"共 {len(rows)} 件，待审核 {pending} 件")


@app.command("show")
def show(claim: ClaimArg) -> None:
    """申报详情 / One claim: what was claimed, the evidence file kept, and any decision."""
    try:
        with session_scope() as session:
            row = claims.get_claim(session, claim)
            path = claims.evidence_file(row.claim)
    except claims.ClaimError as exc:
        fail(str(exc))
    c = row.claim
    lines = [
        f"第{c.id}号履职申报：{row.name}（{row.code}），{c.year} 年度",
        f"类别：{c.kind}" + (f"（{c.role}）" if c.role else ""),
        f"事项：{c.title}",
        f"日期：{c.held_on or '未填写'}",
        f"说明：{c.note or '无'}",
        f"申报：{c.submitted_at:%Y-%m-%d %H:%M} UTC，{c.channel}，{c.submitted_by}",
        f"证明材料：{c.evidence_name}，{c.evidence_size} 字节，SHA-256 {c.evidence_sha256}",
        f"文件：{path}",
        f"状态：{c.status}",
    ]
    if c.decided_at is not None:
        lines.append(f"审核：{c.decided_by}，{c.decided_at:%Y-%m-%d %H:%M} UTC")
    if c.reason:
        lines.append(f"理由或说明：{c.reason}")
    if c.record_id is not None:
        lines.append(f"履职记录：{claims.record_key(c.id or 0)}")
    for line in lines:
        out.print(escape(line), highlight=False)


@app.command("accept")
def accept(
    claim: ClaimArg,
    note: Annotated[str, typer.Option(help="A note on the decision (optional).")] = "",
) -> None:
    """采纳 / Accept a claim: it becomes a 履职记录 (source 本人申报). Audit-logged."""
    try:
        with session_scope() as session:
            record = claims.accept_claim(
                session, claim_id=claim, actor=get_settings().actor, note=note
            )
            key = record.record_key
    except claims.ClaimError as exc:
        fail(str(exc))
    out.print(f"第{claim}号履职申报已采纳，计入履职记录 {key}")


@app.command("decline")
def decline(
    claim: ClaimArg,
    reason: Annotated[str, typer.Option(help="Why, as the member will read it (required).")],
) -> None:
    """不予采纳 / Decline a claim with the reason the member reads on their page. Audit-logged."""
    try:
        with session_scope() as session:
            claims.decline_claim(session, claim_id=claim, actor=get_settings().actor, reason=reason)
    except claims.ClaimError as exc:
        fail(str(exc))
    out.print(f"第{claim}号履职申报未采纳：{escape(reason)}")


@app.command("submit")
def submit(
    cycle: Annotated[str, typer.Argument(help="Cycle number or name (its year is the claim's).")],
    code: Annotated[str, typer.Argument(help="The member's 编号.")],
    file: Annotated[Path, typer.Argument(help="The evidence: a PDF, JPG or PNG.")],
    kind: Annotated[str, typer.Option(help="履职类别, e.g. 其他会议, 活动, 提案.")],
    title: Annotated[str, typer.Option(help="事项名称.")],
    on: Annotated[str, typer.Option(help="履职日期 (YYYY-MM-DD), if known.")] = "",
    role: Annotated[str, typer.Option(help="署名方式 for a proposal: 独立, 领衔 or 联名.")] = "",
    note: Annotated[str, typer.Option(help="The member's account of the duty.")] = "",
) -> None:
    """代录 / Enter a member's paper claim on their behalf, with the scanned evidence. A second
    claim of the same duty is a new claim. Audit-logged."""
    if not file.is_file():
        fail(f"{file}：文件不存在 / no such file")
    try:
        duty, day, signed = claim_kind(kind), claim_day(on), claim_role(role)
        with session_scope() as session:
            made = claims.submit_claim(
                session, cycle=named_cycle(session, cycle), code=code, kind=duty, title=title,
                held_on=day, role=signed, note=note, source=file, file_name=file.name,
                actor=get_settings().actor,
            )  # fmt: skip
            number = made.id
    except (ClaimFieldError, claims.ClaimError) as exc:
        fail(str(exc))
    out.print(f"已登记 {code} 的第{number}号履职申报（{escape(title)}），待审核")
