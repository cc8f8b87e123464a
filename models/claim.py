"""履职申报: a duty a member says the office did not record, claimed with evidence through their
own link (or entered by staff from a paper claim), until staff accept or decline it."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from appraisal.models.base import enum_field, timestamp_field
from appraisal.models.vocab import ClaimStatus, DutyKind, DutyRole


class DutyClaim(SQLModel, table=True):
    # A claim is never edited by the member: a resubmission is a new claim beside the first, so
    # what was decided stays what was asked.
    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    # The cycle whose link (or whose staff) took the claim; its year is the claim's year.
    cycle_id: int = Field(foreign_key="cycle.id", index=True)
    year: int = Field(index=True)
    kind: DutyKind = enum_field(DutyKind, 16)
    title: str = Field(max_length=256)
    held_on: date | None = None
    role: DutyRole | None = enum_field(DutyRole, 8, default=None)
    note: str = Field(default="", max_length=1024)  # the member's own words on the duty
    # The evidence as it came: its name shown back to people, never part of a path; the file
    # kept under a name the database gives it, never overwritten.
    evidence_name: str = Field(max_length=255)
    evidence_path: str = Field(max_length=512)
    evidence_sha256: str = Field(max_length=64)
    evidence_size: int = Field(ge=1)
    channel: str = Field(max_length=16)  # 本人链接 / 工作人员代传
    submitted_by: str = Field(max_length=64)
    submitted_at: datetime = timestamp_field()
    status: ClaimStatus = enum_field(ClaimStatus, 8, default=ClaimStatus.PENDING, index=True)
    decided_by: str = Field(default="", max_length=64)
    decided_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    reason: str = Field(default="", max_length=1024)  # why it was declined (or a note on accepting)
    # The 履职记录 an accepted claim became (record_key "CL-<claim id>").
    record_id: int | None = Field(default=None, foreign_key="dutyrecord.id")
