"""Reminders for overdue returns: what staff chase, named, and the one way they are queued (the
CLI's `remind --send` and the board's 催办 button both come here)."""

from datetime import date

from appraisal.db import session_scope
from appraisal.render.manifest import template_titles
from appraisal.settings import get_settings
from appraisal.store.outbox import plan_reminders
from appraisal.store.outstanding import AwaitedDocument, overdue_documents


def document_titles() -> dict[str, str]:
    """Template id -> the title printed on its documents."""
    return template_titles(get_settings().templates_dir)


def overdue(cycle_id: int, today: date) -> list[AwaitedDocument]:
    """The cycle's overdue documents with their reviewer, title and people."""
    with session_scope() as session:
        return overdue_documents(session, cycle_id, today, document_titles())


def queue_reminders(cycle_id: int, today: date) -> int:
    """Put today's reminders in the outbox, one per reviewer with overdue returns; a reviewer
    already reminded today gets none (the outbox key is per reviewer and day), so pressing the
    button twice or running the command twice queues nothing more. Returns how many were new."""
    with session_scope() as session:
        return len(plan_reminders(session, cycle_id, today, titles=document_titles()))
