"""People on the managed roster and their pool membership over time."""

from datetime import date, datetime

from sqlmodel import Field, SQLModel, UniqueConstraint

from appraisal.models.base import enum_field, timestamp_field
from appraisal.models.office import ROOT_OFFICE_ID
from appraisal.models.vocab import EntryKind, Merit, TalkKind, Tier


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
    # 工作单位 and 职务 apart: letters to "所在单位党组织" are addressed to the 工作单位 alone.
    employer: str = Field(default="", max_length=256)  # 工作单位
    post: str = Field(default="", max_length=128)  # 职务
    tier: Tier = enum_field(Tier, 16)
    education: str = Field(default="", max_length=64)
    title: str = Field(default="", max_length=64)  # 职称
    social_posts: str = Field(default="", max_length=512)
    phone: str = Field(default="", max_length=64)
    expertise: str = Field(default="", max_length=256)
    private_sector: bool = False  # widens the solicitation recipients
    native_place: str = Field(default="", max_length=64)  # 籍贯
    # Given to the month, as on 干部任免审批表: the day stored is 1.
    party_joined_on: date | None = None  # 入党派时间
    work_started_on: date | None = None  # 参加工作时间
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


class PersonEntry(SQLModel, table=True):
    """One dated entry of a person's file: a 简历 line, a 奖励 or 惩处, a 培训, a 挂职.

    Dates are given to the month (the day stored is 1); an entry still running has no end."""

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    kind: EntryKind = enum_field(EntryKind, 8)
    started_on: date
    ended_on: date | None = None
    text: str = Field(max_length=512)  # 单位及职务, the award, the course, where seconded
    merit: Merit | None = enum_field(Merit, 8, default=None)  # 奖惩 only
    source: str = Field(default="", max_length=256)  # 名册导入 file and row, or 录入
    recorded_by: str = Field(default="", max_length=128)
    recorded_at: datetime = timestamp_field()


class Talk(SQLModel, table=True):
    """One 谈心谈话 with the person, entered whenever it is held (五位一体: talks all year)."""

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    held_on: date  # 谈话时间
    kind: TalkKind = enum_field(TalkKind, 8)
    talker: str = Field(max_length=64)  # 谈话人
    talker_post: str = Field(default="", max_length=128)  # 谈话人职务
    place: str = Field(default="", max_length=128)  # 谈话地点
    summary: str = Field(max_length=2048)  # 谈话内容
    follow_up: str = Field(default="", max_length=1024)  # 后续跟进 / 本人态度
    source: str = Field(default="", max_length=256)  # 录入, or the workbook and row
    recorded_by: str = Field(default="", max_length=128)
    recorded_at: datetime = timestamp_field()
