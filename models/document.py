"""Generated documents and the signed-off returns collected for them."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel, UniqueConstraint

from appraisal.models.base import empty_list, enum_field, json_field, timestamp_field
from appraisal.models.vocab import Reply, SignOffMethod, Stage


class Document(SQLModel, table=True):
    # The ID printed on the page: derived from cycle, stage, template, person and recipient.
    id: str = Field(primary_key=True, max_length=64)
    cycle_id: int = Field(foreign_key="cycle.id", index=True)
    stage: Stage = enum_field(Stage, 16)
    template_id: str = Field(max_length=64)
    template_version: str = Field(max_length=32)
    person_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    recipient_kind: str = Field(max_length=32)
    recipient_name: str = Field(max_length=128)
    docx_path: str = Field(max_length=512)
    docx_sha256: str = Field(max_length=64)
    pdf_path: str = Field(default="", max_length=512)
    pdf_sha256: str = Field(default="", max_length=64)
    needs_signoff: bool = True
    # For letters to a body: the 编号 of the people the letter concerns.
    people: list[str] = json_field(default_factory=empty_list)
    due_on: date | None = None
    created_at: datetime = timestamp_field()
    delivered_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))


class SignOff(SQLModel, table=True):
    """One returned version (or a waiver); a later return never overwrites an earlier one."""

    __table_args__ = (UniqueConstraint("document_id", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    document_id: str = Field(foreign_key="document.id", index=True, max_length=64)
    version: int
    method: SignOffMethod = enum_field(SignOffMethod, 8)
    signer: str = Field(default="", max_length=256)
    file_path: str = Field(default="", max_length=512)
    sha256: str = Field(default="", max_length=64, index=True)
    pages: int = 0
    matched_by: str = Field(default="", max_length=16)  # text, qr, filename
    signature_valid: bool | None = None
    signature_covers_file: bool | None = None
    reply: Reply | None = enum_field(Reply, 8, default=None)
    reply_text: str = Field(default="", max_length=4096)
    # The 编号 an objection names: the register and the dossiers show it against them alone.
    reply_people: list[str] = json_field(default_factory=empty_list)
    reason: str = Field(default="", max_length=1024)  # why it was waived
    recorded_by: str = Field(default="", max_length=64)
    recorded_at: datetime = timestamp_field()
