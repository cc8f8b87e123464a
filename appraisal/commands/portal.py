"""`appraisal portal`: serve the web portal, manage staff accounts and reviewers' links."""

import os
from typing import Annotated

import typer
from rich.table import Table

from appraisal.commands._cycle_arg import named_cycle
from appraisal.console import fail, out
from appraisal.db import session_scope
from appraisal.models.vocab import Role
from appraisal.settings import get_settings
from appraisal.store.accounts import (
    AccountError,
    accounts,
    deactivate_account,
    parse_role,
    save_account,
)
from appraisal.store.links import issue_link, may_have_link, revoke_links
from appraisal.store.offices import OfficeError, office_named, office_of
from appraisal.store.recorders import RecordingError, parse_kinds, set_recording_scope

app = typer.Typer(help="The web portal: staff dashboard and reviewers' inbox.")


@app.callback(invoke_without_command=True)
def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
) -> None:
    """Serve the portal (`appraisal portal`); subcommands manage accounts and links."""
    if ctx.invoked_subcommand is not None:
        return
    import uvicorn

    from appraisal.portal.app import create_app

    out.print(f"portal on http://{host}:{port}/  (staff log in at /login)")
    uvicorn.run(create_app(), host=host, port=port, log_level="warning", proxy_headers=False)


@app.command("user")
def user(
    username: Annotated[str, typer.Argument(help="The staff member's login name.")],
    role: Annotated[
        str | None,
        typer.Option(help="角色 role: 管理员, 经办, 审核, 只读 or 登记 (new accounts: 经办)."),
    ] = None,
    office: Annotated[
        str | None, typer.Option(help="单位 office by name (new accounts: the top office).")
    ] = None,
    deactivate: Annotated[
        bool, typer.Option("--deactivate", help="Stop the account logging in; end its sessions.")
    ] = False,
    duty_kinds: Annotated[
        str | None,
        typer.Option(help="登记范围: the duty kinds a 登记 account records, e.g. 全会、常委会."),
    ] = None,
    department: Annotated[
        str | None, typer.Option(help="The department it records for, printed as 记录单位.")
    ] = None,
) -> None:
    """Create a staff account, or change its password, role or office. The password is asked for
    (or read from APPRAISAL_NEW_PASSWORD) unless only --role or --office is being changed. Any
    change ends the account's open portal sessions."""
    if deactivate:
        try:
            with session_scope() as session:
                ended = deactivate_account(session, username)
        except AccountError as exc:
            fail(str(exc))
        out.print(f"账户 {username} 已停用，结束了 {ended} 个会话 / deactivated")
        return
    password = os.environ.get("APPRAISAL_NEW_PASSWORD")
    changes_only = role is not None or office is not None or duty_kinds or department
    if password is None and not changes_only:
        password = typer.prompt("password", hide_input=True, confirmation_prompt=True)
    try:
        with session_scope() as session:
            office_id = office_named(session, office).id if office else None
            saved = save_account(
                session, username, password=password, role=parse_role(role), office_id=office_id
            )
            if duty_kinds is not None or department is not None or saved.role is Role.RECORDER:
                kinds = parse_kinds(duty_kinds) if duty_kinds is not None else None
                set_recording_scope(session, username, kinds=kinds, department=department,
                                    actor=get_settings().actor)  # fmt: skip
            where = office_of(session, saved.office_id)
            if saved.duty_kinds:
                where += f"，登记范围 {saved.duty_kinds}（{saved.department or where}）"
    except (AccountError, OfficeError, RecordingError) as exc:
        fail(str(exc))
    out.print(
        f"账户 {username} 已就绪：{saved.role.value}，{where} / staff account {username} is ready"
    )


@app.command("users")
def users() -> None:
    """List the staff accounts with their role and office."""
    with session_scope() as session:
        rows = accounts(session)
    table = Table("用户名", "角色", "单位", "状态", "登记范围")
    for row in rows:
        scope = f"{row.duty_kinds}（{row.department}）" if row.duty_kinds else ""
        table.add_row(
            row.username, row.role.value, row.office, "在用" if row.active else "已停用", scope
        )
    out.print(table)


@app.command("link")
def link(
    cycle: Annotated[str, typer.Argument(help="Cycle number or name.")],
    kind: Annotated[str, typer.Argument(help="Reviewer kind, e.g. 推荐单位.")],
    name: Annotated[str, typer.Argument(help="The reviewer's name as on the documents.")],
    days: Annotated[int, typer.Option(help="Days until the link expires.")] = 30,
) -> None:
    """Make a personal link for one reviewer (printed once: only its hash is kept)."""
    with session_scope() as session:
        found = named_cycle(session, cycle)
        if not may_have_link(session, cycle_id=found.id or 0, kind=kind, name=name):
            fail(f"cycle {found.id} has no documents for {kind} {name}")
        _, token = issue_link(
            session, cycle_id=found.id or 0, kind=kind, name=name,
            actor=get_settings().actor, days=days,
        )  # fmt: skip
    base = get_settings().portal_url.rstrip("/")
    print(f"{base}/r/{token}")


@app.command("revoke")
def revoke(
    cycle: Annotated[str, typer.Argument(help="Cycle number or name.")],
    name: Annotated[
        str | None, typer.Argument(help="Only this reviewer's links (default: all).")
    ] = None,
) -> None:
    """Revoke the open links of a cycle, or of one reviewer."""
    with session_scope() as session:
        found = named_cycle(session, cycle)
        n = revoke_links(session, cycle_id=found.id or 0, name=name)
    out.print(f"revoked {n} link(s)")
