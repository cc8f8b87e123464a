"""The generated documents' rows: recorded after each render, handed to their recipients once,
and found again by what they await."""

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from appraisal.documents.plan import DocumentJob
from appraisal.models import Document, SignOff
from appraisal.models.base import utcnow
from appraisal.models.vocab import Stage
from appraisal.paths import stored


@dataclass(frozen=True)
class MadeDocument:
    """One planned document as rendered and converted, ready to be recorded."""

    job: DocumentJob
    docx: Path
    docx_sha256: str
    pdf: Path | None  # None when the conversion failed
    pdf_sha256: str
    template_version: str


def _values(cycle_id: int, made: MadeDocument, person_ids: Mapping[str, int]) -> dict[str, Any]:
    job = made.job
    return {
        "cycle_id": cycle_id,
        "stage": job.stage,
        "template_id": job.template_id,
        "template_version": made.template_version,
        "person_id": person_ids.get(job.person_code) if job.person_code else None,
        "recipient_kind": job.recipient_kind,
        "recipient_name": job.recipient_name,
        "docx_path": stored(made.docx),
        "docx_sha256": made.docx_sha256,
        "pdf_path": stored(made.pdf) if made.pdf else "",
        "pdf_sha256": made.pdf_sha256,
        "needs_signoff": job.needs_signoff,
        "people": list(job.people),
        "due_on": job.due_on,
    }


def record_documents(
    session: Session, cycle_id: int, made: Sequence[MadeDocument], person_ids: Mapping[str, int]
) -> int:
    """Upsert the Document rows (the same ID is updated in place, never duplicated); how many
    were added or changed. `person_ids` maps the people's codes to their ids."""
    existing = {
        d.id: d
        for d in session.exec(
            select(Document).where(col(Document.id).in_([m.job.document_id for m in made]))
        )
    }
    changed = 0
    for m in made:
        values = _values(cycle_id, m, person_ids)
        doc = existing.get(m.job.document_id)
        if doc is None:
            session.add(Document(id=m.job.document_id, **values))
            changed += 1
            continue
        if doc.docx_sha256 != m.docx_sha256 or doc.pdf_sha256 != m.pdf_sha256:
            # New content must reach the reviewer again.
            doc.delivered_at = None
        if any(getattr(doc, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(doc, k, v)
            session.add(doc)
            changed += 1
    return changed


@dataclass(frozen=True)
class Delivery:
    """A converted document not yet put in its recipient's outbox folder."""

    document_id: str
    recipient: str  # the recipient's name, or their kind when the document names nobody
    pdf_path: str  # as stored


def undelivered(session: Session, cycle_id: int, stage: Stage, limit: int) -> list[Delivery]:
    """Up to `limit` of the stage's converted documents not yet delivered, in ID order."""
    query = (
        select(Document.id, Document.recipient_name, Document.recipient_kind, Document.pdf_path)
        .where(
            Document.cycle_id == cycle_id,
            Document.stage == stage,
            col(Document.delivered_at).is_(None),
            Document.pdf_path != "",
        )
        .order_by(Document.id)
        .limit(limit)
    )
    return [Delivery(doc_id, name or kind, pdf) for doc_id, name, kind, pdf in session.exec(query)]


def mark_delivered(session: Session, document_ids: Sequence[str]) -> None:
    """Note these documents as put in their recipients' folders, now."""
    if document_ids:
        session.execute(
            sa.update(Document)
            .where(col(Document.id).in_(list(document_ids)))
            .values(delivered_at=utcnow())
        )


def awaiting_return(
    session: Session, cycle_id: int, stage: Stage, limit: int | None = None
) -> list[Document]:
    """The stage's documents that need a return and have none yet (the first `limit`), by ID."""
    query = (
        select(Document)
        .where(
            Document.cycle_id == cycle_id,
            Document.stage == stage,
            Document.needs_signoff,
            col(Document.id).not_in(select(SignOff.document_id)),
        )
        .order_by(col(Document.id))
        .limit(limit)
    )
    return list(session.exec(query))


def first_document_to(session: Session, cycle_id: int, recipient_kind: str) -> Document | None:
    """The first document the database yields of the cycle's addressed to `recipient_kind`."""
    query = select(Document).where(
        Document.cycle_id == cycle_id, Document.recipient_kind == recipient_kind
    )
    return session.exec(query).first()


def documents_of(session: Session, cycle_id: int, stage: Stage, template_id: str) -> list[Document]:
    """The cycle's documents of one template of one stage, by ID."""
    query = (
        select(Document)
        .where(
            Document.cycle_id == cycle_id,
            Document.stage == stage,
            Document.template_id == template_id,
        )
        .order_by(col(Document.id))
    )
    return list(session.exec(query))


def made_by_recipient(session: Session, cycle_id: int) -> Counter[tuple[str, str]]:
    """How many documents the cycle made of each template for each kind of recipient."""
    rows = session.exec(
        select(Document.template_id, Document.recipient_kind).where(Document.cycle_id == cycle_id)
    )
    return Counter((t, k) for t, k in rows)
