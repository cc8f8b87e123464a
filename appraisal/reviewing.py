"""复核 from request to decision, over the store's one function per operation: the decision's
复核决定书 (rendered, converted and recorded as a Document of the person's notification stage),
and, when a changed grade contradicts a sealed dossier, that dossier sealed again and the
cycle register rewritten.

The old package is not lost: before the reseal it is kept whole (hard links where the file
system has them) as `<编号>.superseded-<sealed time>/` beside the cycle's dossiers, and the
new package's record and audit trail say why it was sealed again.
"""

import os
import shutil
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from appraisal.clock import OFFICE_TIME
from appraisal.db import session_scope
from appraisal.documents.plan import DocumentJob
from appraisal.documents.review import review_decision
from appraisal.files import sha256_file
from appraisal.models import ReviewRequest
from appraisal.models.vocab import Grade, ReviewStatus, Stage
from appraisal.paths import documents_dir, dossiers_dir, located, register_path
from appraisal.render.manifest import resolve_templates
from appraisal.render.on_demand import write_on_demand
from appraisal.stages import REVIEW_DECISION, on_demand_template
from appraisal.store import documents, reviews
from appraisal.store.cycle_data import cycle_view
from appraisal.store.cycles import get_cycle, member_ids

SUPERSEDED = "superseded"


@dataclass
class Decided:
    code: str
    status: ReviewStatus
    document_id: str
    docx: Path
    pdf: Path | None
    resealed: bool = False
    superseded: Path | None = None
    register: str = ""
    problems: list[str] = field(default_factory=list)


def decide(
    cycle_id: int,
    code: str,
    *,
    new_grade: Grade | None,
    reason: str,
    actor: str,
    on: date,
    templates_dir: Path | None = None,
) -> Decided:
    """Decide `code`'s request (ReviewError with the reason if it cannot be) and write the
    复核决定书. A changed grade is then brought into the dossier and the register by
    `appraisal.flows.review.reseal_changed` (the CLI) or by the archive the portal starts."""
    with session_scope() as session:
        cycle = get_cycle(session, cycle_id)
        row = reviews.decide_review(
            session, cycle=cycle, code=code, new_grade=new_grade, reason=reason, actor=actor,
            on=on,
        )  # fmt: skip
    docx, pdf, doc_id, problem = write_decision(cycle_id, code, templates_dir)
    done = Decided(code, row.status, doc_id, docx, pdf)
    if problem:
        done.problems.append(problem)
    return done


def write_decision(
    cycle_id: int, code: str, templates_dir: Path | None = None
) -> tuple[Path, Path | None, str, str]:
    """Render the decided request's 复核决定书 and record it: (docx, pdf or None, ID, the
    conversion's error or ""). Writing it again gives the same ID and row."""
    from appraisal.pdf.convert import convert_one

    with session_scope() as session:
        cycle = get_cycle(session, cycle_id)
        view = reviews.person_review(session, cycle, code)
        row = view.request
        if row is None or row.status == ReviewStatus.PENDING or row.decided_on is None:
            raise reviews.ReviewError(f"{code}的复核申请尚未决定 / not decided yet")
        context = review_decision(
            office=cycle_view(cycle).office.name,
            number=reviews.decision_number(session, cycle, row),
            cycle_name=cycle.name,
            name=view.name,
            original=row.original_grade.value if row.original_grade else "",
            requested_on=row.requested_on,
            grounds=row.grounds,
            new_grade=row.new_grade.value if row.new_grade else None,
            reason=row.decision_reason,
            decided_on=row.decided_on,
        )
        decided_on = row.decided_on
    folder = documents_dir(cycle_id, Stage.NOTIFICATION)
    target = folder / f"复核决定书-{code}.docx"
    doc_id = write_on_demand(
        cycle_id, REVIEW_DECISION, context, target, templates_dir, person_code=code
    )
    docx = folder / f"{doc_id}.docx"
    os.replace(target, docx)
    pdf: Path | None = docx.with_suffix(".pdf")
    problem = ""
    try:
        assert pdf is not None
        convert_one(docx, pdf)
    except Exception as exc:  # the decision stands; its PDF can be made again
        pdf, problem = None, f"复核决定书转换为 PDF 失败 / conversion failed: {exc}"
    template = resolve_templates(templates_dir).get(REVIEW_DECISION)
    job = DocumentJob(
        document_id=doc_id,
        stage=Stage.NOTIFICATION,
        template_id=REVIEW_DECISION,
        person_code=code,
        recipient_kind=on_demand_template(REVIEW_DECISION)[1].recipient,
        recipient_name=str(context["姓名"]),
        needs_signoff=False,
        due_on=decided_on,
        context=context,
    )
    made = documents.MadeDocument(
        job=job,
        docx=docx,
        docx_sha256=sha256_file(docx),
        pdf=pdf,
        pdf_sha256=sha256_file(pdf) if pdf else "",
        template_version=template.spec.version,
    )
    with session_scope() as session:
        cycle = get_cycle(session, cycle_id)
        documents.record_documents(session, cycle_id, [made], member_ids(session, cycle_id, [code]))
        row = reviews.person_review(session, cycle, code).request
        assert row is not None
        reviews.set_decision_document(session, row, doc_id)
    return docx, pdf, doc_id, problem


def supersede(cycle_id: int, code: str) -> Path | None:
    """Keep the person's sealed package as it is, as `<编号>.superseded-<time>` beside it, before
    it is sealed again; None when they have none on disk."""
    package = dossiers_dir(cycle_id) / code
    if not (package / "bagit.txt").is_file():
        return None
    with session_scope() as session:
        sealed = reviews.sealed_at(session, get_cycle(session, cycle_id), code)
    stamp = sealed.astimezone(OFFICE_TIME) if sealed and sealed.tzinfo else sealed
    name = stamp.strftime("%Y%m%dT%H%M%S") if stamp else "unknown"
    # Beside the live package, so the letters it names at ../_letters are still found.
    target = dossiers_dir(cycle_id) / f"{code}.{SUPERSEDED}-{name}"
    if (target / "bagit.txt").is_file():
        return target  # kept by an earlier attempt that stopped before sealing again

    def link(src: str, dst: str) -> None:
        try:
            os.link(src, dst)
        except OSError:
            shutil.copy2(src, dst)

    tmp = target.with_name(f".{name}.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    shutil.copytree(package, tmp, copy_function=link)
    os.replace(tmp, target)
    return target


def stale_dossier(cycle_id: int, code: str) -> bool:
    """Whether the person's sealed dossier predates a 复核变更 of their grade."""
    with session_scope() as session:
        return code in reviews.changed_since_seal(session, get_cycle(session, cycle_id))


def rewrite_register(cycle_id: int) -> str:
    from appraisal.archive.register import write_register
    from appraisal.clock import today
    from appraisal.store import archive_data

    with session_scope() as session:
        cycle = get_cycle(session, cycle_id)
        rows, stages, audit = archive_data.register_inputs(session, cycle_id, today())
        path = write_register(
            register_path(cycle_id), cycle_name=cycle.name, rows=rows, stages=stages, audit=audit
        )
    return str(path)


def attached(row: ReviewRequest) -> Path | None:
    return located(row.file_path) if row.file_path else None


__all__ = [
    "Decided",
    "decide",
    "rewrite_register",
    "stale_dossier",
    "supersede",
    "write_decision",
]
