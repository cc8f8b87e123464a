"""A person's 年度履职报告 in one cycle: every version submitted, kept as it came."""

from datetime import date, datetime

from sqlmodel import Field, SQLModel, UniqueConstraint

from appraisal.models.base import timestamp_field


class AnnualReport(SQLModel, table=True):
    # A second upload is a new version beside the first, never a replacement: what the person
    # first handed in stays on record, and the latest version is the one that counts.
    __table_args__ = (UniqueConstraint("cycle_id", "person_id", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    cycle_id: int = Field(foreign_key="cycle.id", index=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    version: int = Field(ge=1)
    channel: str = Field(max_length=16)  # 本人链接 / 工作人员代传
    recorded_by: str = Field(max_length=64)
    submitted_on: date
    # The name the file had when it came in, shown back to people; never part of a path.
    file_name: str = Field(max_length=255)
    # Kept like a return: under a name the database gives it, never overwritten.
    file_path: str = Field(max_length=512)
    file_sha256: str = Field(max_length=64)
    pages: int = Field(ge=1)
    # Staff's note on an upload made on the person's behalf: 纸质报告扫描, …
    note: str = Field(default="", max_length=1024)
    created_at: datetime = timestamp_field()
