"""Whom a reviewer calls when the portal turns them away: the contact printed on their letters."""

from dataclasses import dataclass

from sqlmodel import Session

from appraisal.models import Cycle
from appraisal.models.office import ROOT_OFFICE_ID
from appraisal.settings import get_settings
from appraisal.store.offices import issuing_office


@dataclass(frozen=True)
class Contact:
    name: str
    phone: str


def office_contact(session: Session, cycle_id: int | None) -> Contact:
    """The cycle's own office as fixed when it started (what its letters print); for a cycle
    fixed without one, or no cycle, whom letters started now would print."""
    cycle = session.get(Cycle, cycle_id) if cycle_id is not None else None
    printed = (cycle.office if cycle is not None else None) or {}
    if printed.get("contact") or printed.get("phone"):
        return Contact(printed.get("contact", ""), printed.get("phone", ""))
    settings = get_settings()
    issuer = issuing_office(
        session, cycle.office_id if cycle is not None else ROOT_OFFICE_ID,
        name=settings.office_name, number_prefix="", contact=settings.office_contact,
        phone=settings.office_phone,
    )  # fmt: skip
    return Contact(issuer["contact"], issuer["phone"])
