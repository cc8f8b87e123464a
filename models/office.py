"""Offices: who owns people and cycles. A parent office (a city's 统战部) sees its children's."""

from datetime import datetime

from sqlmodel import Field, SQLModel

from appraisal.models.base import timestamp_field

# The office every row belongs to until staff make others: made by the migration that added
# offices, so data from before offices existed stays visible to everyone it was visible to.
ROOT_OFFICE_ID = 1


class Office(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, max_length=128)
    parent_id: int | None = Field(default=None, foreign_key="office.id", index=True)
    # Whom reviewers and staff of this office call; shown on refusals and on letters.
    contact: str = Field(default="", max_length=128)
    phone: str = Field(default="", max_length=64)
    created_at: datetime = timestamp_field()
