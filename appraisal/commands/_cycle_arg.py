"""The cycle a command names: by number or by name, or a one-line error saying which exist."""

from sqlmodel import Session

from appraisal.console import fail
from appraisal.db import session_scope
from appraisal.models import Cycle
from appraisal.store.cycles import CycleError, find_cycle


def named_cycle(session: Session, ref: str) -> Cycle:
    """The cycle `ref` names, read in `session`; exits with the reason when there is none."""
    try:
        return find_cycle(session, ref)
    except CycleError as exc:
        fail(str(exc))


def cycle_number(ref: str) -> int:
    """The number of the cycle `ref` names; exits with the reason when there is none."""
    with session_scope() as session:
        found = named_cycle(session, ref)
        assert found.id is not None
        return found.id
