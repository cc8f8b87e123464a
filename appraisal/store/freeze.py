"""Whether a cycle's records may still change."""

from collections.abc import Sequence

from models import SignOff
from models.vocab import Reply


def objection_people(signoff: SignOff, listed: Sequence[str]) -> list[str]:
    """Whom a return's objection concerns: the people it names, or everyone its letter lists
    when it names nobody (an objection recorded with a batch of returns); [] for no objection."""
    if signoff.reply != Reply.OBJECTION:
        return []
    return list(signoff.reply_people) or list(listed)
