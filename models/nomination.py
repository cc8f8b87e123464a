"""A candidate proposed by a nominating body (提名推荐) and staff's decision on it."""

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel, UniqueConstraint

from appraisal.models.base import empty_list, enum_field, json_field, timestamp_field
from appraisal.models.vocab import BodyKind, NominationStatus, Tier


class Nomination(SQLModel, table=True):
    """One body's proposal of one candidate for one cycle.

    The candidate is either someone on the roster (`person_code`) or a new person, whose fields
    are held here until staff accept them and a Person is made (`person_id`). Two bodies may
    nominate the same person: two rows, decided together."""

    # Re-importing the same workbook must not add the same body's candidate twice.
    __table_args__ = (UniqueConstraint("cycle_id", "body", "candidate_key"),)

    id: int | None = Field(default=None, primary_key=True)
    cycle_id: int = Field(foreign_key="cycle.id", index=True)
    body: str = Field(max_length=128)  # 推荐单位
    body_kind: BodyKind = enum_field(BodyKind, 16)
    # 编号 for someone on the roster, else "姓名|出生年月": how duplicates across bodies are found.
    candidate_key: str = Field(max_length=128, index=True)
    person_code: str = Field(default="", max_length=64)  # 编号 of an existing person, or ""
    name: str = Field(max_length=64)
    gender: str = Field(default="", max_length=4)
    ethnicity: str = Field(default="", max_length=32)
    birth_date: date | None = None  # 出生年月: the day stored is 1
    party: str = Field(default="", max_length=64)  # 政治面貌
    category: str = Field(default="", max_length=64)  # 统战对象类别
    sector: str = Field(default="", max_length=64)  # 界别
    employer: str = Field(default="", max_length=256)  # 工作单位
    post: str = Field(default="", max_length=128)  # 职务
    education: str = Field(default="", max_length=64)
    title: str = Field(default="", max_length=64)  # 职称
    phone: str = Field(default="", max_length=64)
    tier: Tier = enum_field(Tier, 16)  # the tier proposed
    reason: str = Field(default="", max_length=2048)  # 推荐理由
    # 简历 lines as {"start": "2001.09", "end": "2005.07" or "", "text": ...}
    career: list[dict[str, Any]] = json_field(default_factory=empty_list)
    source: str = Field(default="", max_length=256)  # file and row, or 门户
    status: NominationStatus = enum_field(NominationStatus, 8, default=NominationStatus.PENDING)
    decision_reason: str = Field(default="", max_length=1024)
    decided_by: str = Field(default="", max_length=64)
    decided_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    person_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    created_at: datetime = timestamp_field()
