"""Every file intake handled, and where it ended: recorded, duplicate or quarantined."""

from datetime import datetime

from sqlmodel import Field, SQLModel

from appraisal.models.base import timestamp_field


class IntakeEvent(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    cycle_id: int = Field(foreign_key="cycle.id", index=True)
    file_name: str = Field(max_length=512)
    sha256: str = Field(default="", max_length=64, index=True)
    size: int = 0
    outcome: str = Field(max_length=16)  # recorded | duplicate | quarantined
    problem: str = Field(default="", max_length=32)  # machine code of the quarantine reason
    reason: str = Field(default="", max_length=2048)  # what a person should do about it
    document_id: str = Field(default="", max_length=64)
    stored_path: str = Field(default="", max_length=512)
    source: str = Field(default="folder", max_length=16)  # folder | portal
    at: datetime = timestamp_field()
