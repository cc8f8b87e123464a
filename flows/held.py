"""Staff decide on returns held for review (they showed no signature or stamp): accept one as
a signed return, or reject it to quarantine. Each decision is audited; the held file leaves
`held/` only once the decision is committed."""

from pathlib import Path

from appraisal.db import session_scope
from appraisal.intake import inspect_return
from appraisal.paths import held_dir, located, quarantine_dir, returns_dir
from appraisal.settings import get_settings
from appraisal.store import held_returns
from appraisal.store.cycles import get_cycle
from appraisal.store.signoffs import IntakeOutcome, move_out


def _held_file(cycle_id: int, event_id: int) -> Path:
    with session_scope() as session:
        return located(held_returns.held_return(session, cycle_id, event_id).stored_path)


def accept_held(cycle_id: int, event_id: int, reason: str, actor: str) -> IntakeOutcome:
    """Record held return `event_id` as a signed return; raises SignOffError with the reason
    when it cannot be (no such held return, no reason given, the file changed)."""
    settings = get_settings()
    held = _held_file(cycle_id, event_id)
    # Inspected again, as any return is before it is recorded: pages, signer, how it matched.
    ins = inspect_return(
        held, max_bytes=settings.max_return_bytes, trust_roots=settings.trust_root_paths
    )
    with session_scope() as session:
        outcome = held_returns.accept_held(
            session, cycle=get_cycle(session, cycle_id), event_id=event_id, ins=ins, reason=reason,
            returns_dir=returns_dir(cycle_id), quarantine_dir=quarantine_dir(cycle_id),
            held_dir=held_dir(cycle_id), actor=actor,
        )  # fmt: skip
    move_out(held)
    return outcome


def reject_held(cycle_id: int, event_id: int, reason: str, actor: str) -> Path:
    """Move held return `event_id` to quarantine; where it is kept now."""
    held = _held_file(cycle_id, event_id)
    with session_scope() as session:
        event = held_returns.reject_held(
            session, cycle_id=cycle_id, event_id=event_id, reason=reason,
            quarantine_dir=quarantine_dir(cycle_id), actor=actor,
        )  # fmt: skip
        kept = located(event.stored_path)
    move_out(held)
    return kept
