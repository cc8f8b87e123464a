"""Sealed dossiers: one archive package per person per cycle, and what went into it."""

from datetime import datetime

from sqlmodel import Field, SQLModel, UniqueConstraint

from appraisal.models.base import timestamp_field


class Dossier(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("cycle_id", "person_id"),)

    id: int | None = Field(default=None, primary_key=True)
    cycle_id: int = Field(foreign_key="cycle.id", index=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    path: str = Field(max_length=512)  # the package's folder (a BagIt bag)
    # SHA-256 over everything the package was built from: equal means sealing again is a no-op.
    fingerprint: str = Field(max_length=64)
    pages: int
    files: int
    bytes: int
    sealed_at: datetime = timestamp_field()
