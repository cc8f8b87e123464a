"""The e-mail outbox: which messages a cycle owes its reviewers, and where each one stands.

A message is planned once per key (planning again finds the row and adds nothing), then goes
pending -> sending -> sent. `claim` commits `sending` before the SMTP call, so a crash mid-send
leaves the message in `sending`, and it is not sent again until staff requeue it (it may have
gone out). A refused send is `failed` and is tried again by the next run, up to MAX_ATTEMPTS.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Protocol

from sqlalchemy import ColumnElement, and_, func, or_, update
from sqlmodel import Session, col, select

from appraisal.documents.views import Office
from appraisal.mail.compose import (
    LISTED,
    DocumentLine,
    documents_body,
    documents_subject,
    message_id_for,
    reminder_body,
    reminder_subject,
)
from appraisal.models import Document, OutboxMessage, Person
from appraisal.models.base import utcnow
from appraisal.models.vocab import Stage
from appraisal.paths import located
from appraisal.stages import STAGE_NAMES
from appraisal.store.changes import chunks
from appraisal.store.cycles import get_cycle
from appraisal.store.progress import cycle_progress
from appraisal.store.reviewers import reviewer_addresses

PENDING, SENDING, SENT, FAILED, NO_ADDRESS = "pending", "sending", "sent", "failed", "no_address"
STATUSES = (PENDING, SENDING, SENT, FAILED, NO_ADDRESS)
DOCUMENTS, REMINDER = "documents", "reminder"
MAX_ATTEMPTS = 3
_ERROR_LENGTH = 1024  # OutboxMessage.error's width


class OutboxError(Exception):
    """A staff request about the outbox that cannot be carried out, with the reason."""


def documents_key(cycle_id: int, stage: Stage, kind: str, name: str) -> str:
    return f"{cycle_id}/{stage.value}/documents/{kind}/{name}"


def reminder_key(cycle_id: int, day: date, kind: str, name: str) -> str:
    # The date in the key: at most one reminder per reviewer per day, however often staff ask.
    return f"{cycle_id}/reminder/{day.isoformat()}/{kind}/{name}"


class Listed(Protocol):
    """What a message needs of a document: a Document, or a row of just these columns."""

    id: str
    stage: Stage
    recipient_kind: str
    recipient_name: str
    person_id: int | None
    people: list[str]
    template_id: str
    due_on: date | None
    needs_signoff: bool


# Rows of these columns, not whole Documents: a reminder may list thousands.
_LISTED = tuple(
    getattr(Document, name)
    for name in ("id", "stage", "recipient_kind", "recipient_name", "person_id", "people",
                 "template_id", "due_on", "needs_signoff")
)  # fmt: skip


def _lines(
    session: Session, docs: Sequence[Listed], titles: Mapping[str, str]
) -> dict[str, DocumentLine]:
    """document ID -> how a message lists it."""
    ids = sorted({d.person_id for d in docs if d.person_id is not None})
    names: dict[int, str] = {}
    for part in chunks(ids):
        names.update(
            (pid or 0, name)
            for pid, name in session.exec(
                select(Person.id, Person.name).where(col(Person.id).in_(part))
            )
        )
    lines = {}
    for d in docs:
        if d.person_id is not None:
            about = names.get(d.person_id, "")
        else:
            about = f"涉及{len(d.people)}人" if d.people else ""
        lines[d.id] = DocumentLine(
            document_id=d.id,
            title=titles.get(d.template_id, d.template_id),
            about=about,
            due_on=d.due_on,
            needs_return=d.needs_signoff,
        )
    return lines


def _by_reviewer(docs: Iterable[Listed]) -> dict[tuple[str, str], list[Listed]]:
    grouped: dict[tuple[str, str], list[Listed]] = defaultdict(list)
    for d in sorted(docs, key=lambda d: d.id):
        grouped[(d.recipient_kind, d.recipient_name)].append(d)
    return dict(sorted(grouped.items()))


def _existing_keys(session: Session, keys: Sequence[str]) -> set[str]:
    found: set[str] = set()
    for part in chunks(keys):
        found.update(
            session.exec(select(OutboxMessage.key).where(col(OutboxMessage.key).in_(part)))
        )
    return found


def _new_message(
    *,
    key: str,
    cycle_id: int,
    purpose: str,
    stage: str,
    reviewer: tuple[str, str],
    address: str,
    subject: str,
    body: str,
    document_ids: list[str],
) -> OutboxMessage:
    kind, name = reviewer
    return OutboxMessage(
        key=key,
        cycle_id=cycle_id,
        purpose=purpose,
        stage=stage,
        reviewer_kind=kind,
        reviewer_name=name,
        to_addr=address,
        subject=subject[:256],
        body=body,
        document_ids=document_ids,
        status=PENDING if address else NO_ADDRESS,
        message_id=message_id_for(key),
    )


def plan_document_messages(
    session: Session, cycle_id: int, stage: Stage, *, titles: Mapping[str, str] | None = None
) -> list[OutboxMessage]:
    """One message per reviewer with delivered documents in the stage; returns the new ones.

    A reviewer whose message exists already gets nothing new, even when a rerun of the stage
    delivered more documents to them. `titles` maps template ids to document titles.
    """
    cycle = get_cycle(session, cycle_id)
    # Only IDs and reviewers for the whole stage (at 10,000 people some 45,000 documents); the
    # columns a message lists are read for the documents it lists.
    ids_of: dict[tuple[str, str], list[str]] = defaultdict(list)
    for doc_id, kind, name in session.exec(
        select(Document.id, Document.recipient_kind, Document.recipient_name).where(
            Document.cycle_id == cycle_id,
            Document.stage == stage,
            col(Document.delivered_at).is_not(None),
            Document.pdf_path != "",
        )
    ):
        ids_of[(kind, name)].append(doc_id)
    grouped = {reviewer: sorted(ids) for reviewer, ids in sorted(ids_of.items())}
    keys = {r: documents_key(cycle_id, stage, *r) for r in grouped}
    existing = _existing_keys(session, list(keys.values()))
    todo = {r: ids for r, ids in grouped.items() if keys[r] not in existing}
    rows: list[Listed] = []
    for part in chunks([i for ids in todo.values() for i in ids[:LISTED]]):
        rows += session.exec(select(*_LISTED).where(col(Document.id).in_(part)))
    lines = _lines(session, rows, titles or {})
    addresses = reviewer_addresses(session)
    office = Office.from_dict(cycle.office)
    stage_name = STAGE_NAMES.get(stage, stage.value)
    planned = []
    for reviewer, ids in todo.items():
        body = documents_body(
            reviewer=reviewer[1] or reviewer[0],
            cycle_name=cycle.name,
            stage_name=stage_name,
            lines=[lines[i] for i in ids[:LISTED]],
            total=len(ids),
            office=office,
        )
        planned.append(
            _new_message(
                key=keys[reviewer],
                cycle_id=cycle_id,
                purpose=DOCUMENTS,
                stage=stage.value,
                reviewer=reviewer,
                address=addresses.get(reviewer, ""),
                subject=documents_subject(cycle.name, stage_name, len(ids)),
                body=body,
                document_ids=ids,
            )
        )
    session.add_all(planned)
    session.flush()
    return planned


def plan_reminders(
    session: Session, cycle_id: int, today: date, *, titles: Mapping[str, str] | None = None
) -> list[OutboxMessage]:
    """One reminder per reviewer with overdue returns, at most one per reviewer per day;
    returns the new ones."""
    cycle = get_cycle(session, cycle_id)
    overdue = [
        o.document_id
        for progress in cycle_progress(session, cycle_id, today).values()
        for o in progress.outstanding
        if o.overdue
    ]
    docs: list[Listed] = []
    for part in chunks(overdue):
        docs += session.exec(select(*_LISTED).where(col(Document.id).in_(part)))
    grouped = _by_reviewer(docs)
    keys = {r: reminder_key(cycle_id, today, *r) for r in grouped}
    existing = _existing_keys(session, list(keys.values()))
    todo = {r: group for r, group in grouped.items() if keys[r] not in existing}
    lines = _lines(session, [d for group in todo.values() for d in group], titles or {})
    addresses = reviewer_addresses(session)
    office = Office.from_dict(cycle.office)
    planned = []
    for reviewer, group in todo.items():
        stages = {d.stage.value for d in group}
        body = reminder_body(
            reviewer=reviewer[1] or reviewer[0],
            cycle_name=cycle.name,
            today=today,
            lines=[lines[d.id] for d in group],
            office=office,
        )
        planned.append(
            _new_message(
                key=keys[reviewer],
                cycle_id=cycle_id,
                purpose=REMINDER,
                # A reminder may cover several stages; the column then stays empty.
                stage=stages.pop() if len(stages) == 1 else "",
                reviewer=reviewer,
                address=addresses.get(reviewer, ""),
                subject=reminder_subject(cycle.name, len(group)),
                body=body,
                document_ids=[d.id for d in group],
            )
        )
    session.add_all(planned)
    session.flush()
    return planned


def refresh_addresses(session: Session, cycle_id: int) -> int:
    """Give every unsent message of the cycle its reviewer's current address (staff may have
    added or corrected one since it was planned); returns how many changed."""
    addresses = reviewer_addresses(session)
    unsent = session.exec(
        select(OutboxMessage).where(
            OutboxMessage.cycle_id == cycle_id,
            col(OutboxMessage.status).in_([PENDING, FAILED, NO_ADDRESS]),
        )
    ).all()
    changed = 0
    for msg in unsent:
        address = addresses.get((msg.reviewer_kind, msg.reviewer_name), "")
        if address == msg.to_addr:
            continue
        msg.to_addr = address
        if not address:
            msg.status = NO_ADDRESS
        elif msg.status == NO_ADDRESS:
            msg.status = PENDING
        session.add(msg)
        changed += 1
    session.flush()
    return changed


def _sendable() -> ColumnElement[bool]:
    return or_(
        col(OutboxMessage.status) == PENDING,
        and_(col(OutboxMessage.status) == FAILED, col(OutboxMessage.attempts) < MAX_ATTEMPTS),
    )


def sendable_ids(session: Session, cycle_id: int) -> list[int]:
    """The messages a send run takes: pending ones, and failed ones with attempts left."""
    query = (
        select(OutboxMessage.id)
        .where(OutboxMessage.cycle_id == cycle_id, _sendable())
        .order_by(col(OutboxMessage.id))
    )
    return [i for i in session.exec(query) if i is not None]


def claim(session: Session, message_id: int) -> OutboxMessage | None:
    """Move one sendable message to `sending` and commit, before any SMTP call; None when it
    is not sendable (sent, being sent, out of attempts, no address) or gone.

    The move is one conditional UPDATE, so two senders never both claim a message.
    """
    moved = session.execute(
        update(OutboxMessage)
        .where(col(OutboxMessage.id) == message_id, _sendable())
        .values(status=SENDING, attempts=OutboxMessage.attempts + 1, error="")
    )
    if moved.rowcount != 1:  # type: ignore[attr-defined]  # an UPDATE returns a CursorResult
        session.rollback()
        return None
    session.commit()
    return session.get(OutboxMessage, message_id, populate_existing=True)


def _finish(session: Session, message_id: int, **values: object) -> OutboxMessage:
    msg = session.get(OutboxMessage, message_id, populate_existing=True)
    if msg is None:
        raise OutboxError(f"发件箱中没有第 {message_id} 号邮件 / no outbox message {message_id}")
    for name, value in values.items():
        setattr(msg, name, value)
    session.add(msg)
    session.commit()
    return msg


def mark_sent(session: Session, message_id: int) -> OutboxMessage:
    """The SMTP server took the message; commits."""
    return _finish(session, message_id, status=SENT, sent_at=utcnow(), error="")


def mark_failed(session: Session, message_id: int, error: str) -> OutboxMessage:
    """The send failed with `error`; the next run tries again while attempts are left. Commits."""
    return _finish(session, message_id, status=FAILED, error=error[:_ERROR_LENGTH])


@dataclass(frozen=True)
class Requeued:
    id: int
    reviewer_kind: str
    reviewer_name: str
    was: str  # the status it left


def requeue(session: Session, cycle_id: int, ids: Sequence[int] = ()) -> list[Requeued]:
    """Staff's decision to send again: messages stuck in `sending` (a crash mid-send; they may
    have gone out) and failed ones out of attempts go back to pending with fresh attempts.
    With `ids`, only those messages (of this cycle)."""
    query = select(OutboxMessage).where(
        OutboxMessage.cycle_id == cycle_id,
        or_(
            col(OutboxMessage.status) == SENDING,
            and_(col(OutboxMessage.status) == FAILED, col(OutboxMessage.attempts) >= MAX_ATTEMPTS),
        ),
    )
    if ids:
        query = query.where(col(OutboxMessage.id).in_(list(ids)))
    done = []
    for msg in session.exec(query.order_by(col(OutboxMessage.id))).all():
        done.append(Requeued(msg.id or 0, msg.reviewer_kind, msg.reviewer_name, msg.status))
        msg.status = PENDING
        msg.attempts = 0
        session.add(msg)
    session.flush()
    return done


def outbox_counts(session: Session, cycle_id: int) -> dict[str, int]:
    """Messages of the cycle per status (every status, zeros included)."""
    rows = session.exec(
        select(OutboxMessage.status, func.count())
        .where(OutboxMessage.cycle_id == cycle_id)
        .group_by(OutboxMessage.status)
    ).all()
    found = dict(rows)
    return {status: found.get(status, 0) for status in STATUSES}


def unsent_messages(session: Session, cycle_id: int) -> list[OutboxMessage]:
    """Every message of the cycle not sent yet, oldest first."""
    return list(
        session.exec(
            select(OutboxMessage)
            .where(OutboxMessage.cycle_id == cycle_id, OutboxMessage.status != SENT)
            .order_by(col(OutboxMessage.id))
        )
    )


@dataclass(frozen=True)
class Attachment:
    filename: str
    path: Path


def attachments(session: Session, message: OutboxMessage) -> list[Attachment]:
    """The PDFs a documents message carries: those of the documents its body lists (reminders
    carry none: the link opens them)."""
    if message.purpose != DOCUMENTS:
        return []
    listed = message.document_ids[:LISTED]  # the body lists them in this order
    docs = session.exec(
        select(Document).where(col(Document.id).in_(listed)).order_by(Document.id)
    ).all()
    return [Attachment(f"{d.id}.pdf", located(d.pdf_path)) for d in docs if d.pdf_path]


def messages_of(session: Session, cycle_id: int) -> list[OutboxMessage]:
    return list(
        session.exec(
            select(OutboxMessage)
            .where(OutboxMessage.cycle_id == cycle_id)
            .order_by(col(OutboxMessage.id))
        )
    )
