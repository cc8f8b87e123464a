"""review requests: a person's 复核申请 against their result and staff's decision

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-05 02:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

GRADES = ("优秀", "良好", "称职", "基本称职", "不称职")
STATUSES = ("待决定", "维持", "变更")


def _enum(values: Sequence[str], name: str, length: int) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, length=length, create_constraint=False)


def _text(length: int) -> sqlmodel.sql.sqltypes.AutoString:
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def upgrade() -> None:
    op.create_table(
        "reviewrequest",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cycle_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("channel", _text(16), nullable=False),
        sa.Column("recorded_by", _text(64), nullable=False),
        sa.Column("requested_on", sa.Date(), nullable=False),
        sa.Column("grounds", _text(4096), nullable=False),
        sa.Column("file_path", _text(512), nullable=False),
        sa.Column("file_sha256", _text(64), nullable=False),
        sa.Column("late_reason", _text(1024), nullable=False),
        sa.Column("status", _enum(STATUSES, "reviewstatus", 8), nullable=False),
        sa.Column("original_grade", _enum(GRADES, "grade", 8), nullable=True),
        sa.Column("new_grade", _enum(GRADES, "grade", 8), nullable=True),
        sa.Column("decision_reason", _text(2048), nullable=False),
        sa.Column("decided_by", _text(64), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("document_id", _text(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["cycle_id"], ["cycle.id"]),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("cycle_id", "person_id"),
    )
    op.create_index(op.f("ix_reviewrequest_cycle_id"), "reviewrequest", ["cycle_id"])
    op.create_index(op.f("ix_reviewrequest_person_id"), "reviewrequest", ["person_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_reviewrequest_person_id"), table_name="reviewrequest")
    op.drop_index(op.f("ix_reviewrequest_cycle_id"), table_name="reviewrequest")
    op.drop_table("reviewrequest")
