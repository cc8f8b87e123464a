"""People on the managed roster and their pool membership over time."""

from datetime import date

from sqlmodel import Field, SQLModel, UniqueConstraint

from appraisal.models.base import enum_field
from appraisal.models.office import ROOT_OFFICE_ID
from appraisal.models.vocab import Tier


class Person(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, index=True, max_length=64)  # 编号, the stable key
    name: str = Field(index=True, max_length=64)
    gender: str = Field(max_length=4)
    ethnicity: str = Field(max_length=32)
    birth_date: date
    # "1975.03" carries no day; the day stored is 1 and this says the day was not given.
    birth_day_known: bool = True
    party: str = Field(max_length=64)  # 党派 / 政治面貌
    category: str = Field(default="", max_length=64)  # 统战对象类别
    sector: str = Field(max_length=64)  # 界别
    employer_post: str = Field(max_length=256)  # 工作单位及职务
    tier: Tier = enum_field(Tier, 16)
    education: str = Field(default="", max_length=64)
    title: str = Field(default="", max_length=64)  # 职称
    social_posts: str = Field(default="", max_length=512)
    phone: str = Field(default="", max_length=64)
    expertise: str = Field(default="", max_length=256)
    private_sector: bool = False  # widens the solicitation recipients
    # The office whose pool holds the person: its staff and its parent offices' see them.
    office_id: int = Field(default=ROOT_OFFICE_ID, foreign_key="office.id", index=True)


class PoolMembership(SQLModel, table=True):
    """One stay of a person in a tier: the pool is adjusted every cycle (有进有出)."""

    __table_args__ = (UniqueConstraint("person_id", "tier", "joined_on"),)

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    tier: Tier = enum_field(Tier, 16)
    joined_on: date
    join_reason: str = Field(default="", max_length=256)
    left_on: date | None = None
    leave_reason: str = Field(default="", max_length=256)
