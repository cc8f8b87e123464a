"""The reviewer directory: where to e-mail each body or person documents go to.

A reviewer is named the way documents name their recipient, (kind, name), e.g. (推荐单位,
某大学). Every change of an address is audit-logged.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, select

from appraisal.mail.address import ReviewerEntry, ReviewerError, checked_entry
from appraisal.models import Document, Reviewer
from appraisal.models.base import utcnow
from appraisal.store.changes import AuditLog, ImportCounts

__all__ = [
    "CycleReviewer",
    "ReviewerEntry",
    "ReviewerError",
    "checked_entry",
    "cycle_reviewers",
    "document_recipients",
    "get_reviewer",
    "import_reviewers",
    "list_reviewers",
    "reviewer_addresses",
    "set_reviewer",
]


@dataclass(frozen=True)
class CycleReviewer:
    """Someone a cycle's documents go to, with their address ("" when the directory has none)."""

    kind: str
    name: str
    email: str
    documents: int


def document_recipients(session: Session) -> set[tuple[str, str]]:
    """(kind, name) of everyone any document of any cycle is addressed to."""
    query = select(Document.recipient_kind, Document.recipient_name).distinct()
    return {(kind, name) for kind, name in session.exec(query)}


def reviewer_addresses(session: Session) -> dict[tuple[str, str], str]:
    """(kind, name) -> address, for every reviewer with one."""
    return {(r.kind, r.name): r.email for r in session.exec(select(Reviewer)) if r.email}


def get_reviewer(session: Session, kind: str, name: str) -> Reviewer | None:
    return session.exec(
        select(Reviewer).where(Reviewer.kind == kind, Reviewer.name == name)
    ).first()


def list_reviewers(session: Session) -> list[Reviewer]:
    return list(session.exec(select(Reviewer).order_by(Reviewer.kind, Reviewer.name)))


def _upsert(
    session: Session,
    entry: ReviewerEntry,
    existing: Reviewer | None,
    log: AuditLog,
    reason: str,
) -> tuple[str, Reviewer]:
    """Store one entry: ("added" | "updated" | "unchanged", the row)."""
    key = f"{entry.kind}/{entry.name}"
    if existing is None:
        added = Reviewer(kind=entry.kind, name=entry.name, email=entry.email)
        session.add(added)
        log.record("reviewer", key, "email", None, entry.email, reason)
        return "added", added
    if existing.email == entry.email:
        return "unchanged", existing
    log.record("reviewer", key, "email", existing.email, entry.email, reason)
    existing.email = entry.email
    existing.updated_at = utcnow()
    session.add(existing)
    return "updated", existing


def set_reviewer(
    session: Session, *, kind: str, name: str, email: str, actor: str, reason: str = "set by staff"
) -> str:
    """Add a reviewer or change their address ("" removes it): "added", "updated" or
    "unchanged". Raises ReviewerError for an empty kind or name or a bad address."""
    entry = checked_entry(kind, name, email)
    log = AuditLog(actor)
    found = get_reviewer(session, entry.kind, entry.name)
    outcome, _ = _upsert(session, entry, found, log, reason)
    session.flush()
    log.write(session)
    return outcome


def import_reviewers(
    session: Session, entries: Iterable[ReviewerEntry], *, actor: str, source: str
) -> ImportCounts:
    """Upsert checked entries (see checked_entry) keyed on (kind, name); reviewers not listed
    are left alone."""
    existing = {(r.kind, r.name): r for r in session.exec(select(Reviewer))}
    log = AuditLog(actor)
    counts = {"added": 0, "updated": 0, "unchanged": 0}
    for entry in entries:
        key = (entry.kind, entry.name)
        outcome, existing[key] = _upsert(
            session, entry, existing.get(key), log, f"imported from {source}"
        )
        counts[outcome] += 1
    session.flush()
    log.write(session)
    return ImportCounts(**counts)


def cycle_reviewers(session: Session, cycle_id: int) -> list[CycleReviewer]:
    """Everyone the cycle's documents go to, so far, with their address and document count."""
    rows = session.exec(
        select(Document.recipient_kind, Document.recipient_name, func.count())
        .where(Document.cycle_id == cycle_id)
        .group_by(Document.recipient_kind, Document.recipient_name)
        .order_by(Document.recipient_kind, Document.recipient_name)
    ).all()
    addresses = reviewer_addresses(session)
    return [
        CycleReviewer(kind, name, addresses.get((kind, name), ""), count)
        for kind, name, count in rows
    ]
