"""`appraisal portal`: serve the web portal, manage staff accounts and reviewers' links."""

import os
from typing import Annotated

import typer

from appraisal.commands._cycle_arg import named_cycle
from appraisal.console import fail, out
from appraisal.db import session_scope
from appraisal.settings import get_settings
from appraisal.store.links import (
    LinkError,
    deactivate_staff,
    issue_link,
    reviewer_has_documents,
    revoke_links,
    set_staff_password,
)

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
    deactivate: Annotated[
        bool, typer.Option("--deactivate", help="Stop the account logging in; end its sessions.")
    ] = False,
) -> None:
    """Create a staff account or set its password (asked for, or APPRAISAL_NEW_PASSWORD).
    Either ends the account's open portal sessions."""
    if deactivate:
        try:
            with session_scope() as session:
                ended = deactivate_staff(session, username)
        except LinkError as exc:
            fail(str(exc))
        out.print(f"staff account {username} is deactivated; {ended} open session(s) ended")
        return
    password = os.environ.get("APPRAISAL_NEW_PASSWORD") or typer.prompt(
        "password", hide_input=True, confirmation_prompt=True
    )
    try:
        with session_scope() as session:
            set_staff_password(session, username, password)
    except LinkError as exc:
        fail(str(exc))
    out.print(f"staff account {username} is ready")


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
        if not reviewer_has_documents(session, cycle_id=found.id or 0, kind=kind, name=name):
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
