"""annual reports: each person's 年度履职报告 of a cycle, every version kept

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-05 21:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _text(length: int) -> sqlmodel.sql.sqltypes.AutoString:
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def upgrade() -> None:
    op.create_table(
        "annualreport",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cycle_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("channel", _text(16), nullable=False),
        sa.Column("recorded_by", _text(64), nullable=False),
        sa.Column("submitted_on", sa.Date(), nullable=False),
        sa.Column("file_name", _text(255), nullable=False),
        sa.Column("file_path", _text(512), nullable=False),
        sa.Column("file_sha256", _text(64), nullable=False),
        sa.Column("pages", sa.Integer(), nullable=False),
        sa.Column("note", _text(1024), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["cycle_id"], ["cycle.id"]),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("cycle_id", "person_id", "version"),
    )
    op.create_index(op.f("ix_annualreport_cycle_id"), "annualreport", ["cycle_id"])
    op.create_index(op.f("ix_annualreport_person_id"), "annualreport", ["person_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_annualreport_person_id"), table_name="annualreport")
    op.drop_index(op.f("ix_annualreport_cycle_id"), table_name="annualreport")
    op.drop_table("annualreport")
