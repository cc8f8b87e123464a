"""`appraisal mail`: where a cycle's e-mail stands, send it, and send again what staff decide."""

import json
from typing import Annotated

import typer
from rich.markup import escape

from appraisal.commands._cycle_arg import cycle_number
from appraisal.commands._running import with_progress
from appraisal.console import fail, out
from appraisal.db import session_scope
from appraisal.kinds import work_stages
from appraisal.settings import get_settings
from appraisal.stages import stage_name
from appraisal.store.cycles import get_cycle
from appraisal.store.outbox import (
    DOCUMENTS,
    FAILED,
    MAX_ATTEMPTS,
    NO_ADDRESS,
    PENDING,
    REMINDER,
    SENDING,
    SENT,
    outbox_counts,
    plan_document_messages,
    requeue,
    unsent_messages,
)

app = typer.Typer(help="邮件 / E-mail to reviewers: status, send, retry.", no_args_is_help=True)

STYLE = {PENDING: "yellow", SENDING: "magenta", SENT: "green", FAILED: "red", NO_ADDRESS: "dim"}
STATUS_WORDS = {
    PENDING: "待发送", SENDING: "发送中", SENT: "已发送", FAILED: "发送失败", NO_ADDRESS: "无邮箱",
}  # fmt: skip
PURPOSE_WORDS = {DOCUMENTS: "送达文件", REMINDER: "催办"}
OFF = "邮件未开启：请设置 APPRAISAL_SMTP_HOST（按需设置 _SMTP_PORT、_SMTP_USER 等） / e-mail is off"


def _send(cycle_id: int) -> dict[str, int]:
    from appraisal.flows.mail import send_outbox

    counts = with_progress(lambda: send_outbox(cycle_id))
    out.print(f"已发送 {counts[SENT]} 封，失败 {counts[FAILED]} 封")
    if counts[FAILED]:
        out.print(f"`appraisal mail status {cycle_id}` 列出错误")
    if counts[SENDING]:
        out.print(
            f"{counts[SENDING]} 封邮件在运行中断时正在发送，可能已经发出："
            f"`appraisal mail retry {cycle_id}` 再发一次"
        )
    if counts[NO_ADDRESS]:
        out.print(
            f"{counts[NO_ADDRESS]} 封邮件等待邮箱地址："
            "`appraisal reviewers set KIND NAME EMAIL` 或 `appraisal reviewers import`"
        )
    return counts


@app.command("status")
def status(
    cycle: Annotated[str, typer.Argument(help="Cycle number or name.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """邮件状态 / Messages per status, and every message not sent yet with its error."""
    cycle_id = cycle_number(cycle)
    with session_scope() as session:
        counts = outbox_counts(session, cycle_id)
        rows = [
            {
                "id": m.id,
                "purpose": m.purpose,
                "stage": m.stage,
                "kind": m.reviewer_kind,
                "name": m.reviewer_name,
                "to": m.to_addr,
                "status": m.status,
                "attempts": m.attempts,
                "error": m.error,
                "documents": len(m.document_ids),
            }
            for m in unsent_messages(session, cycle_id)
        ]
    if as_json:
        print(json.dumps({"counts": counts, "unsent": rows}, ensure_ascii=False, indent=2))
        return
    shown = "，".join(f"[{STYLE[k]}]{STATUS_WORDS[k]} {n}[/]" for k, n in counts.items() if n)
    out.print(f"第{cycle_id}号考核周期：{shown or '尚无待发邮件'}")
    if not get_settings().smtp_host:
        out.print(OFF)
    if not rows:
        return
    # One line per message (and one for its error): errors are long and would crush a table.
    out.print("未发出：")
    for r in rows:
        stage = f" {stage_name(str(r['stage']))}" if r["stage"] else ""
        to = f" <{r['to']}>" if r["to"] else ""
        status = str(r["status"])
        purpose = PURPOSE_WORDS.get(str(r["purpose"]), str(r["purpose"]))
        out.print(
            f"  #{r['id']} {purpose}{stage} → {escape(str(r['kind']))} "
            f"{escape(str(r['name']))}{escape(to)}：[{STYLE[status]}]{STATUS_WORDS[status]}[/]"
            f"（已尝试 {r['attempts']}/{MAX_ATTEMPTS} 次）",
            highlight=False,
        )
        if r["error"]:
            out.print(f"      {escape(str(r['error']))}", highlight=False)


@app.command("send")
def send(cycle: Annotated[str, typer.Argument(help="Cycle number or name.")]) -> None:
    """发送邮件 / Send the cycle's pending messages (and failed ones with attempts left).

    Messages for stages that ran before e-mail was set up are planned first; nothing is ever
    sent twice. Exits with 1 when a message failed.
    """
    from appraisal.render.manifest import template_titles

    if not get_settings().smtp_host:
        fail(OFF)
    cycle_id = cycle_number(cycle)
    titles = template_titles(get_settings().templates_dir)
    with session_scope() as session:
        stages = work_stages(get_cycle(session, cycle_id).kind)
        planned = sum(
            len(plan_document_messages(session, cycle_id, stage, titles=titles)) for stage in stages
        )
    if planned:
        out.print(f"已安排 {planned} 封邮件")
    if _send(cycle_id)[FAILED]:
        raise typer.Exit(1)


@app.command("retry")
def retry(
    cycle: Annotated[str, typer.Argument(help="Cycle number or name.")],
    message: Annotated[
        list[int] | None, typer.Option("--id", help="Only this message (repeat); see `status`.")
    ] = None,
) -> None:
    """重发邮件 / Requeue messages stuck in `sending` or out of attempts, then send the outbox.

    A message is left in `sending` when a run stopped during its SMTP call: it may have gone out
    already, so only staff decide to send it again. Failed messages get fresh attempts.
    """
    cycle_id = cycle_number(cycle)
    with session_scope() as session:
        again = requeue(session, cycle_id, message or [])
    for r in again:
        out.print(
            f"邮件 {r.id}（{escape(r.reviewer_kind)} {escape(r.reviewer_name)}，"
            f"原为{STATUS_WORDS.get(r.was, r.was)}）：重新待发送",
            highlight=False,
        )
    if not again:
        out.print("无需重发：没有停在发送中或已用完尝试次数的邮件")
    if not get_settings().smtp_host:
        out.print(OFF)
        return
    if _send(cycle_id)[FAILED]:
        raise typer.Exit(1)
