"""`appraisal remind`: overdue returns, grouped by the reviewer who owes them."""

import json
from typing import Annotated

import typer
from rich.table import Table

from appraisal.clock import today
from appraisal.console import fail, out
from appraisal.cycles import CycleError, find_cycle
from appraisal.db import session_scope
from appraisal.gates import Outstanding, cycle_progress


def register(app: typer.Typer) -> None:
    app.command("remind")(remind)


def remind(
    cycle: Annotated[str, typer.Argument(help="Cycle number or name.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List overdue returns by reviewer (per the scheme's stage deadlines), to chase them."""
    now = today()
    with session_scope() as session:
        try:
            found = find_cycle(session, cycle)
        except CycleError as exc:
            fail(str(exc))
        assert found.id is not None
        progress = cycle_progress(session, found.id, now)
    by_reviewer: dict[str, list[Outstanding]] = {}
    for stage in progress.values():
        for o in stage.outstanding:
            if o.overdue:
                by_reviewer.setdefault(o.recipient, []).append(o)
    if as_json:
        data = {
            r: [{"document_id": o.document_id, "person": o.person, "due_on": str(o.due_on)}
                for o in items]
            for r, items in sorted(by_reviewer.items())
        }  # fmt: skip
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return
    if not by_reviewer:
        out.print(f"nothing overdue on {now.isoformat()}")
        return
    table = Table("reviewer", "overdue", "oldest due", "documents", title=f"overdue on {now}")
    for reviewer, items in sorted(by_reviewer.items(), key=lambda kv: -len(kv[1])):
        oldest = min(o.due_on for o in items if o.due_on)
        docs = ", ".join(o.document_id for o in items[:3]) + (" …" if len(items) > 3 else "")
        table.add_row(reviewer, str(len(items)), oldest.isoformat(), docs)
    out.print(table)
    total = sum(len(v) for v in by_reviewer.values())
    out.print(f"{total} overdue return(s) from {len(by_reviewer)} reviewer(s)")
