"""What stands between a person's engine grade and their notice: an objection that holds it
(暂缓) until staff decide, and the 审定 that confirms or adjusts it."""

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel, UniqueConstraint

from appraisal.models.base import enum_field, timestamp_field
from appraisal.models.vocab import Grade, HoldStatus


class ObjectionHold(SQLModel, table=True):
    """A 征求意见 reply's objection naming one person: their result is held (no 结果通知书, 暂缓 in
    the 情况通报) until staff decide 核实后维持 or 调整. One per letter and person: a second reply
    on the same letter rewords the same hold while it is pending."""

    __table_args__ = (UniqueConstraint("cycle_id", "person_id", "document_id"),)

    id: int | None = Field(default=None, primary_key=True)
    cycle_id: int = Field(foreign_key="cycle.id", index=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    document_id: str = Field(foreign_key="document.id", max_length=64)  # the 征求意见函
    body: str = Field(max_length=128)  # who objected: the letter's addressee
    text: str = Field(max_length=4096)  # the objection, in the body's words
    status: HoldStatus = enum_field(HoldStatus, 8, default=HoldStatus.PENDING)
    original_grade: Grade | None = enum_field(Grade, 8, default=None)
    new_grade: Grade | None = enum_field(Grade, 8, default=None)
    decision_reason: str = Field(default="", max_length=2048)
    decided_by: str = Field(default="", max_length=64)
    decided_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    created_at: datetime = timestamp_field()


class GradeApproval(SQLModel, table=True):
    """The 审定 of one person's grade by a 审核: confirmed, or adjusted with the reason."""

    __table_args__ = (UniqueConstraint("cycle_id", "person_id"),)

    id: int | None = Field(default=None, primary_key=True)
    cycle_id: int = Field(foreign_key="cycle.id", index=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    engine_grade: Grade | None = enum_field(Grade, 8, default=None)  # the grade put to 审定
    grade: Grade = enum_field(Grade, 8)  # the 审定 grade
    reason: str = Field(default="", max_length=2048)  # why it was adjusted; "" when confirmed
    approved_by: str = Field(max_length=64)
    approved_at: datetime = timestamp_field()
    # 审定 after the notification stage first ran (a hold decided late): the 情况通报 already
    # issued lists the person as 暂缓 and stays as it was; only their notice is made.
    after_notification: bool = False
