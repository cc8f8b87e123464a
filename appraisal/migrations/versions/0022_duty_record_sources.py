"""duty record sources: who recorded a 履职记录 and when, how it came in (imported, recorded by
the organising department, claimed by the member), and a proposal's count of co-signers

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-06 02:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SOURCES = ("导入", "登记", "本人申报")


def upgrade() -> None:
    with op.batch_alter_table("dutyrecord", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cosigners", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "source",
                sa.Enum(
                    *SOURCES,
                    name="dutysource",
                    native_enum=False,
                    length=8,
                    create_constraint=False,
                ),
                nullable=False,
                server_default="导入",
            )
        )
        batch_op.add_column(
            sa.Column(
                "recorded_by",
                sqlmodel.sql.sqltypes.AutoString(length=64),
                nullable=False,
                server_default="",
            )
        )
        batch_op.add_column(sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("dutyrecord", schema=None) as batch_op:
        batch_op.drop_column("recorded_at")
        batch_op.drop_column("recorded_by")
        batch_op.drop_column("source")
        batch_op.drop_column("cosigners")
