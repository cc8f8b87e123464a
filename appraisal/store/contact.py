"""Whom a reviewer calls when the portal turns them away: the contact printed on their letters."""

from dataclasses import dataclass

from sqlmodel import Session

from appraisal.models import Cycle
from appraisal.models.office import Office
from appraisal.settings import get_settings


@dataclass(frozen=True)
class Contact:
    name: str
    phone: str


def office_contact(session: Session, cycle_id: int | None) -> Contact:
    """The cycle's own office as fixed when it started (what its letters print), else the
    office that runs it, else the portal's settings."""
    cycle = session.get(Cycle, cycle_id) if cycle_id is not None else None
    if cycle is not None:
        printed = cycle.office or {}
        if printed.get("contact") or printed.get("phone"):
            return Contact(printed.get("contact", ""), printed.get("phone", ""))
        office = session.get(Office, cycle.office_id)
        if office is not None and (office.contact or office.phone):
            return Contact(office.contact, office.phone)
    settings = get_settings()
    return Contact(settings.office_contact, settings.office_phone)
