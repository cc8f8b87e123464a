"""The portal and e-mail: reviewers' addresses and links, staff accounts, their sessions and login
attempts, the outbox, and the log of every access to a document."""

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel, UniqueConstraint

from appraisal.models.base import empty_list, enum_field, json_field, timestamp_field
from appraisal.models.office import ROOT_OFFICE_ID
from appraisal.models.vocab import Role


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
    role: Role = enum_field(Role, 8, default=Role.CLERK)
    office_id: int = Field(default=ROOT_OFFICE_ID, foreign_key="office.id", index=True)
    created_at: datetime = timestamp_field()
    # A 登记 account's scope: the duty kinds (DutyKind words joined by "、") it may record.
    duty_kinds: str = Field(default="", max_length=256)
    # The department the account records for (委员联络室, 提案委员会 ...): printed as 记录单位.
    department: str = Field(default="", max_length=64)


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


class PortalSession(SQLModel, table=True):
    """One browser's session: a staff member's login, or a reviewer's through one link.

    The cookie carries a random ID; only its SHA-256 is stored. Logging out, a new password, a
    deactivated account or a revoked link end the row (`ended_at`, `end_reason`) at once."""

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    staff_user_id: int | None = Field(default=None, foreign_key="staffuser.id", index=True)
    link_id: int | None = Field(default=None, foreign_key="reviewerlink.id", index=True)
    csrf: str = Field(max_length=64)
    flash: list[list[str]] = json_field(default_factory=empty_list)  # [kind, message], shown once
    client: str = Field(default="", max_length=64)
    created_at: datetime = timestamp_field()
    last_seen_at: datetime = timestamp_field()
    expires_at: datetime = Field(sa_type=sa.DateTime(timezone=True))
    ended_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    end_reason: str = Field(default="", max_length=32)


class LoginAttempt(SQLModel, table=True):
    """A staff login attempt, counted per account and per address to throttle guessing across
    every portal process. Each login form's token is good for one attempt (`form_hash`)."""

    __table_args__ = (
        sa.Index("ix_loginattempt_username_at", "username", "at"),
        sa.Index("ix_loginattempt_client_at", "client", "at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = timestamp_field()
    username: str = Field(max_length=64)
    client: str = Field(max_length=64)
    outcome: str = Field(default="pending", max_length=16)  # pending | ok | failed | throttled
    form_hash: str = Field(max_length=64, unique=True)


class AccessLog(SQLModel, table=True):
    """Every look at, download of, upload to or reply on a document, allowed or not."""

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = timestamp_field(index=True)
    actor: str = Field(max_length=200)  # staff:<username> | reviewer:<kind>/<name> | anonymous
    link_id: int | None = Field(default=None)
    document_id: str = Field(default="", max_length=64, index=True)
    action: str = Field(max_length=32)
    outcome: str = Field(max_length=16)  # ok | denied | refused | throttled | error
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
    document_ids: list[str] = json_field(default_factory=empty_list)
    status: str = Field(default="pending", max_length=16, index=True)
    attempts: int = 0
    error: str = Field(default="", max_length=1024)
    message_id: str = Field(default="", max_length=256)
    created_at: datetime = timestamp_field()
    sent_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
