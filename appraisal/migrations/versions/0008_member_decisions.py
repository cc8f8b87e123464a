"""staff decisions for people the engine cannot grade (暂缓评定, 免评)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("cyclemember", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "decision",
                sa.Enum("暂缓评定", "免评", name="decision", native_enum=False, length=8,
                        create_constraint=False),
                nullable=True,
            )
        )  # fmt: skip
        batch_op.add_column(
            sa.Column(
                "decision_reason",
                sqlmodel.sql.sqltypes.AutoString(length=1024),
                nullable=False,
                server_default="",
            )
        )
        batch_op.add_column(
            sa.Column(
                "decided_by",
                sqlmodel.sql.sqltypes.AutoString(length=64),
                nullable=False,
                server_default="",
            )
        )
        batch_op.add_column(sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    # Dropped in place: copying a table other rows refer to breaks their foreign keys on SQLite.
    with op.batch_alter_table("cyclemember", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("decided_at")
        batch_op.drop_column("decided_by")
        batch_op.drop_column("decision_reason")
        batch_op.drop_column("decision")
