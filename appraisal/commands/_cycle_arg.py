"""The cycle a command names: by number or by name, or a one-line error saying which exist."""

from appraisal.console import fail
from appraisal.db import session_scope
from appraisal.store.cycles import CycleError, find_cycle


def cycle_number(ref: str) -> int:
    """The number of the cycle `ref` names; exits with the reason when there is none."""
    with session_scope() as session:
        try:
            found = find_cycle(session, ref)
        except CycleError as exc:
            fail(str(exc))
        assert found.id is not None
        return found.id
