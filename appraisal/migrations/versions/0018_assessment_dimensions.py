"""assessment dimensions: 组织考核 rated per dimension with written 考核材料; the total optional

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 01:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DIMENSIONS = ("political", "thinking", "duty", "integrity")


def upgrade() -> None:
    # Batch mode: SQLite alters a column's nullability only by copying the table.
    with op.batch_alter_table("assessmentscore", schema=None) as batch_op:
        batch_op.alter_column("score", existing_type=sa.Float(), nullable=True)
        for name in DIMENSIONS:
            batch_op.add_column(sa.Column(name, sa.Float(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "material",
                sqlmodel.sql.sqltypes.AutoString(length=4000),
                nullable=False,
                server_default="",
            )
        )


def downgrade() -> None:
    # Rows rated by dimension only have no total to keep: they go with the columns.
    op.execute("DELETE FROM assessmentscore WHERE score IS NULL")
    with op.batch_alter_table("assessmentscore", schema=None) as batch_op:
        batch_op.drop_column("material")
        for name in reversed(DIMENSIONS):
            batch_op.drop_column(name)
        batch_op.alter_column("score", existing_type=sa.Float(), nullable=False)
