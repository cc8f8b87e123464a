"""The portal and e-mail: reviewers' addresses and links, staff accounts, the outbox, and the
log of every access to a document."""

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel, UniqueConstraint

from models.base import json_field, timestamp_field


class Reviewer(SQLModel, table=True):
    """A body or person documents go to (as named on the documents), and where to e-mail them."""

    __table_args__ = (UniqueConstraint("kind", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=32)
    name: str = Field(max_length=128)
    email: str = Field(default="", max_length=256)
    updated_at: datetime = timestamp_field()


class StaffUser(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=64, unique=True)
    # scrypt$n$r$p$salt$hash: the password itself is never stored.
    password_hash: str = Field(max_length=256)
    active: bool = True
    created_at: datetime = timestamp_field()


class ReviewerLink(SQLModel, table=True):
    """A personal link: lets one reviewer see their own documents of one cycle, until it expires
    or staff revoke it. Only the token's SHA-256 is stored."""

    id: int | None = Field(default=None, primary_key=True)
    cycle_id: int = Field(foreign_key="cycle.id", index=True)
    reviewer_kind: str = Field(max_length=32)
    reviewer_name: str = Field(max_length=128)
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = timestamp_field()
    expires_at: datetime = Field(sa_type=sa.DateTime(timezone=True))
    revoked_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    created_by: str = Field(default="", max_length=64)


class AccessLog(SQLModel, table=True):
    """Every look at, download of, upload to or reply on a document, allowed or not."""

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = timestamp_field(index=True)
    actor: str = Field(max_length=200)  # staff:<username> | reviewer:<kind>/<name> | anonymous
    link_id: int | None = Field(default=None)
    document_id: str = Field(default="", max_length=64, index=True)
    action: str = Field(max_length=32)
    outcome: str = Field(max_length=16)  # ok | denied | refused
    detail: str = Field(default="", max_length=1024)
    client: str = Field(default="", max_length=64)


class OutboxMessage(SQLModel, table=True):
    """One e-mail to send, keyed so that planning it again finds the same row.

    pending -> sending -> sent. A message left in `sending` by a crash is never sent again on its
    own: it may have gone out, so staff decide (`appraisal mail retry`).
    """

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=400, unique=True)
    cycle_id: int = Field(foreign_key="cycle.id", index=True)
    purpose: str = Field(max_length=16)  # documents | reminder
    stage: str = Field(max_length=16)
    reviewer_kind: str = Field(max_length=32)
    reviewer_name: str = Field(max_length=128)
    to_addr: str = Field(default="", max_length=256)
    subject: str = Field(max_length=256)
    body: str = Field(sa_type=sa.Text)
    document_ids: list[str] = json_field(default_factory=list)
    status: str = Field(default="pending", max_length=16, index=True)
    attempts: int = 0
    error: str = Field(default="", max_length=1024)
    message_id: str = Field(default="", max_length=256)
    created_at: datetime = timestamp_field()
    sent_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
