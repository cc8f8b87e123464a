"""The audit log: every change to a person, a score, a grade or a decision."""

from datetime import datetime

from sqlmodel import Field, SQLModel

from appraisal.models.base import timestamp_field


class AuditEntry(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = timestamp_field(index=True)
    actor: str = Field(max_length=64)
    entity: str = Field(max_length=32, index=True)  # table name
    entity_key: str = Field(max_length=128, index=True)
    field: str = Field(max_length=64)
    before: str | None = Field(default=None, max_length=4096)
    after: str | None = Field(default=None, max_length=4096)
    reason: str = Field(default="", max_length=1024)
