"""The 推荐人选汇总表 of a cycle, written on demand into output/cycle-NNNN/nomination/."""

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlmodel import Session

from appraisal.documents.nomination_summary import SummaryRow, summary_context
from appraisal.files import write_atomic
from appraisal.identity import document_id
from appraisal.models import Cycle
from appraisal.models.vocab import Stage
from appraisal.paths import cycle_dir
from appraisal.render.image import qr_image
from appraisal.render.manifest import resolve_templates
from appraisal.render.prepared import PreparedTemplate
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
    doc_id = document_id(
        cycle_id=cycle.id,
        stage=Stage.NOMINATION,
        template_id=NOMINATION_SUMMARY,
        person_code="",
        recipient="统战部",
    )
    context |= {"文档编号": doc_id, "二维码": qr_image(doc_id)}
    template = resolve_templates(templates_dir).get(NOMINATION_SUMMARY)
    path = summary_path(cycle.id)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, PreparedTemplate.load(template.path).render(context))
    return SummaryFile(path, doc_id, len(views))
