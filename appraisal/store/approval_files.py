"""The 审定表: the cycle's people with the grade put to 审定, the 审定 grade and the reason for any
change, for the heads of 组织部 and 统战部 to sign. Written from the 审定 as it stands, so
writing it again after nothing changed gives the same document."""

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlmodel import Session

from appraisal.clock import OFFICE_TIME
from appraisal.models import Cycle
from appraisal.paths import cycle_dir
from appraisal.render.environment import cn_date
from appraisal.render.on_demand import write_on_demand
from appraisal.stages import APPROVAL_TABLE
from appraisal.store.approvals import ApprovalError, ApprovalRow, approval_board

TABLE_NAME = "审定表.docx"


def approval_dir(cycle_id: int) -> Path:
    return cycle_dir(cycle_id) / "approval"


def table_path(cycle_id: int) -> Path:
    return approval_dir(cycle_id) / TABLE_NAME


def _row(i: int, r: ApprovalRow) -> dict[str, str]:
    a = r.approval
    if r.decision:
        put, final, why = "—", "—", r.decision
    elif a is None:
        put, final = r.engine_grade or "未评定", "暂缓" if r.held else "待审定"
        why = "征求意见有异议，待核实" if r.held else ""
    else:
        put, final, why = (a.engine_grade.value if a.engine_grade else ""), a.grade.value, a.reason
    return {
        "序号": str(i),
        "姓名": r.name,
        "工作单位及职务": r.employer_post,
        "综合得分": "—" if r.composite is None else f"{r.composite:.2f}",
        "评价等次": put,
        "审定等次": final,
        "调整理由": why,
    }


def _office_day(at: datetime) -> date:
    # SQLite hands back naive UTC; PostgreSQL aware.
    return (at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone(OFFICE_TIME).date()


def write_approval_table(session: Session, cycle: Cycle, templates_dir: Path | None = None) -> Path:
    """The 审定表 at `output/cycle-NNNN/approval/审定表.docx`; ApprovalError before anyone is
    审定."""
    assert cycle.id is not None
    board = approval_board(session, cycle)
    approved = board.approved
    if not approved or board.last_at is None:
        raise ApprovalError(f"第{cycle.id}号考核周期尚未审定任何人 / no one is 审定 yet")
    counts = f"审定 {len(approved)} 人，其中调整等次 {len(board.adjusted)} 人"
    if board.held:
        counts += f"，因征求意见有异议暂缓 {len(board.held)} 人"
    approvers = sorted({r.approval.approved_by for r in approved if r.approval})
    context: dict[str, Any] = {
        "发文机关": cycle.office.get("name", ""),
        "周期名称": cycle.name,
        "审定统计": counts,
        "审定名单": [_row(i, r) for i, r in enumerate(board.rows, 1)],
        "审定人": "、".join(approvers),
        "审定日期": cn_date(_office_day(board.last_at)),
    }
    path = table_path(cycle.id)
    write_on_demand(cycle.id, APPROVAL_TABLE, context, path, templates_dir)
    return path
