"""干部年度考核登记表: the sections of one person's registration form in one cycle (one cycle is
one year), each saying who wrote or entered it and when. The decided grade is the cycle's
result (after the quota and 审定), not kept here a second time."""

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel, UniqueConstraint

from appraisal.models.base import enum_field, json_field, timestamp_field
from appraisal.models.vocab import Grade

# The longest each section may be, as the table holds them and the form has room for.
SUMMARY_LIMIT = 4000  # 个人总结: the form gives it most of a page
COMMENT_LIMIT = 1500  # 主管领导评语
COMMITTEE_LIMIT = 1000  # 考核委员会意见
OPINION_LIMIT = 500  # 本人意见


def _when() -> Any:
    return Field(default=None, sa_type=sa.DateTime(timezone=True))


class CadreRegistration(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("cycle_id", "person_id"),)

    id: int | None = Field(default=None, primary_key=True)
    cycle_id: int = Field(foreign_key="cycle.id", index=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    # 个人总结: written by the person through their link, or entered by staff from paper.
    summary: str = Field(default="", max_length=SUMMARY_LIMIT)
    summary_channel: str = Field(default="", max_length=16)  # 本人链接 / 工作人员录入
    summary_by: str = Field(default="", max_length=64)
    summary_at: datetime | None = _when()
    # 主管领导评语和考核等次建议, entered by staff.
    comment: str = Field(default="", max_length=COMMENT_LIMIT)
    commenter: str = Field(default="", max_length=64)  # the 主管领导 who wrote it
    proposed_grade: Grade | None = enum_field(Grade, 8, default=None, nullable=True)
    comment_by: str = Field(default="", max_length=64)
    comment_at: datetime | None = _when()
    # 考核委员会意见 and its ratings of the scheme's indicators (name -> 0..100).
    committee: str = Field(default="", max_length=COMMITTEE_LIMIT)
    indicators: dict[str, float] = json_field(default_factory=dict)
    committee_by: str = Field(default="", max_length=64)
    committee_at: datetime | None = _when()
    # 本人意见 at notification: 同意 or 不同意 the result, and what the person adds.
    agrees: bool | None = None
    opinion: str = Field(default="", max_length=OPINION_LIMIT)
    opinion_channel: str = Field(default="", max_length=16)
    opinion_by: str = Field(default="", max_length=64)
    opinion_at: datetime | None = _when()
    created_at: datetime = timestamp_field()
