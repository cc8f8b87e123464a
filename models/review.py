"""A person's 复核申请 against their result in one cycle, and staff's decision on it."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel, UniqueConstraint

from appraisal.models.base import enum_field, timestamp_field
from appraisal.models.vocab import Grade, ReviewStatus


class ReviewRequest(SQLModel, table=True):
    # One request per person per cycle: a second would ask again what the first decides.
    __table_args__ = (UniqueConstraint("cycle_id", "person_id"),)

    id: int | None = Field(default=None, primary_key=True)
    cycle_id: int = Field(foreign_key="cycle.id", index=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    # "本人" through the personal link, else the staff member who recorded a paper request.
    channel: str = Field(max_length=16)  # 本人链接 / 书面申请
    recorded_by: str = Field(max_length=64)
    requested_on: date  # the day the request was made (a paper request's own date)
    grounds: str = Field(max_length=4096)
    # An attached PDF, kept like a return: never overwritten, named by the database.
    file_path: str = Field(default="", max_length=512)
    file_sha256: str = Field(default="", max_length=64)
    # Why a request after the window was taken all the same (逾期受理); "" when in time.
    late_reason: str = Field(default="", max_length=1024)
    status: ReviewStatus = enum_field(ReviewStatus, 8, default=ReviewStatus.PENDING)
    original_grade: Grade | None = enum_field(Grade, 8, default=None)
    new_grade: Grade | None = enum_field(Grade, 8, default=None)
    decision_reason: str = Field(default="", max_length=2048)
    decided_by: str = Field(default="", max_length=64)
    decided_on: date | None = None
    decided_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    document_id: str = Field(default="", max_length=64)  # the 复核决定书
    created_at: datetime = timestamp_field()
