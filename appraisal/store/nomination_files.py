"""The 推荐人选汇总表 of a cycle, written on demand into output/cycle-NNNN/nomination/."""

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlmodel import Session

from appraisal.documents.nomination_summary import SummaryRow, summary_context
from appraisal.models import Cycle
from appraisal.paths import cycle_dir
from appraisal.render.on_demand import write_on_demand
from appraisal.stages import NOMINATION_SUMMARY
from appraisal.store.nominations import NominationError, nominations_of

SUMMARY_NAME = "推荐人选汇总表.docx"


@dataclass(frozen=True)
class SummaryFile:
    path: Path
    document_id: str
    nominations: int


def summary_path(cycle_id: int) -> Path:
    return cycle_dir(cycle_id) / "nomination" / SUMMARY_NAME


def write_nomination_summary(
    session: Session, cycle: Cycle, *, on: date, templates_dir: Path | None = None
) -> SummaryFile:
    """The 汇总表 as the nominations and decisions stand now; NominationError when there are
    none. Writing it again replaces it."""
    assert cycle.id is not None
    views = nominations_of(session, cycle)
    if not views:
        raise NominationError(
            f"第{cycle.id}号考核周期还没有推荐人选：请先导入推荐表格 / no nominations yet"
        )
    rows = [
        SummaryRow(
            body=v.nomination.body,
            body_kind=v.nomination.body_kind.value,
            name=v.candidate.name or v.nomination.person_code,
            category=v.candidate.category,
            tier=v.nomination.tier.value,
            status=v.nomination.status,
            reason=v.nomination.decision_reason,
            candidate=v.nomination.candidate_key,
            others=tuple(v.others),
        )
        for v in views
    ]
    clerks = sorted({v.nomination.decided_by for v in views if v.nomination.decided_by})
    context: dict[str, Any] = summary_context(
        office=cycle.office.get("name", ""), cycle_name=cycle.name, rows=rows, clerks=clerks,
        on=on,
    )  # fmt: skip
    path = summary_path(cycle.id)
    doc_id = write_on_demand(cycle.id, NOMINATION_SUMMARY, context, path, templates_dir)
    return SummaryFile(path, doc_id, len(views))
