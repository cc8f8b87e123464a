"""ballot sheet counts: 民主测评票 sheets listing people, counted and read back

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-05 21:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _text(length: int) -> sqlmodel.sql.sqltypes.AutoString:
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def upgrade() -> None:
    with op.batch_alter_table("ballottally") as batch:
        batch.add_column(sa.Column("sheet_id", _text(64), nullable=True))
    op.create_table(
        "ballotsheetcount",
        sa.Column("document_id", _text(64), nullable=False),
        sa.Column("cycle_id", sa.Integer(), nullable=False),
        sa.Column("issued", sa.Integer(), nullable=True),
        sa.Column("returned", sa.Integer(), nullable=True),
        sa.Column("waived", _text(1024), nullable=False),
        sa.Column("entered_by", _text(64), nullable=False),
        sa.Column("entered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["cycle_id"], ["cycle.id"]),
        sa.ForeignKeyConstraint(["document_id"], ["document.id"]),
        sa.PrimaryKeyConstraint("document_id"),
    )
    op.create_index(
        op.f("ix_ballotsheetcount_cycle_id"), "ballotsheetcount", ["cycle_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_ballotsheetcount_cycle_id"), table_name="ballotsheetcount")
    op.drop_table("ballotsheetcount")
    with op.batch_alter_table("ballottally") as batch:
        batch.drop_column("sheet_id")
