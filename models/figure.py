"""统战名人: the honoured figures of the city's history (seed 002's "十位统战名人"), kept as a
record with the places and activities that keep their memory. Not people appraised each year."""

from datetime import date, datetime

from sqlmodel import Field, SQLModel, UniqueConstraint

from appraisal.models.base import enum_field, timestamp_field
from appraisal.models.office import ROOT_OFFICE_ID
from appraisal.models.vocab import ActivityKind, SiteKind


class Figure(SQLModel, table=True):
    """One honoured figure. Dates given to the month carry `*_day_known = False` (day stored 1)."""

    __table_args__ = (UniqueConstraint("office_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    office_id: int = Field(default=ROOT_OFFICE_ID, foreign_key="office.id", index=True)
    name: str = Field(max_length=64)  # 姓名
    years: str = Field(default="", max_length=64)  # 生卒年, as written: 1881—1936
    native_place: str = Field(default="", max_length=64)  # 籍贯
    identity: str = Field(default="", max_length=256)  # 身份/界别
    biography: str = Field(default="", max_length=4000)  # 生平事迹
    selected_on: date | None = None  # 入选时间
    selected_day_known: bool = True
    decided_by: str = Field(default="", max_length=128)  # 入选依据: who decided
    decision_number: str = Field(default="", max_length=64)  # 文号
    # A living figure staff also keep as a person; most figures are historical and have none.
    person_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    recorded_by: str = Field(default="", max_length=128)
    recorded_at: datetime = timestamp_field()


class FigureSite(SQLModel, table=True):
    """A place that keeps the figure's memory: 名人故居, 纪念馆, 教育基地 ..."""

    id: int | None = Field(default=None, primary_key=True)
    figure_id: int = Field(foreign_key="figure.id", index=True)
    kind: SiteKind = enum_field(SiteKind, 8)
    name: str = Field(max_length=128)
    address: str = Field(default="", max_length=256)
    opening: str = Field(default="", max_length=128)  # 开放情况
    plaque_on: date | None = None  # 挂牌时间
    plaque_day_known: bool = True
    recorded_by: str = Field(default="", max_length=128)
    recorded_at: datetime = timestamp_field()


class FigureActivity(SQLModel, table=True):
    """A dated activity that publicises the figure: 纪念活动, 主题教育, 出版, 展览 ..."""

    id: int | None = Field(default=None, primary_key=True)
    figure_id: int = Field(foreign_key="figure.id", index=True)
    held_on: date
    held_day_known: bool = True
    kind: ActivityKind = enum_field(ActivityKind, 8)
    summary: str = Field(max_length=1024)
    organiser: str = Field(default="", max_length=128)
    recorded_by: str = Field(default="", max_length=128)
    recorded_at: datetime = timestamp_field()
